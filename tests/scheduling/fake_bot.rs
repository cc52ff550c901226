//! A small fake Bot API for the reminder tests: it answers `sendMessage`
//! like Telegram and records, per chat, how many messages came and when,
//! so a test can count deliveries (also across processes it kills) and
//! measure the busiest second. Times are read from tokio's clock, so a test
//! in paused time measures paused time.
#![expect(
    clippy::unwrap_used,
    reason = "test support: a panic reports a broken set-up"
)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::time::Instant;

#[derive(Default)]
struct Log {
    per_chat: BTreeMap<i64, usize>,
    arrivals: Vec<(Instant, i64)>,
}

/// The fake, listening on 127.0.0.1 until dropped.
pub struct FakeBot {
    /// The base URL to give the bot as its Bot API URL.
    pub url: String,
    log: Arc<Mutex<Log>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeBot {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn method(
    State(log): State<Arc<Mutex<Log>>>,
    Path((_token, method)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Json<Value> {
    if method != "sendMessage" {
        return Json(json!({ "ok": true, "result": true }));
    }
    let chat = body.get("chat_id").and_then(Value::as_i64).unwrap_or(0);
    let id = {
        let mut log = log.lock().unwrap();
        *log.per_chat.entry(chat).or_default() += 1;
        log.arrivals.push((Instant::now(), chat));
        log.arrivals.len()
    };
    Json(json!({
        "ok": true,
        "result": {
            "message_id": id,
            "date": 0,
            "chat": { "id": chat, "type": "private", "first_name": "Test" },
            "text": body.get("text").cloned().unwrap_or(Value::Null),
        }
    }))
}

impl FakeBot {
    /// Starts the fake on a free port.
    pub async fn start() -> Self {
        let log = Arc::new(Mutex::new(Log::default()));
        let app = Router::new()
            .route("/{token}/{method}", post(method))
            .with_state(log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, log, server }
    }

    /// Messages received, per chat.
    pub fn per_chat(&self) -> BTreeMap<i64, usize> {
        self.log.lock().unwrap().per_chat.clone()
    }

    /// Messages received in all.
    pub fn total(&self) -> usize {
        self.log.lock().unwrap().arrivals.len()
    }

    /// The most messages that arrived within any one second (a sliding window).
    pub fn most_in_one_second(&self) -> usize {
        let arrivals: Vec<Instant> = self
            .log
            .lock()
            .unwrap()
            .arrivals
            .iter()
            .map(|(at, _)| *at)
            .collect();
        most_within_one_second(&arrivals)
    }

    /// The most messages one chat got within any one second.
    pub fn most_in_one_second_to_one_chat(&self) -> usize {
        let mut per_chat: BTreeMap<i64, Vec<Instant>> = BTreeMap::new();
        for (at, chat) in &self.log.lock().unwrap().arrivals {
            per_chat.entry(*chat).or_default().push(*at);
        }
        per_chat
            .values()
            .map(|arrivals| most_within_one_second(arrivals))
            .max()
            .unwrap_or(0)
    }
}

/// The most of `arrivals` (in order) within any one second.
fn most_within_one_second(arrivals: &[Instant]) -> usize {
    let mut most = 0;
    let mut first = 0;
    for (last, at) in arrivals.iter().enumerate() {
        while at.duration_since(arrivals[first]) >= Duration::from_secs(1) {
            first += 1;
        }
        most = most.max(last - first + 1);
    }
    most
}
