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

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use meetbot::background::{Background, HttpEndpoints};
use meetbot::clock::SystemClock;
use meetbot::supervise::Backoff;
use meetbot_domain::{AuditEvent, Meeting, MeetingId, Role, Settings, User, UserId};
use meetbot_memory::{InMemoryCalendar, InMemoryMessenger, InMemoryStore};
use meetbot_ports::{
    BookingError, BookingRequest, CalendarJob, Feedback, JobId, MeetingQuery, Reminder, ReminderId,
    ReminderState, Rsvp, Store, StoreError, UserQuery,
};
use meetbot_usecases::Services;
use meetbot_usecases::scheduler::SchedulerConfig;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// An in-memory store whose `next_reminder_at`, which only the scheduler
/// reads, panics the first time it is called.
#[derive(Debug, Default)]
struct PanicsOnce {
    store: InMemoryStore,
    panicked: AtomicBool,
}

#[async_trait]
impl Store for PanicsOnce {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        self.store.insert_user(user).await
    }
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.store.user(id).await
    }
    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        self.store.update_user(user).await
    }
    async fn change_role(&self, id: UserId, from: Role, to: Role) -> Result<User, StoreError> {
        self.store.change_role(id, from, to).await
    }
    async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
        self.store.users(query).await
    }
    async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
        self.store.book(request).await
    }
    async fn cancel_meeting(
        &self,
        id: MeetingId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        self.store.cancel_meeting(id, by, now).await
    }
    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        self.store.meeting(id).await
    }
    async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
        self.store.meetings(query).await
    }
    async fn complete_ended_meetings(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<Meeting>, StoreError> {
        self.store.complete_ended_meetings(now).await
    }
    async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
        self.store.reminders_of(meeting).await
    }
    async fn claim_due_reminders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        self.store.claim_due_reminders(now, lease, limit).await
    }
    async fn finish_reminder(
        &self,
        id: ReminderId,
        state: ReminderState,
    ) -> Result<(), StoreError> {
        self.store.finish_reminder(id, state).await
    }
    async fn retry_reminder(
        &self,
        id: ReminderId,
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.store.retry_reminder(id, not_before).await
    }
    async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("the store failed the scheduler once");
        }
        self.store.next_reminder_at().await
    }
    async fn claim_calendar_jobs(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<CalendarJob>, StoreError> {
        self.store.claim_calendar_jobs(now, lease, limit).await
    }
    async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
        self.store.finish_calendar_job(id).await
    }
    async fn retry_calendar_job(
        &self,
        id: JobId,
        not_before: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.store.retry_calendar_job(id, not_before, error).await
    }
    async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
        self.store.dialog(user).await
    }
    async fn save_dialog(&self, user: UserId, state: Option<String>) -> Result<(), StoreError> {
        self.store.save_dialog(user, state).await
    }
    async fn record_update(&self, update_id: i64, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.store.record_update(update_id, at).await
    }
    async fn prune_updates(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.store.prune_updates(before).await
    }
    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.store.value(key).await
    }
    async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.store.set_value(key, value).await
    }
    async fn heartbeat(&self, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.store.heartbeat(at).await
    }
    async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.store.record_once(key, at).await
    }
    async fn save_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        self.store.save_feedback(feedback).await
    }
    async fn feedback_of(&self, meeting: MeetingId) -> Result<Option<Feedback>, StoreError> {
        self.store.feedback_of(meeting).await
    }
    async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
        self.store.feedbacks(author).await
    }
    async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError> {
        self.store.save_rsvp(rsvp).await
    }
    async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError> {
        self.store.rsvps(occurrence).await
    }
    async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        self.store.append_audit(event).await
    }
    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        self.store.audit_log(limit).await
    }
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
    let services = Services {
        store: Arc::new(PanicsOnce::default()),
        calendar: Arc::new(InMemoryCalendar::new()),
        messenger: Arc::new(InMemoryMessenger::new()),
        clock: Arc::new(SystemClock::new()),
        owner_ids: Vec::new(),
        default_settings: Settings::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let http = HttpEndpoints {
        listener,
        telegram: None,
        calendar_kind: "none",
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
