//! Things that happen on time: reminders (with paused tokio time, after
//! downtime, on two instances sharing Postgres, through a process killed
//! with SIGKILL, and as a burst through the rate-limited Telegram sender),
//! the meeting cadence, after-meeting feedback and the weekly group
//! meeting with RSVP.
#![expect(clippy::unwrap_used, reason = "a failed assertion is the report")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{
    Interval, Language, MeetingId, NewMeeting, PlannedReminder, RsvpAnswer, UserId,
};
use meetbot_i18n::Translator;
use meetbot_memory::{InMemoryMessenger, InMemoryStore, ManualClock};
use meetbot_ports::contract::store::manager;
use meetbot_ports::{
    BookingRequest, Clock, MenuCommand, MessageRef, Messenger, MessengerError, ReminderState,
    Screen, Store,
};
use meetbot_testkit::storage::{TempPgDatabase, TempSqlite};
use meetbot_testkit::telegram::FakeTelegram;
use meetbot_testkit::{OWNER, TokioClock, World, moscow};
use meetbot_usecases::chat::Command;
use meetbot_usecases::reminders::{self, Dispatch};
use meetbot_usecases::scheduler::{self, SchedulerConfig};
use meetbot_usecases::settings::{self, SettingsChange};
use meetbot_usecases::{Callback, Services, cadence, feedback, meetings, rsvp};
use tokio_util::sync::CancellationToken;

const ANNA: UserId = UserId(1);
const BORIS: UserId = UserId(2);

// ---------------------------------------------------------------- helpers

/// `n` reachable users with one meeting each (an hour apart, from a day
/// after `now`) and one reminder each to its booker, already due at `now`.
async fn due_reminders(store: &dyn Store, n: i64, now: DateTime<Utc>) {
    for id in 1..=n {
        let mut user = manager(id, 0);
        user.language = if id % 2 == 0 {
            Language::En
        } else {
            Language::Ru
        };
        store.insert_user(&user).await.unwrap();
        let start = now + Duration::days(1) + Duration::hours(id);
        let interval = Interval::starting_at(start, Duration::minutes(30)).unwrap();
        store
            .book(BookingRequest {
                meeting: NewMeeting {
                    booker: UserId(id),
                    interval,
                    meeting_type: "m30".into(),
                    topic: None,
                    rescheduled_from: None,
                    created_at: now - Duration::hours(1),
                },
                buffer: Duration::zero(),
                max_upcoming: None,
                now: now - Duration::hours(1),
                reminders: vec![PlannedReminder {
                    offset_minutes: 24 * 60 + 60,
                    due_at: now - Duration::minutes(1),
                    recipient: UserId(id),
                }],
            })
            .await
            .unwrap();
    }
}

/// Cancels `shutdown` once no reminder is pending in `store`.
fn stop_when_all_done(
    store: Arc<dyn Store>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(StdDuration::from_millis(50)).await;
            if store.next_reminder_at().await.unwrap().is_none() {
                shutdown.cancel();
                return;
            }
        }
    })
}

// ---------------------------------------------------------------- reminders

