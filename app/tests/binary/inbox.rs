//! The inbox: nothing a person sends is lost and nothing is done twice when
//! the bot is killed (SIGKILL) again and again during a burst of updates,
//! or stopped (SIGTERM) with updates still in hand, by long polling and by
//! webhook.
//!
//! The burst is made of what people really do: newcomers register (/start,
//! their department, their e-mail, typed one after the other) while
//! managers, approved before and led to the confirmation of a booking, press
//! Confirm, many of them for the same hour. Afterwards every newcomer must
//! have the registration's answer and the owner a request for each, every
//! manager exactly one answer (booked, or the time was taken), no hour
//! booked twice, the owner told of every booking, and the database must
//! hold the same. A kill may double a message that was on its way (same
//! chat, same text), at most one per kill.

#![expect(
    clippy::unwrap_used,
    reason = "test steps: a panic reports a broken step"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use chrono::{Duration as Days, NaiveDate};
use futures::StreamExt as _;
use meetbot_domain::{MeetingStatus, Role, UserId};
use meetbot_ports::{MeetingQuery, Store};
use meetbot_testkit::storage::TempPgDatabase;
use meetbot_testkit::telegram::{FakeTelegram, Person, Recorded};
use rand::Rng as _;
use serde_json::Value;

use crate::bot::{
    Bot, OWNER, WEBHOOK, WEBHOOK_SECRET, booking_day, seed, ten_moscow, up_to_confirmation,
    weekday_on_or_after,
};

/// How many times the bot is killed during the burst.
const KILLS: usize = 20;
/// Newcomers registering during the burst, three updates each.
const NEWCOMERS: i64 = 40;
/// Managers pressing Confirm during the burst, one update each. With the
/// newcomers' updates, 500 in all.
const MANAGERS: i64 = 380;
/// One-hour meetings from 10:00 to 17:00 (working hours end at 18:00), on
/// two days: 16 hours that do not overlap, each wanted by many managers.
const HOURS_A_DAY: i64 = 8;
const DAYS: usize = 2;
/// The departments newcomers type.
const DEPARTMENTS: [&str; 2] = ["Sales", "Support"];
/// How long after the last restart everything must have been answered.
/// The bot paces the owner's chat at one message a second, and the owner
/// hears of every registration and every booking.
const DRAIN_LIMIT: Duration = Duration::from_secs(150);

/// What people read, in the English texts.
const REGISTRATION_SENT: &str = "Your request went to the owner";
const BOOKED: &str = "Booked:";
const TAKEN: &str = "Somebody has just taken this time";
const OWNER_BOOKED: &str = " booked a meeting";

fn newcomer(i: i64) -> Person {
    Person::new(10_000 + i, &format!("Newcomer {i:03}"), "en")
}

fn manager(i: i64) -> Person {
    Person::new(20_000 + i, &format!("Manager {i:03}"), "en")
}

fn department_of(i: i64) -> &'static str {
    DEPARTMENTS[usize::try_from(i).unwrap() % DEPARTMENTS.len()]
}

fn email_of(i: i64) -> String {
    format!("newcomer{i}@example.org")
}

