//! The Bot API client: frankenstein's async client over our own reqwest
//! client, with every failure sorted into what the caller can do about it.
//!
//! The token is part of every request URL (`<api_url>/bot<token>/<method>`),
//! so nothing here ever formats, logs or `Debug`-prints a URL: frankenstein
//! strips the URL from reqwest's errors, our own multipart call does the
//! same, and [`BotApi`]'s `Debug` shows no field.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use frankenstein::AsyncTelegramApi as _;
use frankenstein::client_reqwest::Bot;
use frankenstein::methods::{
    AnswerCallbackQueryParams, DeleteWebhookParams, EditMessageTextParams, GetFileParams,
    GetUpdatesParams, SendMessageParams, SetMyCommandsParams, SetWebhookParams,
};
use frankenstein::response::{ErrorResponse, MethodResponse};
use frankenstein::types::{
    AllowedUpdate, BotCommand, BotCommandScope, InlineKeyboardMarkup, Message, ReplyMarkup, User,
};
use frankenstein::updates::WebhookInfo;
use meetbot_ports::Attachment;
use secrecy::{ExposeSecret as _, SecretString};

use crate::TelegramError;

/// How long Telegram may hold a `getUpdates` call open when there is nothing new.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

/// The HTTP client's own limit: well above [`POLL_TIMEOUT`], so a quiet long
/// poll is never cut off by our side.
const HTTP_TIMEOUT: Duration = Duration::from_secs(POLL_TIMEOUT.as_secs() + 20);

/// Every call but `getUpdates` must finish within this; a hung connection
/// then counts as a passing failure and is retried.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// Counts a Bot API call by method and outcome
/// (`meetbot_telegram_calls_total`), and a 429 apart
/// (`meetbot_telegram_rate_limited_total`).
fn count_call<T>(method: &'static str, result: &Result<T, CallError>) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(CallError::RateLimited(_)) => {
            metrics::counter!("meetbot_telegram_rate_limited_total", "method" => method)
                .increment(1);
            "rate_limited"
        }
        Err(CallError::Transient(_)) => "unavailable",
        Err(CallError::Unreachable(_)) => "unreachable",
        Err(CallError::NotModified) => "not_modified",
        Err(CallError::Refused { .. } | CallError::Unexpected(_)) => "refused",
    };
    metrics::counter!("meetbot_telegram_calls_total", "method" => method, "outcome" => outcome)
        .increment(1);
}

/// The largest file the Bot API lets a bot download.
pub const MAX_DOWNLOAD_BYTES: usize = 20 * 1024 * 1024;

/// How one Bot API call failed, sorted by what the caller should do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// 429: wait this many seconds before writing to that chat again.
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    /// A network failure, a timeout or a 5xx: worth retrying.
    #[error("transport unavailable: {0}")]
    Transient(String),
    /// 403 (blocked, deactivated) or an unknown chat: retrying is useless.
    #[error("the chat cannot be reached: {0}")]
    Unreachable(String),
    /// An edit to the content the message already has.
    #[error("message is not modified")]
    NotModified,
    /// Any other refusal of the Bot API.
    #[error("the Bot API refused: {code} {description}")]
    Refused {
        /// Telegram's `error_code`.
        code: u64,
        /// Telegram's `description`.
        description: String,
    },
    /// Anything else (an answer we cannot read, a bad request we built).
    #[error("unexpected Bot API failure: {0}")]
    Unexpected(String),
}

/// The Bot API at a base URL, with a token. Cheap to clone.
#[derive(Clone)]
pub struct BotApi {
    bot: Bot,
    /// `<api_url>/bot<token>`, for the calls frankenstein cannot make
    /// from memory (file uploads from bytes).
    base: Arc<SecretString>,
    /// `<api_url>/file/bot<token>`, where files sent to the bot are
    /// downloaded from.
    files: Arc<SecretString>,
    last_success: Arc<AtomicI64>,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL holds the token: nothing of it is shown.
        f.write_str("BotApi { .. }")
    }
}

