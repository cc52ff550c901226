//! A fake Telegram Bot API on 127.0.0.1, for running the bot offline.
//!
//! It records every request (method, chat, text, keyboard, when it came on
//! tokio's clock, so a test in paused time measures paused time) and serves
//! `getUpdates` from a queue the test fills, long-polling like Telegram (an
//! offset confirms the updates before it). `sendMessage`,
//! `editMessageText`, `sendDocument` and `sendPhoto` answer with a message
//! whose id the fake hands out, so a test can press the buttons of a
//! message it saw; an uploaded file's bytes are kept with its request.
//! A chat can be made to answer 429 with a `retry_after`; all messages can
//! be made to fail for a while (an outage: 502 or 429 to every send and
//! edit while `getUpdates` keeps working) or to be answered slowly.
//! `getUpdates` hands out at most 100 updates at a time, as Telegram does.
//! Delivered messages are counted per chat (and per chat and text) and
//! their pace measured, also across bot processes a test kills and
//! restarts.

#![expect(
    clippy::unwrap_used,
    reason = "test support: a panic reports a broken set-up"
)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;
// tokio's clock, so that a test in paused time records paused time.
use tokio::time::Instant;

mod multipart;
mod recorded;

/// The update id before the first one the fake makes.
const FIRST_UPDATE_ID: i64 = 5000;

pub use recorded::Recorded;
use recorded::{is_message_method, unstamped};

/// How the fake answers messages during an outage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 502 Bad Gateway, as Telegram answers when its back end is down.
    BadGateway,
    /// 429 Too Many Requests with this `retry_after` (seconds).
    TooManyRequests {
        /// The seconds the bot is asked to wait.
        retry_after: u64,
    },
}

/// A person as Telegram describes them in updates.
#[derive(Clone, Debug)]
pub struct Person {
    /// Their Telegram id, also their private chat's id.
    pub id: i64,
    /// Their first name.
    pub first_name: String,
    /// Their interface language, such as `en`.
    pub language_code: String,
}

impl Person {
    /// A person with a private chat of the same id.
    pub fn new(id: i64, first_name: &str, language_code: &str) -> Self {
        Self {
            id,
            first_name: first_name.to_owned(),
            language_code: language_code.to_owned(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "is_bot": false,
            "first_name": self.first_name,
            "language_code": self.language_code,
        })
    }

    fn chat(&self) -> Value {
        json!({ "id": self.id, "type": "private", "first_name": self.first_name })
    }
}

#[derive(Debug, Default)]
struct Inner {
    requests: Vec<Recorded>,
    updates: VecDeque<Value>,
    /// chat → (how many more 429s to answer, retry_after).
    rate_limited: HashMap<i64, (u32, u64)>,
    next_message_id: i64,
    next_update_id: i64,
    /// An outage of messages: each phase's failure until its instant, in order.
    outage: Vec<(Instant, Failure)>,
    /// How long every message waits before it is answered.
    message_delay: Duration,
    /// Files people sent (voice messages), by file id: their bytes.
    files: HashMap<String, Vec<u8>>,
    /// The only token accepted, when set: any other gets 401.
    valid_token: Option<String>,
    /// What `getWebhookInfo` answers (`url`, `pending_update_count`, ...).
    webhook_info: Value,
}

#[derive(Clone, Debug)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    updates_arrived: Arc<Notify>,
    requests_arrived: Arc<Notify>,
    started: Instant,
}

