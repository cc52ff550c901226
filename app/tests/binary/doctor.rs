//! `meetbot doctor` as an operator runs it before a deploy: each thing that
//! stops the bot or hurts its users reported with its priority and the
//! exit code of the worst, the JSON shape readable, and no secret printed.
#![expect(
    clippy::expect_used,
    reason = "a test reports a broken step by panicking"
)]

use std::path::Path;
use std::process::Output;

use chrono::{Duration, Utc};
use meetbot_domain::{Language, UserId};
use meetbot_ports::{Outgoing, Screen, Text};
use meetbot_testkit::google::FakeGoogle;
use meetbot_testkit::telegram::FakeTelegram;
use serde_json::Value;

use super::bot::TOKEN;
use super::meetbot_command as meetbot;

const DATABASE_URL: &str = "sqlite://data/bot.sqlite3";

/// Runs `meetbot doctor --json` in `dir` with `env` (and nothing else),
/// where no bot answers on `http.listen`.
fn doctor(dir: &Path, env: &[(&str, &str)]) -> (Output, Vec<Value>) {
    let listen = meetbot_testkit::free_port().to_string();
    let mut all = vec![("MEETBOT__HTTP__LISTEN", listen.as_str())];
    all.extend_from_slice(env);
    let output = meetbot(dir, &["doctor", "--json"], &all)
        .output()
        .expect("meetbot runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        )
    });
    let findings = report["findings"]
        .as_array()
        .expect("a list of findings")
        .clone();
    for finding in &findings {
        for field in ["priority", "check", "message", "fix"] {
            assert!(finding[field].is_string(), "{field} missing in {finding}");
        }
    }
    let all_output = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(
        !all_output.contains("canary"),
        "a secret leaked: {all_output}"
    );
    (output, findings)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The findings of priority `priority` and check `check`.
fn found<'f>(findings: &'f [Value], priority: &str, check: &str) -> Vec<&'f Value> {
    findings
        .iter()
        .filter(|f| f["priority"] == priority && f["check"] == check)
        .collect()
}

fn migrated(dir: &Path) {
    let output = meetbot(dir, &["migrate"], &[("DATABASE_URL", DATABASE_URL)])
        .output()
        .expect("meetbot runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// A migrated database with a fresh backup, so that nothing is wrong.
fn healthy(dir: &Path) {
    migrated(dir);
    let output = meetbot(dir, &["backup"], &[("DATABASE_URL", DATABASE_URL)])
        .output()
        .expect("meetbot runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_on_a_healthy_setup_reports_nothing_above_p3_and_exits_0() {
    let fake = FakeTelegram::start().await;
    fake.accept_only_token(TOKEN);
    let dir = tempfile::tempdir().expect("a temporary directory");
    healthy(dir.path());

    let (output, findings) = doctor(
        dir.path(),
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("TELEGRAM_BOT_TOKEN", TOKEN),
            ("MEETBOT__TELEGRAM__API_URL", &fake.url),
        ],
    );

    assert_eq!(output.status.code(), Some(0), "{findings:?}");
    assert!(
        findings.iter().all(|f| f["priority"] == "P3"),
        "{findings:?}"
    );
    assert!(
        !found(&findings, "P3", "versions").is_empty(),
        "{findings:?}"
    );
    assert!(!found(&findings, "P3", "counts").is_empty(), "{findings:?}");
    let telegram = found(&findings, "P3", "telegram");
    assert!(
        telegram[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("@meetbot_test_bot")),
        "{findings:?}"
    );
    // The plain output says the same in lines.
    let listen = meetbot_testkit::free_port().to_string();
    let plain = meetbot(
        dir.path(),
        &["doctor"],
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("MEETBOT__HTTP__LISTEN", &listen),
        ],
    )
    .output()
    .expect("meetbot runs");
    assert!(
        text(&plain.stdout).contains("nothing above P3"),
        "{}",
        text(&plain.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_a_token_telegram_refuses_as_p0_without_printing_it() {
    let fake = FakeTelegram::start().await;
    fake.accept_only_token("111:another-token");
    let dir = tempfile::tempdir().expect("a temporary directory");
    healthy(dir.path());

    let (output, findings) = doctor(
        dir.path(),
        &[
            ("DATABASE_URL", DATABASE_URL),
            ("TELEGRAM_BOT_TOKEN", TOKEN),
            ("MEETBOT__TELEGRAM__API_URL", &fake.url),
        ],
    );

    assert_eq!(output.status.code(), Some(3), "{findings:?}");
    let refused = found(&findings, "P0", "telegram");
    assert_eq!(refused.len(), 1, "{findings:?}");
    assert!(
        refused[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("401")),
        "{findings:?}"
    );
}

#[test]
fn doctor_reports_every_configuration_error_as_p0_and_exits_3() {
    let dir = tempfile::tempdir().expect("a temporary directory");

    let (output, findings) = doctor(
        dir.path(),
        &[
            ("MEETBOT__LOG__FORMAT", "xml"),
            ("MEETBOT__ORGANISATION__TIME_ZONE", "Mars/Olympus"),
        ],
    );

    assert_eq!(output.status.code(), Some(3), "{findings:?}");
    assert_eq!(found(&findings, "P0", "config").len(), 2, "{findings:?}");
}

#[test]
fn doctor_reports_an_unreachable_database_as_p0_without_its_password() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let port = meetbot_testkit::free_port().port();
    let url = format!("postgres://meetbot:canary-password@127.0.0.1:{port}/meetbot");

    let (output, findings) = doctor(dir.path(), &[("DATABASE_URL", &url)]);

    assert_eq!(output.status.code(), Some(3), "{findings:?}");
    assert_eq!(found(&findings, "P0", "database").len(), 1, "{findings:?}");
}

#[test]
fn doctor_reports_pending_migrations_as_p0_and_applies_none() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("data")).expect("a folder");
    // An empty file is an SQLite database without a table.
    std::fs::write(dir.path().join("data/bot.sqlite3"), b"").expect("a file");

    let (output, findings) = doctor(dir.path(), &[("DATABASE_URL", DATABASE_URL)]);
    let (again, _) = doctor(dir.path(), &[("DATABASE_URL", DATABASE_URL)]);

    assert_eq!(output.status.code(), Some(3), "{findings:?}");
    assert_eq!(
        found(&findings, "P0", "migrations").len(),
        1,
        "{findings:?}"
    );
    assert_eq!(again.status.code(), Some(3), "doctor migrated nothing");
}

#[test]
fn doctor_reports_a_corrupt_sqlite_file_as_p0() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    migrated(dir.path());
    let file = dir.path().join("data/bot.sqlite3");
    let mut bytes = std::fs::read(&file).expect("the database");
    // Past the header: the schema pages become noise.
    for byte in bytes.iter_mut().skip(100).take(8000) {
        *byte = 0x5a;
    }
    std::fs::write(&file, bytes).expect("the damaged database");

    let (output, findings) = doctor(dir.path(), &[("DATABASE_URL", DATABASE_URL)]);

    assert_eq!(output.status.code(), Some(3), "{findings:?}");
    assert_eq!(found(&findings, "P0", "integrity").len(), 1, "{findings:?}");
}