/// Paused tokio time: the real dispatcher loop sleeps and wakes as it would
/// for a day, in milliseconds.
#[tokio::test(start_paused = true)]
async fn reminder_for_a_meeting_tomorrow_at_ten_goes_out_24h_2h_and_1h_before_once_each() {
    // Monday 09:00 in Moscow; the meeting is on Tuesday at 10:00.
    let clock = TokioClock::starting_at(moscow(7, 9, 0));
    let world = World::new()
        .with_clock(Arc::new(clock))
        .approved(&[ANNA])
        .await;
    let meeting = world
        .book(ANNA, moscow(8, 10, 0), "m60", Some("Q1 plan"))
        .await
        .unwrap();
    let s = &world.services;
    world.messenger.clear();
    let shutdown = CancellationToken::new();
    let dispatcher = tokio::spawn(scheduler::dispatch_reminders(
        s.clone(),
        SchedulerConfig::default(),
        shutdown.clone(),
    ));

    let reminders_by = |at: DateTime<Utc>| {
        let world = &world;
        async move {
            tokio::time::sleep_until(clock.instant_of(at)).await;
            (
                world.count_sent(ANNA, "reminder"),
                world.count_sent(OWNER, "reminder"),
            )
        }
    };
    assert_eq!(reminders_by(moscow(7, 9, 59)).await, (0, 0));
    assert_eq!(
        reminders_by(moscow(7, 10, 0) + Duration::seconds(1)).await,
        (1, 1)
    );
    assert_eq!(reminders_by(moscow(8, 7, 59)).await, (1, 1));
    assert_eq!(
        reminders_by(moscow(8, 8, 0) + Duration::seconds(1)).await,
        (2, 2)
    );
    assert_eq!(
        reminders_by(moscow(8, 9, 0) + Duration::seconds(1)).await,
        (3, 3)
    );
    assert_eq!(reminders_by(moscow(9, 12, 0)).await, (3, 3));

    let states: Vec<(u32, ReminderState)> = s
        .store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.offset_minutes, r.state))
        .collect();
    assert_eq!(states.len(), 6, "three for the booker, three for the owner");
    assert!(states.iter().all(|(_, s)| *s == ReminderState::Sent));

    // What the booker read: the time in her zone, the topic, the owner's
    // name and a button that opens the meeting.
    let text = world.rendered_to(ANNA).remove(0);
    assert!(text.contains("10:00"), "{text}");
    assert!(text.contains("Q1 plan"), "{text}");
    assert!(text.contains("Owner"), "{text}");
    let reminder = world.messenger.sent_to(ANNA).remove(0);
    let open = reminder.screen.all_buttons().next().unwrap().data.clone();
    assert_eq!(
        Callback::decode(&open),
        Some(Callback::OpenMeeting(meeting.id))
    );
    world.press(ANNA, Callback::OpenMeeting(meeting.id)).await;
    assert_eq!(
        world.messenger.keys_sent_to(ANNA).last().unwrap(),
        "meeting-card"
    );
    world.assert_everything_rendered();

    shutdown.cancel();
    dispatcher.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn blocked_bot_a_refused_reminder_marks_the_person_and_nothing_more_alerts_the_owner() {
    let clock = TokioClock::starting_at(moscow(7, 9, 0));
    let world = World::new()
        .with_clock(Arc::new(clock))
        .approved(&[ANNA])
        .await;
    let meeting = world
        .book(ANNA, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    let s = &world.services;
    world.messenger.clear();
    world.messenger.make_unreachable(ANNA);
    let shutdown = CancellationToken::new();
    let dispatcher = tokio::spawn(scheduler::dispatch_reminders(
        s.clone(),
        SchedulerConfig::default(),
        shutdown.clone(),
    ));
    tokio::time::sleep_until(clock.instant_of(moscow(8, 9, 0) + Duration::seconds(1))).await;
    shutdown.cancel();
    dispatcher.await.unwrap();

    let anna = s.store.user(ANNA).await.unwrap().unwrap();
    assert_eq!(
        anna.unreachable_since,
        Some(moscow(7, 10, 0)),
        "marked at the first refusal"
    );
    let mut states: Vec<ReminderState> = s
        .store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.recipient == ANNA)
        .map(|r| r.state)
        .collect();
    states.sort_by_key(|state| format!("{state:?}"));
    assert_eq!(
        states,
        [
            ReminderState::Failed,
            ReminderState::Skipped,
            ReminderState::Skipped
        ],
        "tried once, then skipped"
    );
    assert_eq!(
        world.count_sent(OWNER, "reminder"),
        3,
        "the owner's own go out"
    );
    assert_eq!(world.count_sent(OWNER, "reminder-failed"), 0, "no alert");

    world.say(OWNER, "/users").await;
    world.press_labelled(OWNER, "Manager1").await;
    assert!(
        world.last(OWNER).contains("Заблокировал(а) бота"),
        "{}",
        world.last(OWNER)
    );

    // She unblocks the bot and writes: the mark is gone.
    world.messenger.make_reachable(ANNA);
    world.say(ANNA, "/help").await;
    assert_eq!(
        s.store.user(ANNA).await.unwrap().unwrap().unreachable_since,
        None
    );
    assert!(world.last(ANNA).contains("/book"));
    world.assert_everything_rendered();
}

