//! A real Radicale CalDAV server on 127.0.0.1, started once per test
//! binary, with two users, and fresh calendar collections on it.
//!
//! Radicale comes from PyPI (`python3 -m pip install radicale`). Without
//! it the tests print SKIPPED, except on CI (`CI=true`), where a missing
//! server is a failure.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed set-up is reported by panicking"
)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::Duration;

use meetbot_caldav::{CalDavCalendar, CalDavConfig};
use meetbot_domain::Zone;
use secrecy::SecretString;

/// The user whose calendars the tests write.
pub const USER: &str = "meetbot";
/// Every user's password.
pub const PASSWORD: &str = "radicale-test-password";
/// A second user, for discovery.
pub const OTHER_USER: &str = "other";

/// A Radicale server for this test binary, started once.
#[derive(Debug)]
pub struct Radicale {
    /// The server's root URL, ending in `/`.
    pub base: String,
    // Kept so the server lives as long as the tests: it exits when its
    // stdin closes, which happens when this process ends, however it ends.
    _process: Mutex<Child>,
    _storage: tempfile::TempDir,
}

/// Runs Radicale in-process and exits as soon as stdin reaches its end.
const WATCHDOG: &str = r#"
import os, sys, threading
def watch():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from radicale.__main__ import run
sys.argv = ["radicale"] + sys.argv[1:]
run()
"#;

fn radicale_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import radicale"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts Radicale on a free port. The port is picked here and can be
/// taken by another test's server before Radicale binds it; Radicale then
/// exits, and a connection to the port would reach the wrong server. So
/// readiness is Radicale's own "ready" line, never a successful connect,
/// and a start that ends early is tried again on another port.
fn start_radicale() -> Radicale {
    let storage = tempfile::tempdir().unwrap();
    let htpasswd = storage.path().join("users");
    std::fs::write(
        &htpasswd,
        format!("{USER}:{PASSWORD}\n{OTHER_USER}:{PASSWORD}\n"),
    )
    .unwrap();
    let mut failures = Vec::new();
    for _ in 0..5 {
        let port = crate::free_port().port();
        let mut process = Command::new("python3")
            .arg("-c")
            .arg(WATCHDOG)
            .args(["--config", ""])
            .arg("--storage-filesystem-folder")
            .arg(storage.path().join("collections"))
            .args(["--server-hosts", &format!("127.0.0.1:{port}")])
            .args(["--auth-type", "htpasswd"])
            .arg("--auth-htpasswd-filename")
            .arg(&htpasswd)
            .args(["--auth-htpasswd-encryption", "plain"])
            .args(["--auth-delay", "0"])
            .args(["--logging-level", "info"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let log = process.stderr.take().unwrap();
        match wait_until_ready(log) {
            Ok(()) => {
                return Radicale {
                    base: format!("http://127.0.0.1:{port}/"),
                    // Keep stdin open (the watchdog's lifeline) by holding the child.
                    _process: Mutex::new(process),
                    _storage: storage,
                };
            }
            Err(log) => {
                let _ = process.kill();
                let _ = process.wait();
                failures.push(format!("port {port}:\n{log}"));
            }
        }
    }
    panic!("Radicale did not start:\n{}", failures.join("\n"));
}

/// Reads Radicale's log until it says it is serving (then keeps reading it
/// on a thread, so the server never blocks on a full pipe), or returns what
/// it logged when it ends first or takes longer than 30 s.
fn wait_until_ready(log: ChildStderr) -> Result<(), String> {
    let (ready, told) = mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = String::new();
        let mut ready = Some(ready);
        for line in BufReader::new(log).lines() {
            let Ok(line) = line else { break };
            if let Some(sender) = ready.take_if(|_| line.contains("Radicale server ready")) {
                let _ = sender.send(Ok(()));
            } else if ready.is_some() {
                seen.push_str(&line);
                seen.push('\n');
            }
        }
        if let Some(sender) = ready {
            let _ = sender.send(Err(seen));
        }
    });
    told.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| Err("no \"ready\" line within 30 s".to_owned()))
}

/// The shared server, or `None` (after saying why) when Radicale is not
/// installed and this is not CI.
pub fn radicale() -> Option<&'static Radicale> {
    static SERVER: OnceLock<Option<Radicale>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            if radicale_installed() {
                return Some(start_radicale());
            }
            let message = "Radicale is not installed: python3 -m pip install radicale";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message} (CI must run the CalDAV tests)");
            }
            println!("SKIPPED: {message}");
            None
        })
        .as_ref()
}

/// The adapter's configuration for the collection or server at `url`, in Berlin time.
pub fn config(url: String, discover: bool, user: &str, password: &str) -> CalDavConfig {
    CalDavConfig {
        url,
        discover,
        username: user.to_owned(),
        password: SecretString::from(password.to_owned()),
        zone: Zone::parse("Europe/Berlin").unwrap(),
    }
}

/// A new, empty calendar collection of [`USER`] for one test.
pub async fn fresh_calendar(server: &Radicale) -> CalDavCalendar {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("calendar-{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let url = format!("{}{USER}/{name}/", server.base);
    let calendar = CalDavCalendar::new(config(url, false, USER, PASSWORD)).unwrap();
    calendar.create_collection().await.unwrap();
    calendar
}

/// The text of the resource `name` in `calendar`'s collection, as the
/// server keeps it.
pub async fn resource_text(calendar: &CalDavCalendar, name: &str) -> String {
    let url = calendar.collection().await.unwrap().join(name).unwrap();
    reqwest::Client::new()
        .get(url)
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