impl BotApi {
    /// A client for the Bot API at `api_url` (such as
    /// `https://api.telegram.org`) with `token`.
    pub fn new(api_url: &str, token: &SecretString) -> Result<Self, TelegramError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|error| TelegramError::Client(error.without_url().to_string()))?;
        let base = format!(
            "{}/bot{}",
            api_url.trim_end_matches('/'),
            token.expose_secret()
        );
        let files = format!(
            "{}/file/bot{}",
            api_url.trim_end_matches('/'),
            token.expose_secret()
        );
        let bot = Bot::builder().api_url(base.clone()).client(client).build();
        Ok(Self {
            bot,
            base: Arc::new(SecretString::from(base)),
            files: Arc::new(SecretString::from(files)),
            last_success: Arc::new(AtomicI64::new(0)),
        })
    }

    /// When a Bot API call last succeeded (for `/health`), `None` before the first.
    pub fn last_success(&self) -> Option<DateTime<Utc>> {
        match self.last_success.load(Ordering::Relaxed) {
            0 => None,
            millis => DateTime::from_timestamp_millis(millis),
        }
    }

    fn succeeded(&self) {
        // Monitoring only, so the wall clock is fine here; the core's time
        // still comes from the Clock port.
        self.last_success
            .store(Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    /// Runs one call of `method` within `limit`, sorting its failure and
    /// counting its outcome.
    async fn call<T>(
        &self,
        method: &'static str,
        limit: Duration,
        call: impl Future<Output = Result<T, frankenstein::Error>>,
    ) -> Result<T, CallError> {
        let result = self.sorted(limit, call).await;
        count_call(method, &result);
        result
    }

    async fn sorted<T>(
        &self,
        limit: Duration,
        call: impl Future<Output = Result<T, frankenstein::Error>>,
    ) -> Result<T, CallError> {
        match tokio::time::timeout(limit, call).await {
            Ok(Ok(value)) => {
                self.succeeded();
                Ok(value)
            }
            Ok(Err(error)) => {
                let error = classify(error);
                if matches!(error, CallError::NotModified) {
                    // Telegram answered, so the API is reachable.
                    self.succeeded();
                }
                Err(error)
            }
            Err(_) => Err(CallError::Transient("the call timed out".to_owned())),
        }
    }

    /// `getUpdates` from `offset`, each update as raw JSON so that one of a
    /// kind frankenstein cannot read never blocks the ones after it.
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
    ) -> Result<Vec<serde_json::Value>, CallError> {
        let params = GetUpdatesParams::builder()
            .maybe_offset(offset)
            .limit(100)
            .timeout(u32::try_from(POLL_TIMEOUT.as_secs()).unwrap_or(25))
            .allowed_updates(allowed_updates())
            .build();
        let response: MethodResponse<Vec<serde_json::Value>> = self
            .call(
                "getUpdates",
                HTTP_TIMEOUT,
                self.bot.request("getUpdates", Some(&params)),
            )
            .await?;
        Ok(response.result)
    }

    /// `sendMessage` with plain text; returns the new message's id.
    pub async fn send_message(
        &self,
        chat: i64,
        text: &str,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, CallError> {
        let params = SendMessageParams::builder()
            .chat_id(chat)
            .text(text)
            .maybe_reply_markup(keyboard.cloned().map(ReplyMarkup::InlineKeyboardMarkup))
            .build();
        let response = self
            .call("sendMessage", CALL_TIMEOUT, self.bot.send_message(&params))
            .await?;
        Ok(i64::from(response.result.message_id))
    }

    /// `editMessageText` with plain text and the keyboard (none removes it).
    pub async fn edit_message_text(
        &self,
        chat: i64,
        message_id: i64,
        text: &str,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<(), CallError> {
        let message_id = i32::try_from(message_id)
            .map_err(|_| CallError::Unexpected(format!("message id {message_id} out of range")))?;
        let params = EditMessageTextParams::builder()
            .chat_id(chat)
            .message_id(message_id)
            .text(text)
            .maybe_reply_markup(keyboard.cloned())
            .build();
        self.call(
            "editMessageText",
            CALL_TIMEOUT,
            self.bot.edit_message_text(&params),
        )
        .await?;
        Ok(())
    }

    /// `sendDocument` with the file's bytes, uploaded as multipart form
    /// data, with an optional caption and keyboard.
    pub async fn send_document(
        &self,
        chat: i64,
        file: &Attachment,
        caption: Option<&str>,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, CallError> {
        let upload = Upload {
            method: "sendDocument",
            field: "document",
            file_name: &file.file_name,
            mime: &file.mime,
            bytes: &file.bytes,
        };
        self.upload(chat, upload, caption, keyboard).await
    }

    /// `sendPhoto` with a PNG picture (a chart), uploaded as multipart form
    /// data, with an optional caption and keyboard.
    pub async fn send_photo(
        &self,
        chat: i64,
        png: &[u8],
        caption: Option<&str>,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, CallError> {
        let upload = Upload {
            method: "sendPhoto",
            field: "photo",
            file_name: "chart.png",
            mime: "image/png",
            bytes: png,
        };
        self.upload(chat, upload, caption, keyboard).await
    }

    /// Sends a file from memory, which frankenstein cannot (it uploads
    /// from paths): our own multipart request, answered like any call.
    async fn upload(
        &self,
        chat: i64,
        upload: Upload<'_>,
        caption: Option<&str>,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, CallError> {
        let method = upload.method;
        let result = self.sent_file(chat, upload, caption, keyboard).await;
        count_call(method, &result);
        result
    }

    async fn sent_file(
        &self,
        chat: i64,
        upload: Upload<'_>,
        caption: Option<&str>,
        keyboard: Option<&InlineKeyboardMarkup>,
    ) -> Result<i64, CallError> {
        let part = reqwest::multipart::Part::bytes(upload.bytes.to_vec())
            .file_name(upload.file_name.to_owned())
            .mime_str(upload.mime)
            .map_err(|_| CallError::Unexpected(format!("bad MIME type {:?}", upload.mime)))?;
        let mut form = reqwest::multipart::Form::new()
            .text("chat_id", chat.to_string())
            .part(upload.field, part);
        if let Some(caption) = caption {
            form = form.text("caption", caption.to_owned());
        }
        if let Some(keyboard) = keyboard {
            let markup = serde_json::to_string(keyboard)
                .map_err(|error| CallError::Unexpected(error.to_string()))?;
            form = form.text("reply_markup", markup);
        }
        let url = format!("{}/{}", self.base.expose_secret(), upload.method);
        let (body, _) = self
            .answer(self.bot.client.post(url).multipart(form))
            .await?;
        let message: MethodResponse<Message> = serde_json::from_str(&body).map_err(|_| {
            CallError::Unexpected(format!("an unreadable {} answer", upload.method))
        })?;
        Ok(i64::from(message.result.message_id))
    }

    /// Sends a request we built ourselves (frankenstein uploads only from
    /// paths and does not show an answer's headers) within the call
    /// timeout: the body of a successful answer and its `Date` header, or
    /// the failure sorted as for any call.
    async fn answer(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(String, Option<DateTime<Utc>>), CallError> {
        let call = async move {
            let response = request.send().await?;
            let ok = response.status().is_success();
            let date = response
                .headers()
                .get(reqwest::header::DATE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
                .map(|d| d.with_timezone(&Utc));
            let body = response.text().await?;
            Ok::<_, reqwest::Error>((ok, body, date))
        };
        let (ok, body, date) = match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(answer)) => answer,
            // Without the URL: it holds the token.
            Ok(Err(error)) => return Err(classify_http(&error.without_url())),
            Err(_) => return Err(CallError::Transient("the call timed out".to_owned())),
        };
        if !ok {
            return match serde_json::from_str::<ErrorResponse>(&body) {
                Ok(refusal) => Err(classify_refusal(refusal)),
                Err(_) => Err(CallError::Transient(
                    "an answer that is not the Bot API's".into(),
                )),
            };
        }
        self.succeeded();
        Ok((body, date))
    }

    /// A file sent to the bot (a voice message), by its `file_id`:
    /// `getFile` for its path, then the file itself from the file URL.
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, CallError> {
        let params = GetFileParams::builder().file_id(file_id).build();
        let file = self
            .call("getFile", CALL_TIMEOUT, self.bot.get_file(&params))
            .await?
            .result;
        let Some(path) = file.file_path else {
            return Err(CallError::Unexpected("getFile gave no file path".into()));
        };
        if file
            .file_size
            .is_some_and(|size| size > MAX_DOWNLOAD_BYTES as u64)
        {
            return Err(CallError::Unexpected(
                "the file is too big to download".into(),
            ));
        }
        let url = format!("{}/{path}", self.files.expose_secret());
        let request = self.bot.client.get(url);
        let call = async move {
            let response = request.send().await?.error_for_status()?;
            response.bytes().await
        };
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(bytes)) if bytes.len() <= MAX_DOWNLOAD_BYTES => Ok(bytes.to_vec()),
            Ok(Ok(_)) => Err(CallError::Unexpected(
                "the file is too big to download".into(),
            )),
            // Without the URL: it holds the token.
            Ok(Err(error)) => Err(classify_http(&error.without_url())),
            Err(_) => Err(CallError::Transient("the download timed out".to_owned())),
        }
    }

    /// `answerCallbackQuery`: stops the button's spinner, and shows `toast`
    /// for a moment when given.
    pub async fn answer_callback_query(
        &self,
        id: &str,
        toast: Option<&str>,
    ) -> Result<(), CallError> {
        let params = AnswerCallbackQueryParams::builder()
            .callback_query_id(id)
            .maybe_text(toast)
            .build();
        self.call(
            "answerCallbackQuery",
            CALL_TIMEOUT,
            self.bot.answer_callback_query(&params),
        )
        .await?;
        Ok(())
    }

    /// `setMyCommands` for a scope and, optionally, a language.
    pub async fn set_my_commands(
        &self,
        commands: Vec<BotCommand>,
        scope: BotCommandScope,
        language_code: Option<&str>,
    ) -> Result<(), CallError> {
        let params = SetMyCommandsParams::builder()
            .commands(commands)
            .scope(scope)
            .maybe_language_code(language_code.map(str::to_owned))
            .build();
        self.call(
            "setMyCommands",
            CALL_TIMEOUT,
            self.bot.set_my_commands(&params),
        )
        .await?;
        Ok(())
    }

    /// `setWebhook` to `url`, with the secret Telegram will send back in the
    /// `X-Telegram-Bot-Api-Secret-Token` header.
    pub async fn set_webhook(&self, url: &str, secret: &SecretString) -> Result<(), CallError> {
        let params = SetWebhookParams::builder()
            .url(url)
            .secret_token(secret.expose_secret())
            .allowed_updates(allowed_updates())
            .build();
        self.call("setWebhook", CALL_TIMEOUT, self.bot.set_webhook(&params))
            .await?;
        Ok(())
    }

    /// `getMe`: who the token belongs to, and the time on Telegram's
    /// clock (its `Date` header), for `doctor`. A refused token is
    /// [`CallError::Refused`] with code 401.
    pub async fn get_me(&self) -> Result<BotIdentity, CallError> {
        let (body, date) = self.read_only_call("getMe").await?;
        let me: MethodResponse<User> = serde_json::from_str(&body)
            .map_err(|_| CallError::Unexpected("an unreadable getMe answer".to_owned()))?;
        Ok(BotIdentity {
            username: me.result.username.unwrap_or_default(),
            telegram_time: date,
        })
    }

    /// `getWebhookInfo`: where Telegram delivers updates and how that goes,
    /// for `doctor`.
    pub async fn get_webhook_info(&self) -> Result<WebhookState, CallError> {
        let (body, _) = self.read_only_call("getWebhookInfo").await?;
        let info: MethodResponse<WebhookInfo> = serde_json::from_str(&body)
            .map_err(|_| CallError::Unexpected("an unreadable getWebhookInfo answer".to_owned()))?;
        let info = info.result;
        Ok(WebhookState {
            url: info.url,
            pending_update_count: info.pending_update_count,
            last_error_message: info.last_error_message,
            last_error_date: info
                .last_error_date
                .and_then(|s| i64::try_from(s).ok())
                .and_then(|s| DateTime::from_timestamp(s, 0)),
        })
    }

    /// A call without parameters, made with our own request so that the
    /// answer's `Date` header can be read, and counted as any call.
    async fn read_only_call(
        &self,
        method: &'static str,
    ) -> Result<(String, Option<DateTime<Utc>>), CallError> {
        let url = format!("{}/{method}", self.base.expose_secret());
        let result = self.answer(self.bot.client.post(url)).await;
        count_call(method, &result);
        result
    }

    /// `deleteWebhook`, keeping pending updates for `getUpdates`.
    pub async fn delete_webhook(&self) -> Result<(), CallError> {
        let params = DeleteWebhookParams::builder()
            .drop_pending_updates(false)
            .build();
        self.call(
            "deleteWebhook",
            CALL_TIMEOUT,
            self.bot.delete_webhook(&params),
        )
        .await?;
        Ok(())
    }
}

/// Who a token belongs to, and Telegram's time when it said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    /// The bot's user name, without `@`.
    pub username: String,
    /// The `Date` header of the answer, when there was one.
    pub telegram_time: Option<DateTime<Utc>>,
}

/// What `getWebhookInfo` says about delivery to a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookState {
    /// Where Telegram delivers updates; empty when no webhook is set.
    pub url: String,
    /// Updates waiting to be delivered.
    pub pending_update_count: u32,
    /// Why the last delivery failed, if one did recently.
    pub last_error_message: Option<String>,
    /// When the last delivery failed.
    pub last_error_date: Option<DateTime<Utc>>,
}

/// A file sent from memory: which method and form field carry it, and the
/// file itself.
struct Upload<'a> {
    method: &'static str,
    field: &'static str,
    file_name: &'a str,
    mime: &'a str,
    bytes: &'a [u8],
}