#[tokio::test(start_paused = true)]
async fn reminder_after_the_first_stops_when_the_meeting_is_cancelled() {
    let clock = TokioClock::starting_at(moscow(7, 9, 0));
    let world = World::new()
        .with_clock(Arc::new(clock))
        .approved(&[ANNA])
        .await;
    let meeting = world
        .book(ANNA, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    let s = &world.services;
    world.messenger.clear();
    let shutdown = CancellationToken::new();
    let dispatcher = tokio::spawn(scheduler::dispatch_reminders(
        s.clone(),
        SchedulerConfig::default(),
        shutdown.clone(),
    ));
    tokio::time::sleep_until(clock.instant_of(moscow(7, 10, 0) + Duration::seconds(1))).await;
    assert_eq!(world.count_sent(ANNA, "reminder"), 1);

    // Inside the 24 h cutoff only the owner may cancel.
    meetings::cancel(s, OWNER, meeting.id).await.unwrap();
    tokio::time::sleep_until(clock.instant_of(moscow(8, 12, 0))).await;

    assert_eq!(world.count_sent(ANNA, "reminder"), 1);
    assert_eq!(world.count_sent(OWNER, "reminder"), 1);
    let states: BTreeSet<_> = s
        .store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{}:{}", r.offset_minutes, r.state.as_str()))
        .collect();
    assert_eq!(
        states,
        ["1440:SENT", "120:CANCELLED", "60:CANCELLED"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
    shutdown.cancel();
    dispatcher.await.unwrap();
}

#[tokio::test]
async fn downtime_of_three_hours_sends_late_reminders_only_for_meetings_not_yet_started() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    let s = &world.services;
    // Monday 12:00. Anna meets at 14:30 (started before the bot is back at
    // 15:00); Boris at 16:30 (still ahead).
    let started = world
        .book(ANNA, moscow(7, 14, 30), "m30", None)
        .await
        .unwrap();
    let ahead = world
        .book(BORIS, moscow(7, 16, 30), "m30", None)
        .await
        .unwrap();
    world.messenger.clear();

    // Down from 12:00 to 15:00; the dispatcher's first round after the restart.
    world.clock.set(moscow(7, 15, 0));
    let report = reminders::send_due(s, world.clock.now()).await.unwrap();

    assert_eq!(world.count_sent(ANNA, "reminder"), 0);
    assert_eq!(world.count_sent(BORIS, "reminder"), 1, "the 2 h one, late");
    let state = |id: MeetingId| {
        let store = world.store.clone();
        async move {
            store
                .reminders_of(id)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.offset_minutes, r.state))
                .collect::<BTreeMap<_, _>>()
        }
    };
    assert_eq!(
        state(started.id).await,
        BTreeMap::from([(60, ReminderState::Missed), (120, ReminderState::Missed)])
    );
    assert_eq!(
        state(ahead.id).await,
        BTreeMap::from([(60, ReminderState::Pending), (120, ReminderState::Sent)])
    );
    assert_eq!(
        (report.sent, report.missed),
        (2, 4),
        "Boris and the owner; 2 × 2 missed"
    );

    // At 15:30 Boris's 1 h reminder is due: sent on time, once.
    world.clock.set(moscow(7, 15, 30) + Duration::seconds(1));
    reminders::send_due(s, world.clock.now()).await.unwrap();
    reminders::send_due(s, world.clock.now()).await.unwrap();
    assert_eq!(world.count_sent(BORIS, "reminder"), 2);
}

#[tokio::test]
async fn reminder_to_a_person_on_vacation_is_skipped_and_one_for_a_cancelled_meeting_is_not_sent() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    let s = &world.services;
    let anna = world
        .book(ANNA, moscow(8, 11, 0), "m30", None)
        .await
        .unwrap();
    let boris = world
        .book(BORIS, moscow(8, 14, 0), "m30", None)
        .await
        .unwrap();
    world.say(ANNA, "/vacation").await;
    meetings::cancel(s, BORIS, boris.id).await.unwrap();
    world.messenger.clear();

    world.clock.set(moscow(8, 10, 30));
    reminders::send_due(s, world.clock.now()).await.unwrap();

    assert!(world.messenger.keys_sent_to(ANNA).is_empty());
    assert!(world.messenger.keys_sent_to(BORIS).is_empty());
    assert_eq!(
        world.count_sent(OWNER, "reminder"),
        2,
        "the owner still hears of Anna's"
    );
    let anna_states: Vec<ReminderState> = world
        .store
        .reminders_of(anna.id)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.recipient == ANNA)
        .map(|r| r.state)
        .collect();
    assert_eq!(
        anna_states,
        [ReminderState::Skipped, ReminderState::Skipped]
    );
    assert!(
        world
            .store
            .reminders_of(boris.id)
            .await
            .unwrap()
            .iter()
            .all(|r| r.state == ReminderState::Cancelled)
    );
}

/// A messenger that fails every send to one person as a passing outage.
#[derive(Debug)]
struct Outage {
    inner: Arc<InMemoryMessenger>,
    down_for: UserId,
}

