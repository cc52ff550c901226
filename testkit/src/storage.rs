//! Fresh, empty stores for tests: a SQLite file in a temporary directory, or
//! a Postgres database created for the test and dropped after it.
#![expect(
    clippy::expect_used,
    reason = "a broken test set-up is reported by panicking"
)]

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use meetbot_domain::{AuditEvent, Interval, Meeting, MeetingId, Role, User, UserId};
use meetbot_ports::{
    AuditEntry, AuditQuery, BookingError, BookingRequest, CalendarJob, Feedback, JobId,
    MeetingQuery, Reminder, ReminderId, ReminderState, Rsvp, Store, StoreError, UserQuery,
};
use meetbot_ports::{BookerSummary, MeetingFigures, PeopleFigures, RsvpCount, StatisticsQuery};
use meetbot_ports::{InboxUpdate, Outgoing, OutgoingId, QueuedMessage, Transaction};
use tempfile::TempDir;

/// The variable naming a Postgres server tests may create databases on.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// A SQLite file in a temporary directory, deleted on drop.
#[derive(Debug)]
pub struct TempSqlite {
    /// `sqlite:///...` of the file (which does not exist until opened).
    pub url: String,
    /// The directory; the file lives as long as this does.
    pub dir: TempDir,
}

impl TempSqlite {
    /// A new, not yet created database file.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
        Self { url, dir }
    }

    /// The path of the database file.
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("meetbot.sqlite3")
    }
}

impl Default for TempSqlite {
    fn default() -> Self {
        Self::new()
    }
}

/// A Postgres database created for one test, dropped (even if the test
/// panics) when this is dropped.
#[derive(Debug)]
pub struct TempPgDatabase {
    /// The URL of the new database.
    pub url: String,
    /// Its name.
    pub name: String,
    admin_url: String,
}

impl TempPgDatabase {
    /// Creates an empty database on the server of `TEST_DATABASE_URL`, or
    /// prints why not and returns `None` when the variable is unset.
    pub async fn create(what: &str) -> Option<Self> {
        let Ok(admin_url) = std::env::var(TEST_DATABASE_URL) else {
            eprintln!("SKIPPED: {TEST_DATABASE_URL} is not set; Postgres {what} not run");
            return None;
        };
        let db = tokio::task::spawn_blocking(move || {
            let name = unique_name();
            let mut admin = PgConnection::establish(&admin_url)
                .expect("TEST_DATABASE_URL must reach a Postgres server");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("CREATE DATABASE");
            Self {
                url: with_database(&admin_url, &name),
                name,
                admin_url,
            }
        })
        .await
        .expect("the set-up task");
        Some(db)
    }
}

impl Drop for TempPgDatabase {
    fn drop(&mut self) {
        // Best effort: a leftover database is harmless, a panic in drop is not.
        // FORCE ends connections a pool may still hold.
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let drop_it = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            if let Err(e) = diesel::sql_query(drop_it).execute(&mut admin) {
                eprintln!("could not drop the test database {}: {e}", self.name);
            }
        }
    }
}

/// `meetbot_t<pid>_<time>_<counter>`: unique across parallel test processes.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "meetbot_t{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The same server URL with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (authority, after) = rest.split_once('/').unwrap_or((rest, ""));
    let query = after
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{scheme}://{authority}/{database}{query}")
}

/// A fresh SQLite store in its own temporary file.
pub async fn fresh_sqlite_store() -> Option<Arc<dyn Store>> {
    let file = TempSqlite::new();
    let store = meetbot_storage::SqliteStore::open(file.path())
        .await
        .expect("a fresh SQLite store");
    Some(Arc::new(Wrapped::keeping(store, file)))
}

/// A fresh Postgres store in its own database, or `None` (with a line on
/// stderr) when `TEST_DATABASE_URL` is unset.
pub async fn fresh_pg_store() -> Option<Arc<dyn Store>> {
    let db = TempPgDatabase::create("contract").await?;
    let store = meetbot_storage::PgStore::connect(&db.url)
        .await
        .expect("a fresh Postgres store");
    Some(Arc::new(Wrapped::keeping(store, db)))
}

