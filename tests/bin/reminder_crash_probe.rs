//! A process for the crash test: it dispatches the due reminders of a
//! SQLite file through the real scheduler loop and the real Telegram
//! messenger to a Bot API at a given URL, and exits 0 once none is pending.
//! The test kills it with SIGKILL at random moments and starts it again.
//!
//! Usage: `reminder-crash-probe SQLITE_PATH API_URL LEASE_MS PER_SECOND`
#![expect(
    clippy::expect_used,
    reason = "a test helper: a broken set-up is reported by panicking"
)]

use std::sync::Arc;
use std::time::Duration;

use meetbot::clock::SystemClock;
use meetbot_i18n::Translator;
use meetbot_telegram::{BotApi, Limits, Sender, TelegramMessenger};
use meetbot_usecases::reminders::Dispatch;
use meetbot_usecases::scheduler::{self, SchedulerConfig};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, api_url, lease_ms, per_second] = args.as_slice() else {
        panic!("usage: reminder-crash-probe SQLITE_PATH API_URL LEASE_MS PER_SECOND");
    };
    let lease_ms: i64 = lease_ms.parse().expect("LEASE_MS is a number");
    let per_second: f64 = per_second.parse().expect("PER_SECOND is a number");
    let store = Arc::new(
        meetbot_storage::SqliteStore::open(path)
            .await
            .expect("the SQLite file opens"),
    );
    let token = SecretString::from("123456:crash-probe".to_owned());
    let api = BotApi::new(api_url, &token).expect("a Bot API client");
    let sender = Arc::new(Sender::new(Limits {
        overall_per_second: per_second,
        ..Limits::default()
    }));
    let messenger = Arc::new(TelegramMessenger::new(
        api,
        sender,
        Arc::new(Translator::new()),
    ));
    let services = meetbot_testkit::services()
        .store(store.clone())
        .messenger(messenger)
        .clock(Arc::new(SystemClock::new()))
        .owner_ids(Vec::new())
        .build();
    let config = SchedulerConfig {
        dispatch: Dispatch {
            lease: chrono::Duration::milliseconds(lease_ms),
            batch: 10,
            ..Dispatch::default()
        },
        longest_sleep: Duration::from_millis(200),
        ..SchedulerConfig::default()
    };
    let shutdown = CancellationToken::new();
    let watcher = {
        let shutdown = shutdown.clone();
        let store = store.clone();
        tokio::spawn(async move {
            // Done when nothing is pending any more (sent, or given up).
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                use meetbot_ports::Store as _;
                if matches!(store.next_reminder_at().await, Ok(None)) {
                    shutdown.cancel();
                    return;
                }
            }
        })
    };
    scheduler::dispatch_reminders(services, config, shutdown).await;
    watcher.await.expect("the watcher ends");
}
