//! A scratch database of the benchmark's own on the Postgres server of
//! `TEST_DATABASE_URL`, and the transactions the server counted in it.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::{Connection as _, PgConnection, QueryableByName, RunQueryDsl as _};

/// A scratch database of its own on the Postgres server, dropped afterwards.
pub struct Scratch {
    admin: std::sync::Mutex<PgConnection>,
    name: String,
    /// The scratch database's URL.
    pub url: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl Scratch {
    /// Creates a database named `prefix` and this process's id on the
    /// server at `server`.
    pub fn create(server: &str, prefix: &str) -> anyhow::Result<Self> {
        let mut admin = PgConnection::establish(server)
            .with_context(|| "connecting to TEST_DATABASE_URL".to_owned())?;
        let name = format!("{prefix}_{}", std::process::id());
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)?;
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
        let url = with_database(server, &name)?;
        Ok(Self {
            admin: std::sync::Mutex::new(admin),
            name,
            url,
        })
    }

    /// Transactions committed and rolled back in the scratch database so
    /// far, as the server's statistics have them.
    pub fn transactions(&self) -> anyhow::Result<u64> {
        let mut admin = self
            .admin
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = diesel::sql_query(
            "SELECT (xact_commit + xact_rollback)::bigint AS n \
             FROM pg_stat_database WHERE datname = $1",
        )
        .bind::<diesel::sql_types::Text, _>(self.name.as_str())
        .get_result::<Count>(&mut *admin)?;
        Ok(u64::try_from(count.n)?)
    }

    /// [`Self::transactions`] once the bot's connections have reported
    /// theirs: a backend sends its counts at most once a second, when idle.
    pub async fn settled_transactions(&self) -> anyhow::Result<u64> {
        let mut last = self.transactions()?;
        for _ in 0..10 {
            tokio::time::sleep(Duration::from_millis(1_100)).await;
            let now = self.transactions()?;
            if now == last {
                return Ok(now);
            }
            last = now;
        }
        Ok(last)
    }

    /// Transactions a second over `idle` while nothing is asked of the bot:
    /// what its background loops cost the server.
    pub async fn idle_rate(&self, idle: Duration) -> anyhow::Result<f64> {
        let before = self.settled_transactions().await?;
        let started = Instant::now();
        tokio::time::sleep(idle).await;
        let after = self.settled_transactions().await?;
        Ok(after.saturating_sub(before) as f64 / started.elapsed().as_secs_f64())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let admin = self
            .admin
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = diesel::sql_query(drop).execute(admin) {
            eprintln!(
                "the scratch database {} was not dropped: {error}",
                self.name
            );
        }
    }
}

/// `url` with its database name replaced by `name` (its query kept).
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base
        .find("://")
        .context("a database URL without a scheme")?
        + 3;
    let path = base[scheme_end..].find('/').map(|p| p + scheme_end);
    let server = path.map_or(base, |p| &base[..p]);
    Ok(match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_database_replaces_the_name_and_keeps_the_query() -> anyhow::Result<()> {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "e2e_1")?,
            "postgres://postgres@127.0.0.1:5432/e2e_1"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x")?,
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x")?,
            "postgres://h:5432/x"
        );
        Ok(())
    }
}