#[async_trait]
impl Messenger for Outage {
    async fn send(
        &self,
        to: UserId,
        language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError> {
        if to == self.down_for {
            return Err(MessengerError::Unavailable("502 Bad Gateway".into()));
        }
        self.inner.send(to, language, screen).await
    }
    async fn edit(&self, m: MessageRef, l: Language, s: &Screen) -> Result<(), MessengerError> {
        self.inner.edit(m, l, s).await
    }
    async fn set_menu(
        &self,
        to: UserId,
        l: Language,
        c: &[MenuCommand],
    ) -> Result<(), MessengerError> {
        self.inner.set_menu(to, l, c).await
    }
}

#[tokio::test]
async fn reminder_sends_are_retried_with_backoff_then_failed_and_the_owner_is_told() {
    let world = World::with_managers(&[ANNA]).await;
    let outage = Arc::new(Outage {
        inner: world.messenger.clone(),
        down_for: ANNA,
    });
    let world = world.with_messenger(outage);
    let s = &world.services;
    let meeting = world
        .book(ANNA, moscow(8, 11, 0), "m30", None)
        .await
        .unwrap();
    world.messenger.clear();
    let dispatch = Dispatch::default();
    world.clock.set(moscow(8, 10, 0));
    let mut rounds = 0;
    // Follow the retries: each round the clock moves to the next claimable time.
    while let Some(next) = world.store.next_reminder_at().await.unwrap() {
        if next > moscow(8, 10, 30) {
            break;
        }
        world.clock.set(next.max(world.clock.now()));
        reminders::send_due_with(s, world.clock.now(), &dispatch)
            .await
            .unwrap();
        rounds += 1;
        assert!(rounds < 20, "retries are bounded");
    }
    // Both of Anna's (2 h and 1 h before) were due at 10:00.
    let anna: Vec<_> = world
        .store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.recipient == ANNA)
        .collect();
    assert_eq!(anna.len(), 2);
    for reminder in &anna {
        assert_eq!(reminder.state, ReminderState::Failed);
        assert_eq!(
            reminder.attempts,
            dispatch.max_attempts - 1,
            "retried, then given up"
        );
    }
    assert_eq!(world.count_sent(OWNER, "reminder-failed"), 2);
    world.assert_everything_rendered();
    assert_eq!(
        world.count_sent(OWNER, "reminder"),
        2,
        "the owner's own arrive"
    );
    let audit = world
        .store
        .audit_log(meetbot_ports::AuditQuery::newest(5))
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.action == meetbot_domain::AuditAction::ReminderFailed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_two_dispatchers_on_one_postgres_database_send_1000_reminders_exactly_once() {
    let Some(db) = TempPgDatabase::create("two-instance reminder test").await else {
        return;
    };
    let now = Utc::now();
    let first: Arc<dyn Store> = Arc::new(meetbot_storage::PgStore::connect(&db.url).await.unwrap());
    let second: Arc<dyn Store> =
        Arc::new(meetbot_storage::PgStore::connect(&db.url).await.unwrap());
    due_reminders(first.as_ref(), 1000, now).await;

    let shutdown = CancellationToken::new();
    let config = SchedulerConfig {
        dispatch: Dispatch {
            batch: 20,
            ..Dispatch::default()
        },
        ..SchedulerConfig::default()
    };
    let mut messengers = Vec::new();
    let mut instances = Vec::new();
    for store in [first.clone(), second.clone()] {
        let messenger = Arc::new(InMemoryMessenger::new());
        messengers.push(messenger.clone());
        let services = meetbot_testkit::services()
            .store(store)
            .messenger(messenger)
            .clock(Arc::new(meetbot::clock::SystemClock::new()))
            .owner_ids(Vec::new())
            .build();
        instances.push(tokio::spawn(scheduler::dispatch_reminders(
            services,
            config,
            shutdown.clone(),
        )));
    }
    let watcher = stop_when_all_done(first.clone(), shutdown.clone());
    tokio::time::timeout(StdDuration::from_secs(120), async {
        for instance in instances {
            instance.await.unwrap();
        }
    })
    .await
    .unwrap();
    watcher.await.unwrap();

    let mut per_chat: BTreeMap<UserId, usize> = BTreeMap::new();
    for messenger in &messengers {
        for message in messenger.sent() {
            *per_chat.entry(message.message.chat).or_default() += 1;
        }
    }
    let (a, b) = (messengers[0].sent().len(), messengers[1].sent().len());
    println!("two instances sent {a} and {b} reminders");
    assert_eq!(per_chat.len(), 1000, "every reminder delivered");
    assert!(per_chat.values().all(|n| *n == 1), "none delivered twice");
    assert!(a > 0 && b > 0, "both instances took part: {a} and {b}");
}

/// The crash test: a probe process dispatching 1,000 due reminders from a
/// SQLite file through the real scheduler and Telegram messenger to a fake
/// Bot API is killed with SIGKILL at random moments and restarted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "takes about a minute; .ci/run runs it with -- --ignored"]
async fn crash_with_sigkill_at_random_moments_loses_no_reminder_and_doubles_only_those_in_flight() {
    use rand::Rng as _;
    const REMINDERS: i64 = 1000;
    const KILLS: usize = 20;
    let file = TempSqlite::new();
    {
        let store = meetbot_storage::SqliteStore::open(file.path())
            .await
            .unwrap();
        due_reminders(&store, REMINDERS, Utc::now()).await;
    }
    let bot = FakeTelegram::start().await;
    let probe = env!("CARGO_BIN_EXE_reminder-crash-probe");
    let path = file.path().to_string_lossy().into_owned();
    let start = |path: &str| {
        tokio::process::Command::new(probe)
            .args([path, &bot.url, "2000", "60"])
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    };
    let mut kills = 0;
    let mut rounds = 0;
    while kills < KILLS {
        rounds += 1;
        assert!(
            rounds < 60,
            "the probe keeps finishing before it can be killed"
        );
        let mut child = start(&path);
        let wait = rand::rng().random_range(150..700);
        tokio::time::sleep(StdDuration::from_millis(wait)).await;
        if child.try_wait().unwrap().is_none() {
            // tokio's kill is SIGKILL on Unix: no destructor, no flush.
            child.kill().await.unwrap();
            kills += 1;
        }
    }
    let delivered_before_last_run = bot.total();
    let status = tokio::time::timeout(StdDuration::from_secs(90), start(&path).wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());

    let per_chat = bot.per_chat();
    let duplicates: usize = per_chat.values().map(|n| n - 1).sum();
    println!(
        "crash test: {kills} SIGKILLs; {} of {REMINDERS} reminders delivered ({delivered_before_last_run} \
         before the last run); {duplicates} delivered twice (messages in flight at a kill)",
        per_chat.len()
    );
    assert_eq!(
        per_chat.len(),
        REMINDERS as usize,
        "every reminder delivered"
    );
    assert!(per_chat.values().all(|n| *n <= 2), "{per_chat:?}");
    assert!(
        duplicates <= kills,
        "at most one message in flight per kill"
    );
    let store = meetbot_storage::SqliteStore::open(file.path())
        .await
        .unwrap();
    for meeting in 1..=REMINDERS {
        let states: Vec<_> = store
            .reminders_of(MeetingId(meeting))
            .await
            .unwrap()
            .iter()
            .map(|r| r.state)
            .collect();
        assert_eq!(states, [ReminderState::Sent], "meeting {meeting}");
    }
}

/// A store holding `n` reminders due now, one per manager, and services
/// sending them through the real Telegram sender to `bot`.
async fn due_reminders_sent_to(bot: &FakeTelegram, n: i64) -> (Arc<dyn Store>, Services) {
    let store: Arc<dyn Store> = Arc::new(InMemoryStore::new());
    let clock = Arc::new(ManualClock::new(Utc::now()));
    due_reminders(store.as_ref(), n, clock.now()).await;
    let services = meetbot_testkit::services()
        .store(store.clone())
        .messenger(crate::sender::messenger(bot))
        .clock(clock)
        .owner_ids(Vec::new())
        .build();
    (store, services)
}

/// 5,000 reminders due at once go out through the real Telegram sender with
/// Telegram's limits to a fake Bot API, in paused tokio time: the sender's
/// buckets and the fake's clock both read tokio's clock, so the three
/// minutes the burst takes at 30 messages a second pass in moments.
#[tokio::test(start_paused = true)]
async fn fanout_of_5000_reminders_due_at_once_keeps_within_30_messages_a_second() {
    const REMINDERS: i64 = 5000;
    let bot = FakeTelegram::start().await;
    let (store, services) = due_reminders_sent_to(&bot, REMINDERS).await;
    let shutdown = CancellationToken::new();
    let watcher = stop_when_all_done(store, shutdown.clone());
    let started = tokio::time::Instant::now();

    scheduler::dispatch_reminders(services, SchedulerConfig::default(), shutdown).await;
    watcher.await.unwrap();

    let took = started.elapsed();
    let peak = bot.most_in_one_second();
    println!(
        "fanout: {REMINDERS} reminders in {took:?}, at most {peak} messages in any one second"
    );
    assert_eq!(
        bot.per_chat().len(),
        REMINDERS as usize,
        "every reminder delivered"
    );
    assert_eq!(bot.total(), REMINDERS as usize, "none twice");
    assert!(peak <= 30, "{peak} messages in one second");
    assert!(
        peak >= 25,
        "the burst was not paced at Telegram's rate but {peak}/s"
    );
    assert!(
        took < StdDuration::from_secs(REMINDERS as u64 / 25),
        "{took:?} for {REMINDERS} messages: slower than 25 a second"
    );
    let to_one_chat = bot.most_in_one_second_to_one_chat();
    assert!(
        to_one_chat <= 1,
        "{to_one_chat} messages to one chat in one second"
    );
}

/// Each answer of the Bot API takes 300 ms: 40 reminders due at once go
/// out in about the time the limits allow (40 at 30 a second), not 40 round
/// trips one after another (12 s), and each still exactly once.
#[tokio::test(start_paused = true)]
async fn fanout_of_a_batch_waits_for_slow_answers_side_by_side_not_one_after_another() {
    const REMINDERS: i64 = 40;
    let bot = FakeTelegram::start().await;
    bot.slow_messages(StdDuration::from_millis(300));
    let (store, services) = due_reminders_sent_to(&bot, REMINDERS).await;
    let started = tokio::time::Instant::now();
    let report = reminders::send_due(&services, services.clock.now())
        .await
        .unwrap();
    let took = started.elapsed();

    assert_eq!(report.sent, REMINDERS as u32, "one batch, all sent");
    assert_eq!(
        bot.per_chat().len(),
        REMINDERS as usize,
        "every reminder delivered"
    );
    assert_eq!(bot.total(), REMINDERS as usize, "none twice");
    assert!(
        store.next_reminder_at().await.unwrap().is_none(),
        "all finished"
    );
    assert!(
        took < StdDuration::from_secs(4),
        "{took:?} for {REMINDERS} reminders: sent one after another"
    );
}

/// Telegram's `retry_after` for one person's chat holds back only their
/// reminder: the rest of the batch goes out while it waits.
#[tokio::test(start_paused = true)]
async fn fanout_goes_on_while_one_chat_waits_out_a_retry_after() {
    const REMINDERS: i64 = 20;
    let bot = FakeTelegram::start().await;
    // The first reminder of the batch is for chat 1.
    bot.rate_limit(1, 1, 20);
    let (_, services) = due_reminders_sent_to(&bot, REMINDERS).await;

    let report = reminders::send_due(&services, services.clock.now())
        .await
        .unwrap();

    assert_eq!(report.sent, REMINDERS as u32);
    let delivered: Vec<_> = bot
        .requests()
        .into_iter()
        .filter(|r| r.method == "sendMessage" && r.status == 200)
        .collect();
    assert_eq!(delivered.len(), REMINDERS as usize, "each exactly once");
    let waited = delivered
        .iter()
        .find(|r| r.chat_id == Some(1))
        .map(|r| r.at)
        .unwrap();
    let others = delivered
        .iter()
        .filter(|r| r.chat_id != Some(1))
        .map(|r| r.at)
        .max()
        .unwrap();
    assert!(
        waited >= StdDuration::from_secs(20),
        "sent at {waited:?}, before its retry_after"
    );
    assert!(
        others < StdDuration::from_secs(20),
        "the other chats waited for chat 1: the last went at {others:?}"
    );
}

// ---------------------------------------------------------------- cadence

/// A completed meeting of `who` on `at` (an hour long).
async fn held_meeting(world: &World, who: UserId, at: DateTime<Utc>) {
    world
        .store
        .book(BookingRequest {
            meeting: NewMeeting {
                booker: who,
                interval: Interval::starting_at(at, Duration::hours(1)).unwrap(),
                meeting_type: "m60".into(),
                topic: None,
                rescheduled_from: None,
                created_at: at - Duration::days(1),
            },
            buffer: Duration::zero(),
            max_upcoming: None,
            now: at - Duration::days(1),
            reminders: Vec::new(),
        })
        .await
        .unwrap();
    world
        .store
        .complete_ended_meetings(at + Duration::hours(1))
        .await
        .unwrap();
}

/// Runs the cadence a few times on each day from `from` to `to` (days
/// after the last meeting on Monday 2030-01-07) and returns, per day,
/// how many nudges Anna got and whether a digest listing her went out.
async fn cadence_days(
    world: &World,
    days: std::ops::RangeInclusive<i64>,
) -> Vec<(i64, usize, bool)> {
    let mut seen = Vec::new();
    for day in days {
        let before_nudges = world.count_sent(ANNA, "cadence-nudge");
        let before_digests = world.count_sent(OWNER, "cadence-digest");
        for (hour, minute) in [(8, 0), (9, 0), (9, 30), (17, 0)] {
            world
                .clock
                .set(moscow(7, hour, minute) + Duration::days(day));
            cadence::run(&world.services, world.clock.now())
                .await
                .unwrap();
        }
        seen.push((
            day,
            world.count_sent(ANNA, "cadence-nudge") - before_nudges,
            world.count_sent(OWNER, "cadence-digest") > before_digests,
        ));
    }
    seen
}

#[tokio::test]
async fn cadence_of_14_days_nudges_on_days_7_11_and_13_once_each_and_then_lists_the_overdue() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    held_meeting(&world, ANNA, moscow(7, 10, 0)).await;
    // Boris has the same history but is on vacation: nothing for him.
    held_meeting(&world, BORIS, moscow(7, 11, 0)).await;
    world.say(BORIS, "/vacation").await;
    world.messenger.clear();

