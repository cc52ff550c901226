//! The real binary on a SQLite file that cannot be written: start-up stops
//! with exit code 1 and one line, and a running bot's `/health` turns 503.
//!
//! Permissions do not stop root from writing, and an open file stays
//! writable after `chmod`, so the file is made immutable (`chattr +i`)
//! where that works; where it does not, a case that needs it says so and
//! checks nothing.
#![expect(
    clippy::expect_used,
    reason = "a test reports a broken step by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const DATABASE_URL: &str = "sqlite://data/bot.sqlite3";

use super::meetbot_command as meetbot;

/// The database file in `dir`, created and migrated by `meetbot migrate`.
fn migrated_database(dir: &Path) -> PathBuf {
    let output: Output = meetbot(dir, &["migrate"], &[("DATABASE_URL", DATABASE_URL)])
        .output()
        .expect("meetbot migrate runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join("data/bot.sqlite3")
}

/// Files made immutable, made writable again when dropped so the temporary
/// directory can be removed.
struct Immutable(Vec<PathBuf>);

impl Immutable {
    /// Makes each of `files` that exists immutable; `None` when that is not
    /// possible here.
    fn make(files: &[PathBuf]) -> Option<Self> {
        let mut done = Self(Vec::new());
        for file in files.iter().filter(|f| f.exists()) {
            let status = Command::new("chattr")
                .arg("+i")
                .arg(file)
                .stderr(Stdio::null())
                .status()
                .ok()?;
            if !status.success() {
                return None;
            }
            done.0.push(file.clone());
        }
        Some(done)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(file).status();
        }
    }
}

#[test]
fn health_write_a_read_only_sqlite_file_stops_start_up_with_exit_1_and_one_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = migrated_database(dir.path());
    let Some(_immutable) = Immutable::make(std::slice::from_ref(&database)) else {
        eprintln!("skipped: chattr +i does not work here, and root writes despite permissions");
        return;
    };

    let output = meetbot(
        dir.path(),
        &["run"],
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("MEETBOT__HTTP__LISTEN", "127.0.0.1:0"),
        ],
    )
    .output()
    .expect("meetbot run runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(
            "meetbot: error: database sqlite://data/bot.sqlite3 does not accept writes: "
        ),
        "{stderr}"
    );
}

#[tokio::test]
async fn health_write_is_503_once_the_running_bots_sqlite_file_turns_read_only() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = migrated_database(dir.path());
    let listen = meetbot_testkit::free_port().to_string();
    // Console mode: stdin stays open, so the bot keeps running.
    let mut bot = tokio::process::Command::from(meetbot(
        dir.path(),
        &["run"],
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("MEETBOT__HTTP__LISTEN", &listen),
            ("MEETBOT__LOG__LEVEL", "error"),
        ],
    ));
    let mut bot = bot
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the meetbot binary starts");
    let health = format!("http://{listen}/health");
    let mut answered = None;
    for _ in 0..300 {
        if let Ok(answer) = reqwest::get(&health).await {
            answered = Some(answer.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        answered,
        Some(200),
        "/health is served and healthy at first"
    );

    let wal = database.with_extension("sqlite3-wal");
    let Some(_immutable) = Immutable::make(&[database.clone(), wal]) else {
        eprintln!("skipped: chattr +i does not work here, and an open file stays writable");
        return;
    };
    let answer = reqwest::get(&health).await.expect("/health answers");
    let status = answer.status().as_u16();
    let body: serde_json::Value = answer.json().await.expect("a JSON body");

    assert_eq!(status, 503, "{body}");
    assert_eq!(body["database"]["writable"], false, "{body}");
    bot.kill().await.expect("the bot is stopped");
}
