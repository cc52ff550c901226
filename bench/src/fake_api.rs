//! A fake Telegram Bot API for the benchmarks, built to cost the bot's
//! measurements as little as possible.
//!
//! `getUpdates` is served from a queue the benchmark fills, long-polling
//! like Telegram: an offset confirms every update before it, and a poll
//! with nothing to hand out is held until an update arrives or its
//! `timeout` passes. Messages and edits are answered with a message whose
//! id the fake hands out, `getMe` with a bot, everything else with `true`.
//!
//! Every call is recorded with its method, its chat and when it came, and
//! so is every update when it was queued and when it was first handed
//! out: the handler latency of an update is read from these afterwards.
//! A scripted person subscribes to their chat and gets the bot's messages
//! and edits there as [`Reply`]s, with the callback data of their buttons.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use crate::served::Served;

/// The longest a `getUpdates` with nothing to hand out is held, whatever
/// its `timeout` asks: long enough that an idle bot polls rarely, short
/// enough that a stopping fake does not keep connections for long.
const LONGEST_POLL: Duration = Duration::from_secs(10);

/// Telegram hands out at most 100 updates a call.
const MOST_UPDATES_A_CALL: usize = 100;

/// Something that happened in one chat, at a time counted from the fake's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The chat (a person's id for a private chat).
    pub chat: i64,
    /// When, since the fake started.
    pub at: Duration,
}

/// A Bot API call the bot made.
#[derive(Clone, Debug)]
pub struct Call {
    /// Its method, such as `sendMessage`.
    pub method: String,
    /// The chat it was for, when it names one (`chat_id`, a command
    /// scope's chat, or the chat of the callback query it answers).
    pub chat: Option<i64>,
    /// When it came, since the fake started.
    pub at: Duration,
}

/// A message or an edit the bot sent to a subscribed chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The message's id (the edited one's for an edit).
    pub message_id: i64,
    /// Its text or caption.
    pub text: String,
    /// The callback data of its inline buttons, row by row.
    pub buttons: Vec<String>,
}

impl Reply {
    /// The first button whose data starts with `prefix`.
    pub fn button(&self, prefix: &str) -> Option<&str> {
        self.buttons
            .iter()
            .map(String::as_str)
            .find(|data| unstamped(data).starts_with(prefix))
    }

    /// Every button whose data starts with `prefix`, in order.
    pub fn buttons_with<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.buttons
            .iter()
            .map(String::as_str)
            .filter(move |data| unstamped(data).starts_with(prefix))
    }
}

/// Button data as a version 1 button would carry it: the bot stamps the
/// time a button was sent (`2:<minute>:ok`), which a test looking for
/// `1:ok` does not care about.
pub fn unstamped(data: &str) -> String {
    match data
        .strip_prefix("2:")
        .and_then(|rest| rest.split_once(':'))
    {
        Some((_, body)) => format!("1:{body}"),
        None => data.to_owned(),
    }
}

/// What the fake recorded: updates queued and handed out, calls made.
#[derive(Clone, Debug, Default)]
pub struct Log {
    /// Every update when it was queued, in order.
    pub pushed: Vec<Event>,
    /// Every update when it was first handed out by `getUpdates`, in order.
    pub handed_out: Vec<Event>,
    /// Every call but `getUpdates`, in order.
    pub calls: Vec<Call>,
}

/// An update waiting to be confirmed.
#[derive(Debug)]
struct Queued {
    id: i64,
    chat: i64,
    update: Value,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<Queued>,
    next_update_id: i64,
    /// The highest update id handed out so far.
    handed_out_upto: i64,
    next_message_id: i64,
    log: Log,
    first_poll: Option<Instant>,
    /// When the last call (of any method but `getUpdates`) came.
    last_call: Option<Instant>,
    subscribers: HashMap<i64, mpsc::UnboundedSender<Reply>>,
    /// The chats that got at least one message.
    messaged: HashSet<i64>,
}

#[derive(Debug)]
struct Shared {
    started: Instant,
    state: Mutex<Inner>,
    updates_arrived: Notify,
    polled: Notify,
}

