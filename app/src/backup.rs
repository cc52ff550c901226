//! Backups of the SQLite database: the file names, taking one, the
//! scheduled job inside the running bot and its pruning, and finding the
//! newest good one when the database is damaged.
//!
//! A scheduled backup is named `meetbot-YYYYMMDDTHHMMSSZ.sqlite3` (UTC):
//! names sort as times do, and pruning removes only files with exactly
//! this shape, so nothing else in the folder is ever touched.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use meetbot_storage::backup::{self, Check};
use tokio_util::sync::CancellationToken;

use crate::config::BackupConfig;

const PREFIX: &str = "meetbot-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// The file name of a backup taken at `at`.
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format(STAMP))
}

/// When the backup named `name` was taken; `None` for any other file.
pub fn taken_at(name: &str) -> Option<DateTime<Utc>> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    // Only the exact shape `file_name` writes: chrono would also accept
    // variants (fewer digits), which are not ours.
    if stamp.len() != 16 {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, STAMP)
        .ok()
        .map(|t| t.and_utc())
}

/// The backups in `dir`, newest first (none when the folder is missing).
pub fn list(dir: &Path) -> Vec<(DateTime<Utc>, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(DateTime<Utc>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| Some((taken_at(e.file_name().to_str()?)?, e.path())))
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    found
}

/// Removes the backups in `dir` taken more than `keep_days` days before
/// `now`; returns the removed files.
pub fn prune(dir: &Path, now: DateTime<Utc>, keep_days: u32) -> Vec<PathBuf> {
    let cutoff = now - TimeDelta::days(i64::from(keep_days));
    let mut removed = Vec::new();
    for (at, path) in list(dir) {
        if at >= cutoff {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(path),
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "cannot remove an old backup");
            }
        }
    }
    removed
}

/// Copies the SQLite database `database` into `dir` under the name of
/// `now`; returns the new file.
pub async fn take(database: &Path, dir: &Path, now: DateTime<Utc>) -> anyhow::Result<PathBuf> {
    let to = dir.join(file_name(now));
    let (from, into) = (database.to_path_buf(), to.clone());
    tokio::task::spawn_blocking(move || backup::backup_sqlite(&from, &into))
        .await
        .context("the backup task failed")??;
    Ok(to)
}

/// The newest backup in `dir` that passes the restore checks.
pub fn newest_good(dir: &Path) -> Option<PathBuf> {
    list(dir)
        .into_iter()
        .map(|(_, path)| path)
        .find(|path| backup::check_backup(path).is_ok())
}

/// Checks the SQLite file `database` at start: a damaged file stops the
/// bot with one line naming the newest good backup and the command that
/// restores it. Nothing is restored here: which copy to lose data to is
/// the operator's choice.
pub fn check_at_start(
    database: &Path,
    config: &BackupConfig,
    config_file: Option<&Path>,
) -> anyhow::Result<()> {
    // A missing or empty file is a first start, not damage.
    let size = std::fs::metadata(database).map_or(0, |m| m.len());
    if size == 0 {
        return Ok(());
    }
    let Err(damage) = backup::check_sqlite(database, Check::Quick) else {
        return Ok(());
    };
    let dir = config.folder(database);
    let advice = match newest_good(&dir) {
        Some(good) => {
            let with_config = config_file
                .map(|file| format!(" --config {}", file.display()))
                .unwrap_or_default();
            format!(
                "the newest good backup is {0}; to restore it run: meetbot{with_config} restore {0}",
                good.display()
            )
        }
        None => format!("no good backup was found in {}", dir.display()),
    };
    anyhow::bail!("{damage}; the bot does not start on a damaged database; {advice}")
}

/// The scheduled backups: one every `every` after the newest one in the
/// folder (at once when there is none or it is overdue), each followed by
/// pruning, until `shutdown`. A failed backup is logged and tried again at
/// the next turn; the bot goes on serving.
pub async fn run(
    database: PathBuf,
    config: BackupConfig,
    every: Duration,
    shutdown: CancellationToken,
) {
    let dir = config.folder(&database);
    loop {
        let newest = list(&dir).first().map(|(at, _)| *at);
        let wait = newest.map_or(Duration::ZERO, |at| {
            let since = (Utc::now() - at).to_std().unwrap_or(Duration::ZERO);
            every.saturating_sub(since)
        });
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        let now = Utc::now();
        match take(&database, &dir, now).await {
            Ok(file) => tracing::info!(file = %file.display(), "backup taken"),
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "the scheduled backup failed");
                // Not at once again: the loop would spin on a full disk.
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(every) => {}
                }
                continue;
            }
        }
        for file in prune(&dir, now, config.keep_days) {
            tracing::info!(file = %file.display(), "old backup removed");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(days_ago: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        now - TimeDelta::days(days_ago)
    }

    #[test]
    fn backup_names_carry_a_sortable_utc_time_and_read_back() {
        let when = Utc.with_ymd_and_hms(2027, 3, 4, 5, 6, 7).unwrap();

        assert_eq!(file_name(when), "meetbot-20270304T050607Z.sqlite3");
        assert_eq!(taken_at(&file_name(when)), Some(when));
        for other in [
            "meetbot.sqlite3",
            "meetbot-2027034T050607Z.sqlite3",
            "meetbot-20270304T050607Z.sqlite3.partial",
            "notes-20270304T050607Z.sqlite3",
        ] {
            assert_eq!(taken_at(other), None, "{other}");
        }
    }

    #[test]
    fn backup_retention_removes_only_backups_older_than_keep_days() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2027, 3, 31, 12, 0, 0).unwrap();
        let old = dir.path().join(file_name(at(31, now)));
        let kept = [
            dir.path().join(file_name(at(29, now))),
            dir.path().join(file_name(at(0, now))),
        ];
        // Not ours, however old: another tool's copy, a partial file, notes.
        let foreign = [
            dir.path().join("meetbot.sqlite3"),
            dir.path().join("meetbot-20000101T000000Z.sqlite3.partial"),
            dir.path().join("my-copy-20000101T000000Z.sqlite3"),
            dir.path().join("README"),
        ];
        for file in kept.iter().chain(&foreign).chain([&old]) {
            std::fs::write(file, b"x").unwrap();
        }

        let removed = prune(dir.path(), now, 30);

        assert_eq!(removed, vec![old.clone()]);
        assert!(!old.exists());
        for file in kept.iter().chain(&foreign) {
            assert!(file.exists(), "{} was removed", file.display());
        }
    }

    #[test]
    fn backups_are_listed_newest_first_and_a_missing_folder_has_none() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc.with_ymd_and_hms(2027, 3, 31, 12, 0, 0).unwrap();
        for days in [3, 1, 2] {
            std::fs::write(dir.path().join(file_name(at(days, now))), b"x").unwrap();
        }

        let times: Vec<_> = list(dir.path()).into_iter().map(|(t, _)| t).collect();

        assert_eq!(times, [at(1, now), at(2, now), at(3, now)]);
        assert!(list(&dir.path().join("missing")).is_empty());
    }
}
