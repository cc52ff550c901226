//! Copies of a SQLite database: taking a consistent one from a live file,
//! checking one, putting one in place, and the lock file through which a
//! running bot tells a restore that the database is in use.
//!
//! A copy is taken with `VACUUM INTO`: it reads the database in one read
//! transaction, so writers go on meanwhile and the copy is the state of one
//! moment (what the online backup API gives, without unsafe code). Every
//! file is written beside its destination under a temporary name, synced
//! and renamed, so a crash leaves either the old file or the whole new one.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{Connection, QueryableByName, RunQueryDsl};
use diesel_migrations::EmbeddedMigrations;

use crate::sqlite::MIGRATIONS;

/// Why a copy could not be taken, checked or put in place. Each message is
/// one line naming the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The file is missing, unreadable or not an SQLite database.
    #[error("{path} is not a readable SQLite database: {detail}")]
    NotADatabase {
        /// The file.
        path: String,
        /// What SQLite said.
        detail: String,
    },
    /// SQLite's integrity check found damage.
    #[error("{path} is damaged ({detail})")]
    Corrupt {
        /// The file.
        path: String,
        /// The first problems the check reported.
        detail: String,
    },
    /// An SQLite database, but not one of meetbot's.
    #[error("{0} is not a meetbot database (it has no meetbot migrations)")]
    NotMeetbot(String),
    /// Made by a newer meetbot: its schema has migrations this binary lacks.
    #[error(
        "{path} was made by a newer meetbot (migration {migration} is unknown to this one); restore it with that version"
    )]
    Newer {
        /// The file.
        path: String,
        /// The first unknown migration.
        migration: String,
    },
    /// A bot (or another restore) holds the database.
    #[error("{0} is in use by a running meetbot; stop it first")]
    InUse(String),
    /// Reading or writing a file failed.
    #[error("{0}")]
    Io(String),
}

/// The lock file beside `database` (`meetbot.sqlite3.lock`).
pub fn lock_path(database: &Path) -> PathBuf {
    with_suffix(database, ".lock")
}

/// An advisory lock on the lock file beside a database, released when
/// dropped (also when the process dies, since the kernel holds it).
///
/// Every bot holds it shared for as long as it runs; a restore takes it
/// exclusive, so it fails while any bot runs and no bot starts during it.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// The shared lock a running bot holds; refused while a restore runs.
    pub fn shared(database: &Path) -> Result<Self, BackupError> {
        let file = open_lock_file(database)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(BackupError::Io(format!(
                "{} is being restored; start again once the restore is done",
                database.display()
            ))),
            Err(TryLockError::Error(e)) => Err(lock_failed(database, &e)),
        }
    }

    /// The exclusive lock of a restore; refused while a bot runs.
    pub fn exclusive(database: &Path) -> Result<Self, BackupError> {
        let file = open_lock_file(database)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(BackupError::InUse(shown(database))),
            Err(TryLockError::Error(e)) => Err(lock_failed(database, &e)),
        }
    }
}

