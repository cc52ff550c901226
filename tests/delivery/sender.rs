//! The Telegram sender against a fake Bot API that records when each
//! message arrived: Telegram's rate limits (or lower ones configured) are
//! kept, and a 429's
//! `retry_after` holds back only the chat it was about. Paused tokio time:
//! the sender's buckets and waits and the fake's clock all read tokio's
//! clock, so a minute of pacing passes in moments and is measured exactly.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use meetbot_domain::{DisplayName, Language, Role, Status, User, UserId, Zone};
use meetbot_i18n::Translator;
use meetbot_memory::{InMemoryStore, ManualClock};
use meetbot_ports::{Messenger, MessengerError, Screen, Store, Text};
use meetbot_telegram::{BotApi, Limits, Sender, TelegramMessenger};
use meetbot_testkit::telegram::{FakeTelegram, Recorded, most_in_any_window};
use meetbot_usecases::{broadcast, outbox};
use secrecy::SecretString;

const TOKEN: &str = "123456789:AAHtestTESTtestTESTtestTEST";

/// The real Telegram messenger, with Telegram's limits, talking to `fake`.
pub(crate) fn messenger(fake: &FakeTelegram) -> Arc<TelegramMessenger> {
    messenger_with(fake, Limits::default())
}

fn messenger_with(fake: &FakeTelegram, limits: Limits) -> Arc<TelegramMessenger> {
    let api = BotApi::new(&fake.url, &SecretString::from(TOKEN.to_owned())).unwrap();
    let sender = Arc::new(Sender::new(limits));
    Arc::new(TelegramMessenger::new(
        api,
        sender,
        Arc::new(Translator::new()),
    ))
}

fn hello() -> Screen {
    Screen::text(Text::new("not-understood"))
}

fn sends(fake: &FakeTelegram) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "sendMessage" && r.status == 200)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn retry_after_holds_back_only_its_chat_while_other_chats_go_on() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);
    let limited = UserId(7);
    fake.rate_limit(limited.0, 1, 2);

    let first = {
        let messenger = messenger.clone();
        tokio::spawn(async move { messenger.send(limited, Language::En, &hello()).await })
    };
    let refused = fake
        .wait_for(0, Duration::from_secs(5), "the 429", |r| r.status == 429)
        .await;
    // Other chats, written to while chat 7 waits.
    let mut others = Vec::new();
    for chat in 20..25 {
        let messenger = messenger.clone();
        others.push(tokio::spawn(async move {
            messenger.send(UserId(chat), Language::En, &hello()).await
        }));
    }
    for other in others {
        other.await.unwrap().unwrap();
    }
    let delivered = first.await.unwrap();

    assert!(delivered.is_ok(), "{delivered:?}");
    let sent = sends(&fake);
    let to_limited = sent.iter().find(|r| r.chat_id == Some(7)).unwrap();
    assert!(
        to_limited.at - refused.at >= Duration::from_secs(2),
        "chat 7 was written to again {:?} after its 429",
        to_limited.at - refused.at
    );
    for other in sent.iter().filter(|r| r.chat_id != Some(7)) {
        assert!(
            other.at - refused.at < Duration::from_secs(1),
            "chat {:?} waited for chat 7's retry_after: {:?}",
            other.chat_id,
            other.at - refused.at
        );
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_given_up_after_too_many_answers_is_reported_as_rate_limited() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger_with(
        &fake,
        Limits {
            rate_limited_retries: 1,
            ..Limits::default()
        },
    );
    fake.rate_limit(9, 5, 1);

    let result = messenger.send(UserId(9), Language::En, &hello()).await;

    assert_eq!(result, Err(MessengerError::RateLimited(1)));
}

fn manager(id: i64) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new(&format!("Manager {id}")).unwrap(),
        username: None,
        role: Role::Manager,
        status: Status::Active,
        department: None,
        email: None,
        language: if id % 2 == 0 {
            Language::Ru
        } else {
            Language::En
        },
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: Utc::now(),
        unreachable_since: None,
    }
}

#[tokio::test(start_paused = true)]
async fn broadcast_to_200_managers_never_exceeds_30_per_second_or_1_per_second_per_chat() {
    let fake = FakeTelegram::start().await;
    let store = Arc::new(InMemoryStore::new());
    let owner = User {
        role: Role::Owner,
        ..manager(1)
    };
    store.insert_user(&owner).await.unwrap();
    for id in 1000..1200 {
        store.insert_user(&manager(id)).await.unwrap();
    }
    let services = meetbot_testkit::services()
        .store(store)
        .messenger(messenger(&fake))
        .clock(Arc::new(ManualClock::new(Utc::now())))
        .owner_ids(vec![owner.id])
        .build();

    let report = broadcast::broadcast(&services, owner.id, "Office closed on Friday")
        .await
        .unwrap();

    assert_eq!(report.queued, 200);
    while outbox::deliver_due(&services).await > 0 {}
    let sent = sends(&fake);
    assert_eq!(sent.len(), 200);
    assert!(
        sent.iter()
            .all(|r| r.text().contains("Office closed on Friday"))
    );
    let times: Vec<Duration> = sent.iter().map(|r| r.at).collect();
    let most = most_in_any_window(&times, Duration::from_secs(1));
    assert!(most <= 30, "{most} messages within one second");
    let mut chats: Vec<i64> = sent.iter().filter_map(|r| r.chat_id).collect();
    chats.sort_unstable();
    chats.dedup();
    assert_eq!(
        chats.len(),
        200,
        "one message per chat, so never 2 in a second"
    );
}

