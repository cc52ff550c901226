//! The Prometheus metrics served at `/metrics`: the process's recorder,
//! what is measured at the moment of a scrape (tasks up, build info), and
//! the owner's calendar timed call by call.
//!
//! The counters and histograms themselves are recorded where things
//! happen, through the `metrics` facade: updates and their handling in the
//! Telegram dispatcher, Bot API calls, 429s and retries in its client and
//! sender, reminders and messages in the use cases, store operations in
//! the storage adapter.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use meetbot_domain::Interval;
use meetbot_ports::{Calendar, CalendarAbout, CalendarError, CalendarEvent, EventKey, Store};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio_util::sync::CancellationToken;

use crate::supervise::{TaskState, TaskStates};

/// Buckets of the latency histograms, in seconds: a millisecond to ten seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Buckets of how late reminders go out, in seconds: a second to a day.
const LATENESS_BUCKETS: &[f64] = &[1.0, 10.0, 60.0, 300.0, 900.0, 3600.0, 21_600.0, 86_400.0];

/// The histograms timed in [`LATENCY_BUCKETS`].
const LATENCIES: [&str; 3] = [
    "meetbot_update_handling_seconds",
    "meetbot_store_operation_seconds",
    "meetbot_calendar_call_seconds",
];

/// How often recorded histogram samples are folded in, so that memory
/// stays flat between scrapes: a burst records some twenty thousand
/// timings a second, kept one by one until folded in.
const UPKEEP_EVERY: Duration = Duration::from_secs(1);

/// The process's recorder, installed on first use; what it renders is
/// what every part of the bot recorded since.
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let lateness = PrometheusBuilder::new().set_buckets_for_metric(
            Matcher::Full("meetbot_reminder_lateness_seconds".to_owned()),
            LATENESS_BUCKETS,
        );
        let builder = LATENCIES.iter().fold(lateness, |builder, name| {
            builder?.set_buckets_for_metric(Matcher::Full((*name).to_owned()), LATENCY_BUCKETS)
        });
        match builder.and_then(PrometheusBuilder::install_recorder) {
            Ok(handle) => {
                describe();
                handle
            }
            // Another recorder is installed already (a test harness): the
            // bot still runs, and /metrics shows an empty set.
            Err(error) => {
                tracing::warn!(%error, "the metrics recorder could not be installed");
                PrometheusBuilder::new().build_recorder().handle()
            }
        }
    })
}

/// The help text of every metric, shown by Prometheus.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "meetbot_updates_received_total",
        "Telegram updates received, by kind"
    );
    describe_counter!(
        "meetbot_updates_handled_total",
        "Telegram updates handled, by kind"
    );
    describe_counter!(
        "meetbot_update_panics_total",
        "Updates whose handling panicked; the person was told and the bot went on"
    );
    describe_histogram!(
        "meetbot_update_handling_seconds",
        metrics::Unit::Seconds,
        "From taking up an update to its answer being stored and handed to the sender"
    );
    describe_counter!(
        "meetbot_telegram_calls_total",
        "Bot API calls, by method and outcome"
    );
    describe_counter!(
        "meetbot_telegram_rate_limited_total",
        "Bot API calls answered 429"
    );
    describe_counter!("meetbot_telegram_retries_total", "Bot API calls made again");
    describe_gauge!(
        "meetbot_send_queue_length",
        "Messages on their way through the sender"
    );
    describe_counter!(
        "meetbot_messages_total",
        "Outbox messages tried, by outcome"
    );
    describe_counter!("meetbot_reminders_total", "Reminders handled, by outcome");
    describe_counter!(
        "meetbot_reminders_late_total",
        "Reminders sent more than five minutes after they fell due"
    );
    describe_histogram!(
        "meetbot_reminder_lateness_seconds",
        metrics::Unit::Seconds,
        "How long after falling due reminders were sent"
    );
    describe_histogram!(
        "meetbot_calendar_call_seconds",
        metrics::Unit::Seconds,
        "Calls to the owner's calendar, by operation"
    );
    describe_counter!(
        "meetbot_calendar_errors_total",
        "Failed calls to the owner's calendar"
    );
    describe_histogram!(
        "meetbot_store_operation_seconds",
        metrics::Unit::Seconds,
        "Store operations, by kind of access"
    );
    describe_gauge!(
        "meetbot_outbox_depth",
        "Writes waiting in an outbox (messages, calendar)"
    );
    describe_gauge!(
        "meetbot_outbox_oldest_seconds",
        metrics::Unit::Seconds,
        "How long the oldest write of an outbox has waited"
    );
    describe_gauge!(
        "meetbot_task_up",
        "Whether a supervised background task runs (1) or not (0)"
    );
    describe_gauge!(
        "meetbot_build_info",
        "The running version, as a label; always 1"
    );
}

