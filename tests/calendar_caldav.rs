//! The CalDAV adapter against a real Radicale server on 127.0.0.1: the
//! Calendar contract, discovery, Basic authentication, and busy time from
//! events other programs wrote.
//!
//! Radicale comes from PyPI (`python3 -m pip install radicale`). Without
//! it the tests print SKIPPED, except on CI (`CI=true`), where a missing
//! server is a failure.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed set-up or assertion is the report"
)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use meetbot_caldav::{CalDavCalendar, CalDavConfig};
use meetbot_domain::{Interval, MeetingId, Zone};
use meetbot_ports::contract::calendar::{event, hour_at, now};
use meetbot_ports::{Calendar, CalendarError};
use secrecy::SecretString;

const USER: &str = "meetbot";
const PASSWORD: &str = "radicale-test-password";
const OTHER_USER: &str = "other";

/// A Radicale server for this test binary, started once.
struct Radicale {
    base: String,
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_radicale() -> Radicale {
    let storage = tempfile::tempdir().unwrap();
    let htpasswd = storage.path().join("users");
    std::fs::write(
        &htpasswd,
        format!("{USER}:{PASSWORD}\n{OTHER_USER}:{PASSWORD}\n"),
    )
    .unwrap();
    let port = free_port();
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
        .args(["--logging-level", "warning"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let deadline = Instant::now() + StdDuration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = process.try_wait() {
            panic!("Radicale exited at start-up with {status}");
        }
        assert!(
            Instant::now() < deadline,
            "Radicale did not start within 30 s"
        );
        std::thread::sleep(StdDuration::from_millis(100));
    }
    // Keep stdin open (the watchdog's lifeline) by holding the child.
    process
        .stdin
        .as_mut()
        .map(|s| s.flush())
        .transpose()
        .unwrap();
    Radicale {
        base: format!("http://127.0.0.1:{port}/"),
        _process: Mutex::new(process),
        _storage: storage,
    }
}

/// The shared server, or `None` (after saying why) when Radicale is not
/// installed and this is not CI.
fn radicale() -> Option<&'static Radicale> {
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

fn config(url: String, discover: bool, user: &str, password: &str) -> CalDavConfig {
    CalDavConfig {
        url,
        discover,
        username: user.to_owned(),
        password: SecretString::from(password.to_owned()),
        zone: Zone::parse("Europe/Berlin").unwrap(),
    }
}

/// A new, empty calendar collection for one test.
async fn fresh_calendar(server: &Radicale) -> CalDavCalendar {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("calendar-{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let url = format!("{}{USER}/{name}/", server.base);
    let calendar = CalDavCalendar::new(config(url, false, USER, PASSWORD)).unwrap();
    calendar.create_collection().await.unwrap();
    calendar
}

meetbot_ports::calendar_contract_tests!(async {
    match radicale() {
        Some(server) => Some(Arc::new(fresh_calendar(server).await) as Arc<dyn Calendar>),
        None => None,
    }
});

fn around_now() -> Interval {
    Interval::new(now() - Duration::days(1), now() + Duration::days(2)).unwrap()
}

#[tokio::test]
async fn caldav_discovery_finds_the_users_calendar_from_the_server_url() {
    let Some(server) = radicale() else { return };
    let collection = format!("{}{OTHER_USER}/work/", server.base);
    CalDavCalendar::new(config(collection.clone(), false, OTHER_USER, PASSWORD))
        .unwrap()
        .create_collection()
        .await
        .unwrap();

    let discovering =
        CalDavCalendar::new(config(server.base.clone(), true, OTHER_USER, PASSWORD)).unwrap();
    assert_eq!(discovering.collection().await.unwrap().as_str(), collection);
    discovering.probe().await.unwrap();
    discovering
        .upsert_event(&event(1, hour_at(2)))
        .await
        .unwrap();
    assert_eq!(
        discovering.busy(around_now()).await.unwrap(),
        vec![hour_at(2)]
    );
}

#[tokio::test]
async fn caldav_a_wrong_password_is_unauthorised() {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    let url = calendar.collection().await.unwrap().to_string();
    let wrong = CalDavCalendar::new(config(url, false, USER, "wrong")).unwrap();
    assert!(matches!(
        wrong.probe().await,
        Err(CalendarError::Unauthorised(_))
    ));
    assert!(matches!(
        wrong.upsert_event(&event(1, hour_at(2))).await,
        Err(CalendarError::Unauthorised(_))
    ));
}

#[tokio::test]
async fn caldav_events_are_one_resource_per_meeting_with_a_stable_uid() {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    calendar.upsert_event(&event(9, hour_at(2))).await.unwrap();
    calendar.upsert_event(&event(9, hour_at(3))).await.unwrap();
    let url = calendar
        .collection()
        .await
        .unwrap()
        .join(&meetbot_caldav::resource_name(MeetingId(9)))
        .unwrap();
    let body = reqwest::Client::new()
        .get(url)
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body.matches("BEGIN:VEVENT").count(), 1, "{body}");
    assert!(body.contains("UID:meetbot-meeting-9"), "{body}");
}

/// An .ics resource written by another program (the owner's phone, say).
async fn put_foreign(calendar: &CalDavCalendar, name: &str, ics: &str) {
    let url = calendar.collection().await.unwrap().join(name).unwrap();
    let status = reqwest::Client::new()
        .put(url)
        .basic_auth(USER, Some(PASSWORD))
        .header("Content-Type", "text/calendar; charset=utf-8")
        .body(ics.replace('\n', "\r\n"))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "PUT {name}: {status}");
}

const BERLIN_VTIMEZONE: &str = "BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE";

#[tokio::test]
async fn caldav_external_busy_time_in_local_zones_and_recurring_events_blocks_and_free_time_does_not()
 {
    let Some(server) = radicale() else { return };
    let calendar = fresh_calendar(server).await;
    // Sunday 2030-03-31 10:00–11:00 Berlin (the spring-forward day): 08:00 UTC.
    put_foreign(
        &calendar,
        "dentist.ics",
        &format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\n{BERLIN_VTIMEZONE}\nBEGIN:VEVENT\nUID:dentist\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Europe/Berlin:20300331T100000\nDTEND;TZID=Europe/Berlin:20300331T110000\nSUMMARY:Dentist\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
    )
    .await;
    // A free reminder at noon does not block.
    put_foreign(
        &calendar,
        "reminder.ics",
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\nBEGIN:VEVENT\nUID:reminder\nDTSTAMP:20300101T000000Z\nDTSTART:20300331T100000Z\nDTEND:20300331T110000Z\nTRANSP:TRANSPARENT\nSUMMARY:Water plants\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .await;
    // A daily stand-up, 09:00–09:15 Berlin, from Friday on.
    put_foreign(
        &calendar,
        "standup.ics",
        &format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\n{BERLIN_VTIMEZONE}\nBEGIN:VEVENT\nUID:standup\nDTSTAMP:20300101T000000Z\nDTSTART;TZID=Europe/Berlin:20300329T090000\nDTEND;TZID=Europe/Berlin:20300329T091500\nRRULE:FREQ=DAILY;COUNT=5\nSUMMARY:Stand-up\nEND:VEVENT\nEND:VCALENDAR\n"
        ),
    )
    .await;

    let berlin = Zone::parse("Europe/Berlin").unwrap();
    let day = |d: u32| berlin.start_of_day(NaiveDate::from_ymd_opt(2030, 3, d).unwrap());
    let sunday = Interval::new(day(31), day(31) + Duration::hours(23)).unwrap();
    let utc = |h: u32, m: u32| Utc.with_ymd_and_hms(2030, 3, 31, h, m, 0).unwrap();
    assert_eq!(
        calendar.busy(sunday).await.unwrap(),
        vec![
            // The stand-up's Sunday instance: 09:00 CEST is 07:00 UTC.
            Interval::new(utc(7, 0), utc(7, 15)).unwrap(),
            Interval::new(utc(8, 0), utc(9, 0)).unwrap(),
        ]
    );
    // Saturday's instance is still in winter time: 09:00 CET is 08:00 UTC.
    let saturday = Interval::new(day(30), day(31)).unwrap();
    assert_eq!(
        calendar.busy(saturday).await.unwrap(),
        vec![
            Interval::new(
                Utc.with_ymd_and_hms(2030, 3, 30, 8, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2030, 3, 30, 8, 15, 0).unwrap()
            )
            .unwrap()
        ]
    );
}
