//! A fake Bot API that keeps Telegram's limits, on a faster clock.
//!
//! Telegram allows about 30 messages a second over all chats and one a
//! second per chat after a burst of three. At a time scale of ×100 that is
//! 3,000 a second overall and 100 a second per chat: the same shape of
//! limits, a hundred times faster, so that a fan-out of 100,000 reminders
//! takes half a minute rather than most of an hour.
//!
//! Each limit is a token bucket (GCRA): the overall one holds one scaled
//! second's worth of messages (30) and refills at 3,000 a second; a chat's
//! holds its burst (3) and refills at 100 a second. A message passes only
//! when both buckets have a token, and takes one from each; a message
//! refused takes nothing and is answered 429 with `retry_after` in whole
//! seconds (at least 1, the field has no fractions), as Telegram answers.
//!
//! `sendMessage`s that pass are recorded with their arrival time, chat and
//! text; `getUpdates` long-polls and returns nothing; any other method is
//! answered `true`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::served::Served;

/// The limits the fake keeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Messages a second over all chats.
    pub overall_per_second: f64,
    /// How many messages the overall bucket lets through at once.
    pub overall_burst: u32,
    /// Messages a second to one chat once its burst is spent.
    pub per_chat_per_second: f64,
    /// How many messages one chat may get at once.
    pub per_chat_burst: u32,
}

impl Limits {
    /// Telegram's limits with time running `scale` times faster: the rates
    /// times `scale`, the bursts (counts of messages) as they are. The
    /// overall bucket holds one (scaled) second's worth, 30 messages.
    pub fn telegram_scaled(scale: f64) -> Self {
        Self {
            overall_per_second: 30.0 * scale,
            overall_burst: 30,
            per_chat_per_second: scale,
            per_chat_burst: 3,
        }
    }
}

/// One token bucket in GCRA form: the theoretical arrival time of the next
/// message, which may run ahead of now by at most `tolerance`.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Time between two tokens.
    period: Duration,
    /// `(burst - 1) × period`: how far the arrival time may run ahead.
    tolerance: Duration,
    /// When the next message would arrive at the bucket's own pace.
    arrival: Duration,
}

impl Bucket {
    fn new(per_second: f64, burst: u32) -> Self {
        // A rate of 0 or less (made in code) lets one message a day through.
        let period = Duration::try_from_secs_f64(1.0 / per_second)
            .unwrap_or(Duration::from_secs(86_400))
            .max(Duration::from_nanos(1));
        Self {
            period,
            tolerance: period.saturating_mul(burst.max(1) - 1),
            arrival: Duration::ZERO,
        }
    }

    /// Zero when a token is there at `now`, else how long until one is.
    fn wait(&self, now: Duration) -> Duration {
        self.arrival.saturating_sub(self.tolerance + now)
    }

    fn take(&mut self, now: Duration) {
        self.arrival = self.arrival.max(now) + self.period;
    }
}

/// The limits' state: the overall bucket and one bucket per chat.
#[derive(Debug)]
pub struct Limiter {
    limits: Limits,
    overall: Bucket,
    chats: HashMap<i64, Bucket>,
}

impl Limiter {
    /// Full buckets.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            overall: Bucket::new(limits.overall_per_second, limits.overall_burst),
            chats: HashMap::new(),
        }
    }

    /// Lets a message to `chat` arriving at `now` (since the fake started)
    /// pass, taking a token of both buckets, or says how long until both
    /// have one (taking nothing).
    pub fn admit(&mut self, chat: i64, now: Duration) -> Result<(), Duration> {
        let limits = self.limits;
        let bucket = self
            .chats
            .entry(chat)
            .or_insert_with(|| Bucket::new(limits.per_chat_per_second, limits.per_chat_burst));
        let wait = bucket.wait(now).max(self.overall.wait(now));
        if !wait.is_zero() {
            return Err(wait);
        }
        bucket.take(now);
        self.overall.take(now);
        Ok(())
    }
}

/// `retry_after` for a wait: whole seconds, at least one.
pub fn retry_after(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// A message that passed the limits.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// When it arrived.
    pub at: Instant,
    /// Its chat.
    pub chat: i64,
    /// Its text.
    pub text: String,
}