    let days = cadence_days(&world, 7..=16).await;

    let nudged: Vec<i64> = days
        .iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(d, _, _)| *d)
        .collect();
    assert_eq!(nudged, [7, 11, 13]);
    assert!(days.iter().all(|(_, n, _)| *n <= 1), "once each: {days:?}");
    let digest_days: Vec<i64> = days
        .iter()
        .filter(|(_, _, d)| *d)
        .map(|(d, _, _)| *d)
        .collect();
    assert_eq!(digest_days, [15, 16], "one digest a day once overdue");
    assert!(world.messenger.keys_sent_to(BORIS).is_empty());
    let digest = world.rendered_to(OWNER).pop().unwrap();
    assert!(
        digest.contains("Manager1") && !digest.contains("Manager2"),
        "{digest}"
    );
    // The nudge leads straight into booking.
    let nudge = world
        .messenger
        .sent_to(ANNA)
        .into_iter()
        .find(|m| m.screen.key() == "cadence-nudge")
        .unwrap();
    let book = nudge.screen.all_buttons().next().unwrap().data.clone();
    assert_eq!(
        Callback::decode(&book),
        Some(Callback::Command(Command::Book))
    );
    world.assert_everything_rendered();
}

#[tokio::test]
async fn cadence_nudges_stop_as_soon_as_the_manager_books() {
    let world = World::with_managers(&[ANNA]).await;
    held_meeting(&world, ANNA, moscow(7, 10, 0)).await;
    world.messenger.clear();
    let before = cadence_days(&world, 7..=11).await;
    assert_eq!(
        before.iter().filter(|(_, n, _)| *n > 0).count(),
        2,
        "days 7 and 11"
    );

    // Day 12 (Saturday 19th): Anna books Monday the 21st.
    world.clock.set(moscow(19, 12, 0));
    world
        .book(ANNA, moscow(21, 10, 0), "m60", None)
        .await
        .unwrap();
    let after = cadence_days(&world, 12..=14).await;
    assert!(after.iter().all(|(_, n, d)| *n == 0 && !d), "{after:?}");
}

