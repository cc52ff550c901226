//! The real binary's backups: `meetbot backup` and `meetbot health` beside
//! a running bot, which also takes its scheduled backup; `meetbot restore`
//! refused while that bot runs; a damaged database stopping start-up with
//! the newest good backup named; and Postgres sent to `pg_dump`.
#![expect(
    clippy::expect_used,
    reason = "a test reports a broken step by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use super::meetbot_command as meetbot;

const DATABASE_URL: &str = "sqlite://data/bot.sqlite3";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `meetbot args` in `dir` on the test database, with `env` added.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec![("DATABASE_URL", DATABASE_URL)];
    all.extend_from_slice(env);
    meetbot(dir, args, &all).output().expect("meetbot runs")
}

fn migrated(dir: &Path) -> PathBuf {
    let output = run(dir, &["migrate"], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    dir.join("data/bot.sqlite3")
}

/// The backups the bot's schedule wrote into `dir`.
fn scheduled(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map_or_else(
        |_| Vec::new(),
        |entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
                .collect()
        },
    )
}

#[tokio::test]
async fn backup_and_health_beside_a_running_bot_and_restore_refused_while_it_runs() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    migrated(dir.path());
    let listen = meetbot_testkit::free_port().to_string();
    let env = [("MEETBOT__HTTP__LISTEN", listen.as_str())];
    // Console mode: stdin stays open, so the bot keeps running.
    let mut bot = tokio::process::Command::from(meetbot(
        dir.path(),
        &["run"],
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("MEETBOT__HTTP__LISTEN", &listen),
            ("MEETBOT__LOG__LEVEL", "error"),
        ],
    ))
    .stdin(Stdio::piped())
    .stdout(Stdio::null())
    .kill_on_drop(true)
    .spawn()
    .expect("the meetbot binary starts");
    let health_url = format!("http://{listen}/health");
    for _ in 0..300 {
        if reqwest::get(&health_url).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let health = run(dir.path(), &["health"], &env);
    assert_eq!(health.status.code(), Some(0), "{}", text(&health.stderr));
    assert!(
        text(&health.stdout).contains("\"status\":\"ok\""),
        "{}",
        text(&health.stdout)
    );

    let copy = dir.path().join("manual.sqlite3");
    let backup = run(dir.path(), &["backup", "manual.sqlite3"], &env);
    assert_eq!(backup.status.code(), Some(0), "{}", text(&backup.stderr));
    assert_eq!(
        text(&backup.stdout),
        "backup written to manual.sqlite3 (integrity check passed)\n"
    );
    assert!(copy.is_file());

    // The schedule takes its first backup at start, there being none.
    let backups = dir.path().join("data/backups");
    for _ in 0..100 {
        if !scheduled(&backups).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken = scheduled(&backups);
    assert_eq!(taken.len(), 1, "{taken:?}");
    let name = taken[0]
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("meetbot-") && name.ends_with("Z.sqlite3"),
        "{name}"
    );

    let refused = run(dir.path(), &["restore", "manual.sqlite3"], &env);
    let stderr = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "meetbot: error: data/bot.sqlite3 is in use by a running meetbot; stop it first\n"
    );

    bot.kill().await.expect("the bot is stopped");
    bot.wait().await.expect("the bot has stopped");
    let unhealthy = run(dir.path(), &["health"], &env);
    assert_eq!(unhealthy.status.code(), Some(1));
    assert_eq!(
        text(&unhealthy.stderr).lines().count(),
        1,
        "{}",
        text(&unhealthy.stderr)
    );

    let restored = run(dir.path(), &["restore", "manual.sqlite3"], &env);
    assert_eq!(
        restored.status.code(),
        Some(0),
        "{}",
        text(&restored.stderr)
    );
    assert!(
        text(&restored.stdout)
            .contains("the replaced database is kept at data/bot.sqlite3.replaced-"),
        "{}",
        text(&restored.stdout)
    );
}

#[test]
fn backup_a_damaged_database_stops_start_up_naming_the_newest_good_backup() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = migrated(dir.path());
    let backups = dir.path().join("data/backups");
    std::fs::create_dir_all(&backups).expect("the backups folder");
    let good = "meetbot-20270101T000000Z.sqlite3";
    let older = run(
        dir.path(),
        &["backup", "data/backups/meetbot-20261231T000000Z.sqlite3"],
        &[],
    );
    let newest = run(
        dir.path(),
        &["backup", &format!("data/backups/{good}")],
        &[],
    );
    assert!(older.status.success() && newest.status.success());
    // Newer, but damaged: not the one to restore.
    std::fs::write(
        backups.join("meetbot-20270102T000000Z.sqlite3"),
        vec![1u8; 8192],
    )
    .expect("a damaged backup");
    std::fs::write(&database, vec![3u8; 64 * 1024]).expect("the database overwritten");

    let output = run(
        dir.path(),
        &["run"],
        &[("MEETBOT__HTTP__LISTEN", "127.0.0.1:0")],
    );

    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("meetbot: error: data/bot.sqlite3 is not a readable SQLite database"),
        "{stderr}"
    );
    let command = format!("meetbot restore data/backups/{good}");
    assert!(
        stderr.contains(&format!(
            "the newest good backup is data/backups/{good}; to restore it run: {command}"
        )),
        "{stderr}"
    );

    let restored = run(
        dir.path(),
        &["restore", &format!("data/backups/{good}")],
        &[],
    );
    assert_eq!(
        restored.status.code(),
        Some(0),
        "{}",
        text(&restored.stderr)
    );
    let migrate = run(dir.path(), &["migrate"], &[]);
    assert_eq!(
        text(&migrate.stdout),
        "database is up to date\n",
        "{}",
        text(&migrate.stderr)
    );
}

#[test]
fn backup_of_a_postgres_database_points_to_pg_dump_without_the_password() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(
        dir.path(),
        &["backup"],
        &[(
            "DATABASE_URL",
            "postgres://meetbot:CANARY@127.0.0.1:1/meetbot",
        )],
    );

    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!stderr.contains("CANARY"), "{stderr}");
}
