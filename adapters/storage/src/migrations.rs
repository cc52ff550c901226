//! Applying the embedded migrations, the same way on both backends.

use diesel::backend::Backend;
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