// ---------------------------------------------------------------- feedback

#[tokio::test]
async fn feedback_is_asked_2h_after_the_end_once_and_a_second_rating_replaces_the_first() {
    let world = World::with_managers(&[ANNA]).await;
    let s = &world.services;
    let meeting = world
        .book(ANNA, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    world.messenger.clear();
    let asked_at = |hour: u32, minute: u32| {
        world.clock.set(moscow(8, hour, minute));
        feedback::complete_and_ask(s, world.clock.now())
    };

    let at_end = asked_at(11, 0).await.unwrap();
    assert_eq!(at_end.completed, [meeting.id], "COMPLETED at its end");
    assert!(at_end.asked.is_empty());
    assert!(asked_at(12, 59).await.unwrap().asked.is_empty());
    assert_eq!(asked_at(13, 0).await.unwrap().asked, [meeting.id]);
    assert!(asked_at(13, 1).await.unwrap().asked.is_empty());
    assert!(asked_at(18, 0).await.unwrap().asked.is_empty());
    assert_eq!(world.count_sent(ANNA, "feedback-ask"), 1);
    let ask = world.messenger.sent_to(ANNA).pop().unwrap();
    let stars: Vec<Option<Callback>> = ask
        .screen
        .all_buttons()
        .map(|b| Callback::decode(&b.data))
        .collect();
    assert_eq!(stars.len(), 5);
    assert_eq!(stars[1], Some(Callback::Rate(meeting.id, 2)));

    world.press(ANNA, Callback::Rate(meeting.id, 2)).await;
    world.say(ANNA, "Too short").await;
    let first = world.store.feedback_of(meeting.id).await.unwrap().unwrap();
    assert_eq!(
        (first.rating.stars(), first.comment.as_deref()),
        (2, Some("Too short"))
    );
    world.press(ANNA, Callback::Rate(meeting.id, 5)).await;
    world.press(ANNA, Callback::Skip).await;
    let second = world.store.feedback_of(meeting.id).await.unwrap().unwrap();
    assert_eq!(
        second.rating.stars(),
        5,
        "the second rating replaces the first"
    );
    assert_eq!(world.store.feedbacks(None).await.unwrap().len(), 1);

    // Boris may not rate Anna's meeting; the owner sees her rating.
    world.say(OWNER, "/users").await;
    let users = world.rendered_to(OWNER).pop().unwrap();
    let list = world.messenger.sent_to(OWNER).pop().unwrap();
    let translator = Translator::new();
    let labels: Vec<String> = list
        .screen
        .all_buttons()
        .map(|b| translator.text(list.language, &b.label))
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Manager1") && l.contains("⭐5.0")),
        "{users} {labels:?}"
    );
    world.press(OWNER, Callback::UserCard(ANNA)).await;
    let card = world.rendered_to(OWNER).pop().unwrap();
    assert!(
        card.contains("⭐5.0") && card.contains("Too short"),
        "{card}"
    );
    world.assert_everything_rendered();
}