/// The running fake. Dropping it stops the server.
#[derive(Debug)]
pub struct FakeTelegram {
    /// The base URL to configure as `telegram.api_url`.
    pub url: String,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTelegram {
    /// Starts the fake on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let shared = Shared {
            inner: Arc::new(Mutex::new(Inner {
                next_message_id: 1000,
                next_update_id: FIRST_UPDATE_ID,
                webhook_info: json!({ "url": "", "pending_update_count": 0 }),
                ..Inner::default()
            })),
            updates_arrived: Arc::new(Notify::new()),
            requests_arrived: Arc::new(Notify::new()),
            started: Instant::now(),
        };
        let app = Router::new()
            .route("/{token}/{method}", post(call))
            .route("/file/{token}/{file_id}", get(download))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            url,
            shared,
            server,
        }
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().requests.clone()
    }

    /// How many requests came so far: a mark to wait from.
    pub fn mark(&self) -> usize {
        self.shared.inner.lock().unwrap().requests.len()
    }

    /// The requests that came after `mark`.
    pub fn since(&self, mark: usize) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().requests[mark..].to_vec()
    }

    /// Waits up to `limit` for a request after `mark` that `matches`.
    pub async fn wait_for(
        &self,
        mark: usize,
        limit: Duration,
        what: &str,
        matches: impl Fn(&Recorded) -> bool,
    ) -> Recorded {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let arrived = self.shared.requests_arrived.notified();
            if let Some(found) = self.since(mark).into_iter().find(|r| matches(r)) {
                return found;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let seen: Vec<String> = self
                    .since(mark)
                    .iter()
                    .filter(|r| r.method != "getUpdates")
                    .map(|r| {
                        format!(
                            "{} {:?} {:?} {:?}",
                            r.method,
                            r.chat_id,
                            r.text,
                            r.buttons()
                        )
                    })
                    .collect();
                panic!(
                    "the fake Bot API did not get {what} within {limit:?}; after the mark it got:\n{}",
                    seen.join("\n")
                );
            }
        }
    }

    /// Waits for a message sent to or edited in `chat` whose text contains `needle`.
    pub async fn wait_for_message(&self, mark: usize, chat: i64, needle: &str) -> Recorded {
        self.wait_for(
            mark,
            Duration::from_secs(15),
            &format!("a message to {chat} containing {needle:?}"),
            |r| r.is_message_to(chat) && r.text().contains(needle),
        )
        .await
    }

    /// Waits for a message sent to or edited in `chat` with a button whose data starts with `prefix`.
    pub async fn wait_for_button(&self, mark: usize, chat: i64, prefix: &str) -> Recorded {
        self.wait_for(
            mark,
            Duration::from_secs(15),
            &format!("a message to {chat} with a button {prefix:?}"),
            |r| r.is_message_to(chat) && r.button(prefix).is_some(),
        )
        .await
    }

    /// How many updates the fake has made (text, button and voice).
    pub fn updates_made(&self) -> u64 {
        let inner = self.shared.inner.lock().unwrap();
        u64::try_from(inner.next_update_id - FIRST_UPDATE_ID).unwrap_or(0)
    }

    fn next_update_id(&self) -> i64 {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.next_update_id += 1;
        inner.next_update_id
    }

    /// A text message from `from`, as an update (not queued).
    pub fn text_update(&self, from: &Person, text: &str) -> Value {
        let id = self.next_update_id();
        json!({
            "update_id": id,
            "message": {
                "message_id": id,
                "date": 1_700_000_000,
                "chat": from.chat(),
                "from": from.json(),
                "text": text,
            }
        })
    }

    /// A press of a button with `data` on the message `message_id` of
    /// `from`'s chat, as an update (not queued).
    pub fn button_update(&self, from: &Person, data: &str, message_id: i64) -> Value {
        let id = self.next_update_id();
        json!({
            "update_id": id,
            "callback_query": {
                "id": format!("cq{id}"),
                "from": from.json(),
                "chat_instance": "fake",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 1_700_000_000,
                    "chat": from.chat(),
                    "text": "…",
                }
            }
        })
    }

    /// A voice message from `from` whose audio is `audio`, as an update
    /// (not queued); `getFile` and the file URL then serve the audio.
    pub fn voice_update(&self, from: &Person, audio: &[u8]) -> Value {
        let id = self.next_update_id();
        let file_id = format!("voice-{id}");
        self.shared
            .inner
            .lock()
            .unwrap()
            .files
            .insert(file_id.clone(), audio.to_vec());
        json!({
            "update_id": id,
            "message": {
                "message_id": id,
                "date": 1_700_000_000,
                "chat": from.chat(),
                "from": from.json(),
                "voice": {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "duration": 2,
                    "mime_type": "audio/ogg",
                },
            }
        })
    }

    /// Queues an update for `getUpdates`.
    pub fn push(&self, update: Value) {
        self.shared.inner.lock().unwrap().updates.push_back(update);
        self.shared.updates_arrived.notify_waiters();
    }

    /// Queues many updates at once, as Telegram holds them while the bot
    /// is busy or away.
    pub fn push_many(&self, updates: impl IntoIterator<Item = Value>) {
        self.shared.inner.lock().unwrap().updates.extend(updates);
        self.shared.updates_arrived.notify_waiters();
    }

    /// Queues a text message from `from`.
    pub fn say(&self, from: &Person, text: &str) {
        let update = self.text_update(from, text);
        self.push(update);
    }

    /// Queues a press of the button `data` on `message` (a recorded send or edit).
    pub fn press(&self, from: &Person, message: &Recorded, data: &str) {
        // The button as sent, with the time it was sent, when `data` names
        // it without.
        let sent = message.buttons();
        let Some(data) = sent.into_iter().find(|d| d == data || unstamped(d) == data) else {
            panic!("{data:?} is not a button of {message:?}");
        };
        let update = self.button_update(from, &data, message.message_id.unwrap());
        self.push(update);
    }

    /// Presses `data` on `message` and returns the next message to `from`
    /// carrying a button whose data starts with `expect`.
    pub async fn press_and_wait_for_button(
        &self,
        from: &Person,
        message: &Recorded,
        data: &str,
        expect: &str,
    ) -> Recorded {
        let mark = self.mark();
        self.press(from, message, data);
        self.wait_for_button(mark, from.id, expect).await
    }

    /// Refuses every call made with another token than `token` with 401,
    /// as Telegram refuses a revoked or mistyped one.
    pub fn accept_only_token(&self, token: &str) {
        self.shared.inner.lock().unwrap().valid_token = Some(token.to_owned());
    }

    /// Makes `getWebhookInfo` answer `info` (its `url`,
    /// `pending_update_count`, `last_error_message` ...).
    pub fn set_webhook_info(&self, info: Value) {
        self.shared.inner.lock().unwrap().webhook_info = info;
    }

    /// Answers the next `times` messages to `chat` with 429 and `retry_after`.
    pub fn rate_limit(&self, chat: i64, times: u32, retry_after: u64) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .rate_limited
            .insert(chat, (times, retry_after));
    }

    /// From now on, every `sendMessage`, `editMessageText`, `sendDocument`
    /// and `sendPhoto` fails: with each phase's failure for its duration, one
    /// phase after the other; `getUpdates` and the other methods keep
    /// working. Returns when the outage ends, on tokio's clock.
    pub fn outage(&self, phases: &[(Duration, Failure)]) -> Instant {
        let mut until = Instant::now();
        let mut inner = self.shared.inner.lock().unwrap();
        inner.outage.clear();
        for (lasting, failure) in phases {
            until += *lasting;
            inner.outage.push((until, *failure));
        }
        until
    }

    /// Every message (send, edit, document, photo) is answered only after `delay`,
    /// as from a slow network; what the bot does after it waits too.
    pub fn slow_messages(&self, delay: Duration) {
        self.shared.inner.lock().unwrap().message_delay = delay;
    }

    /// Waits up to `limit` until `done` holds for the requests so far;
    /// returns whether it did. `done` is asked every 200 ms rather than on
    /// every request: it may read thousands of them.
    pub async fn wait_until(&self, limit: Duration, done: impl Fn(&[Recorded]) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if done(&self.shared.inner.lock().unwrap().requests) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep_until(deadline.min(Instant::now() + Duration::from_millis(200)))
                .await;
        }
    }

    /// Waits until no message (send, edit, document, photo, answered or not) has
    /// come for `quiet`, at most `limit`; returns whether it got quiet.
    /// A test waits for this before it counts copies, so that a late
    /// duplicate has had its chance to show.
    pub async fn wait_quiet(&self, quiet: Duration, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            let last = self
                .shared
                .inner
                .lock()
                .unwrap()
                .requests
                .iter()
                .rev()
                .find(|r| is_message_method(&r.method))
                .map(|r| self.shared.started + r.at);
            let quiet_from = last.map_or_else(Instant::now, |at| at + quiet);
            if quiet_from <= Instant::now() {
                return true;
            }
            if quiet_from > deadline {
                tokio::time::sleep_until(deadline).await;
                return false;
            }
            tokio::time::sleep_until(quiet_from).await;
        }
    }

    /// The messages delivered (answered 200) after `mark`, in order.
    pub fn messages_since(&self, mark: usize) -> Vec<Recorded> {
        self.shared.inner.lock().unwrap().requests[mark..]
            .iter()
            .filter(|r| r.is_message())
            .cloned()
            .collect()
    }

    /// The pictures delivered to `chat` (`sendPhoto` answered 200), each
    /// as the bytes uploaded, in order.
    pub fn photos_to(&self, chat: i64) -> Vec<Vec<u8>> {
        self.shared
            .inner
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.is_message_to(chat))
            .filter_map(|r| r.photo().map(<[u8]>::to_vec))
            .collect()
    }

    /// How many times each message (chat and [`Recorded::content`]) was
    /// delivered after `mark`.
    pub fn copies_since(&self, mark: usize) -> BTreeMap<(i64, String), usize> {
        let mut copies = BTreeMap::new();
        for message in self.messages_since(mark) {
            *copies
                .entry((message.chat_id.unwrap_or(0), message.content()))
                .or_default() += 1;
        }
        copies
    }

    /// The copies beyond the first of every message delivered after `mark`.
    pub fn duplicates_since(&self, mark: usize) -> usize {
        self.copies_since(mark).values().map(|n| n - 1).sum()
    }
}

