//! The operator's subcommands beside `run`: `backup`, `restore` and
//! `health`, and the lock every command that opens the database holds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use meetbot_storage::backup::{self as sqlite, DatabaseLock};

use crate::backup;
use crate::config::Config;

/// How long `meetbot health` waits for the answer: a container health
/// check has its own timeout, and a hung bot must count as unhealthy.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

/// Takes the shared lock beside an SQLite database, held for as long as
/// the returned value lives (none for Postgres).
pub fn hold_database(config: &Config) -> anyhow::Result<Option<DatabaseLock>> {
    let Some(file) = config.database.url.sqlite_file() else {
        return Ok(None);
    };
    Ok(Some(DatabaseLock::shared(file)?))
}

/// The SQLite file of the configuration, or the error saying what to use
/// for Postgres instead of `what`.
fn sqlite_file<'c>(config: &'c Config, postgres_tool: &str) -> anyhow::Result<&'c Path> {
    config.database.url.sqlite_file().with_context(|| {
        format!(
            "the database is Postgres, whose backups are made and restored with its own tools: \
             {postgres_tool} (see the README, Running as a service)"
        )
    })
}

/// `meetbot backup [PATH]`: copies the live database to `path` (a new file,
/// or a folder for a dated one; backup.dir when none), checks the copy and
/// prints where it is.
pub async fn backup(config: &Config, path: Option<PathBuf>) -> anyhow::Result<()> {
    let database = sqlite_file(
        config,
        "pg_dump --format=custom --file=meetbot.dump \"$DATABASE_URL\"",
    )?;
    let now = Utc::now();
    let (dir, name) = match path {
        None => (config.backup.folder(database), backup::file_name(now)),
        Some(dir) if dir.is_dir() => (dir, backup::file_name(now)),
        Some(file) => {
            let dir = file
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let name = file
                .file_name()
                .with_context(|| format!("{} names no file", file.display()))?
                .to_string_lossy()
                .into_owned();
            (dir, name)
        }
    };
    let to = dir.join(name);
    let (from, into) = (database.to_path_buf(), to.clone());
    tokio::task::spawn_blocking(move || sqlite::backup_sqlite(&from, &into))
        .await
        .context("the backup task failed")??;
    println!(
        "backup written to {} (integrity check passed)",
        to.display()
    );
    Ok(())
}

/// `meetbot restore PATH`: checks the backup and puts it in place of the
/// database, refusing while a bot holds it; prints where the replaced
/// file is kept.
pub async fn restore(config: &Config, path: PathBuf) -> anyhow::Result<()> {
    let database = sqlite_file(
        config,
        "pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" meetbot.dump",
    )?
    .to_path_buf();
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let (from, into) = (path.clone(), database.clone());
    let replaced =
        tokio::task::spawn_blocking(move || sqlite::restore_sqlite(&from, &into, &stamp))
            .await
            .context("the restore task failed")??;
    println!("restored {} into {}", path.display(), database.display());
    if let Some(replaced) = replaced {
        println!("the replaced database is kept at {}", replaced.display());
    }
    Ok(())
}

/// `meetbot health`: asks the bot's `/health` on `http.listen`, prints the
/// answer, and fails unless it is healthy.
pub async fn health(config: &Config) -> anyhow::Result<()> {
    let mut address = config.http.listen;
    // A bot listening on every address is reached on the loopback one.
    if address.ip().is_unspecified() {
        address.set_ip(match address {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let url = format!("http://{address}/health");
    let client = reqwest::Client::builder()
        .timeout(HEALTH_TIMEOUT)
        .build()
        .context("cannot set up the HTTP client")?;
    let answer = client
        .get(&url)
        .send()
        .await
        .with_context(|| format!("no answer from {url} (http.listen)"))?;
    let status = answer.status();
    let body = answer.text().await.unwrap_or_default();
    println!("{}", body.trim_end());
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
    Ok(())
}