fn departments_setting() -> [(&'static str, String); 1] {
    [("MEETBOT__ORGANISATION__DEPARTMENTS", DEPARTMENTS.join(","))]
}

/// An hour managers can book: its day and its start (unix seconds).
#[derive(Clone, Copy, Debug)]
struct Hour {
    day: NaiveDate,
    start: i64,
}

/// The hours the managers want, on weekdays from two days ahead on.
fn hours() -> Vec<Hour> {
    let mut day = booking_day().0;
    let mut hours = Vec::new();
    for _ in 0..DAYS {
        for h in 0..HOURS_A_DAY {
            hours.push(Hour {
                day,
                start: ten_moscow(day) + h * 3600,
            });
        }
        day = weekday_on_or_after(day + Days::days(1));
    }
    hours
}

/// The hour manager `i` wants.
fn hour_of(hours: &[Hour], i: i64) -> Hour {
    hours[usize::try_from(i).unwrap() % hours.len()]
}

/// Leads every manager to the confirmation of their hour, several at a
/// time; the confirmations in the managers' order.
async fn confirmations(fake: &FakeTelegram, managers: &[Person], hours: &[Hour]) -> Vec<Recorded> {
    futures::stream::iter(managers.iter().zip(0..))
        .map(|(manager, i)| {
            let hour = hour_of(hours, i);
            up_to_confirmation(fake, manager, hour.day, hour.start)
        })
        .buffered(32)
        .collect()
        .await
}

/// The burst, in the order Telegram hands it out: every newcomer's /start,
/// a third of the Confirm presses, every department, another third, every
/// e-mail, the last third. Each newcomer's own updates stay in order, and
/// update ids grow in that order, as Telegram's do (an offset past an id
/// confirms every update before it).
fn burst(fake: &FakeTelegram, managers: &[Person], confirmations: &[Recorded]) -> Vec<Value> {
    let pressing: Vec<(&Person, &Recorded)> = managers.iter().zip(confirmations).collect();
    let mut thirds = pressing.chunks(pressing.len().div_ceil(3));
    let mut updates = Vec::new();
    for step in 0..3 {
        for i in 0..NEWCOMERS {
            let text = match step {
                0 => "/start".to_owned(),
                1 => department_of(i).to_owned(),
                _ => email_of(i),
            };
            updates.push(fake.text_update(&newcomer(i), &text));
        }
        for (manager, confirm) in thirds.next().unwrap_or_default() {
            updates.push(fake.button_update(manager, "1:ok", confirm.message_id.unwrap()));
        }
    }
    updates
}

/// What the messages delivered since the burst began tell.
#[derive(Debug, Default)]
struct Seen {
    /// Newcomers told their request went to the owner.
    registered: BTreeSet<i64>,
    /// Newcomers whose registration request the owner got.
    owner_heard_of: BTreeSet<i64>,
    /// Managers told their meeting is booked.
    booked: BTreeSet<i64>,
    /// Managers told their time was taken.
    refused: BTreeSet<i64>,
    /// Managers whose booking the owner was told of.
    owner_heard_booked: BTreeSet<i64>,
}

impl Seen {
    fn of(messages: &[Recorded]) -> Self {
        let newcomers: BTreeMap<String, i64> = (0..NEWCOMERS)
            .map(|i| (newcomer(i).first_name, newcomer(i).id))
            .collect();
        let managers: BTreeMap<String, i64> = (0..MANAGERS)
            .map(|i| (manager(i).first_name, manager(i).id))
            .collect();
        let mut seen = Self::default();
        for message in messages.iter().filter(|r| r.is_message()) {
            let chat = message.chat_id.unwrap_or(0);
            let text = message.text();
            if chat == OWNER {
                if let Some(name) = after(text, "Name: ")
                    && let Some(id) = newcomers.get(name)
                {
                    seen.owner_heard_of.insert(*id);
                }
                if let Some((before, _)) = text.split_once(OWNER_BOOKED)
                    && let Some(id) = managers.get(before.trim_start_matches("📅 ").trim())
                {
                    seen.owner_heard_booked.insert(*id);
                }
            } else if text.contains(REGISTRATION_SENT) {
                seen.registered.insert(chat);
            } else if text.contains(BOOKED) {
                seen.booked.insert(chat);
            } else if text.contains(TAKEN) {
                seen.refused.insert(chat);
            }
        }
        seen
    }

    /// Whether every update of the burst has been answered.
    fn complete(&self) -> bool {
        self.registered.len() == NEWCOMERS as usize
            && self.owner_heard_of.len() == NEWCOMERS as usize
            && self.booked.union(&self.refused).count() == MANAGERS as usize
            && self.booked.is_subset(&self.owner_heard_booked)
    }

    /// Updates of the burst that got their answer.
    fn handled(&self) -> usize {
        self.registered.len() * 3 + self.booked.union(&self.refused).count()
    }
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The rest of the line after `label` in `text`.
fn after<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let rest = &text[text.find(label)? + label.len()..];
    Some(rest.lines().next().unwrap_or_default().trim())
}

/// The burst with `KILLS` SIGKILLs, on the database at `database`.
async fn burst_with_kills(database: &str, dir: &Path, backend: &str) {
    let fake = FakeTelegram::start().await;
    let owner = Person::new(OWNER, "Olga", "en");
    let managers: Vec<Person> = (0..MANAGERS).map(manager).collect();
    seed(database, std::slice::from_ref(&owner), Role::Owner).await;
    seed(database, &managers, Role::Manager).await;
    let settings = departments_setting();
    let env: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut bot = Bot::start_on(&fake, dir, database, &env).await;
    let hours = hours();
    let confirmations = confirmations(&fake, &managers, &hours).await;

    let mark = fake.mark();
    let updates = burst(&fake, &managers, &confirmations);
    assert_eq!(updates.len(), 500);
    fake.push_many(updates);
    let mut kills_in_the_burst = 0;
    for _ in 0..KILLS {
        let moment = rand::rng().random_range(200..1500);
        tokio::time::sleep(Duration::from_millis(moment)).await;
        if !Seen::of(&fake.since(mark)).complete() {
            kills_in_the_burst += 1;
        }
        bot.kill().await;
        bot = Bot::start_on(&fake, dir, database, &env).await;
    }
    let drained = fake
        .wait_until(DRAIN_LIMIT, |requests| {
            Seen::of(&requests[mark..]).complete()
        })
        .await;
    // A copy sent twice shows up late; give it the time to.
    fake.wait_quiet(Duration::from_secs(3), Duration::from_secs(30))
        .await;
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
    if !drained {
        eprintln!("the last run's log ends with:\n{}", tail(&logs, 40));
    }

    let seen = Seen::of(&fake.since(mark));
    let copies = fake.copies_since(mark);
    let duplicates = fake.duplicates_since(mark);
    println!(
        "inbox_kill on {backend}: {KILLS} kills ({kills_in_the_burst} with updates unanswered); \
         {} of 500 updates answered in full ({} messages in all); {duplicates} duplicates; \
         drained: {drained}",
        seen.handled(),
        fake.messages_since(mark).len()
    );
    let missing_newcomers: Vec<i64> = (0..NEWCOMERS)
        .map(|i| newcomer(i).id)
        .filter(|id| !seen.registered.contains(id))
        .collect();
    assert!(
        missing_newcomers.is_empty(),
        "newcomers never told their request went to the owner: {missing_newcomers:?}"
    );
    let unheard: Vec<i64> = (0..NEWCOMERS)
        .map(|i| newcomer(i).id)
        .filter(|id| !seen.owner_heard_of.contains(id))
        .collect();
    assert!(
        unheard.is_empty(),
        "the owner never heard of the registrations of {unheard:?}"
    );
    let both: Vec<&i64> = seen.booked.intersection(&seen.refused).collect();
    assert!(
        both.is_empty(),
        "managers told both booked and taken: {both:?}"
    );
    let unanswered: Vec<i64> = managers
        .iter()
        .map(|m| m.id)
        .filter(|id| !seen.booked.contains(id) && !seen.refused.contains(id))
        .collect();
    assert!(
        unanswered.is_empty(),
        "managers whose Confirm was never answered: {unanswered:?}"
    );
    let untold: Vec<&i64> = seen.booked.difference(&seen.owner_heard_booked).collect();
    assert!(
        untold.is_empty(),
        "bookings the owner was not told of: {untold:?}"
    );
    let doubled: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates <= KILLS,
        "{duplicates} duplicates after {KILLS} kills, more than one per kill: {doubled:?}"
    );

    let store = meetbot_storage::connect(database).await.unwrap();
    assert_registrations_stored(store.as_ref()).await;
    assert_bookings_stored(store.as_ref(), &seen, &hours).await;
}