impl Shared {
    /// The state; a panic elsewhere while it was held leaves it usable,
    /// since every change to it is a whole push or a whole record.
    fn state(&self) -> MutexGuard<'_, Inner> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The running fake; dropping it stops the server.
#[derive(Debug)]
pub struct FakeApi {
    shared: Arc<Shared>,
    served: Served,
}

impl FakeApi {
    /// Starts the fake on a free port of 127.0.0.1.
    pub async fn start() -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            started: Instant::now(),
            state: Mutex::new(Inner {
                next_update_id: 1,
                next_message_id: 1,
                ..Inner::default()
            }),
            updates_arrived: Notify::new(),
            polled: Notify::new(),
        });
        let app = Router::new()
            .route("/{token}/{method}", post(call))
            .with_state(Arc::clone(&shared));
        let served = Served::start(app, |error| {
            eprintln!("the fake Bot API stopped: {error}");
        })
        .await?;
        Ok(Self { shared, served })
    }

    /// The base URL to configure as `telegram.api_url`.
    pub fn url(&self) -> &str {
        self.served.url()
    }

    /// Queues `update` (without its `update_id`, which the fake gives it)
    /// from `chat` for `getUpdates`.
    pub fn push(&self, chat: i64, update: Value) {
        self.push_many([(chat, update)]);
    }

    /// Queues many updates at once, as Telegram holds them while the bot
    /// is busy or away.
    pub fn push_many(&self, updates: impl IntoIterator<Item = (i64, Value)>) {
        {
            let mut state = self.shared.state();
            let at = self.shared.started.elapsed();
            for (chat, mut update) in updates {
                let id = state.next_update_id;
                state.next_update_id += 1;
                update["update_id"] = json!(id);
                if let Some(message) = update.get_mut("message") {
                    message["message_id"] = json!(id);
                }
                state.queue.push_back(Queued { id, chat, update });
                state.log.pushed.push(Event { chat, at });
            }
        }
        self.shared.updates_arrived.notify_waiters();
    }

    /// The bot's messages and edits in `chat` from now on.
    pub fn subscribe(&self, chat: i64) -> mpsc::UnboundedReceiver<Reply> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.shared.state().subscribers.insert(chat, sender);
        receiver
    }

    /// How many updates were queued so far.
    pub fn pushed(&self) -> usize {
        self.shared.state().log.pushed.len()
    }

    /// How many chats got at least one message so far.
    pub fn messaged_chats(&self) -> usize {
        self.shared.state().messaged.len()
    }

    /// The time since the fake started: the clock of the [`Log`].
    pub fn now(&self) -> Duration {
        self.shared.started.elapsed()
    }

    /// A copy of what was recorded so far.
    pub fn log(&self) -> Log {
        self.shared.state().log.clone()
    }

    /// When the first `getUpdates` came, waiting for it at most `limit`.
    pub async fn first_poll(&self, limit: Duration) -> anyhow::Result<Instant> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let polled = self.shared.polled.notified();
            tokio::pin!(polled);
            polled.as_mut().enable();
            if let Some(at) = self.shared.state().first_poll {
                return Ok(at);
            }
            tokio::time::timeout_at(deadline, polled)
                .await
                .with_context(|| format!("the bot did not poll for updates within {limit:?}"))?;
        }
    }

    /// Waits until no call has come for `quiet`, at most `limit`.
    pub async fn quiet(&self, quiet: Duration, limit: Duration) {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let last = self.shared.state().last_call;
            match last {
                Some(last) if last.elapsed() < quiet => {
                    tokio::time::sleep(quiet.saturating_sub(last.elapsed())).await;
                }
                _ => return,
            }
        }
    }
}

/// A text message from `person` (whose private chat has the same id), as
/// an update without its id.
pub fn text_update(person: i64, text: &str) -> Value {
    json!({
        "message": {
            "date": 1_700_000_000,
            "chat": { "id": person, "type": "private", "first_name": first_name(person) },
            "from": from(person),
            "text": text,
        }
    })
}

/// A press of the button `data` on the message `message_id` in `person`'s
/// chat, as an update without its id. The query's id carries the chat, so
/// that the fake knows whose press `answerCallbackQuery` answers.
pub fn press_update(person: i64, data: &str, message_id: i64) -> Value {
    json!({
        "callback_query": {
            "id": format!("{person}-{message_id}-{data}"),
            "from": from(person),
            "chat_instance": "bench",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1_700_000_000,
                "chat": { "id": person, "type": "private", "first_name": first_name(person) },
                "text": "…",
            }
        }
    })
}

