//! Supervision of the background set, through the real `/health` endpoint:
//! the scheduler is made to panic once (its store panics the first time the
//! scheduler asks when the next reminder is due), `/health` turns 503
//! naming it, then 200 once the supervisor has started it again.

#![expect(
    clippy::unwrap_used,
    reason = "test set-up: a panic reports a broken set-up"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use meetbot::background::{Background, HttpEndpoints};
use meetbot::clock::SystemClock;
use meetbot::supervise::Backoff;
use meetbot_memory::InMemoryStore;
use meetbot_testkit::storage::Wrapped;
use meetbot_usecases::scheduler::SchedulerConfig;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// An in-memory store whose `next_reminder_at`, which only the scheduler
/// reads, panics the first time it is called.
fn panics_once() -> Wrapped {
    let panicked = AtomicBool::new(false);
    Wrapped::before_each_call(InMemoryStore::new(), move |method| {
        if method == "next_reminder_at" && !panicked.swap(true, Ordering::SeqCst) {
            panic!("the store failed the scheduler once");
        }
    })
}

async fn health(address: std::net::SocketAddr) -> (u16, Value) {
    let answer = reqwest::get(format!("http://{address}/health"))
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

/// `/health`'s first answer with `status`, asked every 50 ms for at most `within`.
async fn health_turns(address: std::net::SocketAddr, status: u16, within: StdDuration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let (now, body) = health(address).await;
        if now == status {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/health did not turn {status}: {body}"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_supervised_scheduler_that_panics_shows_on_health_until_it_runs_again() {
    let services = meetbot_testkit::services()
        .store(Arc::new(panics_once()))
        .clock(Arc::new(SystemClock::new()))
        .owner_ids(Vec::new())
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let http = HttpEndpoints {
        listener,
        telegram: None,
        calendar_kind: "none",
        metrics_token: None,
        routes: axum::Router::new(),
    };
    // Long enough to see the failure on /health, short enough for a test.
    let backoff = Backoff {
        first: StdDuration::from_secs(1),
        longest: StdDuration::from_secs(4),
    };
    let shutdown = CancellationToken::new();

    let background = Background::start(
        &services,
        Some(http),
        SchedulerConfig::default(),
        backoff,
        &shutdown,
    )
    .unwrap();

    let body = health_turns(address, 503, StdDuration::from_secs(5)).await;
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_eq!(
        body["tasks"]["scheduler"], "restarting: panicked: the store failed the scheduler once",
        "{body}"
    );
    assert_eq!(body["tasks"]["outbox"], "running", "{body}");
    assert_eq!(body["database"]["reachable"], true, "{body}");

    let body = health_turns(address, 200, StdDuration::from_secs(10)).await;
    assert_eq!(body["status"], "ok", "{body}");
    assert_eq!(body["tasks"]["scheduler"], "running", "{body}");

    shutdown.cancel();
    tokio::time::timeout(StdDuration::from_secs(5), background.stopped())
        .await
        .expect("every task stops at shutdown");
}