/// What the fake saw.
#[derive(Debug, Default)]
struct Log {
    delivered: Vec<Delivery>,
    /// Messages answered 429.
    refused: u64,
    /// Why the server stopped, if it did.
    failure: Option<String>,
}

#[derive(Debug)]
struct Shared {
    started: Instant,
    limiter: Mutex<Limiter>,
    log: Mutex<Log>,
}

/// A std mutex's contents, also after a panic elsewhere (every update here
/// is a single push or increment, so the contents stay consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The running fake; dropping it stops the server.
#[derive(Debug)]
pub struct LimitedApi {
    shared: Arc<Shared>,
    served: Served,
}

impl LimitedApi {
    /// Starts the fake on a free port of 127.0.0.1.
    pub async fn start(limits: Limits) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            started: Instant::now(),
            limiter: Mutex::new(Limiter::new(limits)),
            log: Mutex::new(Log::default()),
        });
        let app = Router::new()
            .route("/{token}/{method}", post(call))
            .with_state(shared.clone());
        let for_server = shared.clone();
        let served = Served::start(app, move |error| {
            lock(&for_server.log).failure = Some(error.to_string());
        })
        .await?;
        Ok(Self { shared, served })
    }

    /// The base URL to configure as `telegram.api_url`.
    pub fn url(&self) -> &str {
        self.served.url()
    }

    /// How many messages passed so far.
    pub fn delivered_count(&self) -> usize {
        lock(&self.shared.log).delivered.len()
    }

    /// The messages that passed, from the `from`th on.
    pub fn delivered_since(&self, from: usize) -> Vec<Delivery> {
        lock(&self.shared.log)
            .delivered
            .get(from..)
            .map(<[Delivery]>::to_vec)
            .unwrap_or_default()
    }

    /// How many messages were answered 429.
    pub fn refused(&self) -> u64 {
        lock(&self.shared.log).refused
    }

    /// Why the server stopped, if it did.
    pub fn failure(&self) -> Option<String> {
        lock(&self.shared.log).failure.clone()
    }
}