/// The only updates meetbot reads.
fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]
}

fn classify(error: frankenstein::Error) -> CallError {
    match error {
        frankenstein::Error::Api(refusal) => classify_refusal(refusal),
        frankenstein::Error::HttpReqwest(error) => classify_http(&error),
        // A proxy in front of the Bot API answering a 502 with an HTML page
        // is a passing failure; a JSON answer we cannot read is not.
        frankenstein::Error::JsonDecode { input, .. } if !input.trim_start().starts_with('{') => {
            CallError::Transient("an answer that is not the Bot API's".to_owned())
        }
        frankenstein::Error::JsonDecode { .. } => {
            CallError::Unexpected("an unreadable Bot API answer".to_owned())
        }
        other => CallError::Unexpected(other.to_string()),
    }
}

fn classify_http(error: &reqwest::Error) -> CallError {
    if error.is_timeout() || error.is_connect() || error.is_request() || error.is_body() {
        CallError::Transient(error.to_string())
    } else {
        CallError::Unexpected(error.to_string())
    }
}

fn classify_refusal(refusal: ErrorResponse) -> CallError {
    let description = refusal.description;
    let lower = description.to_lowercase();
    match refusal.error_code {
        429 => CallError::RateLimited(
            refusal
                .parameters
                .and_then(|p| p.retry_after)
                .map_or(1, u64::from),
        ),
        500.. => CallError::Transient(format!("{} {description}", refusal.error_code)),
        // "bot was blocked by the user", "user is deactivated", "bot can't
        // initiate conversation": nothing we send will arrive.
        403 => CallError::Unreachable(description),
        400 if lower.contains("message is not modified") => CallError::NotModified,
        400 if lower.contains("chat not found") => CallError::Unreachable(description),
        code => CallError::Refused { code, description },
    }
}

