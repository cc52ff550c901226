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
use meetbot_domain::{AuditEvent, Meeting, MeetingId, Role, User, UserId};
use meetbot_ports::{
    BookingError, BookingRequest, CalendarJob, Feedback, JobId, MeetingQuery, Reminder, ReminderId,
    ReminderState, Rsvp, Store, StoreError, UserQuery,
};
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
    Some(Arc::new(Guarded::new(store, file)))
}

/// A fresh Postgres store in its own database, or `None` (with a line on
/// stderr) when `TEST_DATABASE_URL` is unset.
pub async fn fresh_pg_store() -> Option<Arc<dyn Store>> {
    let db = TempPgDatabase::create("contract").await?;
    let store = meetbot_storage::PgStore::connect(&db.url)
        .await
        .expect("a fresh Postgres store");
    Some(Arc::new(Guarded::new(store, db)))
}

/// A store that keeps its backing (temporary file or database) alive and
/// disposes of it once the store is gone.
pub struct Guarded {
    // Declared first so it is dropped first: its connections close before
    // the file or database goes.
    store: Box<dyn Store>,
    _backing: Box<dyn Any + Send + Sync>,
}

impl std::fmt::Debug for Guarded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guarded").finish_non_exhaustive()
    }
}

impl Guarded {
    /// Wraps `store`, dropping `backing` after it.
    pub fn new(store: impl Store + 'static, backing: impl Any + Send + Sync) -> Self {
        Self {
            store: Box::new(store),
            _backing: Box::new(backing),
        }
    }
}

#[async_trait]
impl Store for Guarded {
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