fn open_lock_file(database: &Path) -> Result<File, BackupError> {
    if let Some(dir) = parent(database) {
        std::fs::create_dir_all(dir)
            .map_err(|e| BackupError::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let path = lock_path(database);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| BackupError::Io(format!("cannot open the lock file {}: {e}", path.display())))
}

fn lock_failed(database: &Path, e: &std::io::Error) -> BackupError {
    BackupError::Io(format!(
        "cannot lock {}: {e}",
        lock_path(database).display()
    ))
}

/// Copies the live database at `database` to `to` (which must not exist),
/// checks the copy with `PRAGMA integrity_check` and syncs it to disk.
pub fn backup_sqlite(database: &Path, to: &Path) -> Result<(), BackupError> {
    if !database.is_file() {
        return Err(BackupError::NotADatabase {
            path: shown(database),
            detail: "no such file".to_owned(),
        });
    }
    if to.exists() {
        return Err(BackupError::Io(format!("{} exists already", to.display())));
    }
    if let Some(dir) = parent(to) {
        std::fs::create_dir_all(dir)
            .map_err(|e| BackupError::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let partial = with_suffix(to, ".partial");
    // A partial file left by a crash is ours and worthless.
    let _ = std::fs::remove_file(&partial);
    let copied = vacuum_into(database, &partial)
        .and_then(|()| check_sqlite(&partial, Check::Integrity))
        .and_then(|()| sync_file(&partial))
        .and_then(|()| rename(&partial, to));
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}

fn vacuum_into(database: &Path, to: &Path) -> Result<(), BackupError> {
    let mut conn = open(database, false)?;
    let to_text = utf8(to)?;
    // Waits for a writer's checkpoint rather than failing at once.
    conn.batch_execute("PRAGMA busy_timeout = 10000;")
        .and_then(|()| {
            diesel::sql_query("VACUUM INTO ?")
                .bind::<Text, _>(to_text)
                .execute(&mut conn)
                .map(drop)
        })
        .map_err(|e| BackupError::Io(format!("cannot copy {}: {e}", database.display())))
}

/// How thoroughly [`check_sqlite`] looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `PRAGMA quick_check`: the structure, without comparing indexes to
    /// their tables; for every start.
    Quick,
    /// `PRAGMA integrity_check`: everything; for backups and restores.
    Integrity,
}

#[derive(QueryableByName)]
struct QuickLine {
    #[diesel(sql_type = Text)]
    quick_check: String,
}

#[derive(QueryableByName)]
struct IntegrityLine {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Checks the SQLite file at `path` without changing it: it must exist,
/// be a database, and pass the check.
pub fn check_sqlite(path: &Path, check: Check) -> Result<(), BackupError> {
    let mut conn = open(path, true)?;
    let not_a_database = |e: diesel::result::Error| BackupError::NotADatabase {
        path: shown(path),
        detail: e.to_string(),
    };
    let lines: Vec<String> = match check {
        Check::Quick => diesel::sql_query("PRAGMA quick_check")
            .load::<QuickLine>(&mut conn)
            .map_err(not_a_database)?
            .into_iter()
            .map(|l| l.quick_check)
            .collect(),
        Check::Integrity => diesel::sql_query("PRAGMA integrity_check")
            .load::<IntegrityLine>(&mut conn)
            .map_err(not_a_database)?
            .into_iter()
            .map(|l| l.integrity_check)
            .collect(),
    };
    if lines == ["ok"] {
        return Ok(());
    }
    // The check lists up to a hundred problems; the first few say enough.
    let detail = lines.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    Err(BackupError::Corrupt {
        path: shown(path),
        detail: detail.replace('\n', " "),
    })
}

/// Checks that `path` can be restored: an intact meetbot database whose
/// migrations this binary knows.
pub fn check_backup(path: &Path) -> Result<(), BackupError> {
    check_sqlite(path, Check::Integrity)?;
    let mut conn = open(path, true)?;
    let applied: Vec<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations ORDER BY version")
            .load::<Version>(&mut conn)
            .map_err(|_| BackupError::NotMeetbot(shown(path)))?
            .into_iter()
            .map(|v| v.version)
            .collect();
    if applied.is_empty() {
        return Err(BackupError::NotMeetbot(shown(path)));
    }
    let known = known_versions()?;
    match applied.into_iter().find(|v| !known.contains(v)) {
        Some(migration) => Err(BackupError::Newer {
            path: shown(path),
            migration,
        }),
        None => Ok(()),
    }
}

/// The versions of the migrations compiled into this binary.
fn known_versions() -> Result<Vec<String>, BackupError> {
    let migrations = <EmbeddedMigrations as MigrationSource<Sqlite>>::migrations(&MIGRATIONS)
        .map_err(|e| BackupError::Io(format!("cannot list the migrations: {e}")))?;
    Ok(migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .collect())
}

/// Puts the backup at `backup` in place of the database at `database`,
/// after checking it ([`check_backup`]) and taking the database's lock
/// exclusively (so never under a running bot). The file it replaces, with
/// its write-ahead log, is kept beside it as `<name>.replaced-<stamp>`;
/// returns that path, or `None` when there was no database.
pub fn restore_sqlite(
    backup: &Path,
    database: &Path,
    stamp: &str,
) -> Result<Option<PathBuf>, BackupError> {
    check_backup(backup)?;
    let _lock = DatabaseLock::exclusive(database)?;
    let incoming = with_suffix(database, ".restoring");
    let _ = std::fs::remove_file(&incoming);
    let copied = std::fs::copy(backup, &incoming)
        .map_err(|e| {
            BackupError::Io(format!(
                "cannot copy {} to {}: {e}",
                backup.display(),
                incoming.display()
            ))
        })
        .and_then(|_| sync_file(&incoming));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    let aside = with_suffix(database, &format!(".replaced-{stamp}"));
    let kept = if database.exists() {
        // The log goes with its database: left beside the restored file,
        // SQLite would replay the old database's commits into it.
        for log in ["-wal", "-shm"] {
            let from = with_suffix(database, log);
            if from.exists() {
                rename(&from, &with_suffix(&aside, log))?;
            }
        }
        rename(database, &aside)?;
        Some(aside)
    } else {
        None
    };
    rename(&incoming, database)?;
    Ok(kept)
}

/// Opens one connection to an existing file; `read_only` never writes to it.
fn open(path: &Path, read_only: bool) -> Result<SqliteConnection, BackupError> {
    if !path.is_file() {
        return Err(BackupError::NotADatabase {
            path: shown(path),
            detail: "no such file".to_owned(),
        });
    }
    let text = utf8(path)?;
    // A URI, so that SQLite opens it read-only and never creates it;
    // the characters a URI gives meaning to are escaped.
    let url = if read_only {
        let escaped = text
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23");
        format!("file:{escaped}?mode=ro")
    } else {
        text.to_owned()
    };
    SqliteConnection::establish(&url).map_err(|e| BackupError::NotADatabase {
        path: shown(path),
        detail: e.to_string(),
    })
}

fn utf8(path: &Path) -> Result<&str, BackupError> {
    path.to_str()
        .ok_or_else(|| BackupError::Io(format!("the path {} is not UTF-8", path.display())))
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// `path` with `suffix` added to its file name (`a.sqlite3` → `a.sqlite3.lock`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| BackupError::Io(format!("cannot sync {}: {e}", path.display())))
}

/// Renames `from` to `to` and syncs their folder, so the new name survives
/// a power cut.
fn rename(from: &Path, to: &Path) -> Result<(), BackupError> {
    std::fs::rename(from, to).map_err(|e| {
        BackupError::Io(format!(
            "cannot rename {} to {}: {e}",
            from.display(),
            to.display()
        ))
    })?;
    let dir = parent(to).unwrap_or(Path::new("."));
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| BackupError::Io(format!("cannot sync {}: {e}", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("junk.sqlite3");
        std::fs::write(&file, vec![b'x'; 8192]).unwrap();

        let err = check_sqlite(&file, Check::Quick).unwrap_err();

        assert!(matches!(err, BackupError::NotADatabase { .. }), "{err}");
        assert!(err.to_string().contains("junk.sqlite3"), "{err}");
    }

    #[test]
    fn checking_a_missing_file_does_not_create_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing.sqlite3");

        assert!(check_sqlite(&file, Check::Integrity).is_err());
        assert!(!file.exists());
    }

    #[test]
    fn a_shared_lock_keeps_the_exclusive_one_out_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("m.sqlite3");

        let bot = DatabaseLock::shared(&database).unwrap();
        let second_bot = DatabaseLock::shared(&database).unwrap();
        assert!(matches!(
            DatabaseLock::exclusive(&database),
            Err(BackupError::InUse(_))
        ));
        drop((bot, second_bot));
        let restore = DatabaseLock::exclusive(&database).unwrap();
        assert!(DatabaseLock::shared(&database).is_err());
        drop(restore);
    }
}
