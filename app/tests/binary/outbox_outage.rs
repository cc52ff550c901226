//! The outbox: Telegram refuses every message for a minute (502, then 429
//! with a `retry_after`) while updates keep coming in by long polling:
//! newcomers register and a manager books, so the owner has notices to get.
//! When Telegram is back, every reply and every notice arrives, exactly
//! once and in order in each chat, within two minutes; while Telegram asked
//! to wait, nothing was sent to that chat.

#![expect(
    clippy::unwrap_used,
    reason = "test steps: a panic reports a broken step"
)]

use std::time::Duration;

use meetbot_domain::{MeetingStatus, Role, UserId};
use meetbot_ports::{MeetingQuery, Store};
use meetbot_testkit::telegram::{Failure, FakeTelegram, Person, Recorded};
use tokio::time::Instant;

use crate::bot::{Bot, OWNER, booking_day, seed, up_to_confirmation};

/// Telegram answers 502 to every message for this long ...
const BAD_GATEWAY: Duration = Duration::from_secs(50);
/// ... then 429 with [`RETRY_AFTER`] for this long.
const TOO_MANY_REQUESTS: Duration = Duration::from_secs(10);
const RETRY_AFTER: u64 = 5;
/// How long after Telegram is back everything must have arrived.
const AFTER_RECOVERY: Duration = Duration::from_secs(120);
/// Something happens every so often during the outage: a newcomer starts
/// registering, or the manager confirms.
const ARRIVING_EVERY: Duration = Duration::from_secs(8);
const NEWCOMERS: i64 = 5;
/// The manager confirms a booking after this many newcomers registered.
const BOOKING_AFTER: i64 = 2;
/// How long one step may take to reach the database.
const STEP_LIMIT: Duration = Duration::from_secs(45);

fn newcomer(i: i64) -> Person {
    Person::new(40_000 + i, &format!("Newcomer {i}"), "en")
}

/// What a newcomer reads, in order: the introduction, the two questions,
/// and that the request went to the owner.
const NEWCOMER_SEES: [&str; 4] = [
    "needs the owner's approval",
    "Which department",
    "Your e-mail",
    "Your request went to the owner",
];

