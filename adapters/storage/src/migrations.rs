//! Applying the embedded migrations, the same way on both backends.

use diesel::backend::Backend;
use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::StorageError;

/// Applies every pending migration in order; returns the names applied.
///
/// Each runs in its own transaction, so a failing one leaves the schema as
/// the previous one left it.
pub(crate) fn run_pending<DB, C>(
    conn: &mut C,
    migrations: EmbeddedMigrations,
) -> Result<Vec<String>, StorageError>
where
    DB: Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
{
    let pending = conn
        .pending_migrations(migrations)
        .map_err(|e| StorageError::Migrate(format!("cannot list the pending migrations: {e}")))?;
    let mut applied = Vec::with_capacity(pending.len());
    for migration in pending {
        let name = migration.name().to_string();
        conn.run_migration(&*migration)
            .map_err(|e| StorageError::Migrate(format!("migration {name} failed: {e}")))?;
        applied.push(name);
    }
    Ok(applied)
}

/// How a database's migrations compare with this binary's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationStatus {
    /// This binary's migrations not applied yet (`meetbot migrate` applies them).
    pub pending: Vec<String>,
    /// Versions applied that this binary does not know: a newer binary
    /// migrated the database.
    pub unknown: Vec<String>,
}

/// Compares the applied migrations with `migrations`, changing nothing.
/// `migrated` says whether diesel's bookkeeping table exists: without it
/// every migration is pending, and asking diesel would create the table.
pub(crate) fn status<DB, C>(
    conn: &mut C,
    migrations: EmbeddedMigrations,
    migrated: bool,
) -> Result<MigrationStatus, StorageError>
where
    DB: Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| {
        StorageError::Migrate(format!("cannot list the migrations: {e}"))
    };
    let all = MigrationSource::<DB>::migrations(&migrations).map_err(failed)?;
    if !migrated {
        return Ok(MigrationStatus {
            pending: all.iter().map(|m| m.name().to_string()).collect(),
            unknown: Vec::new(),
        });
    }
    let known: Vec<String> = all.iter().map(|m| m.name().version().to_string()).collect();
    let pending = conn
        .pending_migrations(migrations)
        .map_err(failed)?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let unknown = conn
        .applied_migrations()
        .map_err(failed)?
        .into_iter()
        .map(|v| v.to_string())
        .filter(|v| !known.contains(v))
        .collect();
    Ok(MigrationStatus { pending, unknown })
}
