//! The real `meetbot` binary against a fake Telegram Bot API: whole
//! conversations by long polling and by webhook, a restart in the middle of
//! a dialog, and logs at trace level that never show the token.
//!
//! Assertions are on what the fake received: which method, for which chat,
//! what the text says and which buttons (callback data) it carried.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::time::Duration;

use meetbot_testkit::telegram::{FakeTelegram, Person, Recorded};
use serde_json::Value;

use crate::bot::{Bot, OWNER, TOKEN, WEBHOOK, WEBHOOK_SECRET, booking_day, month_with};

const MANAGER: i64 = 200;

fn assert_no_token_in(logs: &str) {
    assert!(!logs.is_empty(), "the bot logged nothing");
    assert!(
        !logs.to_lowercase().contains("canary"),
        "the token leaked into the logs:\n{logs}"
    );
}

/// The command names a `setMyCommands` request set.
fn commands_of(menu: &Recorded) -> Vec<&str> {
    menu.body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect()
}

fn rust_log_trace() -> [(&'static str, &'static str); 1] {
    [("RUST_LOG", "trace")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2e_registration_approval_booking_and_cancellation_over_long_polling() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    // Trace level everywhere: the token must still never show.
    let bot = Bot::start(&fake, dir.path(), &rust_log_trace()).await;
    let owner = Person::new(OWNER, "Olga", "en");
    let manager = Person::new(MANAGER, "Maxim", "en");

    // The guest menu is set for everybody, per language, at start.
    let default_menu = fake
        .wait_for(
            0,
            Duration::from_secs(10),
            "the default menu in English",
            |r| {
                r.method == "setMyCommands"
                    && r.body["language_code"] == "en"
                    && r.body["scope"]["type"] == "default"
            },
        )
        .await;
    let guest = commands_of(&default_menu);
    assert!(
        guest.contains(&"start") && !guest.contains(&"book"),
        "{guest:?}"
    );
    assert!(fake.requests().iter().any(|r| r.method == "deleteWebhook"));

    // The owner starts the bot.
    let mark = fake.mark();
    fake.say(&owner, "/start");
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;

    // A manager registers, skipping the e-mail.
    let mark = fake.mark();
    fake.say(&manager, "/start");
    fake.wait_for_message(mark, MANAGER, "needs the owner's approval")
        .await;
    let ask_email = fake.wait_for_button(mark, MANAGER, "1:sk").await;
    assert!(ask_email.text().contains("e-mail"), "{ask_email:?}");
    let mark = fake.mark();
    fake.press(&manager, &ask_email, "1:sk");
    let sent = fake
        .wait_for_message(mark, MANAGER, "went to the owner")
        .await;
    assert_eq!(
        sent.method, "editMessageText",
        "the question is answered in place"
    );
    let request = fake.wait_for_button(mark, OWNER, "1:ap:200").await;
    assert!(request.text().contains("Maxim"), "{request:?}");
    assert_eq!(request.buttons().len(), 2, "{request:?}");
    assert!(request.button("1:ap:200").is_some() && request.button("1:rj:200").is_some());
    // The press was answered before anything else was done for it.
    let answered = fake
        .since(mark)
        .iter()
        .position(|r| r.method == "answerCallbackQuery")
        .unwrap();
    let edited = fake
        .since(mark)
        .iter()
        .position(|r| r.method == "editMessageText")
        .unwrap();
    assert!(answered < edited);

    // The owner approves.
    let mark = fake.mark();
    fake.press(&owner, &request, "1:ap:200");
    fake.wait_for_message(mark, OWNER, "Maxim is approved")
        .await;
    fake.wait_for_message(mark, MANAGER, "Your request is approved")
        .await;
    let menu = fake
        .wait_for(mark, Duration::from_secs(10), "the manager's menu", |r| {
            r.method == "setMyCommands" && r.body["scope"]["chat_id"] == MANAGER
        })
        .await;
    let commands = commands_of(&menu);
    assert!(
        commands.contains(&"book") && !commands.contains(&"pending"),
        "{commands:?}"
    );

    // The manager books: type, day, slot, no topic, confirm.
    let (day, slot) = booking_day();
    let mark = fake.mark();
    fake.say(&manager, "/book");
    let types = fake.wait_for_button(mark, MANAGER, "1:mt:m60").await;
    assert!(types.text().contains("Which meeting"), "{types:?}");
    let month = fake
        .press_and_wait_for_button(&manager, &types, "1:mt:m60", "1:dy:")
        .await;
    assert!(month.text().contains("Pick a day"), "{month:?}");
    let month = month_with(&fake, &manager, month, day).await;
    let day_data = format!("1:dy:{}", day.format("%Y%m%d"));
    let slot_data = format!("1:sl:{slot}");
    let slots = fake
        .press_and_wait_for_button(&manager, &month, &day_data, &slot_data)
        .await;
    assert!(slots.text().contains("pick a time"), "{slots:?}");
    let topic = fake
        .press_and_wait_for_button(&manager, &slots, &slot_data, "1:nt")
        .await;
    let confirm = fake
        .press_and_wait_for_button(&manager, &topic, "1:nt", "1:ok")
        .await;
    assert!(confirm.text().contains("Book this meeting?"), "{confirm:?}");
    assert!(confirm.text().contains("60 min"), "{confirm:?}");
    let mark = fake.mark();
    fake.press(&manager, &confirm, "1:ok");
    let booked = fake.wait_for_message(mark, MANAGER, "Booked:").await;
    assert!(booked.text().contains("60 min"), "{booked:?}");
    let told = fake
        .wait_for_message(mark, OWNER, "Maxim booked a meeting")
        .await;
    assert_eq!(told.method, "sendMessage");

    // The manager cancels through /my; the owner is told.
    let mark = fake.mark();
    fake.say(&manager, "/my");
    let mine = fake.wait_for_button(mark, MANAGER, "1:cx:").await;
    let cancel = mine.button("1:cx:").unwrap();
    let meeting = cancel.rsplit(':').next().unwrap();
    let confirm_data = format!("1:cy:{meeting}");
    let sure = fake
        .press_and_wait_for_button(&manager, &mine, &cancel, &confirm_data)
        .await;
    assert!(sure.text().contains("Cancel the meeting"), "{sure:?}");
    let mark = fake.mark();
    fake.press(&manager, &sure, &confirm_data);
    fake.wait_for_message(mark, MANAGER, "is cancelled").await;
    fake.wait_for_message(mark, OWNER, "Maxim cancelled the meeting")
        .await;

    // Every request carried the configured token; every button fits Telegram.
    let requests = fake.requests();
    assert!(requests.iter().all(|r| r.token == TOKEN));
    for data in requests.iter().flat_map(Recorded::buttons) {
        assert!(data.is_ascii() && data.len() <= 64, "{data}");
    }

    // /health: the database answers, Telegram was reached, and the calendar
    // (none configured: the bot's own database) works.
    let health: Value = reqwest::get(bot.url("/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["database"]["reachable"], true, "{health}");
    assert!(health["telegram"]["last_success"].is_string(), "{health}");
    assert_eq!(
        health["calendar"],
        serde_json::json!({ "kind": "none", "name": "the bot's database", "status": "ok" }),
        "{health}"
    );
    assert!(health["version"].is_string(), "{health}");

    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
    assert_no_token_in(&logs);
    assert!(logs.contains("TRACE"), "the log really was at trace level");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_refuses_requests_without_the_secret_and_handles_a_redelivery_once() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path(), &WEBHOOK).await;
    let owner = Person::new(OWNER, "Olga", "en");
    let set = fake
        .wait_for(0, Duration::from_secs(10), "setWebhook", |r| {
            r.method == "setWebhook"
        })
        .await;
    assert_eq!(set.body["url"], "https://bot.example.org/telegram/hook");
    assert_eq!(set.body["secret_token"], WEBHOOK_SECRET);
    assert!(!fake.requests().iter().any(|r| r.method == "deleteWebhook"));
    let client = reqwest::Client::new();
    let hook = bot.url("/telegram/hook");

    // Without the secret, or with a wrong one: 401, and nothing happens.
    let forged = fake.text_update(&owner, "/start");
    let mark = fake.mark();
    let without = client.post(&hook).json(&forged).send().await.unwrap();
    let wrong = client
        .post(&hook)
        .header("X-Telegram-Bot-Api-Secret-Token", "hook-secret_012345678X")
        .json(&forged)
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 401);
    assert_eq!(wrong.status(), 401);

    // With it: handled, once, even when Telegram delivers it twice.
    let update = fake.text_update(&owner, "/start");
    for _ in 0..2 {
        let answer = client
            .post(&hook)
            .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
            .json(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;
    // Give a wrongly handled copy time to show up.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let welcomes = fake
        .since(mark)
        .iter()
        .filter(|r| r.is_message_to(OWNER) && r.text().contains("Hello"))
        .count();
    assert_eq!(welcomes, 1, "{:?}", fake.since(mark));

    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
    assert_no_token_in(&logs);
    assert!(!logs.contains(WEBHOOK_SECRET), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_in_the_middle_of_a_booking_continues_the_dialog_and_loses_no_update() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let owner = Person::new(OWNER, "Olga", "en");
    let (day, slot) = booking_day();

    let bot = Bot::start(&fake, dir.path(), &[]).await;
    let mark = fake.mark();
    fake.say(&owner, "/start");
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;
    let mark = fake.mark();
    fake.say(&owner, "/book");
    let types = fake.wait_for_button(mark, OWNER, "1:mt:m60").await;
    let month = fake
        .press_and_wait_for_button(&owner, &types, "1:mt:m60", "1:dy:")
        .await;
    let month = month_with(&fake, &owner, month, day).await;
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");

    // Pressed while the bot is down: Telegram keeps it until the bot is back.
    let mark = fake.mark();
    let day_data = format!("1:dy:{}", day.format("%Y%m%d"));
    fake.press(&owner, &month, &day_data);
    let bot = Bot::start(&fake, dir.path(), &[]).await;
    let slots = fake
        .wait_for_button(mark, OWNER, &format!("1:sl:{slot}"))
        .await;
    assert!(slots.text().contains("pick a time"), "{slots:?}");

    // The updates handled before the restart were not handled again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !fake
            .since(mark)
            .iter()
            .any(|r| r.is_message_to(OWNER) && r.text().contains("Hello")),
        "{:?}",
        fake.since(mark)
    );
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
    assert_no_token_in(&logs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_decode_an_unreadable_update_is_skipped_and_the_rest_of_its_batch_is_handled() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path(), &[]).await;
    let owner = Person::new(OWNER, "Olga", "en");
    let manager = Person::new(MANAGER, "Maxim", "en");

    // One batch: a good update, one whose message has a date that is not a
    // number (nothing can read it), and another good one.
    let first = fake.text_update(&owner, "/start");
    let mut unreadable = fake.text_update(&manager, "/help");
    unreadable["message"]["date"] = Value::from("yesterday");
    let unreadable_id = unreadable["update_id"].as_i64().unwrap();
    let last = fake.text_update(&manager, "/start");
    let mark = fake.mark();
    fake.push_many([first, unreadable, last]);

    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;
    fake.wait_for_message(mark, MANAGER, "e-mail").await;
    let (_, logs) = bot.stop().await;
    assert!(
        logs.contains("an unreadable update was skipped")
            && logs.contains(&unreadable_id.to_string()),
        "{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_button_presses_get_a_toast_only_and_the_next_command_is_answered_at_once() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(&fake, dir.path(), &[]).await;
    let owner = Person::new(OWNER, "Olga", "en");
    let mark = fake.mark();
    fake.say(&owner, "/start");
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;

    let mark = fake.mark();
    let presses: Vec<Value> = (0..1000)
        .map(|i| fake.button_update(&owner, &format!("garbage{i}"), 1))
        .collect();
    fake.push_many(presses);
    fake.say(&owner, "/help");
    let asked = std::time::Instant::now();
    fake.wait_for_message(mark, OWNER, "/book").await;
    let waited = asked.elapsed();

    let since = fake.since(mark);
    let toasts = since
        .iter()
        .filter(|r| r.method == "answerCallbackQuery")
        .filter(|r| {
            r.body["text"] == "This button is out of date. Please start again from the menu."
        })
        .count();
    assert_eq!(toasts, 1000);
    let chat_messages: Vec<_> = since
        .iter()
        .filter(|r| r.method != "answerCallbackQuery" && r.chat_id == Some(OWNER))
        .collect();
    assert_eq!(
        chat_messages.len(),
        1,
        "only the answer to /help: {chat_messages:?}"
    );
    assert!(waited < Duration::from_secs(15), "{waited:?}");
    bot.stop().await;
}

/// The `update` spans a JSON log line was written in: (update id, request id).
fn update_spans(line: &Value) -> Vec<(i64, String)> {
    line["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|span| span["name"] == "update")
        .filter_map(|span| {
            Some((
                span["update_id"].as_i64()?,
                span["request"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn correlation_every_log_line_of_one_update_carries_its_request_id() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let owner = Person::new(OWNER, "Olga", "en");
    let bot = Bot::start(
        &fake,
        dir.path(),
        &[("MEETBOT__LOG__FORMAT", "json"), ("RUST_LOG", "debug")],
    )
    .await;
    let mark = fake.mark();
    fake.say(&owner, "/start");
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;
    fake.say(&owner, "/help");
    fake.wait_for_message(mark, OWNER, "/pending").await;
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");

    let lines: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let mut requests: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for line in &lines {
        for (update, request) in update_spans(line) {
            requests.entry(update).or_default().push(request);
        }
        // A line that names an update is written inside that update's span.
        if let Some(update) = line["fields"]["update_id"].as_i64() {
            assert!(
                update_spans(line).iter().any(|(id, _)| *id == update),
                "outside its update's span: {line}"
            );
        }
    }
    assert_eq!(requests.len(), 2, "two updates: {requests:?}");
    let mut ids = std::collections::BTreeSet::new();
    for (update, seen) in &requests {
        assert!(
            seen.len() >= 2,
            "update {update} wrote {} line(s)",
            seen.len()
        );
        assert!(
            seen.iter().all(|id| id == &seen[0] && id.len() == 8),
            "update {update}: {seen:?}"
        );
        ids.insert(seen[0].clone());
    }
    assert_eq!(ids.len(), 2, "each update has its own request id");
}