/// Every newcomer is in the database, waiting for the owner, with the
/// department and e-mail they typed.
async fn assert_registrations_stored(store: &dyn Store) {
    for i in 0..NEWCOMERS {
        let person = newcomer(i);
        let user = store
            .user(UserId(person.id))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} is not in the database", person.first_name));
        assert_eq!(user.role, Role::Pending, "{user:?}");
        assert_eq!(
            user.department.as_ref().map(|d| d.as_str().to_owned()),
            Some(department_of(i).to_owned()),
            "{user:?}"
        );
        assert_eq!(
            user.email.as_ref().map(|e| e.as_str().to_owned()),
            Some(email_of(i)),
            "{user:?}"
        );
    }
}

/// One meeting per wanted hour, none overlapping another, each booked by a
/// manager who was told so, and none by a manager told the time was taken.
async fn assert_bookings_stored(store: &dyn Store, seen: &Seen, hours: &[Hour]) {
    let meetings = store
        .meetings(MeetingQuery {
            booker: None,
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: None,
        })
        .await
        .unwrap();
    for (n, a) in meetings.iter().enumerate() {
        for b in &meetings[n + 1..] {
            assert!(
                !a.interval.overlaps(&b.interval),
                "booked twice: {a:?} and {b:?}"
            );
        }
    }
    let bookers: BTreeSet<i64> = meetings.iter().map(|m| m.booker.0).collect();
    assert_eq!(bookers.len(), meetings.len(), "a manager booked twice");
    assert_eq!(
        bookers, seen.booked,
        "the managers told \"booked\" are not those holding a meeting"
    );
    let starts: BTreeSet<i64> = meetings
        .iter()
        .map(|m| m.interval.start().timestamp())
        .collect();
    let wanted: BTreeSet<i64> = hours.iter().map(|h| h.start).collect();
    assert_eq!(starts, wanted, "every wanted hour is booked, once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "kills the binary 20 times; .ci/run runs it"]
async fn inbox_kill_during_a_burst_on_sqlite_loses_no_update_and_does_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
    burst_with_kills(&database, dir.path(), "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "kills the binary 20 times; .ci/run runs it"]
async fn inbox_kill_during_a_burst_on_postgres_loses_no_update_and_does_nothing_twice() {
    let Some(db) = TempPgDatabase::create("inbox_kill test").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    burst_with_kills(&db.url, dir.path(), "Postgres").await;
}

/// People who unsubscribe at once, one /stop each.
const LEAVING: i64 = 200;
/// How long the fake takes to answer each message while the bot is
/// stopped: slow enough that the bot cannot answer everybody within its
/// drain time.
const SLOW_MESSAGE: Duration = Duration::from_secs(2);
/// How long the bot may take to finish what it has in hand at SIGTERM.
const DRAIN_TIME: Duration = Duration::from_secs(10);
/// Time to exit beyond the drain time.
const EXIT_MARGIN: Duration = Duration::from_secs(5);
/// What /stop answers.
const UNSUBSCRIBED: &str = "You are unsubscribed";

fn leaving(i: i64) -> Person {
    Person::new(30_000 + i, &format!("Member {i:03}"), "en")
}

/// How many of the leaving members got the answer to /stop.
fn unsubscribed_told(requests: &[Recorded]) -> usize {
    requests
        .iter()
        .filter(|r| r.is_message() && r.text().contains(UNSUBSCRIBED))
        .map(|r| r.chat_id)
        .collect::<BTreeSet<_>>()
        .len()
}

/// SIGTERM while the bot has updates in hand; waits for a clean exit within
/// the drain time, and lets messages go at full speed again.
async fn stop_with_work_in_hand(fake: &FakeTelegram, mut bot: Bot, mark: usize) -> usize {
    let answered = fake.wait_until(Duration::from_secs(30), |requests| {
        unsubscribed_told(&requests[mark..]) > 0
    });
    assert!(answered.await, "nobody was answered; log:\n{}", bot.logs());
    bot.terminate();
    let at_sigterm = unsubscribed_told(&fake.since(mark));
    assert!(
        at_sigterm < LEAVING as usize,
        "all {LEAVING} were answered before SIGTERM: the stop had nothing in hand"
    );
    let status = bot.wait_exit(DRAIN_TIME + EXIT_MARGIN).await;
    assert!(status.success(), "{status:?}\n{}", bot.logs());
    fake.slow_messages(Duration::ZERO);
    at_sigterm
}

/// After the restart: every member answered exactly once, and unsubscribed
/// in the database. `summary` starts the line printed for the log.
async fn assert_everybody_left_once(
    fake: &FakeTelegram,
    mark: usize,
    database: &str,
    summary: &str,
) {
    fake.wait_until(Duration::from_secs(40), |requests| {
        unsubscribed_told(&requests[mark..]) == LEAVING as usize
    })
    .await;
    fake.wait_quiet(Duration::from_secs(2), Duration::from_secs(30))
        .await;
    let copies = fake.copies_since(mark);
    let answers: Vec<usize> = (0..LEAVING)
        .map(|i| {
            copies
                .iter()
                .filter(|((chat, text), _)| *chat == leaving(i).id && text.contains(UNSUBSCRIBED))
                .map(|(_, n)| *n)
                .sum()
        })
        .collect();
    let unanswered = answers.iter().filter(|n| **n == 0).count();
    let doubled = answers.iter().filter(|n| **n > 1).count();
    println!(
        "{summary}; after the restart {} of {LEAVING} answered, {unanswered} never, {doubled} twice or more",
        LEAVING as usize - unanswered
    );
    assert_eq!(unanswered, 0, "members never answered /stop");
    assert_eq!(doubled, 0, "members answered more than once");
    let store = meetbot_storage::connect(database).await.unwrap();
    for i in 0..LEAVING {
        let user = store.user(UserId(leaving(i).id)).await.unwrap().unwrap();
        assert!(!user.subscribed, "{user:?} is still subscribed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_sigterm_with_200_updates_queued_by_long_polling_finishes_them_after_the_restart() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
    let members: Vec<Person> = (0..LEAVING).map(leaving).collect();
    seed(&database, &members, Role::Manager).await;
    let bot = Bot::start_on(&fake, dir.path(), &database, &[]).await;

    fake.slow_messages(SLOW_MESSAGE);
    let mark = fake.mark();
    let updates: Vec<Value> = members
        .iter()
        .map(|m| fake.text_update(m, "/stop"))
        .collect();
    fake.push_many(updates);
    let at_sigterm = stop_with_work_in_hand(&fake, bot, mark).await;
    let bot = Bot::start_on(&fake, dir.path(), &database, &[]).await;
    let summary =
        format!("inbox_sigterm by long polling: {at_sigterm} of {LEAVING} answered at SIGTERM");
    assert_everybody_left_once(&fake, mark, &database, &summary).await;
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_sigterm_with_200_updates_posted_to_the_webhook_finishes_them_after_the_restart() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
    let members: Vec<Person> = (0..LEAVING).map(leaving).collect();
    seed(&database, &members, Role::Manager).await;
    let bot = Bot::start_on(&fake, dir.path(), &database, &WEBHOOK).await;

    fake.slow_messages(SLOW_MESSAGE);
    let mark = fake.mark();
    let updates: Vec<Value> = members
        .iter()
        .map(|m| fake.text_update(m, "/stop"))
        .collect();
    // Telegram posts over up to 40 connections at once.
    let refused = post_all(&bot, &updates, 40).await;
    let at_sigterm = stop_with_work_in_hand(&fake, bot, mark).await;
    let bot = Bot::start_on(&fake, dir.path(), &database, &WEBHOOK).await;
    // Telegram delivers again what was not answered 200.
    let redelivered = refused.len();
    let still_refused = post_all(&bot, &refused, 40).await;
    assert!(
        still_refused.is_empty(),
        "{} updates refused again after the restart",
        still_refused.len()
    );
    let summary = format!(
        "inbox_sigterm by webhook: {} of {LEAVING} accepted before SIGTERM, {at_sigterm} answered \
         at SIGTERM, {redelivered} delivered again",
        LEAVING as usize - redelivered
    );
    assert_everybody_left_once(&fake, mark, &database, &summary).await;
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
}

/// Posts `updates` to the bot's webhook with the secret, `at_once` at a
/// time, as Telegram does; the updates not answered 200 (Telegram would
/// deliver them again).
async fn post_all(bot: &Bot, updates: &[Value], at_once: usize) -> Vec<Value> {
    let client = reqwest::Client::new();
    let hook = bot.url("/telegram/hook");
    let answers: Vec<(Value, bool)> = futures::stream::iter(updates)
        .map(|update| {
            let request = client
                .post(&hook)
                .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
                .json(update)
                .send();
            async move {
                let accepted = request.await.is_ok_and(|a| a.status() == 200);
                (update.clone(), accepted)
            }
        })
        .buffer_unordered(at_once)
        .collect()
        .await;
    answers
        .into_iter()
        .filter(|(_, accepted)| !accepted)
        .map(|(update, _)| update)
        .collect()
}