/// The metrics as Prometheus text, with the tasks' states and the
/// outboxes as of `now` (when the store answers).
pub async fn render(tasks: &TaskStates, store: &dyn Store, now: DateTime<Utc>) -> String {
    metrics::gauge!("meetbot_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    for (task, state) in tasks.snapshot() {
        let up = if matches!(state, TaskState::Running) {
            1.0
        } else {
            0.0
        };
        metrics::gauge!("meetbot_task_up", "task" => task).set(up);
    }
    match store.backlog(now, now, chrono::Duration::zero()).await {
        Ok(backlog) => {
            let age = |oldest: Option<DateTime<Utc>>| {
                oldest.map_or(0.0, |at| (now - at).as_seconds_f64().max(0.0))
            };
            for (outbox, depth, oldest) in [
                ("messages", backlog.queued_messages, backlog.oldest_message),
                (
                    "calendar",
                    backlog.calendar_jobs,
                    backlog.oldest_calendar_job,
                ),
            ] {
                metrics::gauge!("meetbot_outbox_depth", "outbox" => outbox).set(depth as f64);
                metrics::gauge!("meetbot_outbox_oldest_seconds", "outbox" => outbox)
                    .set(age(oldest));
            }
        }
        Err(error) => tracing::warn!(%error, "the outboxes could not be read for /metrics"),
    }
    recorder().render()
}

/// Folds recorded histogram samples in every second until `shutdown`.
pub async fn upkeep(shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(UPKEEP_EVERY) => recorder().run_upkeep(),
        }
    }
}

/// The owner's calendar with every call timed
/// (`meetbot_calendar_call_seconds`) and every failure counted
/// (`meetbot_calendar_errors_total`), by operation.
pub struct MeteredCalendar(pub Arc<dyn Calendar>);

impl std::fmt::Debug for MeteredCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MeteredCalendar")
            .field(&self.0.about())
            .finish()
    }
}

impl MeteredCalendar {
    async fn timed<T>(
        operation: &'static str,
        call: impl Future<Output = Result<T, CalendarError>>,
    ) -> Result<T, CalendarError> {
        let started = Instant::now();
        let result = call.await;
        metrics::histogram!("meetbot_calendar_call_seconds", "operation" => operation)
            .record(started.elapsed().as_secs_f64());
        if result.is_err() {
            metrics::counter!("meetbot_calendar_errors_total", "operation" => operation)
                .increment(1);
        }
        result
    }
}

#[async_trait]
impl Calendar for MeteredCalendar {
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError> {
        Self::timed("busy", self.0.busy(range)).await
    }

    async fn upsert_event(&self, event: &CalendarEvent) -> Result<Option<String>, CalendarError> {
        Self::timed("upsert", self.0.upsert_event(event)).await
    }

    async fn cancel_event(&self, key: &EventKey) -> Result<(), CalendarError> {
        Self::timed("cancel", self.0.cancel_event(key)).await
    }

    fn event_uid(&self, key: &EventKey) -> String {
        self.0.event_uid(key)
    }

    async fn probe(&self) -> Result<(), CalendarError> {
        Self::timed("probe", self.0.probe()).await
    }

    fn about(&self) -> CalendarAbout {
        self.0.about()
    }
}
