//! Fresh, empty stores for tests: a SQLite file in a temporary directory, or
//! a Postgres database created for the test and dropped after it.
#![expect(
    clippy::expect_used,
    reason = "a broken test set-up is reported by panicking"
)]

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

crate::delegate::delegate_store!(Wrapped, store, Wrapped::note, Wrapped::begin_inner);

impl Wrapped {
    fn note(&self, method: &'static str) {
        (self.before_call)(method);
    }

    /// The calls through the transaction are not seen by `before_call`.
    async fn begin_inner(&self) -> Result<Arc<dyn Transaction>, StoreError> {
        self.store.begin().await
    }
}