/// Counting deliveries: what the reminder and fan-out tests look at. They
/// read the log in place, since a fan-out makes thousands of requests.
impl FakeTelegram {
    /// The arrival times of the delivered `sendMessage`s, with their chats, in order.
    fn delivered(&self) -> Vec<(Duration, i64)> {
        self.shared
            .inner
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.method == "sendMessage" && r.status == 200)
            .map(|r| (r.at, r.chat_id.unwrap_or(0)))
            .collect()
    }

    /// Messages delivered (`sendMessage` answered 200), per chat.
    pub fn per_chat(&self) -> BTreeMap<i64, usize> {
        let mut per_chat = BTreeMap::new();
        for (_, chat) in self.delivered() {
            *per_chat.entry(chat).or_default() += 1;
        }
        per_chat
    }

    /// Messages delivered in all.
    pub fn total(&self) -> usize {
        self.delivered().len()
    }

    /// The most messages delivered within any one second (a sliding window).
    pub fn most_in_one_second(&self) -> usize {
        let arrivals: Vec<Duration> = self.delivered().iter().map(|(at, _)| *at).collect();
        most_in_any_window(&arrivals, Duration::from_secs(1))
    }

    /// The most messages one chat got within any one second.
    pub fn most_in_one_second_to_one_chat(&self) -> usize {
        let mut per_chat: BTreeMap<i64, Vec<Duration>> = BTreeMap::new();
        for (at, chat) in self.delivered() {
            per_chat.entry(chat).or_default().push(at);
        }
        per_chat
            .values()
            .map(|arrivals| most_in_any_window(arrivals, Duration::from_secs(1)))
            .max()
            .unwrap_or(0)
    }
}