async fn call(
    State(shared): State<Arc<Shared>>,
    Path((_token, method)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let params: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match method.as_str() {
        "getUpdates" => {
            // A long poll with nothing to hand out, as Telegram's is when
            // nobody writes.
            let timeout = params.get("timeout").and_then(Value::as_u64).unwrap_or(0);
            tokio::time::sleep(Duration::from_secs(timeout.min(25))).await;
            axum::Json(json!({ "ok": true, "result": [] })).into_response()
        }
        "sendMessage" => send_message(&shared, &params),
        _ => axum::Json(json!({ "ok": true, "result": true })).into_response(),
    }
}

fn send_message(shared: &Shared, params: &Value) -> Response {
    let chat = match params.get("chat_id") {
        Some(Value::String(id)) => id.parse().ok(),
        Some(id) => id.as_i64(),
        None => None,
    };
    let Some(chat) = chat else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({
                "ok": false,
                "error_code": 400,
                "description": "Bad Request: chat_id is empty",
            })),
        )
            .into_response();
    };
    let text = params
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let at = Instant::now();
    let admitted = lock(&shared.limiter).admit(chat, at.duration_since(shared.started));
    let mut log = lock(&shared.log);
    if let Err(wait) = admitted {
        log.refused += 1;
        let seconds = retry_after(wait);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {seconds}"),
                "parameters": { "retry_after": seconds },
            })),
        )
            .into_response();
    }
    let message_id = log.delivered.len() + 1;
    log.delivered.push(Delivery {
        at,
        chat,
        text: text.clone(),
    });
    axum::Json(json!({
        "ok": true,
        "result": {
            "message_id": message_id,
            "date": 1_700_000_000,
            "chat": { "id": chat, "type": "private" },
            "text": text,
        },
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn telegrams_limits_run_a_hundred_times_faster_with_the_same_bursts() {
        let limits = Limits::telegram_scaled(100.0);
        assert_eq!(limits.overall_per_second, 3000.0);
        assert_eq!(limits.per_chat_per_second, 100.0);
        assert_eq!((limits.overall_burst, limits.per_chat_burst), (30, 3));
    }

    #[test]
    fn thirty_messages_to_thirty_chats_pass_at_once_and_the_next_waits_one_period() {
        let mut limiter = Limiter::new(Limits::telegram_scaled(100.0));
        for chat in 0..30 {
            assert_eq!(limiter.admit(chat, Duration::ZERO), Ok(()), "chat {chat}");
        }
        let wait = limiter.admit(30, Duration::ZERO).err();
        assert_eq!(wait, Some(Duration::from_nanos(333_333)));
        assert_eq!(limiter.admit(30, Duration::from_nanos(333_333)), Ok(()));
    }

    #[test]
    fn a_steady_stream_at_the_overall_limit_is_never_refused() {
        let mut limiter = Limiter::new(Limits::telegram_scaled(100.0));
        let period = Duration::from_nanos(333_334);
        for n in 0..30_000u32 {
            let chat = i64::from(n % 10_000);
            assert_eq!(limiter.admit(chat, period * n), Ok(()), "message {n}");
        }
    }

    #[test]
    fn a_stream_a_little_faster_than_the_limit_is_refused_once_the_burst_is_spent() {
        let mut limiter = Limiter::new(Limits::telegram_scaled(100.0));
        // 3,100 a second: 100 more than allowed, so the 30 spare tokens
        // are gone after some 0.3 s.
        let period = Duration::from_secs(1) / 3100;
        let refused = (0..3100u32)
            .position(|n| limiter.admit(i64::from(n), period * n).is_err())
            .unwrap_or(usize::MAX);
        assert!((850..950).contains(&refused), "first refusal at {refused}");
    }

    #[test]
    fn a_chat_gets_three_at_once_then_one_every_ten_milliseconds() {
        let mut limiter = Limiter::new(Limits::telegram_scaled(100.0));
        for _ in 0..3 {
            assert_eq!(limiter.admit(7, Duration::ZERO), Ok(()));
        }
        assert_eq!(limiter.admit(7, ms(1)), Err(ms(9)));
        // Another chat is not held up by the first.
        assert_eq!(limiter.admit(8, ms(1)), Ok(()));
        assert_eq!(limiter.admit(7, ms(10)), Ok(()));
        assert!(limiter.admit(7, ms(15)).is_err());
        assert_eq!(limiter.admit(7, ms(20)), Ok(()));
    }

    #[test]
    fn a_refused_message_takes_no_token() {
        let mut limiter = Limiter::new(Limits::telegram_scaled(100.0));
        for _ in 0..3 {
            assert_eq!(limiter.admit(1, Duration::ZERO), Ok(()));
        }
        for _ in 0..100 {
            assert!(limiter.admit(1, ms(5)).is_err());
        }
        assert_eq!(limiter.admit(1, ms(10)), Ok(()));
    }

    #[test]
    fn retry_after_is_whole_seconds_and_never_zero() {
        assert_eq!(retry_after(Duration::from_micros(300)), 1);
        assert_eq!(retry_after(Duration::from_millis(1000)), 1);
        assert_eq!(retry_after(Duration::from_millis(1001)), 2);
    }

    #[tokio::test]
    async fn the_server_answers_429_with_retry_after_and_records_what_passed() -> anyhow::Result<()>
    {
        let api = LimitedApi::start(Limits {
            overall_per_second: 1.0,
            overall_burst: 2,
            per_chat_per_second: 1.0,
            per_chat_burst: 2,
        })
        .await?;
        let mut statuses = Vec::new();
        for n in 0..3 {
            let body = json!({ "chat_id": 5, "text": format!("m{n}") }).to_string();
            statuses.push(post_json(api.url(), "sendMessage", &body).await?);
        }
        assert!(statuses[0].starts_with("HTTP/1.1 200"), "{statuses:?}");
        assert!(statuses[1].starts_with("HTTP/1.1 200"), "{statuses:?}");
        assert!(statuses[2].starts_with("HTTP/1.1 429"), "{statuses:?}");
        assert!(statuses[2].contains("\"retry_after\":1"), "{statuses:?}");
        assert_eq!(api.refused(), 1);
        let texts: Vec<String> = api.delivered_since(0).into_iter().map(|d| d.text).collect();
        assert_eq!(texts, ["m0", "m1"]);
        assert_eq!(api.delivered_since(1).len(), 1);
        Ok(())
    }

    /// One plain HTTP/1.1 POST; the whole answer.
    async fn post_json(url: &str, method: &str, body: &str) -> anyhow::Result<String> {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let address = url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let request = format!(
            "POST /bot1:x/{method} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }
}
