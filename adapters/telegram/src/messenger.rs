//! [`TelegramMessenger`]: the `Messenger` port on Telegram. Screens are
//! rendered with the translator into plain text, an inline keyboard and
//! maybe a chart's picture, and go out through the one [`Sender`].

use std::sync::Arc;

use async_trait::async_trait;
use frankenstein::types::{
    BotCommand, BotCommandScope, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup,
};
use meetbot_domain::{Language, UserId};
use meetbot_i18n::{RenderedButton, RenderedScreen, Translator};
use meetbot_ports::{Attachment, MenuCommand, MessageRef, Messenger, MessengerError, Screen};
use meetbot_usecases::callback::MAX_BYTES;

use crate::api::{BotApi, CallError};
use crate::sender::Sender;

/// Telegram's limit on a message's text, in UTF-16 code units.
pub const MAX_MESSAGE_UNITS: usize = 4096;

/// Telegram's limit on the caption of a file or a picture, in UTF-16 code units.
pub const MAX_CAPTION_UNITS: usize = 1024;

/// Sends and edits screens in Telegram chats.
#[derive(Debug, Clone)]
pub struct TelegramMessenger {
    api: BotApi,
    sender: Arc<Sender>,
    translator: Arc<Translator>,
}

impl TelegramMessenger {
    /// A messenger writing through `api`, paced by `sender`.
    pub fn new(api: BotApi, sender: Arc<Sender>, translator: Arc<Translator>) -> Self {
        Self {
            api,
            sender,
            translator,
        }
    }

    /// A screen in a language. A chart is drawn on a blocking thread: it
    /// takes milliseconds, and the runtime's one thread serves everybody.
    async fn render(
        &self,
        language: Language,
        screen: &Screen,
    ) -> Result<RenderedScreen, MessengerError> {
        if screen.chart.is_none() {
            return Ok(self.translator.screen(language, screen));
        }
        let (translator, screen) = (self.translator.clone(), screen.clone());
        tokio::task::spawn_blocking(move || translator.screen(language, &screen))
            .await
            .map_err(|e| MessengerError::Unexpected(format!("drawing a chart failed: {e}")))
    }

    /// Sets the command menu everybody sees before a per-person menu is set:
    /// the guest commands, in each language (Russian also for clients in
    /// other languages, as the bot's first language).
    pub async fn set_default_menu(&self, commands: &[MenuCommand]) -> Result<(), MessengerError> {
        for (language, code) in [
            (Language::Ru, None),
            (Language::Ru, Some("ru")),
            (Language::En, Some("en")),
        ] {
            let rendered = self.commands(language, commands);
            self.sender
                .call(|| {
                    self.api
                        .set_my_commands(rendered.clone(), BotCommandScope::Default, code)
                })
                .await
                .map_err(into_messenger_error)?;
        }
        Ok(())
    }

    fn commands(&self, language: Language, commands: &[MenuCommand]) -> Vec<BotCommand> {
        commands
            .iter()
            .map(|c| BotCommand {
                command: c.name.clone(),
                description: self.translator.text(language, &c.description),
                is_ephemeral: None,
            })
            .collect()
    }

