//! One request the fake Bot API received, and what a test reads of it.

use std::time::Duration;

use serde_json::Value;

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The Bot API method, such as `sendMessage`.
    pub method: String,
    /// The token in the URL path (`bot<token>`), without `bot`.
    pub token: String,
    /// `chat_id`, when the request has one.
    pub chat_id: Option<i64>,
    /// `text`, when the request has one.
    pub text: Option<String>,
    /// `reply_markup`, when the request has one.
    pub reply_markup: Option<Value>,
    /// The message the request made or changed (sends and edits).
    pub message_id: Option<i64>,
    /// The whole JSON body (of an upload's multipart body: `chat_id`,
    /// `caption`, `reply_markup`, the file's `file_name` and the form
    /// field it came in, `file_field`).
    pub body: Value,
    /// The bytes of the file an upload (`sendDocument`, `sendPhoto`) carried.
    pub file: Option<Vec<u8>>,
    /// When it arrived, since the fake started.
    pub at: Duration,
    /// The HTTP status the fake answered with.
    pub status: u16,
}

impl Recorded {
    /// The callback data of every button of the inline keyboard, row by row.
    pub fn buttons(&self) -> Vec<String> {
        self.of_every_button("callback_data")
    }

    /// The data of the first button whose data, without the time it was
    /// sent, starts with `prefix`.
    pub fn button(&self, prefix: &str) -> Option<String> {
        self.buttons()
            .into_iter()
            .find(|d| unstamped(d).starts_with(prefix))
    }

    /// The labels of every button, row by row.
    pub fn labels(&self) -> Vec<String> {
        self.of_every_button("text")
    }

    /// The string `field` of every button of the inline keyboard, row by row.
    fn of_every_button(&self, field: &str) -> Vec<String> {
        self.reply_markup
            .as_ref()
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .filter_map(|b| b.get(field).and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The text, or empty.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }

    /// Whether this request put a message in `chat` (sent or edited it).
    pub fn is_message_to(&self, chat: i64) -> bool {
        self.is_message() && self.chat_id == Some(chat)
    }

    /// Whether this request put a message in a chat (sent or edited it).
    pub fn is_message(&self) -> bool {
        self.status == 200 && is_message_method(&self.method)
    }

    /// The picture a `sendPhoto` uploaded, as its bytes.
    pub fn photo(&self) -> Option<&[u8]> {
        (self.method == "sendPhoto")
            .then_some(self.file.as_deref())
            .flatten()
    }

    /// What a person sees of the message: its text, or for a document or
    /// a picture without a caption its file name.
    pub fn content(&self) -> String {
        match (
            &self.text,
            self.body.get("file_name").and_then(Value::as_str),
        ) {
            (Some(text), _) => text.clone(),
            (None, Some(file)) => format!("file {file}"),
            (None, None) => String::new(),
        }
    }
}

/// The methods that put a message in a chat.
pub(super) fn is_message_method(method: &str) -> bool {
    matches!(
        method,
        "sendMessage" | "editMessageText" | "sendDocument" | "sendPhoto"
    )
}

/// Button data as a version 1 button would carry it: the bot stamps the
/// time a button was sent (`2:<minute>:ok`), which a test looking for
/// `1:ok` does not care about.
pub(crate) fn unstamped(data: &str) -> String {
    match data
        .strip_prefix("2:")
        .and_then(|rest| rest.split_once(':'))
    {
        Some((_, body)) => format!("1:{body}"),
        None => data.to_owned(),
    }
}