#[tokio::test]
async fn feedback_on_somebody_elses_meeting_or_one_not_held_is_refused() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    let s = &world.services;
    let meeting = world
        .book(ANNA, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    assert!(
        feedback::rate(s, ANNA, meeting.id, 4).await.is_err(),
        "not held yet"
    );
    world.clock.set(moscow(8, 13, 0));
    feedback::complete_and_ask(s, world.clock.now())
        .await
        .unwrap();
    assert!(feedback::rate(s, BORIS, meeting.id, 1).await.is_err());
    assert!(feedback::rate(s, ANNA, meeting.id, 6).await.is_err());
    assert_eq!(world.store.feedback_of(meeting.id).await.unwrap(), None);
}

// ---------------------------------------------------------------- RSVP

const GROUP: &str =
    "Weekly sync\nwed 11:00 60\nEurope/Moscow\n0 10 * * mon\n0 9 * * wed; 40 10 * * wed";

async fn group_world(managers: &[UserId]) -> World {
    let world = World::with_managers(managers).await;
    settings::change(
        &world.services,
        OWNER,
        SettingsChange::GroupMeeting(Some(GROUP.to_owned())),
    )
    .await
    .unwrap();
    world.messenger.clear();
    world
}

async fn tick_at(world: &World, at: DateTime<Utc>) -> rsvp::RsvpReport {
    world.clock.set(at);
    rsvp::tick(&world.services, at).await.unwrap()
}

