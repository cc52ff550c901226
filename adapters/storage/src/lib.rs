//! meetbot's `Store` on diesel: [`SqliteStore`] (bundled SQLite, the embedded
//! default) and [`PgStore`] (bundled libpq), with embedded migrations.
//!
//! Both backends share one schema shape and one set of queries; only what
//! really differs (how bookings and claims are serialised, connection set-up)
//! is written per backend. Every database call runs on tokio's blocking pool,
//! because diesel is synchronous. Instants are stored as microseconds since
//! the Unix epoch (UTC), enums as their stable names.
//!
//! This crate depends on `meetbot-ports` and `meetbot-domain` only; it must
//! never depend on the use cases, the app or a chat adapter.

pub mod backup;
pub mod config;
mod failure;
mod migrations;
mod outage;
mod postgres;
mod prepared;
mod rows;
mod schema;
mod sent_marks;
mod shared;
mod sqlite;
mod statistics;
mod store_impl;
mod transaction;

use std::path::PathBuf;
use std::sync::Arc;

use meetbot_ports::Store;

pub use backup::{BackupError, Check, DatabaseLock};
pub use config::{DatabaseBackend, DatabaseUrl, StorageConfig};
pub use migrations::MigrationStatus;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Why the storage could not be opened or migrated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The URL names no backend this crate knows; holds the scheme only,
    /// never the URL (it may carry a password).
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (or postgresql://), got {0:?}")]
    UnknownScheme(String),
    /// The database could not be opened or reached.
    #[error("cannot open the database: {0}")]
    Connect(String),
    /// A migration could not be applied or reverted.
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
}

/// Where the data lives, as read from a database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `sqlite://relative/path`, `sqlite:///absolute/path`,
    /// `postgres://...` or `postgresql://...`.
    fn parse(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(StorageError::Connect(
                    "the SQLite URL names no file: use sqlite://path/to/file.sqlite3".into(),
                ));
            }
            if path.contains(":memory:") || path.starts_with("file:") {
                // Every pooled connection to :memory: would open its own,
                // empty database.
                return Err(StorageError::Connect(
                    "an in-memory SQLite database cannot be shared by a connection pool; use a file, \
                     e.g. sqlite://data/meetbot.sqlite3"
                        .into(),
                ));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        Err(StorageError::UnknownScheme(scheme.to_owned()))
    }
}

/// Opens the database at `url`, applies pending migrations and returns the store.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StorageError> {
    Ok(match Location::parse(url)? {
        Location::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
        Location::Postgres(url) => Arc::new(PgStore::connect(&url).await?),
    })
}

/// Applies pending migrations to the database at `url` and returns the names
/// of those applied (empty when it was up to date).
pub async fn migrate(url: &str) -> Result<Vec<String>, StorageError> {
    let location = Location::parse(url)?;
    blocking(StorageError::Migrate, move || match location {
        Location::Sqlite(path) => sqlite::migrate(&path),
        Location::Postgres(url) => postgres::migrate(&url),
    })
    .await
}

/// Runs every migration's down.sql, newest first, leaving an empty schema.
/// Destroys all data: for tests and for starting over by hand.
pub async fn revert_all(url: &str) -> Result<(), StorageError> {
    let location = Location::parse(url)?;
    blocking(StorageError::Migrate, move || match location {
        Location::Sqlite(path) => sqlite::revert_all(&path),
        Location::Postgres(url) => postgres::revert_all(&url),
    })
    .await
}

/// How the migrations of the existing database at `url` compare with this
/// binary's; for a doctor command (an SQLite file that does not exist is
/// an error, not created).
pub async fn migration_status(url: &str) -> Result<MigrationStatus, StorageError> {
    let location = Location::parse(url)?;
    blocking(StorageError::Migrate, move || match location {
        Location::Sqlite(path) => sqlite::migration_status(&path),
        Location::Postgres(url) => postgres::migration_status(&url),
    })
    .await
}

/// The database software's version (and, for Postgres, the database's
/// size), for a doctor command.
pub async fn version(url: &str) -> Result<String, StorageError> {
    let location = Location::parse(url)?;
    blocking(StorageError::Connect, move || match location {
        Location::Sqlite(path) => sqlite::version(&path),
        Location::Postgres(url) => postgres::version(&url),
    })
    .await
}

/// One count named `n`.
#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// One text column named `version`.
#[derive(diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

/// Checks that the database at `url` answers a query, without migrating or
/// creating anything; for a doctor command. A running service should rather
/// call [`SqliteStore::ping`] or [`PgStore::ping`] on the store it holds.
pub async fn ping(url: &str) -> Result<(), StorageError> {
    let location = Location::parse(url)?;
    blocking(StorageError::Connect, move || match location {
        Location::Sqlite(path) => sqlite::ping(&path),
        Location::Postgres(url) => postgres::ping(&url),
    })
    .await
}

/// Runs `work` on tokio's blocking pool; a task that died is reported as `fail`.
async fn blocking<T, F>(fail: fn(String) -> StorageError, work: F) -> Result<T, StorageError>
where
    F: FnOnce() -> Result<T, StorageError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| fail(format!("the database task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend_and_path() {
        assert_eq!(
            Location::parse("sqlite://data/m.sqlite3"),
            Ok(Location::Sqlite("data/m.sqlite3".into()))
        );
        assert_eq!(
            Location::parse("sqlite:///var/lib/m.sqlite3"),
            Ok(Location::Sqlite("/var/lib/m.sqlite3".into()))
        );
        assert_eq!(
            Location::parse("postgresql://u:p@h/db"),
            Ok(Location::Postgres("postgresql://u:p@h/db".into()))
        );
        assert!(matches!(
            Location::parse("sqlite::memory:"),
            Err(StorageError::Connect(_))
        ));
    }

    #[test]
    fn an_unknown_scheme_is_reported_without_the_rest_of_the_url() {
        let err = Location::parse("mysql://root:secret@h/db").unwrap_err();
        assert_eq!(err, StorageError::UnknownScheme("mysql".into()));
        assert!(!err.to_string().contains("secret"));
        assert!(err.to_string().contains("sqlite://"));
    }
}