    /// Sends `chunks` as new messages, the buttons under the last part,
    /// where the reader ends up; returns the last message's id (0 when
    /// there is none).
    async fn send_chunks(
        &self,
        chat: i64,
        chunks: &[String],
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, MessengerError> {
        let mut last = 0;
        for (i, chunk) in chunks.iter().enumerate() {
            let buttons = if i + 1 == chunks.len() {
                keyboard
            } else {
                None
            };
            last = self
                .sender
                .send(chat, || self.api.send_message(chat, chunk, buttons))
                .await
                .map_err(into_messenger_error)?;
        }
        Ok(last)
    }

    /// Sends the picture, then the file, after the message they belong to.
    async fn send_extras(&self, chat: i64, rendered: &RenderedScreen) {
        if let Some(picture) = &rendered.picture {
            self.send_picture(chat, picture).await;
        }
        if let Some(attachment) = &rendered.attachment {
            self.send_attachment(chat, attachment).await;
        }
    }

    /// Sends a picture after the message it belongs to. A failed picture
    /// does not undo the delivered message, so it is logged here, not
    /// returned.
    async fn send_picture(&self, chat: i64, picture: &[u8]) {
        if let Err(error) = self
            .sender
            .send(chat, || self.api.send_photo(chat, picture, None, None))
            .await
        {
            tracing::warn!(chat, %error, "a chart was not delivered");
        }
    }

    /// Sends the file after the message it belongs to. A failed file does
    /// not undo the delivered message, so it is logged here, not returned.
    async fn send_attachment(&self, chat: i64, attachment: &Attachment) {
        if let Err(error) = self
            .sender
            .send(chat, || {
                self.api.send_document(chat, attachment, None, None)
            })
            .await
        {
            tracing::warn!(chat, file = %attachment.file_name, %error, "a file was not delivered");
        }
    }
}

#[async_trait]
impl Messenger for TelegramMessenger {
    async fn send(
        &self,
        to: UserId,
        language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError> {
        let mut rendered = self.render(language, screen).await?;
        let keyboard = keyboard(std::mem::take(&mut rendered.buttons))?;
        // A picture or a file with a short text is one message: the text
        // as its caption, the buttons under it.
        if units(&rendered.text) <= MAX_CAPTION_UNITS {
            let caption = (!rendered.text.trim().is_empty()).then_some(rendered.text.as_str());
            if let Some(picture) = &rendered.picture {
                let message_id = self
                    .sender
                    .send(to.0, || {
                        self.api
                            .send_photo(to.0, picture, caption, keyboard.as_ref())
                    })
                    .await
                    .map_err(into_messenger_error)?;
                // A file beside a picture follows it.
                if let Some(attachment) = &rendered.attachment {
                    self.send_attachment(to.0, attachment).await;
                }
                return Ok(MessageRef {
                    chat: to,
                    message_id,
                });
            }
            if let Some(attachment) = &rendered.attachment {
                let message_id = self
                    .sender
                    .send(to.0, || {
                        self.api
                            .send_document(to.0, attachment, caption, keyboard.as_ref())
                    })
                    .await
                    .map_err(into_messenger_error)?;
                return Ok(MessageRef {
                    chat: to,
                    message_id,
                });
            }
        }
        let last = self
            .send_chunks(to.0, &split(&rendered.text), keyboard.as_ref())
            .await?;
        self.send_extras(to.0, &rendered).await;
        Ok(MessageRef {
            chat: to,
            message_id: last,
        })
    }

    async fn edit(
        &self,
        message: MessageRef,
        language: Language,
        screen: &Screen,
    ) -> Result<(), MessengerError> {
        let mut rendered = self.render(language, screen).await?;
        let keyboard = keyboard(std::mem::take(&mut rendered.buttons))?;
        let chunks = split(&rendered.text);
        let chat = message.chat.0;
        let Some((first, rest)) = chunks.split_first() else {
            return Ok(());
        };
        let first_buttons = if rest.is_empty() {
            keyboard.as_ref()
        } else {
            None
        };
        let edited = self
            .sender
            .send(chat, || {
                self.api
                    .edit_message_text(chat, message.message_id, first, first_buttons)
            })
            .await;
        match edited {
            // Pressing a button that shows the same screen again is normal.
            Ok(()) | Err(CallError::NotModified) => {}
            Err(error) => return Err(into_messenger_error(error)),
        }
        // A screen too long for one message continues in new ones. A
        // message's text cannot become a picture, so a picture follows it.
        self.send_chunks(chat, rest, keyboard.as_ref()).await?;
        self.send_extras(chat, &rendered).await;
        Ok(())
    }

    async fn set_menu(
        &self,
        to: UserId,
        language: Language,
        commands: &[MenuCommand],
    ) -> Result<(), MessengerError> {
        let rendered = self.commands(language, commands);
        // Scoped to the chat without a language code: the person picked
        // their language in the bot (/lang), which need not be their Telegram
        // client's, and a language-coded chat scope would be skipped by a
        // client in another language.
        let scope = BotCommandScope::Chat(BotCommandScopeChat {
            chat_id: to.0.into(),
        });
        self.sender
            .call(|| {
                self.api
                    .set_my_commands(rendered.clone(), scope.clone(), None)
            })
            .await
            .map_err(into_messenger_error)
    }
}

fn into_messenger_error(error: CallError) -> MessengerError {
    match error {
        CallError::RateLimited(seconds) => MessengerError::RateLimited(seconds),
        CallError::Transient(reason) => MessengerError::Unavailable(reason),
        CallError::Unreachable(_) => MessengerError::Unreachable,
        other => MessengerError::Unexpected(other.to_string()),
    }
}

/// The inline keyboard of rendered buttons; `None` without buttons. Button
/// data is checked here, at the edge, because Telegram rejects the whole
/// message for one bad button. The buttons' labels and data move into the
/// keyboard rather than being copied: a month picker has some fifty.
pub fn keyboard(
    rows: Vec<Vec<RenderedButton>>,
) -> Result<Option<InlineKeyboardMarkup>, MessengerError> {
    let mut keyboard = Vec::with_capacity(rows.len());
    for row in rows.into_iter().filter(|row| !row.is_empty()) {
        let mut buttons = Vec::with_capacity(row.len());
        for button in row {
            if button.data.is_empty() || button.data.len() > MAX_BYTES || !button.data.is_ascii() {
                tracing::error!(data = %button.data, "a button's data is not 1..=64 ASCII bytes");
                return Err(MessengerError::Unexpected(format!(
                    "callback data {:?} is not 1..={MAX_BYTES} ASCII bytes",
                    button.data
                )));
            }
            buttons.push(
                InlineKeyboardButton::builder()
                    .text(button.label)
                    .callback_data(button.data)
                    .build(),
            );
        }
        keyboard.push(buttons);
    }
    Ok((!keyboard.is_empty()).then_some(InlineKeyboardMarkup {
        inline_keyboard: keyboard,
        force_reply: None,
    }))
}

/// Splits a text into messages of at most [`MAX_MESSAGE_UNITS`] UTF-16 code
/// units (Telegram's measure), at paragraph or line ends where possible.
/// Never empty: an empty text becomes one placeholder, as Telegram refuses
/// empty messages.
pub fn split(text: &str) -> Vec<String> {
    split_at(text, MAX_MESSAGE_UNITS)
}

fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

fn split_at(text: &str, max: usize) -> Vec<String> {
    let text = text.trim_end();
    if text.trim().is_empty() {
        return vec!["…".to_owned()];
    }
    // A character takes at least as many UTF-8 bytes as UTF-16 units: a
    // text this short is one message, without counting.
    if text.len() <= max {
        return vec![text.to_owned()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_units = 0;
    for line in text.split_inclusive('\n') {
        let line_units = units(line);
        if current_units + line_units <= max {
            current.push_str(line);
            current_units += line_units;
            continue;
        }
        if !current.is_empty() {
            parts.push(std::mem::take(&mut current));
            current_units = 0;
        }
        if line_units <= max {
            current.push_str(line);
            current_units = line_units;
            continue;
        }
        // A single line longer than a message: cut it by characters.
        for c in line.chars() {
            if current_units + c.len_utf16() > max {
                parts.push(std::mem::take(&mut current));
                current_units = 0;
            }
            current.push(c);
            current_units += c.len_utf16();
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
        .into_iter()
        .map(|p| p.trim_end().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_one_message() {
        assert_eq!(split("Привет\n\nмир"), vec!["Привет\n\nмир".to_owned()]);
    }

    #[test]
    fn a_long_text_is_split_at_line_ends_within_the_limit() {
        let line = "ж".repeat(99) + "\n";
        let text = line.repeat(100);

        let parts = split(&text);

        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| units(p) <= MAX_MESSAGE_UNITS));
        assert_eq!(parts.concat().replace('\n', ""), text.replace('\n', ""));
    }

    #[test]
    fn one_overlong_line_is_cut_and_emoji_count_double() {
        let text = "🟢".repeat(3000);

        let parts = split(&text);

        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| units(p) <= MAX_MESSAGE_UNITS));
        assert_eq!(parts.concat(), text);
    }

    #[test]
    fn an_empty_text_becomes_a_placeholder() {
        assert_eq!(split("  \n"), vec!["…".to_owned()]);
    }

    #[test]
    fn buttons_become_an_inline_keyboard_with_their_data() {
        let rows = vec![
            vec![RenderedButton {
                label: "Да".into(),
                data: "1:ok".into(),
            }],
            vec![],
        ];

        let markup = keyboard(rows).unwrap().unwrap();

        assert_eq!(markup.inline_keyboard.len(), 1);
        assert_eq!(
            markup.inline_keyboard[0][0].callback_data.as_deref(),
            Some("1:ok")
        );
        assert!(keyboard(Vec::new()).unwrap().is_none());
    }

    #[test]
    fn overlong_or_cyrillic_button_data_is_refused() {
        for data in ["x".repeat(65), "1:да".to_owned(), String::new()] {
            let rows = vec![vec![RenderedButton {
                label: "x".into(),
                data,
            }]];

            assert!(matches!(keyboard(rows), Err(MessengerError::Unexpected(_))));
        }
    }
}