#[tokio::test]
async fn rsvp_week_three_yes_two_no_one_silent_one_changes_to_no_and_wednesday_reminds_the_two_left()
 {
    let (c, d, e) = (UserId(3), UserId(4), UserId(5));
    let world = group_world(&[ANNA, BORIS, c, d, e]).await;
    let s = &world.services;
    let everyone = [OWNER, ANNA, BORIS, c, d, e];

    // Monday 09:00: nothing yet. 10:00: the invitation, to all six.
    assert_eq!(
        tick_at(&world, moscow(7, 9, 0)).await,
        rsvp::RsvpReport::default()
    );
    let monday = tick_at(&world, moscow(7, 10, 0)).await;
    assert_eq!(
        monday.invited.iter().copied().collect::<BTreeSet<_>>(),
        everyone.into_iter().collect()
    );
    assert!(
        tick_at(&world, moscow(7, 10, 5)).await.invited.is_empty(),
        "once"
    );
    let invitation = world.messenger.sent_to(ANNA).pop().unwrap();
    assert_eq!(invitation.screen.key(), "rsvp-invitation");
    let wednesday = chrono::NaiveDate::from_ymd_opt(2030, 1, 9).unwrap();
    let yes = Callback::Rsvp(wednesday, RsvpAnswer::Yes);
    let no = Callback::Rsvp(wednesday, RsvpAnswer::No);
    let buttons: Vec<_> = invitation
        .screen
        .all_buttons()
        .map(|b| Callback::decode(&b.data))
        .collect();
    assert_eq!(buttons, [Some(yes.clone()), Some(no.clone())]);

    // Three yes (owner, Anna, Boris), two no (c, d), e silent.
    for who in [OWNER, ANNA, BORIS] {
        world.press(who, yes.clone()).await;
    }
    for who in [c, d] {
        world.press(who, no.clone()).await;
    }
    // Tuesday: Boris changes his mind.
    world.clock.set(moscow(8, 15, 0));
    world.press(BORIS, no.clone()).await;
    assert_eq!(
        world.messenger.keys_sent_to(BORIS).last().unwrap(),
        "rsvp-answered-no"
    );

    // Wednesday 09:00 and 10:40: reminders to exactly the two yes, once each time.
    world.assert_everything_rendered();
    world.messenger.clear();
    let nine = tick_at(&world, moscow(9, 9, 0)).await;
    let reminded: BTreeSet<UserId> = nine.reminded.iter().copied().collect();
    assert_eq!(reminded, BTreeSet::from([OWNER, ANNA]));
    assert!(tick_at(&world, moscow(9, 9, 30)).await.reminded.is_empty());
    let twenty_to = tick_at(&world, moscow(9, 10, 40)).await;
    assert_eq!(
        twenty_to.reminded.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([OWNER, ANNA])
    );
    for who in [BORIS, c, d, e] {
        assert!(
            world.messenger.keys_sent_to(who).is_empty(),
            "{who} got {:?}",
            world.messenger.keys_sent_to(who)
        );
    }

    // The owner's head-count names them.
    world.say(OWNER, "/rsvp").await;
    let count = world.rendered_to(OWNER).pop().unwrap();
    let line = |prefix: &str| {
        count
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("Придут (2)").contains("Owner") && line("Придут (2)").contains("Manager1"),
        "{count}"
    );
    let no_line = line("Не придут (3)");
    assert!(
        ["Manager2", "Manager3", "Manager4"]
            .iter()
            .all(|n| no_line.contains(n)),
        "{count}"
    );
    assert!(line("Не ответили (1)").contains("Manager5"), "{count}");

    // The owner's statistics count the week the same way.
    world.say(OWNER, "/stats 7").await;
    let stats = world
        .rendered_to(OWNER)
        .into_iter()
        .rev()
        .find(|text| text.contains("Статистика"))
        .unwrap();
    assert!(
        stats.contains("ср, 9 января 2030: приглашено 6, придут 2, не придут 3, без ответа 1"),
        "{stats}"
    );

    world.assert_everything_rendered();

    // Once it started, answers no longer change.
    world.clock.set(moscow(9, 11, 0));
    assert!(
        rsvp::answer(s, ANNA, wednesday, RsvpAnswer::No)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn rsvp_stop_takes_a_person_out_and_start_brings_them_back() {
    let world = group_world(&[ANNA, BORIS]).await;
    world.say(BORIS, "/stop").await;
    let first = tick_at(&world, moscow(7, 10, 0)).await;
    assert!(first.invited.contains(&ANNA) && !first.invited.contains(&BORIS));
    world.say(BORIS, "/start").await;
    let next_week = tick_at(&world, moscow(14, 10, 0)).await;
    assert!(next_week.invited.contains(&BORIS));
}

#[tokio::test]
async fn rsvp_without_a_group_meeting_does_nothing_and_tells_the_owner_how_to_set_it_up() {
    let world = World::with_managers(&[ANNA]).await;
    assert_eq!(
        tick_at(&world, moscow(7, 10, 0)).await,
        rsvp::RsvpReport::default()
    );
    world.say(OWNER, "/rsvp").await;
    assert_eq!(
        world.messenger.keys_sent_to(OWNER).last().unwrap(),
        "rsvp-not-configured"
    );
}
