//! `SqliteStore`: the embedded default, one file on disk.
//!
//! SQLite has one writer at a time. Every multi-statement write begins
//! `IMMEDIATE`, taking the write lock up front: a deferred transaction that
//! reads first and then writes cannot wait for the lock (its snapshot would
//! be stale) and fails with "database is locked" at once. With the lock
//! taken first, `busy_timeout` makes contenders wait their turn instead.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StorageError;
use crate::migrations::{MigrationStatus, run_pending, status};
use crate::outage::Outage;
use crate::sent_marks::SentMarks;
use crate::transaction::TxSettings;

/// The migrations in `migrations/sqlite`, compiled in.
pub(crate) const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Connections in the pool. Writers queue on SQLite's lock anyway; the
/// pool mostly lets readers run beside the one writer (WAL).
const POOL_SIZE: u32 = 8;

type Conn = SqliteConnection;

/// The `Store` on a SQLite file.
pub struct SqliteStore {
    pool: Pool<ConnectionManager<SqliteConnection>>,
    path: PathBuf,
    outage: Arc<Outage>,
    transactions: TxSettings,
    sent_marks: SentMarks,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Sets up every pooled connection the same way.
#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        apply_pragmas(conn).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// `busy_timeout` comes first because switching to WAL itself needs a lock
/// another connection may hold. WAL lets readers run while one writes;
/// `synchronous = NORMAL` is durable enough in WAL mode (a power cut may
/// lose the last commits, never corrupt); foreign keys are off by default.
fn apply_pragmas(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(
        "PRAGMA busy_timeout = 10000; \
         PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = NORMAL; \
         PRAGMA foreign_keys = ON;",
    )
}

/// Opens one connection, creating the file and its directory if missing.
fn open_one(path: &Path) -> Result<SqliteConnection, StorageError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StorageError::Connect(format!(
                "cannot create the directory {}: {e}",
                dir.display()
            ))
        })?;
    }
    let url = path.to_str().ok_or_else(|| {
        StorageError::Connect(format!("the path {} is not UTF-8", path.display()))
    })?;
    let mut conn = <SqliteConnection as diesel::Connection>::establish(url)
        .map_err(|e| StorageError::Connect(format!("cannot open {}: {e}", path.display())))?;
    apply_pragmas(&mut conn)
        .map_err(|e| StorageError::Connect(format!("cannot set up {}: {e}", path.display())))?;
    Ok(conn)
}

/// Applies the pending migrations to the file at `path`; returns their names.
pub(crate) fn migrate(path: &Path) -> Result<Vec<String>, StorageError> {
    run_pending(&mut open_one(path)?, MIGRATIONS)
}

/// Runs every down migration on the file at `path`.
pub(crate) fn revert_all(path: &Path) -> Result<(), StorageError> {
    open_one(path)?
        .revert_all_migrations(MIGRATIONS)
        .map(drop)
        .map_err(|e| StorageError::Migrate(e.to_string()))
}

/// Compares the migrations of the existing file at `path` with this binary's.
pub(crate) fn migration_status(path: &Path) -> Result<MigrationStatus, StorageError> {
    ping(path)?;
    let mut conn = open_one(path)?;
    let migrated = diesel::sql_query(
        "SELECT count(*) AS n FROM sqlite_master \
         WHERE type = 'table' AND name = '__diesel_schema_migrations'",
    )
    .get_result::<crate::CountRow>(&mut conn)
    .map_err(|e| StorageError::Migrate(format!("cannot read the schema: {e}")))?
    .n > 0;
    status(&mut conn, MIGRATIONS, migrated)
}

/// The SQLite library's version.
pub(crate) fn version(path: &Path) -> Result<String, StorageError> {
    ping(path)?;
    diesel::sql_query("SELECT sqlite_version() AS version")
        .get_result::<crate::VersionRow>(&mut open_one(path)?)
        .map(|row| format!("SQLite {}", row.version))
        .map_err(|e| StorageError::Connect(format!("{} does not answer: {e}", path.display())))
}

/// Opens the existing file at `path` and runs `SELECT 1`.
pub(crate) fn ping(path: &Path) -> Result<(), StorageError> {
    if !path.exists() {
        return Err(StorageError::Connect(format!(
            "the SQLite file {} does not exist yet (migrating or the first start creates it)",
            path.display()
        )));
    }
    diesel::sql_query("SELECT 1")
        .execute(&mut open_one(path)?)
        .map(drop)
        .map_err(|e| StorageError::Connect(format!("{} does not answer: {e}", path.display())))
}

impl SqliteStore {
    /// Opens the database file at `path` (creating it and its directory if
    /// missing) and applies pending migrations.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let path = path.into();
        crate::blocking(StorageError::Connect, move || {
            let applied = migrate(&path)?;
            for name in &applied {
                tracing::info!(migration = %name, "applied a migration to SQLite");
            }
            let pool = Pool::builder()
                .max_size(POOL_SIZE)
                // A connection to a local file does not go stale, so the
                // pool's check on every checkout would be a query for nothing.
                .test_on_check_out(false)
                .connection_customizer(Box::new(Pragmas))
                .build(ConnectionManager::new(path.to_string_lossy()))
                .map_err(|e| {
                    StorageError::Connect(format!("cannot open {}: {e}", path.display()))
                })?;
            Ok(Self {
                pool,
                path,
                outage: Arc::<Outage>::default(),
                sent_marks: SentMarks::default(),
                // One writer at a time: units of work and single writes
                // queue here, and take the write lock as they begin.
                transactions: TxSettings {
                    begin: "BEGIN IMMEDIATE",
                    open_at_once: Arc::new(tokio::sync::Semaphore::new(1)),
                    on_the_worker: true,
                },
            })
        })
        .await
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A multi-statement write, holding SQLite's write lock from the start; in
/// a unit of work, which holds it already, a savepoint.
fn write_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if in_transaction(conn).map_err(E::from)? {
        conn.transaction(work)
    } else {
        conn.immediate_transaction(work)
    }
}

/// On SQLite the write lock already serialises bookings: the overlap and
/// limit checks run while no other writer can commit.
fn booking_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    write_tx(conn, work)
}

/// A claim's one statement, under the write lock taken up front, so that
/// it waits its turn behind another writer instead of failing busy.
fn claim_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    write_tx(conn, work)
}

// SQLite has one writer: no other claimer runs while a claim does.
crate::shared::shared_store!(SqliteStore, lock_claimed_rows = "");