/// A store that passes every call on to another one: to keep that one's
/// backing (temporary file or database) alive and dispose of it once the
/// store is gone, or to let a test step in before a call.
pub struct Wrapped {
    // Declared first so it is dropped first: its connections close before
    // the file or database goes.
    store: Box<dyn Store>,
    before_call: Box<dyn Fn(&'static str) + Send + Sync>,
    _backing: Box<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wrapped").finish_non_exhaustive()
    }
}

impl Wrapped {
    /// Wraps `store`, dropping `backing` after it.
    pub fn keeping(store: impl Store + 'static, backing: impl Any + Send + Sync) -> Self {
        Self {
            store: Box::new(store),
            before_call: Box::new(|_| {}),
            _backing: Box::new(backing),
        }
    }

    /// Wraps `store`, calling `before_call` with the name of each `Store`
    /// method (such as `"next_reminder_at"`) before passing the call on; a
    /// panic there is a panic of the store.
    pub fn before_each_call(
        store: impl Store + 'static,
        before_call: impl Fn(&'static str) + Send + Sync + 'static,
    ) -> Self {
        Self {
            store: Box::new(store),
            before_call: Box::new(before_call),
            _backing: Box::new(()),
        }
    }
}

#[async_trait]
impl Store for Wrapped {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        (self.before_call)("insert_user");
        self.store.insert_user(user).await
    }
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        (self.before_call)("user");
        self.store.user(id).await
    }
    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        (self.before_call)("update_user");
        self.store.update_user(user).await
    }
    async fn change_role(&self, id: UserId, from: Role, to: Role) -> Result<User, StoreError> {
        (self.before_call)("change_role");
        self.store.change_role(id, from, to).await
    }
    async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
        (self.before_call)("users");
        self.store.users(query).await
    }
    async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
        (self.before_call)("book");
        self.store.book(request).await
    }
    async fn cancel_meeting(
        &self,
        id: MeetingId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        (self.before_call)("cancel_meeting");
        self.store.cancel_meeting(id, by, now).await
    }
    async fn mark_no_show(
        &self,
        id: MeetingId,
        no_show: bool,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        (self.before_call)("mark_no_show");
        self.store.mark_no_show(id, no_show, now).await
    }
    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        (self.before_call)("meeting");
        self.store.meeting(id).await
    }
    async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
        (self.before_call)("meetings");
        self.store.meetings(query).await
    }
    async fn complete_ended_meetings(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<Meeting>, StoreError> {
        (self.before_call)("complete_ended_meetings");
        self.store.complete_ended_meetings(now).await
    }
    async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
        (self.before_call)("reminders_of");
        self.store.reminders_of(meeting).await
    }
    async fn claim_due_reminders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        (self.before_call)("claim_due_reminders");
        self.store.claim_due_reminders(now, lease, limit).await
    }
    async fn finish_reminder(
        &self,
        id: ReminderId,
        state: ReminderState,
    ) -> Result<(), StoreError> {
        (self.before_call)("finish_reminder");
        self.store.finish_reminder(id, state).await
    }
    async fn retry_reminder(
        &self,
        id: ReminderId,
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        (self.before_call)("retry_reminder");
        self.store.retry_reminder(id, not_before).await
    }
    async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        (self.before_call)("next_reminder_at");
        self.store.next_reminder_at().await
    }
    async fn claim_calendar_jobs(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<CalendarJob>, StoreError> {
        (self.before_call)("claim_calendar_jobs");
        self.store.claim_calendar_jobs(now, lease, limit).await
    }
    async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
        (self.before_call)("finish_calendar_job");
        self.store.finish_calendar_job(id).await
    }
    async fn retry_calendar_job(
        &self,
        id: JobId,
        not_before: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        (self.before_call)("retry_calendar_job");
        self.store.retry_calendar_job(id, not_before, error).await
    }
    async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
        (self.before_call)("dialog");
        self.store.dialog(user).await
    }
    async fn save_dialog(&self, user: UserId, state: Option<String>) -> Result<(), StoreError> {
        (self.before_call)("save_dialog");
        self.store.save_dialog(user, state).await
    }
    async fn receive_updates(&self, updates: &[InboxUpdate]) -> Result<Vec<bool>, StoreError> {
        (self.before_call)("receive_updates");
        self.store.receive_updates(updates).await
    }
    async fn unhandled_updates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<InboxUpdate>, StoreError> {
        (self.before_call)("unhandled_updates");
        self.store.unhandled_updates(after, limit).await
    }
    async fn update_handled(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        (self.before_call)("update_handled");
        self.store.update_handled(id, at).await
    }
    async fn prune_delivered(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        (self.before_call)("prune_delivered");
        self.store.prune_delivered(before).await
    }
    async fn queue_messages(
        &self,
        messages: &[Outgoing],
        now: DateTime<Utc>,
        claim: Option<Duration>,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        (self.before_call)("queue_messages");
        self.store.queue_messages(messages, now, claim).await
    }
    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        (self.before_call)("claim_messages");
        self.store.claim_messages(now, lease, limit).await
    }
    async fn message_sent(&self, id: OutgoingId, at: DateTime<Utc>) -> Result<(), StoreError> {
        (self.before_call)("message_sent");
        self.store.message_sent(id, at).await
    }
    async fn retry_message(
        &self,
        id: OutgoingId,
        not_before: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<(), StoreError> {
        (self.before_call)("retry_message");
        self.store.retry_message(id, not_before, error).await
    }
    async fn drop_message(
        &self,
        id: OutgoingId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError> {
        (self.before_call)("drop_message");
        self.store.drop_message(id, at, reason).await
    }
    async fn next_message_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        (self.before_call)("next_message_at");
        self.store.next_message_at().await
    }
    /// The calls through the transaction are not seen by `before_call`.
    async fn begin(&self) -> Result<Arc<dyn Transaction>, StoreError> {
        (self.before_call)("begin");
        self.store.begin().await
    }
    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        (self.before_call)("value");
        self.store.value(key).await
    }
    async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (self.before_call)("set_value");
        self.store.set_value(key, value).await
    }
    async fn heartbeat(&self, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.store.heartbeat(at).await
    }
    async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        (self.before_call)("record_once");
        self.store.record_once(key, at).await
    }
    async fn save_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        (self.before_call)("save_feedback");
        self.store.save_feedback(feedback).await
    }
    async fn feedback_of(&self, meeting: MeetingId) -> Result<Option<Feedback>, StoreError> {
        (self.before_call)("feedback_of");
        self.store.feedback_of(meeting).await
    }
    async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
        (self.before_call)("feedbacks");
        self.store.feedbacks(author).await
    }
    async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError> {
        (self.before_call)("save_rsvp");
        self.store.save_rsvp(rsvp).await
    }
    async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError> {
        (self.before_call)("rsvps");
        self.store.rsvps(occurrence).await
    }
    async fn meeting_figures(&self, query: &StatisticsQuery) -> Result<MeetingFigures, StoreError> {
        (self.before_call)("meeting_figures");
        self.store.meeting_figures(query).await
    }
    async fn people_figures(&self, joined_within: Interval) -> Result<PeopleFigures, StoreError> {
        (self.before_call)("people_figures");
        self.store.people_figures(joined_within).await
    }
    async fn booker_summaries(
        &self,
        booker: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<BookerSummary>, StoreError> {
        (self.before_call)("booker_summaries");
        self.store.booker_summaries(booker, now).await
    }
    async fn rsvp_counts(&self, occurrences: &[String]) -> Result<Vec<RsvpCount>, StoreError> {
        (self.before_call)("rsvp_counts");
        self.store.rsvp_counts(occurrences).await
    }
    async fn count_done_once(&self, prefix: &str) -> Result<u64, StoreError> {
        (self.before_call)("count_done_once");
        self.store.count_done_once(prefix).await
    }
    async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        (self.before_call)("append_audit");
        self.store.append_audit(event).await
    }
    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        (self.before_call)("audit_log");
        self.store.audit_log(query).await
    }
}