/// The most of `times` (sorted) within any window of `width`.
pub fn most_in_any_window(times: &[Duration], width: Duration) -> usize {
    let mut most = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= width {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

/// A refusal of a token other than the accepted one, and the answers of
/// `getMe` and `getWebhookInfo`; `None` for the other calls.
fn identity(shared: &Shared, token: &str, method: &str) -> Option<Response> {
    let inner = shared.inner.lock().unwrap();
    let token = token.strip_prefix("bot").unwrap_or(token);
    if inner
        .valid_token
        .as_deref()
        .is_some_and(|valid| valid != token)
    {
        let refusal = json!({ "ok": false, "error_code": 401, "description": "Unauthorized" });
        return Some((StatusCode::UNAUTHORIZED, axum::Json(refusal)).into_response());
    }
    let result = match method {
        "getMe" => {
            json!({ "id": 1, "is_bot": true, "first_name": "Meetbot", "username": "meetbot_test_bot" })
        }
        "getWebhookInfo" => inner.webhook_info.clone(),
        _ => return None,
    };
    Some(axum::Json(json!({ "ok": true, "result": result })).into_response())
}

async fn call(
    State(shared): State<Shared>,
    Path((token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut file = None;
    let params: Value = if content_type.starts_with("application/json") {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    } else {
        let parts = multipart::parts(content_type, &body);
        let field = |name: &str| parts.iter().find(|p| p.name == name).map(|p| p.text());
        let upload = parts.iter().find(|p| p.file_name.is_some());
        file = upload.map(|p| p.bytes.clone());
        json!({
            "chat_id": field("chat_id").and_then(|c| c.parse::<i64>().ok()),
            "caption": field("caption"),
            "reply_markup": field("reply_markup")
                .and_then(|m| serde_json::from_str::<Value>(&m).ok()),
            "file_name": upload.and_then(|p| p.file_name.clone()),
            "file_field": upload.map(|p| p.name.clone()),
        })
    };
    if let Some(answer) = identity(&shared, &token, &method) {
        return answer;
    }
    if method == "getUpdates" {
        return get_updates(&shared, &params).await;
    }
    if method == "getFile" {
        return get_file(&shared, &params);
    }
    let chat_id = params.get("chat_id").and_then(Value::as_i64);
    if is_message_method(&method) {
        let delay = shared.inner.lock().unwrap().message_delay;
        tokio::time::sleep(delay).await;
    }
    let (status, answer, message_id) = {
        let mut inner = shared.inner.lock().unwrap();
        let now = Instant::now();
        let outage = inner
            .outage
            .iter()
            .find(|(until, _)| *until > now)
            .map(|(_, failure)| *failure);
        let limited = chat_id.and_then(|chat| {
            let (times, retry_after) = inner.rate_limited.get_mut(&chat)?;
            if *times == 0 {
                return None;
            }
            *times -= 1;
            Some(*retry_after)
        });
        let failure =
            outage.or(limited.map(|retry_after| Failure::TooManyRequests { retry_after }));
        match (failure, method.as_str()) {
            (
                Some(Failure::TooManyRequests { retry_after }),
                "sendMessage" | "editMessageText" | "sendDocument" | "sendPhoto",
            ) => (
                429,
                json!({
                    "ok": false,
                    "error_code": 429,
                    "description": format!("Too Many Requests: retry after {retry_after}"),
                    "parameters": { "retry_after": retry_after },
                }),
                None,
            ),
            (
                Some(Failure::BadGateway),
                "sendMessage" | "editMessageText" | "sendDocument" | "sendPhoto",
            ) => (
                502,
                json!({
                    "ok": false,
                    "error_code": 502,
                    "description": "Bad Gateway",
                }),
                None,
            ),
            (_, "sendMessage" | "sendDocument" | "sendPhoto") => {
                inner.next_message_id += 1;
                let id = inner.next_message_id;
                (200, message_json(id, chat_id, &params), Some(id))
            }
            (_, "editMessageText") => {
                let id = params.get("message_id").and_then(Value::as_i64);
                (200, message_json(id.unwrap_or(0), chat_id, &params), id)
            }
            _ => (200, json!({ "ok": true, "result": true }), None),
        }
    };
    let recorded = Recorded {
        token: token.strip_prefix("bot").unwrap_or(&token).to_owned(),
        method,
        chat_id,
        text: params
            .get("text")
            .or_else(|| params.get("caption"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        reply_markup: params.get("reply_markup").filter(|m| !m.is_null()).cloned(),
        message_id,
        body: params,
        file,
        at: shared.started.elapsed(),
        status,
    };
    shared.inner.lock().unwrap().requests.push(recorded);
    shared.requests_arrived.notify_waiters();
    (StatusCode::from_u16(status).unwrap(), axum::Json(answer)).into_response()
}

/// `getFile`: a file's path is its id, under the file URL.
fn get_file(shared: &Shared, params: &Value) -> Response {
    let file_id = params.get("file_id").and_then(Value::as_str).unwrap_or("");
    let size = shared
        .inner
        .lock()
        .unwrap()
        .files
        .get(file_id)
        .map(Vec::len);
    match size {
        Some(size) => axum::Json(json!({
            "ok": true,
            "result": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                "file_path": file_id,
            }
        }))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({
                "ok": false,
                "error_code": 400,
                "description": "Bad Request: invalid file_id",
            })),
        )
            .into_response(),
    }
}

/// The file URL (`/file/bot<token>/<path>`): the bytes of a file sent.
async fn download(
    State(shared): State<Shared>,
    Path((_token, file_id)): Path<(String, String)>,
) -> Response {
    match shared.inner.lock().unwrap().files.get(&file_id) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn message_json(id: i64, chat: Option<i64>, params: &Value) -> Value {
    let mut message = json!({
        "message_id": id,
        "date": 1_700_000_000,
        "chat": { "id": chat.unwrap_or(0), "type": "private" },
        "text": params.get("text").cloned().unwrap_or(Value::Null),
    });
    if params.get("file_field").and_then(Value::as_str) == Some("photo") {
        // A photo message, as Telegram describes one: its caption and the
        // sizes it keeps of the picture.
        message["text"] = Value::Null;
        message["caption"] = params.get("caption").cloned().unwrap_or(Value::Null);
        message["photo"] = json!([{
            "file_id": format!("photo-{id}"),
            "file_unique_id": format!("photo-{id}"),
            "width": 1000,
            "height": 600,
        }]);
    }
    json!({ "ok": true, "result": message })
}

async fn get_updates(shared: &Shared, params: &Value) -> Response {
    let offset = params.get("offset").and_then(Value::as_i64);
    // Telegram hands out 1 to 100 updates at a time, 100 unless asked for fewer.
    let limit = params
        .get("limit")
        .and_then(Value::as_u64)
        .map_or(100, |limit| limit.clamp(1, 100)) as usize;
    // Held open like Telegram's long poll, but briefly: tests stay quick
    // and a stopping bot is not kept waiting.
    let wait = params
        .get("timeout")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    loop {
        let arrived = shared.updates_arrived.notified();
        let updates: Vec<Value> = {
            let mut inner = shared.inner.lock().unwrap();
            if let Some(offset) = offset {
                // An offset confirms every update before it.
                inner
                    .updates
                    .retain(|u| u["update_id"].as_i64().unwrap() >= offset);
            }
            inner.updates.iter().take(limit).cloned().collect()
        };
        if !updates.is_empty() || tokio::time::timeout_at(deadline, arrived).await.is_err() {
            return axum::Json(json!({ "ok": true, "result": updates })).into_response();
        }
    }
}