fn from(person: i64) -> Value {
    json!({
        "id": person,
        "is_bot": false,
        "first_name": first_name(person),
        "language_code": "en",
    })
}

fn first_name(person: i64) -> String {
    format!("Person {person}")
}

/// The parameters of a call that the fake reads; the rest are ignored.
#[derive(Debug, Default, Deserialize)]
struct Params {
    chat_id: Option<Value>,
    message_id: Option<i64>,
    text: Option<String>,
    caption: Option<String>,
    reply_markup: Option<Markup>,
    scope: Option<Scope>,
    callback_query_id: Option<String>,
    offset: Option<i64>,
    limit: Option<usize>,
    timeout: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct Scope {
    chat_id: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct Markup {
    #[serde(default)]
    inline_keyboard: Vec<Vec<Key>>,
}

#[derive(Debug, Default, Deserialize)]
struct Key {
    callback_data: Option<String>,
}

impl Params {
    /// The chat a call is for: its `chat_id`, its command scope's chat, or
    /// the chat of the callback query it answers (see [`press_update`]).
    fn chat(&self) -> Option<i64> {
        let chat_id = self
            .chat_id
            .as_ref()
            .or_else(|| self.scope.as_ref()?.chat_id.as_ref());
        chat_id.and_then(Value::as_i64).or_else(|| {
            self.callback_query_id
                .as_deref()?
                .split('-')
                .next()?
                .parse()
                .ok()
        })
    }
}

/// The callback data of an inline keyboard, row by row.
fn buttons(markup: Option<&Markup>) -> Vec<String> {
    markup
        .map(|markup| {
            markup
                .inline_keyboard
                .iter()
                .flatten()
                .filter_map(|key| key.callback_data.clone())
                .collect()
        })
        .unwrap_or_default()
}

async fn call(
    State(shared): State<Arc<Shared>>,
    Path((_token, method)): Path<(String, String)>,
    body: Bytes,
) -> axum::Json<Value> {
    // A multipart upload (sendDocument) is not JSON: it is answered all
    // the same, without a chat.
    let params: Params = serde_json::from_slice(&body).unwrap_or_default();
    if method == "getUpdates" {
        return axum::Json(get_updates(&shared, &params).await);
    }
    let chat = params.chat();
    let now = Instant::now();
    let mut state = shared.state();
    state.last_call = Some(now);
    state.log.calls.push(Call {
        method: method.clone(),
        chat,
        at: now.duration_since(shared.started),
    });
    let result = match method.as_str() {
        "sendMessage" | "sendDocument" | "sendPhoto" | "editMessageText" => {
            let message_id = if method == "editMessageText" {
                params.message_id.unwrap_or(0)
            } else {
                state.next_message_id += 1;
                state.next_message_id
            };
            if let Some(chat) = chat {
                if method != "editMessageText" {
                    state.messaged.insert(chat);
                }
                if let Some(subscriber) = state.subscribers.get(&chat) {
                    // A person who stopped listening misses nothing they need.
                    let _ = subscriber.send(Reply {
                        message_id,
                        text: params.text.or(params.caption).unwrap_or_default(),
                        buttons: buttons(params.reply_markup.as_ref()),
                    });
                }
            }
            json!({
                "message_id": message_id,
                "date": 1_700_000_000,
                "chat": { "id": chat.unwrap_or(0), "type": "private" },
            })
        }
        "getMe" => json!({
            "id": 1,
            "is_bot": true,
            "first_name": "Bench",
            "username": "bench_bot",
        }),
        _ => json!(true),
    };
    drop(state);
    axum::Json(json!({ "ok": true, "result": result }))
}

async fn get_updates(shared: &Shared, params: &Params) -> Value {
    let limit = params
        .limit
        .unwrap_or(MOST_UPDATES_A_CALL)
        .clamp(1, MOST_UPDATES_A_CALL);
    let hold = Duration::from_secs(params.timeout.unwrap_or(0)).min(LONGEST_POLL);
    let deadline = tokio::time::Instant::now() + hold;
    {
        let mut state = shared.state();
        if state.first_poll.is_none() {
            state.first_poll = Some(Instant::now());
            shared.polled.notify_waiters();
        }
    }
    loop {
        let arrived = shared.updates_arrived.notified();
        tokio::pin!(arrived);
        arrived.as_mut().enable();
        let updates = hand_out(shared, params.offset, limit);
        if !updates.is_empty() || tokio::time::timeout_at(deadline, arrived).await.is_err() {
            return json!({ "ok": true, "result": updates });
        }
    }
}

/// Drops the updates `offset` confirms and hands out up to `limit` of the
/// rest, recording those handed out for the first time.
fn hand_out(shared: &Shared, offset: Option<i64>, limit: usize) -> Vec<Value> {
    let mut state = shared.state();
    if let Some(offset) = offset {
        while state.queue.front().is_some_and(|queued| queued.id < offset) {
            state.queue.pop_front();
        }
    }
    let at = shared.started.elapsed();
    let upto = state.handed_out_upto;
    let mut first_time = Vec::new();
    let mut updates = Vec::new();
    let mut last = upto;
    for queued in state.queue.iter().take(limit) {
        if queued.id > upto {
            first_time.push(Event {
                chat: queued.chat,
                at,
            });
        }
        last = last.max(queued.id);
        updates.push(queued.update.clone());
    }
    state.handed_out_upto = last;
    state.log.handed_out.extend(first_time);
    updates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_are_read_row_by_row_and_links_are_left_out() -> anyhow::Result<()> {
        let params: Params = serde_json::from_value(json!({
            "chat_id": 7,
            "text": "Pick",
            "reply_markup": { "inline_keyboard": [
                [{ "text": "a", "callback_data": "1:a" }, { "text": "b", "callback_data": "1:b" }],
                [{ "text": "site", "url": "https://example.org" }, { "text": "c", "callback_data": "1:c" }],
            ]},
        }))?;
        assert_eq!(buttons(params.reply_markup.as_ref()), ["1:a", "1:b", "1:c"]);
        assert_eq!(params.chat(), Some(7));
        Ok(())
    }

    #[test]
    fn a_call_names_its_chat_by_scope_or_by_the_query_it_answers() -> anyhow::Result<()> {
        let menu: Params = serde_json::from_value(json!({
            "commands": [], "scope": { "type": "chat", "chat_id": 42 },
        }))?;
        assert_eq!(menu.chat(), Some(42));
        let press = press_update(42, "1:ok", 9);
        let answer: Params = serde_json::from_value(json!({
            "callback_query_id": press["callback_query"]["id"],
        }))?;
        assert_eq!(answer.chat(), Some(42));
        let default_menu: Params = serde_json::from_value(json!({ "commands": [] }))?;
        assert_eq!(default_menu.chat(), None);
        Ok(())
    }

    #[test]
    fn a_reply_finds_its_buttons_by_prefix() {
        let reply = Reply {
            message_id: 1,
            text: String::new(),
            buttons: vec![
                "1:mo:2026:11".into(),
                "1:dy:20261208".into(),
                "1:mo:2027:1".into(),
            ],
        };
        assert_eq!(reply.button("1:dy:"), Some("1:dy:20261208"));
        assert_eq!(
            reply.buttons_with("1:mo:").collect::<Vec<_>>(),
            ["1:mo:2026:11", "1:mo:2027:1"]
        );
        assert_eq!(reply.button("1:sl:"), None);
    }

    #[tokio::test]
    async fn updates_are_handed_out_until_an_offset_confirms_them() -> anyhow::Result<()> {
        let fake = FakeApi::start().await?;
        fake.push(5, text_update(5, "/start"));
        fake.push(6, text_update(6, "/start"));
        let first = hand_out(&fake.shared, None, 100);
        assert_eq!(first.len(), 2);
        let again = hand_out(&fake.shared, Some(2), 1);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0]["update_id"], 2);
        assert!(hand_out(&fake.shared, Some(3), 100).is_empty());
        let log = fake.log();
        assert_eq!(log.pushed.len(), 2);
        assert_eq!(
            log.handed_out.iter().map(|e| e.chat).collect::<Vec<_>>(),
            [5, 6],
            "an update handed out again is recorded once"
        );
        Ok(())
    }
}
