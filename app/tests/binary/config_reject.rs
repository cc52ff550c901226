//! The real binary refuses configurations that once slipped through: each
//! stops start-up with exit code 2 and one line naming the key, before the
//! database is opened.
#![expect(
    clippy::expect_used,
    reason = "a test reports a broken step by panicking"
)]

use std::path::Path;
use std::process::Output;

/// `meetbot run` in `dir` with only `env` set, and `meetbot.toml` holding
/// `toml` when it is not empty.
fn run(dir: &Path, toml: &str, env: &[(&str, &str)]) -> Output {
    if !toml.is_empty() {
        std::fs::write(dir.join("meetbot.toml"), toml).expect("meetbot.toml is written");
    }
    let mut all = vec![
        ("DATABASE_URL", "sqlite://data/bot.sqlite3"),
        ("MEETBOT__HTTP__LISTEN", "127.0.0.1:0"),
        ("MEETBOT__LOG__LEVEL", "error"),
    ];
    all.extend_from_slice(env);
    super::run_meetbot(dir, &["run"], &all)
}

/// The run exited with code 2 and one line that starts with `start`; the
/// database was not opened.
fn assert_refused(dir: &Path, output: &Output, start: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("meetbot: configuration error: {start}")),
        "{stderr}"
    );
    assert!(
        !dir.join("data/bot.sqlite3").exists(),
        "the database was opened"
    );
}

#[test]
fn config_reject_an_api_url_with_a_space() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(
        dir.path(),
        "[telegram]\napi_url = \"http://127.0.0.1:9000/bot api\"\n",
        &[],
    );

    assert_refused(
        dir.path(),
        &output,
        "telegram.api_url must be an http:// or https:// URL",
    );
}

#[test]
fn config_reject_departments_that_are_not_text() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(
        dir.path(),
        "[organisation]\ndepartments = [1, {a = 2}]\n",
        &[],
    );

    assert_refused(dir.path(), &output, "organisation.departments ");
}

#[test]
fn config_reject_an_owner_id_of_zero() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(dir.path(), "[telegram]\nowner_ids = [0]\n", &[]);

    assert_refused(
        dir.path(),
        &output,
        "telegram.owner_ids must be a list of Telegram user ids (positive whole numbers)",
    );
}

#[test]
fn config_reject_a_negative_owner_id() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(
        dir.path(),
        "",
        &[("MEETBOT__TELEGRAM__OWNER_IDS", "111,-5")],
    );

    assert_refused(
        dir.path(),
        &output,
        "telegram.owner_ids must be a list of Telegram user ids (positive whole numbers)",
    );
}

#[test]
fn config_reject_sender_limits_of_zero() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(
        dir.path(),
        "",
        &[("MEETBOT__TELEGRAM__LIMITS__PER_CHAT_PER_SECOND", "0")],
    );

    assert_refused(
        dir.path(),
        &output,
        "telegram.limits.per_chat_per_second must be a number of messages a second from 0.01 \
         to 1000, got 0 (from environment variable MEETBOT__TELEGRAM__LIMITS__PER_CHAT_PER_SECOND)",
    );
}

/// A Google calendar whose service account key is the file at `key`.
fn google_with_key(key: &str) -> [(&str, &str); 3] {
    [
        ("MEETBOT__CALENDAR__KIND", "google"),
        ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
        ("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", key),
    ]
}

#[test]
fn config_reject_a_service_account_key_file_over_64_kb() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let padding = " ".repeat(64 * 1024);
    std::fs::write(dir.path().join("big.json"), format!("{{{padding}}}"))
        .expect("the key file is written");

    let output = run(dir.path(), "", &google_with_key("big.json"));

    assert_refused(
        dir.path(),
        &output,
        "calendar.service_account_key must name a key file of at most 64 KB, got \"big.json\" \
         (from environment variable MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY)",
    );
}

#[test]
fn config_reject_a_service_account_key_that_never_ends() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let output = run(dir.path(), "", &google_with_key("/dev/zero"));

    assert_refused(
        dir.path(),
        &output,
        "calendar.service_account_key must name a key file of at most 64 KB",
    );
}