#[cfg(test)]
mod tests {
    use frankenstein::response::ResponseParameters;

    use super::*;

    fn refusal(code: u64, description: &str, retry_after: Option<u16>) -> ErrorResponse {
        ErrorResponse {
            ok: false,
            description: description.to_owned(),
            error_code: code,
            parameters: retry_after.map(|r| ResponseParameters {
                migrate_to_chat_id: None,
                retry_after: Some(r),
            }),
        }
    }

    #[test]
    fn refusals_are_sorted_by_what_the_caller_can_do() {
        assert_eq!(
            classify_refusal(refusal(429, "Too Many Requests: retry after 7", Some(7))),
            CallError::RateLimited(7)
        );
        assert!(matches!(
            classify_refusal(refusal(502, "Bad Gateway", None)),
            CallError::Transient(_)
        ));
        assert!(matches!(
            classify_refusal(refusal(403, "Forbidden: bot was blocked by the user", None)),
            CallError::Unreachable(_)
        ));
        assert!(matches!(
            classify_refusal(refusal(403, "Forbidden: user is deactivated", None)),
            CallError::Unreachable(_)
        ));
        assert_eq!(
            classify_refusal(refusal(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
                None
            )),
            CallError::NotModified
        );
        assert!(matches!(
            classify_refusal(refusal(400, "Bad Request: can't parse entities", None)),
            CallError::Refused { code: 400, .. }
        ));
    }

    #[test]
    fn the_debug_output_never_shows_the_token() {
        let token = SecretString::from("123456789:AAHsecretSECRETsecretSECRET".to_owned());

        let api = BotApi::new("https://api.telegram.org", &token).unwrap();

        assert_eq!(format!("{api:?}"), "BotApi { .. }");
        assert_eq!(api.last_success(), None);
    }
}
