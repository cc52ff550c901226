//! `PgStore`: the Store on a Postgres server.
//!
//! Postgres allows many writers at once, so what SQLite's single write lock
//! gives for free is asked for explicitly: bookings take a transaction-level
//! advisory lock, and claims lock their rows with `FOR UPDATE SKIP LOCKED`.

use std::fmt;
use std::sync::Arc;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::BigInt;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StorageError;
use crate::migrations::{MigrationStatus, run_pending, status};
use crate::outage::Outage;
use crate::sent_marks::SentMarks;
use crate::transaction::TxSettings;

/// The migrations in `migrations/postgres`, compiled in.
pub(crate) const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Connections in the pool; bookings queue on the advisory lock, so more
/// connections would only wait there.
const POOL_SIZE: u32 = 10;

/// Units of work open at once: half the pool, so that reads and the
/// background tasks always find a connection.
const OPEN_TRANSACTIONS: usize = 5;

/// The advisory lock every booking holds until it commits ("meetbook").
const BOOKING_LOCK: i64 = 0x6d65_6574_626f_6f6b;

type Conn = PgConnection;

/// The `Store` on a Postgres database.
pub struct PgStore {
    pool: Pool<ConnectionManager<PgConnection>>,
    outage: Arc<Outage>,
    transactions: TxSettings,
    sent_marks: SentMarks,
}

impl fmt::Debug for PgStore {
    // The URL may hold a password, so it is not kept, let alone shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool.state())
            .finish()
    }
}

fn open_one(url: &str) -> Result<PgConnection, StorageError> {
    <PgConnection as diesel::Connection>::establish(url)
        .map_err(|e| StorageError::Connect(format!("cannot connect to Postgres: {e}")))
}

/// Applies the pending migrations to the database at `url`; returns their names.
pub(crate) fn migrate(url: &str) -> Result<Vec<String>, StorageError> {
    run_pending(&mut open_one(url)?, MIGRATIONS)
}

/// Runs every down migration on the database at `url`.
pub(crate) fn revert_all(url: &str) -> Result<(), StorageError> {
    open_one(url)?
        .revert_all_migrations(MIGRATIONS)
        .map(drop)
        .map_err(|e| StorageError::Migrate(e.to_string()))
}

/// Compares the database's migrations with this binary's.
pub(crate) fn migration_status(url: &str) -> Result<MigrationStatus, StorageError> {
    let mut conn = open_one(url)?;
    let migrated = diesel::sql_query(
        "SELECT count(*) AS n WHERE to_regclass('__diesel_schema_migrations') IS NOT NULL",
    )
    .get_result::<crate::CountRow>(&mut conn)
    .map_err(|e| StorageError::Migrate(format!("cannot read the schema: {e}")))?
    .n > 0;
    status(&mut conn, MIGRATIONS, migrated)
}

/// The server's version and the database's size.
pub(crate) fn version(url: &str) -> Result<String, StorageError> {
    diesel::sql_query(
        "SELECT 'PostgreSQL ' || current_setting('server_version') || ', database size ' \
         || pg_size_pretty(pg_database_size(current_database())) AS version",
    )
    .get_result::<crate::VersionRow>(&mut open_one(url)?)
    .map(|row| row.version)
    .map_err(|e| StorageError::Connect(format!("Postgres does not answer: {e}")))
}

/// Connects to `url` and runs `SELECT 1`.
pub(crate) fn ping(url: &str) -> Result<(), StorageError> {
    diesel::sql_query("SELECT 1")
        .execute(&mut open_one(url)?)
        .map(drop)
        .map_err(|e| StorageError::Connect(format!("Postgres does not answer: {e}")))
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://` or `postgresql://`)
    /// and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let url = url.to_owned();
        crate::blocking(StorageError::Connect, move || {
            // One connection first: a wrong URL fails at once with libpq's
            // reason, rather than after the pool's connection timeout.
            let applied = migrate(&url)?;
            for name in &applied {
                tracing::info!(migration = %name, "applied a migration to Postgres");
            }
            let pool = Pool::builder()
                .max_size(POOL_SIZE)
                .min_idle(Some(1))
                // No `SELECT 1` before every call, which doubled the round
                // trips: a connection the server dropped fails its next
                // query, diesel marks it broken, the pool discards it, and
                // the unit of work is tried again on a fresh one.
                .test_on_check_out(false)
                // The pool would log each failed attempt to reconnect, several
                // a second while the server is down; the store logs the
                // outage's start and end instead (`Outage`).
                .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
                .build(ConnectionManager::new(url))
                .map_err(|e| StorageError::Connect(format!("cannot connect to Postgres: {e}")))?;
            Ok(Self {
                pool,
                outage: Arc::default(),
                sent_marks: SentMarks::default(),
                transactions: TxSettings {
                    begin: "BEGIN",
                    open_at_once: Arc::new(tokio::sync::Semaphore::new(OPEN_TRANSACTIONS)),
                    on_the_worker: false,
                },
            })
        })
        .await
    }
}

/// A multi-statement write; row locks and constraints keep it consistent.
fn write_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(work)
}

/// Bookings run one at a time: the buffer check reads meetings that do not
/// overlap the new one, which no row lock or constraint can cover, so a
/// lock held to the commit serialises them. Reads after it see every
/// booking committed before it was granted (READ COMMITTED takes a fresh
/// snapshot per statement).
fn booking_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(BOOKING_LOCK)
            .execute(conn)?;
        work(conn)
    })
}

/// A claim is one statement, atomic on its own: no transaction around it.
fn claim_tx<T, E, F>(conn: &mut Conn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut Conn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    work(conn)
}

// Rows another claimer has locked are skipped, not waited for, and a row
// leased meanwhile fails the re-check of the condition.
crate::shared::shared_store!(PgStore, lock_claimed_rows = "FOR UPDATE SKIP LOCKED");
