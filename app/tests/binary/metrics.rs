//! `/metrics` after a scripted conversation: Prometheus text whose
//! counters are what happened, behind the bearer token when one is set.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use meetbot_testkit::telegram::{FakeTelegram, Person};

use crate::bot::{Bot, OWNER, booking_day, up_to_confirmation};

const METRICS_TOKEN: &str = "metrics-token-canary-0123456789";

/// Seconds the booking flow takes at most here, from choosing the reminder
/// offset to the booking stored.
const BOOKING_TAKES: i64 = 10;

/// Prometheus text as `name{labels}` → value; every line that is not a
/// comment must be a sample, or the text does not parse.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line:?}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "not a metric name: {line:?}"
        );
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a value: {line:?}"));
        samples.insert(series.to_owned(), value);
    }
    samples
}

/// The sum of every sample of `name`, whatever its labels.
fn total(samples: &BTreeMap<String, f64>, name: &str) -> f64 {
    samples
        .iter()
        .filter(|(series, _)| series.as_str() == name || series.starts_with(&format!("{name}{{")))
        .map(|(_, value)| value)
        .sum()
}

async fn scrape(bot: &Bot, token: Option<&str>) -> reqwest::Result<reqwest::Response> {
    let mut request = reqwest::Client::new().get(bot.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await
}

#[tokio::test]
async fn metrics_count_the_updates_sends_429s_and_reminders_of_a_conversation() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let owner = Person::new(OWNER, "Olga", "en");
    let bot = Bot::start(
        &fake,
        dir.path(),
        &[("MEETBOT__HTTP__METRICS_TOKEN", METRICS_TOKEN)],
    )
    .await;

    assert_eq!(scrape(&bot, None).await.unwrap().status(), 401);
    assert_eq!(
        scrape(&bot, Some("wrong-token-0123456789"))
            .await
            .unwrap()
            .status(),
        401
    );

    let mark = fake.mark();
    fake.say(&owner, "/start");
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;

    // A reminder that falls due a little after the meeting is booked:
    // offsets are whole minutes, so it is due within the minute after
    // now plus the time booking takes.
    let (day, slot) = booking_day();
    let ahead = slot - Utc::now().timestamp() - BOOKING_TAKES;
    let offset = ahead.div_euclid(60);
    fake.say(&owner, "/settings");
    let settings = fake.wait_for_button(mark, OWNER, "1:es:reminders").await;
    fake.press(&owner, &settings, "1:es:reminders");
    fake.wait_for_message(mark, OWNER, "Reminder offsets").await;
    fake.say(&owner, &offset.to_string());
    fake.wait_for_message(mark, OWNER, "Saved").await;
    let confirmation = up_to_confirmation(&fake, &owner, day, slot).await;
    fake.press(&owner, &confirmation, "1:ok");
    fake.wait_for_message(mark, OWNER, "Booked").await;

    // The next message to the owner is answered 429 once, then goes.
    fake.rate_limit(OWNER, 1, 1);
    fake.say(&owner, "/help");
    fake.wait_for_message(mark, OWNER, "/pending").await;
    let reminded = fake
        .wait_until(Duration::from_secs(90), |requests| {
            requests.iter().any(|r| r.text().contains("⏰ Reminder"))
        })
        .await;
    assert!(reminded, "no reminder within 90 s");
    // Messages to one chat go about one a second, so quiet is longer than that.
    assert!(
        fake.wait_quiet(Duration::from_secs(3), Duration::from_secs(30))
            .await
    );

    let answer = scrape(&bot, Some(METRICS_TOKEN)).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.text().await.unwrap();
    assert!(!text.contains(METRICS_TOKEN));
    let samples = samples(&text);

    let updates = fake.updates_made() as f64;
    assert_eq!(
        total(&samples, "meetbot_updates_received_total"),
        updates,
        "{text}"
    );
    assert_eq!(
        total(&samples, "meetbot_updates_handled_total"),
        updates,
        "{text}"
    );
    assert_eq!(
        total(&samples, "meetbot_update_handling_seconds_count"),
        updates
    );
    let requests = fake.requests();
    let sent_ok = requests
        .iter()
        .filter(|r| r.method == "sendMessage" && r.status == 200)
        .count() as f64;
    let refused = requests.iter().filter(|r| r.status == 429).count() as f64;
    assert_eq!(refused, 1.0, "the fake answered one 429");
    assert_eq!(
        samples.get(r#"meetbot_telegram_calls_total{method="sendMessage",outcome="ok"}"#),
        Some(&sent_ok),
        "{text}"
    );
    assert_eq!(
        total(&samples, "meetbot_telegram_rate_limited_total"),
        refused
    );
    assert!(total(&samples, "meetbot_telegram_retries_total") >= refused);
    let reminders = requests
        .iter()
        .filter(|r| r.text().contains("⏰ Reminder"))
        .count() as f64;
    assert!(reminders >= 1.0);
    assert_eq!(
        samples.get(r#"meetbot_reminders_total{outcome="sent"}"#),
        Some(&reminders),
        "{text}"
    );
    assert_eq!(
        total(&samples, "meetbot_reminder_lateness_seconds_count"),
        reminders
    );
    assert_eq!(
        samples.get(r#"meetbot_task_up{task="scheduler"}"#),
        Some(&1.0)
    );
    assert_eq!(
        samples.get(r#"meetbot_outbox_depth{outbox="messages"}"#),
        Some(&0.0),
        "everything was sent"
    );
    assert!(total(&samples, "meetbot_store_operation_seconds_count") > 0.0);
    assert_eq!(total(&samples, "meetbot_update_panics_total"), 0.0);
    assert!(
        samples
            .keys()
            .any(|series| series.starts_with("meetbot_build_info{version=")),
        "{text}"
    );

    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
    assert!(!logs.contains(METRICS_TOKEN));
}