/// The settings of a Google calendar at `google` with the key in `dir`.
fn google_settings(google: &FakeGoogle, dir: &Path, calendar_id: &str) -> Vec<(String, String)> {
    std::fs::write(dir.join("google-key.json"), google.service_account_json()).expect("the key");
    [
        ("DATABASE_URL", DATABASE_URL.to_owned()),
        ("MEETBOT__CALENDAR__KIND", "google".to_owned()),
        ("MEETBOT__CALENDAR__CALENDAR_ID", calendar_id.to_owned()),
        (
            "MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY",
            "google-key.json".to_owned(),
        ),
        ("MEETBOT__CALENDAR__API_URL", google.api_base_url()),
        ("MEETBOT__CALENDAR__TOKEN_URL", google.token_url()),
    ]
    .map(|(k, v)| (k.to_owned(), v))
    .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_refused_calendar_credentials_and_a_missing_calendar_as_p1() {
    let google = FakeGoogle::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    healthy(dir.path());
    let good = google_settings(&google, dir.path(), meetbot_testkit::google::CALENDAR_ID);
    let missing = google_settings(&google, dir.path(), "missing@example.com");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let missing: Vec<(&str, &str)> = missing
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let (healthy_output, healthy_findings) = doctor(dir.path(), &good);
    google.fail_always(Some(401));
    let (refused_output, refused) = doctor(dir.path(), &good);
    google.fail_always(None);
    let (missing_output, not_found) = doctor(dir.path(), &missing);

    assert_eq!(
        healthy_output.status.code(),
        Some(0),
        "{healthy_findings:?}"
    );
    assert_eq!(refused_output.status.code(), Some(2), "{refused:?}");
    assert_eq!(found(&refused, "P1", "calendar").len(), 1, "{refused:?}");
    assert_eq!(missing_output.status.code(), Some(2), "{not_found:?}");
    let fix = found(&not_found, "P1", "calendar")[0]["fix"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        fix.contains("Share the calendar missing@example.com with"),
        "{not_found:?}"
    );
    // Not a line of the private key is printed.
    let key: Value = serde_json::from_str(&google.service_account_json()).expect("the key is JSON");
    let private_key = key["private_key"].as_str().unwrap_or_default();
    let printed = format!("{refused:?}{not_found:?}");
    for line in private_key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!printed.contains(line), "the key leaked: {printed}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_an_old_outbox_write_as_p1() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    healthy(dir.path());
    let url = format!("sqlite://{}", dir.path().join("data/bot.sqlite3").display());
    let store = meetbot_storage::connect(&url).await.expect("the database");
    let message = Outgoing::send(UserId(42), Language::En, Screen::text(Text::new("welcome")));
    store
        .queue_messages(&[message], Utc::now() - Duration::minutes(20), None)
        .await
        .expect("a queued message");
    drop(store);

    let (output, findings) = doctor(dir.path(), &[("DATABASE_URL", DATABASE_URL)]);

    assert_eq!(output.status.code(), Some(2), "{findings:?}");
    let outbox = found(&findings, "P1", "outbox");
    assert_eq!(outbox.len(), 1, "{findings:?}");
    assert!(
        outbox[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("1 message waits")),
        "{findings:?}"
    );
}