/// The manager reads that the meeting is booked, then gets its .ics file.
const MANAGER_SEES: [&str; 2] = ["Booked:", "file "];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "Telegram is down for a minute: takes about two minutes; .ci/run runs it"]
async fn outbox_outage_of_a_minute_delivers_every_reply_and_notice_once_and_in_order() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
    let owner = Person::new(OWNER, "Olga", "en");
    let manager = Person::new(200, "Maxim", "en");
    seed(&database, std::slice::from_ref(&owner), Role::Owner).await;
    seed(&database, std::slice::from_ref(&manager), Role::Manager).await;
    let bot = Bot::start_on(
        &fake,
        dir.path(),
        &database,
        &[("MEETBOT__ORGANISATION__DEPARTMENTS", "Sales,Support")],
    )
    .await;
    let (day, slot) = booking_day();
    let confirm = up_to_confirmation(&fake, &manager, day, slot).await;
    let store = meetbot_storage::connect(&database).await.unwrap();

    // Telegram goes down; people keep writing.
    let mark = fake.mark();
    let began = Instant::now();
    let recovered = fake.outage(&[
        (BAD_GATEWAY, Failure::BadGateway),
        (
            TOO_MANY_REQUESTS,
            Failure::TooManyRequests {
                retry_after: RETRY_AFTER,
            },
        ),
    ]);
    // One event every few seconds, each waited for in the database, so the
    // order they happened in is known: the owner's notices must keep it.
    let mut owner_sees = Vec::new();
    let mut newcomers = (0..NEWCOMERS).map(newcomer);
    for n in 0..=NEWCOMERS {
        tokio::time::sleep_until(began + ARRIVING_EVERY * u32::try_from(n).unwrap()).await;
        if n == BOOKING_AFTER {
            fake.press(&manager, &confirm, "1:ok");
            wait_for_meeting(store.as_ref(), &manager).await;
            owner_sees.push("Maxim booked a meeting".to_owned());
            continue;
        }
        let person = newcomers.next().unwrap();
        fake.say(&person, "/start");
        fake.say(&person, "Sales");
        fake.say(&person, &format!("{}@example.org", person.id));
        wait_for_user(store.as_ref(), &person).await;
        owner_sees.push(format!("Name: {}", person.first_name));
    }
    let events_done = Instant::now();

    // Telegram is back: everything arrives.
    let expected: Vec<(i64, Vec<String>)> = (0..NEWCOMERS)
        .map(|i| (newcomer(i).id, owned(&NEWCOMER_SEES)))
        .chain([(manager.id, owned(&MANAGER_SEES)), (OWNER, owner_sees)])
        .collect();
    let arrived = fake
        .wait_until(
            recovered.saturating_duration_since(Instant::now()) + AFTER_RECOVERY,
            |requests| {
                expected
                    .iter()
                    .all(|(chat, sees)| seen_in(&requests[mark..], *chat, sees).len() >= sees.len())
            },
        )
        .await;
    let took = Instant::now().saturating_duration_since(recovered);
    fake.wait_quiet(Duration::from_secs(3), Duration::from_secs(30))
        .await;
    let refused = fake
        .since(mark)
        .iter()
        .filter(|r| r.status != 200 && r.method != "getUpdates")
        .count();
    println!(
        "outbox_outage: {refused} messages refused during the outage; everything arrived: \
         {arrived}, {took:?} after recovery; {} duplicates",
        fake.duplicates_since(mark)
    );

    let requests = fake.since(mark);
    let wrong: Vec<String> = expected
        .iter()
        .filter_map(|(chat, sees)| {
            let got = seen_in(&requests, *chat, sees);
            (&got != sees).then(|| format!("chat {chat}\n  expected {sees:?}\n  got      {got:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "chats that did not get what they should, once each and in order, after the \
         outage began (each message named by the expected text it contains):\n{}",
        wrong.join("\n")
    );
    assert!(
        arrived,
        "not everything arrived within {AFTER_RECOVERY:?} of recovery"
    );
    assert_retry_after_honoured(&requests);
    // Else the test did not show what it is about: updates handled while
    // Telegram refused every message.
    assert!(
        events_done < recovered,
        "handling the updates took longer than the outage lasted"
    );
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
}

fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| (*t).to_owned()).collect()
}

/// The messages `chat` got, in order, each named by the first of `sees`
/// it contains, or shown whole when it contains none.
fn seen_in(requests: &[Recorded], chat: i64, sees: &[String]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.is_message_to(chat))
        .map(|r| {
            let content = r.content();
            sees.iter()
                .find(|s| content.contains(s.as_str()))
                .cloned()
                .unwrap_or_else(|| format!("unexpected: {content}"))
        })
        .collect()
}

/// After a 429 to a chat, nothing more went to that chat before its
/// `retry_after` was over.
fn assert_retry_after_honoured(requests: &[Recorded]) {
    let wait = Duration::from_secs(RETRY_AFTER);
    for refusal in requests.iter().filter(|r| r.status == 429) {
        let too_early = requests.iter().find(|r| {
            r.chat_id == refusal.chat_id && r.at > refusal.at && r.at < refusal.at + wait
        });
        assert!(
            too_early.is_none(),
            "sent to chat {:?} {:?} after a 429 asking to wait {wait:?}: {too_early:?}",
            refusal.chat_id,
            too_early.map(|r| r.at - refusal.at)
        );
    }
}

/// Waits until `person`'s registration is in the database.
async fn wait_for_user(store: &dyn Store, person: &Person) {
    let deadline = Instant::now() + STEP_LIMIT;
    while store.user(UserId(person.id)).await.unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "{} was not registered within {STEP_LIMIT:?}",
            person.first_name
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `person` holds a meeting in the database.
async fn wait_for_meeting(store: &dyn Store, person: &Person) {
    let deadline = Instant::now() + STEP_LIMIT;
    loop {
        let meetings = store
            .meetings(MeetingQuery {
                booker: Some(UserId(person.id)),
                statuses: vec![MeetingStatus::Scheduled],
                overlapping: None,
            })
            .await
            .unwrap();
        if !meetings.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{}'s booking did not reach the database within {STEP_LIMIT:?}",
            person.first_name
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