#[tokio::test(start_paused = true)]
async fn one_chat_gets_a_short_burst_then_one_message_per_second() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);

    for _ in 0..5 {
        messenger
            .send(UserId(42), Language::Ru, &hello())
            .await
            .unwrap();
    }

    let times: Vec<Duration> = sends(&fake).iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 5);
    let burst = Limits::default().per_chat_burst as usize;
    // After the burst, each message waits for the chat's next token: the
    // k-th (from 0) comes at least k - burst + 1 seconds after the first.
    for (k, at) in times.iter().enumerate().skip(burst) {
        let due = Duration::from_secs((k - burst + 1) as u64) - Duration::from_millis(50);
        assert!(
            *at - times[0] >= due,
            "message {k} came {:?} after the first",
            *at - times[0]
        );
    }
    let most = most_in_any_window(&times, Duration::from_secs(1));
    assert!(
        most <= burst + 1,
        "{most} messages in one second to one chat"
    );
}

#[tokio::test(start_paused = true)]
async fn sender_limits_set_lower_are_kept_at_the_bot_api_for_a_burst_to_several_chats() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger_with(
        &fake,
        Limits {
            overall_per_second: 5.0,
            per_chat_per_second: 0.5,
            per_chat_burst: 1,
            ..Limits::default()
        },
    );

    let mut tasks = Vec::new();
    for _ in 0..2 {
        for chat in 30..36 {
            let messenger = messenger.clone();
            tasks.push(tokio::spawn(async move {
                messenger.send(UserId(chat), Language::En, &hello()).await
            }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    let sent = sends(&fake);
    assert_eq!(sent.len(), 12);
    let times: Vec<Duration> = sent.iter().map(|r| r.at).collect();
    let most = most_in_any_window(&times, Duration::from_secs(1));
    assert!(most <= 5, "{most} messages within one second: {times:?}");
    for chat in 30..36 {
        let to_chat: Vec<Duration> = sent
            .iter()
            .filter(|r| r.chat_id == Some(chat))
            .map(|r| r.at)
            .collect();
        let most = most_in_any_window(&to_chat, Duration::from_secs(2));
        assert!(most <= 1, "chat {chat} got {most} within 2 s: {to_chat:?}");
    }
}

/// A high overall limit (a hundred times Telegram's, as the fan-out
/// benchmark sets it) still lets no more than half of Telegram's 30 go at
/// once.
#[tokio::test(start_paused = true)]
async fn sender_limits_set_high_let_no_more_than_15_through_at_once() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger_with(
        &fake,
        Limits {
            overall_per_second: 3000.0,
            per_chat_per_second: 100.0,
            ..Limits::default()
        },
    );

    let tasks: Vec<_> = (100..200)
        .map(|chat| {
            let messenger = messenger.clone();
            tokio::spawn(async move { messenger.send(UserId(chat), Language::En, &hello()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    let sent = sends(&fake);
    assert_eq!(sent.len(), 100);
    let times: Vec<Duration> = sent.iter().map(|r| r.at).collect();
    let at_once = most_in_any_window(&times, Duration::from_micros(300));
    assert!(at_once <= 15, "{at_once} messages at once: {times:?}");
    let in_a_second = most_in_any_window(&times, Duration::from_secs(1));
    assert_eq!(in_a_second, 100, "the rate itself is not held back");
}

#[tokio::test(start_paused = true)]
async fn a_screen_with_a_file_is_one_document_with_the_text_as_caption_and_the_buttons() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);
    let mut screen = Screen::text(Text::new("not-understood")).row(vec![meetbot_ports::Button {
        label: Text::new("button-confirm"),
        data: "1:ok".into(),
    }]);
    screen.attachment = Some(meetbot_ports::Attachment {
        file_name: "meeting-7.ics".into(),
        mime: "text/calendar".into(),
        bytes: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
    });

    let sent = messenger
        .send(UserId(5), Language::En, &screen)
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let document = &requests[0];
    assert_eq!(document.method, "sendDocument");
    assert_eq!(document.chat_id, Some(5));
    assert_eq!(document.body["file_name"], "meeting-7.ics");
    assert!(
        document.text().contains("did not understand"),
        "{document:?}"
    );
    assert_eq!(document.buttons(), ["1:ok"]);
    assert_eq!(Some(sent.message_id), document.message_id);
}
