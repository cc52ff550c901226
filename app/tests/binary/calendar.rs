//! The real `meetbot` binary with an external calendar configured: Google
//! behind a fake Google server (signed in with the service account key,
//! probed, shown on `/health`), CalDAV on a server that is not there, and a
//! Google key file that does not exist.
//!
//! The bot runs with the console transport (no Telegram token) and its
//! stdin held open, so it serves `/health` until the test closes stdin.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use meetbot_testkit::free_port;
use meetbot_testkit::google::{CALENDAR_ID, FakeGoogle};
use serde_json::{Value, json};

/// The bot's process; killed if a test fails before stopping it.
struct Bot {
    child: tokio::process::Child,
    log: PathBuf,
    http: SocketAddr,
}

impl Bot {
    /// Starts the binary in `dir` on an SQLite file there, with only `env`
    /// set, and waits until `/health` answers (200 or 503).
    async fn start(dir: &Path, env: &[(&str, &str)]) -> Bot {
        let http = free_port();
        let log = dir.join("meetbot.log");
        let child = crate::meetbot_in(dir)
            .env("DATABASE_URL", "sqlite://meetbot.sqlite3")
            .env("MEETBOT__HTTP__LISTEN", http.to_string())
            .env("MEETBOT__LOG__LEVEL", "debug")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let bot = Bot { child, log, http };
        for _ in 0..200 {
            if reqwest::get(bot.url()).await.is_ok() {
                return bot;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("/health never answered; the log:\n{}", bot.logs());
    }

    fn url(&self) -> String {
        format!("http://{}/health", self.http)
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `/health`: its status code and body.
    async fn health(&self) -> (u16, Value) {
        let answer = reqwest::get(self.url()).await.unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap())
    }

    /// Ends the console input, which ends the bot; returns its log.
    async fn stop(mut self) -> String {
        drop(self.child.stdin.take());
        let status = tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the bot did not stop within 15 s of its input ending"))
            .unwrap();
        assert!(status.success(), "{status:?}\n{}", self.logs());
        self.logs()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_google_calendar_behind_a_fake_google_signs_in_with_the_key_file_and_is_healthy() {
    let google = FakeGoogle::start().await;
    let dir = tempfile::tempdir().unwrap();
    let key = google.service_account_json();
    std::fs::write(dir.path().join("google-key.json"), &key).unwrap();
    let api_url = google.api_base_url();
    let token_url = google.token_url();

    let bot = Bot::start(
        dir.path(),
        &[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", CALENDAR_ID),
            ("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", "google-key.json"),
            ("MEETBOT__CALENDAR__API_URL", &api_url),
            ("MEETBOT__CALENDAR__TOKEN_URL", &token_url),
        ],
    )
    .await;
    let (status, health) = bot.health().await;

    assert_eq!(status, 200, "{health}\n{}", bot.logs());
    assert_eq!(
        health["calendar"],
        json!({ "kind": "google", "name": CALENDAR_ID, "status": "ok" }),
        "{health}"
    );
    let tokens = google.token_requests();
    assert!(!tokens.is_empty(), "the probe signed in at the fake");
    assert_eq!(
        tokens[0]["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "{tokens:?}"
    );

    // Google starts refusing: /health says so, and why.
    google.fail_always(Some(401));
    let (status, health) = bot.health().await;
    assert_eq!(status, 503, "{health}");
    assert_eq!(health["status"], "unavailable", "{health}");
    assert_eq!(health["database"]["reachable"], true, "{health}");
    assert_eq!(health["calendar"]["kind"], "google", "{health}");
    assert_eq!(health["calendar"]["status"], "failing", "{health}");
    let reason = health["calendar"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("not authorised"), "{reason}");

    let logs = bot.stop().await;
    // Not a line of the private key reaches the log, even at debug level.
    let key: Value = serde_json::from_str(&key).unwrap();
    let private_key = key["private_key"].as_str().unwrap();
    for line in private_key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!logs.contains(line), "the key leaked into the log:\n{logs}");
    }
    assert!(logs.contains("calendar=\"google\""), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_not_found_health_names_the_google_calendar_and_the_fix() {
    let google = FakeGoogle::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("google-key.json"),
        google.service_account_json(),
    )
    .unwrap();
    let (api_url, token_url) = (google.api_base_url(), google.token_url());
    let bot = Bot::start(
        dir.path(),
        &[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "missing@example.com"),
            ("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", "google-key.json"),
            ("MEETBOT__CALENDAR__API_URL", &api_url),
            ("MEETBOT__CALENDAR__TOKEN_URL", &token_url),
        ],
    )
    .await;
    let (status, health) = bot.health().await;

    assert_eq!(status, 503, "{health}");
    assert_eq!(
        health["calendar"]["name"], "missing@example.com",
        "{health}"
    );
    assert_eq!(health["calendar"]["reason"], "not found", "{health}");
    let fix = health["calendar"]["fix"].as_str().unwrap();
    assert!(
        fix.contains("Share the calendar missing@example.com with")
            && fix.contains(meetbot_testkit::google::CLIENT_EMAIL),
        "{fix}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_not_found_health_names_a_missing_caldav_collection_and_the_fix() {
    use meetbot_testkit::caldav::{PASSWORD, USER, radicale};
    let Some(server) = radicale() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}{USER}/no-such-calendar/", server.base);
    let bot = Bot::start(
        dir.path(),
        &[
            ("MEETBOT__CALENDAR__KIND", "caldav"),
            ("MEETBOT__CALENDAR__URL", &url),
            ("MEETBOT__CALENDAR__DISCOVER", "false"),
            ("MEETBOT__CALENDAR__USERNAME", USER),
            ("MEETBOT__CALENDAR__PASSWORD", PASSWORD),
        ],
    )
    .await;
    let (status, health) = bot.health().await;

    assert_eq!(status, 503, "{health}");
    assert_eq!(health["calendar"]["name"], url.as_str(), "{health}");
    assert_eq!(
        health["calendar"]["fix"],
        format!("There is no calendar at {url}: check calendar.url."),
        "{health}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_caldav_server_does_not_stop_start_up_but_fails_health() {
    let dir = tempfile::tempdir().unwrap();

    // Port 1 on loopback: nothing listens there, so connecting fails at once.
    let bot = Bot::start(
        dir.path(),
        &[
            ("MEETBOT__CALENDAR__KIND", "caldav"),
            ("MEETBOT__CALENDAR__URL", "http://127.0.0.1:1/dav"),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
            ("MEETBOT__CALENDAR__PASSWORD", "canary-dav-password"),
        ],
    )
    .await;
    let (status, health) = bot.health().await;

    assert_eq!(status, 503, "{health}");
    assert_eq!(health["database"]["reachable"], true, "{health}");
    assert_eq!(health["calendar"]["kind"], "caldav", "{health}");
    assert_eq!(health["calendar"]["status"], "failing", "{health}");
    let reason = health["calendar"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("unavailable: cannot reach the CalDAV server"),
        "{reason}"
    );
    assert!(!health.to_string().contains("canary"), "{health}");
    let logs = bot.stop().await;
    assert!(!logs.contains("canary"), "{logs}");
}

#[test]
fn a_google_key_file_that_does_not_exist_stops_start_up_with_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_meetbot"))
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", "sqlite://meetbot.sqlite3")
        .env("MEETBOT__HTTP__LISTEN", "127.0.0.1:0")
        // Only the error line: no start-up log line around it.
        .env("MEETBOT__LOG__LEVEL", "error")
        .env("MEETBOT__CALENDAR__KIND", "google")
        .env("MEETBOT__CALENDAR__CALENDAR_ID", "primary")
        .env("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", "absent-key.json")
        .stdin(Stdio::null())
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with(
            "meetbot: error: calendar.service_account_key (from environment variable \
             MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY): cannot read the Google service account \
             key file absent-key.json: "
        ),
        "{stderr}"
    );
}
