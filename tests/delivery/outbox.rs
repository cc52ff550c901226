//! Calendar sync end to end: bookings on the in-memory store, the outbox
//! drained into the Google adapter talking to a fake Google (or into the
//! in-memory calendar), busy time that exists only in the calendar, the
//! owner's alert when Google refuses our credentials, and .ics files.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up or assertion is the report"
)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};
use meetbot_caldav::CalDavCalendar;
use meetbot_domain::{
    DisplayName, Email, Interval, Language, Meeting, MeetingId, MeetingStatus, NewMeeting, Role,
    Status, Topic, User, UserId, Zone,
};
use meetbot_google_calendar::{GoogleCalendar, event_id};
use meetbot_memory::InMemoryCalendar;
use meetbot_ports::{Calendar, Clock, InstallIds, MeetingQuery, Store};
use meetbot_storage::SqliteStore;
use meetbot_testkit::caldav::{PASSWORD, USER, config as caldav_config, fresh_calendar, radicale};
use meetbot_testkit::google::{CALENDAR_ID, FakeGoogle};
use meetbot_testkit::storage::TempSqlite;
use meetbot_testkit::{OWNER, World, monday_noon_moscow, moscow};
use meetbot_usecases::booking;
use meetbot_usecases::calendar_sync::CalendarOf;
use meetbot_usecases::calendar_sync::{self, BACKOFF_CAP, DrainReport};
use meetbot_usecases::ics::{self, IcsFile, IcsMethod};
use meetbot_usecases::{UseCaseError, meetings};

const ANNA: UserId = UserId(1);

/// A world over `calendar` with the owner started and the managers approved.
async fn world(calendar: Arc<dyn Calendar>, managers: &[UserId]) -> World {
    World::new()
        .with_calendar(calendar)
        .approved(managers)
        .await
}

/// Steps of the outbox scenarios.
trait Outbox {
    async fn book_at(&self, who: UserId, start: DateTime<Utc>) -> Result<Meeting, UseCaseError>;
    async fn drain(&self) -> DrainReport;
    async fn drain_later(&self) -> DrainReport;
    fn alerts_to_owner(&self) -> usize;
}

impl Outbox for World {
    async fn book_at(&self, who: UserId, start: DateTime<Utc>) -> Result<Meeting, UseCaseError> {
        self.book(who, start, "m60", Some("Бюджет, Q1")).await
    }

    async fn drain(&self) -> DrainReport {
        calendar_sync::drain_once(&self.services, self.clock.now())
            .await
            .unwrap()
    }

    /// Lets every retry come due, then drains.
    async fn drain_later(&self) -> DrainReport {
        self.clock.advance(BACKOFF_CAP + Duration::minutes(1));
        self.drain().await
    }

    fn alerts_to_owner(&self) -> usize {
        self.messenger
            .keys_sent_to(OWNER)
            .iter()
            .filter(|k| *k == "calendar-auth-failed")
            .count()
    }
}

async fn google(fake: &FakeGoogle) -> Arc<GoogleCalendar> {
    let config = fake.config(CALENDAR_ID, fake.service_account(None));
    Arc::new(GoogleCalendar::new(config).await.unwrap())
}

#[tokio::test]
async fn outbox_google_failing_three_times_delays_the_event_never_the_booking_and_writes_it_once() {
    let fake = FakeGoogle::start().await;
    let world = world(google(&fake).await, &[ANNA]).await;
    fake.fail_next_writes(3, 500);

    let meeting = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    // Confirmed and the owner told, before anything reached the calendar.
    assert_eq!(meeting.status, MeetingStatus::Scheduled);
    assert_eq!(
        world.messenger.keys_sent_to(OWNER),
        ["owner-meeting-booked"]
    );
    assert_eq!(fake.writes_attempted(), 0);
    assert!(fake.events().is_empty());

    for attempt in 1..=3 {
        let report = world.drain_later().await;
        assert_eq!(report.retried, 1, "attempt {attempt}");
        assert!(fake.events().is_empty());
    }
    let report = world.drain_later().await;
    assert_eq!(report.written, 1);

    let events = fake.events();
    assert_eq!(events.len(), 1, "exactly one event");
    assert_eq!(fake.inserts(), 1);
    assert_eq!(fake.writes_attempted(), 4);
    assert_eq!(
        events[0].id,
        event_id(&world.services.install.key(meeting.id))
    );
    assert_eq!(events[0].start, moscow(9, 10, 0));
    assert_eq!(events[0].end, moscow(9, 11, 0));
    assert_eq!(events[0].body["summary"], "Встреча с Manager1");
    assert!(
        events[0].body["description"]
            .as_str()
            .unwrap()
            .contains("Бюджет, Q1")
    );
    // Passing failures are no reason to alarm the owner.
    assert_eq!(world.alerts_to_owner(), 0);
    // Nothing is left to do.
    assert_eq!(world.drain_later().await, DrainReport::default());
}

#[tokio::test]
async fn outbox_retries_wait_with_backoff_and_record_the_error() {
    let fake = FakeGoogle::start().await;
    let world = world(google(&fake).await, &[ANNA]).await;
    fake.fail_next_writes(1, 503);
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    let failed_at = world.clock.now();
    assert_eq!(world.drain().await.retried, 1);
    assert_eq!(fake.writes_attempted(), 1);

    // The first retry's window is BACKOFF_BASE: the job is due within it,
    // with one attempt counted and the error kept for the owner.
    let horizon = failed_at + calendar_sync::BACKOFF_BASE;
    let jobs = world
        .store
        .claim_calendar_jobs(horizon, Duration::seconds(1), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].attempts, 1);
    assert!(failed_at <= jobs[0].not_before && jobs[0].not_before <= horizon);
    assert!(jobs[0].last_error.as_deref().unwrap().contains("503"));

    world.drain_later().await;
    assert_eq!(fake.events().len(), 1);
}

#[tokio::test]
async fn outbox_a_cancelled_or_moved_meeting_leaves_the_calendar_with_the_right_events() {
    let fake = FakeGoogle::start().await;
    let world = world(google(&fake).await, &[ANNA]).await;
    let first = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    let second = world.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    world.drain().await;
    assert_eq!(fake.events().len(), 2);

    meetings::cancel(&world.services, ANNA, first.id)
        .await
        .unwrap();
    let moved = booking::reschedule(&world.services, ANNA, second.id, moscow(10, 12, 0))
        .await
        .unwrap();
    let report = world.drain().await;
    assert_eq!((report.written, report.cancelled), (1, 2));

    let events = fake.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].id,
        event_id(&world.services.install.key(moved.id))
    );
    assert_eq!(events[0].start, moscow(10, 12, 0));
}

#[tokio::test]
async fn outbox_a_meeting_cancelled_before_its_event_was_written_never_reaches_the_calendar() {
    let calendar = Arc::new(InMemoryCalendar::new());
    let world = world(calendar.clone(), &[ANNA]).await;
    let meeting = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    meetings::cancel(&world.services, ANNA, meeting.id)
        .await
        .unwrap();
    let report = world.drain().await;
    assert_eq!(
        (report.written, report.skipped, report.cancelled),
        (0, 1, 1)
    );
    assert!(calendar.events().is_empty());
}

#[tokio::test]
async fn alert_ten_bookings_while_google_refuses_our_writes_make_one_owner_alert_and_all_events_after_recovery()
 {
    let fake = FakeGoogle::start().await;
    let managers: Vec<UserId> = (1..=5).map(UserId).collect();
    let world = world(google(&fake).await, &managers).await;
    fake.fail_writes_always(Some(403));

    let mut booked = Vec::new();
    for (i, &manager) in managers.iter().enumerate() {
        for day in [9, 10] {
            let hour = 10 + i as u32;
            booked.push(world.book_at(manager, moscow(day, hour, 0)).await.unwrap());
            // The app drains between bookings.
            world.clock.advance(Duration::minutes(2));
            world.drain().await;
        }
    }
    for _ in 0..3 {
        let report = world.drain_later().await;
        assert!(report.paused);
        assert_eq!(report.written, 0);
    }

    let stored = world
        .store
        .meetings(MeetingQuery {
            statuses: vec![MeetingStatus::Scheduled],
            ..MeetingQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 10, "every booking exists");
    assert_eq!(booked.len(), 10);
    assert_eq!(
        world.alerts_to_owner(),
        1,
        "{:?}",
        world.messenger.keys_sent_to(OWNER)
    );
    let alert = world
        .messenger
        .sent_to(OWNER)
        .into_iter()
        .find(|m| m.screen.key() == "calendar-auth-failed")
        .unwrap();
    assert!(alert.screen.texts[0].get("error").is_some());
    assert!(alert.screen.texts[0].get("fix").is_some());
    let health = calendar_sync::calendar_health(&world.services)
        .await
        .unwrap();
    assert!(!health.is_ok());
    assert!(health.auth_failure.is_some());
    assert!(fake.events().is_empty());

    // Somebody fixed the credentials.
    fake.fail_writes_always(None);
    let report = world.drain_later().await;
    assert_eq!(report.written, 10);
    assert!(!report.paused);
    let mut ids: Vec<String> = fake.events().into_iter().map(|e| e.id).collect();
    ids.sort();
    let mut expected: Vec<String> = booked
        .iter()
        .map(|m| event_id(&world.services.install.key(m.id)))
        .collect();
    expected.sort();
    assert_eq!(ids, expected, "all ten events, once each");
    assert_eq!(world.alerts_to_owner(), 1);
    assert_eq!(
        world
            .messenger
            .keys_sent_to(OWNER)
            .iter()
            .filter(|k| *k == "calendar-auth-restored")
            .count(),
        1
    );
    assert!(
        calendar_sync::calendar_health(&world.services)
            .await
            .unwrap()
            .is_ok()
    );
}

#[tokio::test]
async fn alert_is_sent_again_only_after_access_was_restored_and_lost_again() {
    let calendar = Arc::new(InMemoryCalendar::new());
    let world = world(calendar.clone(), &[ANNA]).await;
    calendar.fail_writes_with(Some(meetbot_ports::CalendarError::Unauthorised(
        "revoked".into(),
    )));
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.drain().await;
    world.drain_later().await;
    assert_eq!(world.alerts_to_owner(), 1);

    calendar.fail_writes_with(None);
    world.drain_later().await;
    calendar.fail_writes_with(Some(meetbot_ports::CalendarError::Unauthorised(
        "revoked".into(),
    )));
    world.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    world.drain().await;
    assert_eq!(world.alerts_to_owner(), 2);
}

fn moscow_free_slot_times(slots: &meetbot_domain::DaySlots) -> Vec<String> {
    let zone = Zone::moscow();
    slots
        .free
        .iter()
        .map(|s| zone.local(s.start()).format("%H:%M").to_string())
        .collect()
}

const ALL_DAY: [&str; 15] = [
    "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30",
    "15:00", "15:30", "16:00", "16:30", "17:00",
];

fn without(times: &[&str]) -> Vec<String> {
    ALL_DAY
        .iter()
        .filter(|t| !times.contains(t))
        .map(|t| (*t).to_owned())
        .collect()
}

#[tokio::test]
async fn external_busy_time_only_in_google_blocks_free_slots_and_free_events_do_not() {
    let fake = FakeGoogle::start().await;
    let world = world(google(&fake).await, &[ANNA]).await;
    fake.add_external_event(moscow(9, 15, 0), moscow(9, 16, 0), false);
    fake.add_external_event(moscow(9, 11, 0), moscow(9, 12, 0), true);
    let date = NaiveDate::from_ymd_opt(2030, 1, 9).unwrap();

    let slots = booking::free_slots(&world.services, ANNA, date, "m60")
        .await
        .unwrap();
    assert_eq!(
        moscow_free_slot_times(&slots),
        without(&["14:30", "15:00", "15:30"])
    );
    assert!(
        world
            .store
            .meetings(MeetingQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    // And a booking into it is refused.
    assert!(world.book_at(ANNA, moscow(9, 15, 0)).await.is_err());
}

#[tokio::test]
async fn external_busy_time_only_in_the_in_memory_calendar_blocks_free_slots() {
    let calendar = Arc::new(InMemoryCalendar::new());
    let world = world(calendar.clone(), &[ANNA]).await;
    calendar.add_external_busy(Interval::new(moscow(9, 10, 0), moscow(9, 11, 30)).unwrap());
    let date = NaiveDate::from_ymd_opt(2030, 1, 9).unwrap();
    let slots = booking::free_slots(&world.services, ANNA, date, "m60")
        .await
        .unwrap();
    assert_eq!(
        moscow_free_slot_times(&slots),
        without(&["10:00", "10:30", "11:00"])
    );
}

fn person(id: i64, name: &str, email: Option<&str>, zone: Zone) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new(name).unwrap(),
        username: None,
        role: if id == 100 {
            Role::Owner
        } else {
            Role::Manager
        },
        status: Status::Active,
        department: None,
        email: email.map(|e| Email::new(e).unwrap()),
        language: Language::En,
        zone,
        subscribed: true,
        registered_at: monday_noon_moscow(),
        unreachable_since: None,
    }
}

#[test]
fn ics_a_berlin_meeting_on_the_dst_day_imports_at_its_wall_clock_time() {
    let berlin = Zone::parse("Europe/Berlin").unwrap();
    // Sunday 2030-03-31, the day Berlin springs forward at 02:00: 10:00
    // local is CEST (UTC+2), so 08:00 UTC, not 09:00.
    let start = berlin.to_utc(
        NaiveDate::from_ymd_opt(2030, 3, 31)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
    );
    let meeting = Meeting::from_new(
        MeetingId(7),
        NewMeeting {
            booker: UserId(1),
            interval: Interval::starting_at(start, Duration::minutes(90)).unwrap(),
            meeting_type: "m90".into(),
            topic: Some(Topic::new("Planning; budget, Q2").unwrap()),
            rescheduled_from: None,
            created_at: monday_noon_moscow(),
        },
    );
    let booker = person(1, "Anna Schmidt", Some("anna@example.com"), berlin);
    let host = person(100, "Owner", Some("owner@example.com"), berlin);

    let text = ics::meeting_ics(
        &meeting,
        &booker,
        Some(&host),
        &IcsFile {
            method: IcsMethod::Request,
            sequence: 0,
            uid: "meeting-7@meetbot".into(),
            reader: CalendarOf::Owner,
            type_name: "1 h 30 min".into(),
        },
    );
    assert!(text.contains("METHOD:REQUEST"), "{text}");
    assert!(text.contains("DTSTART:20300331T080000Z"), "{text}");
    assert!(text.contains("DTEND:20300331T093000Z"), "{text}");
    // Never floating: every date-time is UTC.
    for line in text.lines().filter(|l| l.starts_with("DT")) {
        assert!(line.ends_with('Z'), "{line}");
    }

    let parsed: icalendar::Calendar = text.parse().unwrap();
    let event = parsed.events().next().unwrap();
    assert_eq!(event.get_uid(), Some("meeting-7@meetbot"));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_summary(), Some("Meeting with Anna Schmidt"));
    assert!(
        event
            .get_description()
            .unwrap()
            .contains("Planning; budget, Q2")
    );
    let Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(dtstart))) = event.get_start() else {
        panic!("DTSTART is not UTC: {:?}", event.get_start());
    };
    assert_eq!(dtstart, start);
    assert_eq!(
        berlin.local(dtstart).format("%Y-%m-%d %H:%M").to_string(),
        "2030-03-31 10:00"
    );
    let Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(dtend))) = event.get_end() else {
        panic!("DTEND is not UTC");
    };
    assert_eq!(berlin.local(dtend).format("%H:%M").to_string(), "11:30");

    // The cancellation of the same meeting: same UID, higher SEQUENCE.
    let cancel = ics::meeting_ics(
        &meeting,
        &booker,
        Some(&host),
        &IcsFile {
            method: IcsMethod::Cancel,
            sequence: 1,
            uid: "meeting-7@meetbot".into(),
            reader: CalendarOf::Owner,
            type_name: "1 h 30 min".into(),
        },
    );
    let parsed: icalendar::Calendar = cancel.parse().unwrap();
    assert_eq!(parsed.property_value("METHOD"), Some("CANCEL"));
    let event = parsed.events().next().unwrap();
    assert_eq!(event.get_uid(), Some("meeting-7@meetbot"));
    assert_eq!(event.get_sequence(), Some(1));
    assert_eq!(event.get_status(), Some(icalendar::EventStatus::Cancelled));
    // The same meeting always gives the same file.
    assert_eq!(
        text,
        ics::meeting_ics(
            &meeting,
            &booker,
            Some(&host),
            &IcsFile {
                method: IcsMethod::Request,
                sequence: 0,
                uid: "meeting-7@meetbot".into(),
                reader: CalendarOf::Owner,
                type_name: "1 h 30 min".into(),
            }
        )
    );
}

#[tokio::test]
async fn ics_and_csv_export_is_owner_only_and_has_every_meeting_of_the_range() {
    let world = world(Arc::new(InMemoryCalendar::new()), &[ANNA]).await;
    let kept = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    let dropped = world.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    meetings::cancel(&world.services, ANNA, dropped.id)
        .await
        .unwrap();
    let range = Interval::new(moscow(8, 10, 0), moscow(11, 10, 0)).unwrap();

    assert!(matches!(
        ics::export(&world.services, ANNA, range).await,
        Err(UseCaseError::Denied(_))
    ));
    let export = ics::export(&world.services, OWNER, range).await.unwrap();
    assert_eq!(export.meetings.len(), 2);

    let parsed: icalendar::Calendar = export.ics.parse().unwrap();
    let uids: Vec<&str> = parsed.events().filter_map(|e| e.get_uid()).collect();
    assert_eq!(
        uids,
        [
            world.services.event_uid(kept.id),
            world.services.event_uid(dropped.id)
        ]
    );

    let mut lines = export.csv.lines();
    assert_eq!(lines.next().unwrap(), ics::CSV_HEADER.join(","));
    let first = lines.next().unwrap();
    assert!(
        first.starts_with(&format!(
            "{},2030-01-09T10:00:00+03:00,2030-01-09T11:00:00+03:00,60,SCHEDULED,1,",
            kept.id
        )),
        "{first}"
    );
    assert!(first.contains("\"Бюджет, Q1\""), "{first}");
    assert!(lines.next().unwrap().contains("CANCELLED"));
    assert!(lines.next().is_none());
}

#[tokio::test]
async fn alert_stays_until_the_calendar_itself_accepts_a_write_again() {
    let calendar = Arc::new(InMemoryCalendar::new());
    let world = world(calendar.clone(), &[ANNA]).await;
    calendar.fail_writes_with(Some(meetbot_ports::CalendarError::Unauthorised(
        "revoked".into(),
    )));
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    assert!(world.drain().await.paused);

    // A job with nothing to write (its meeting was cancelled before its
    // event was) proves nothing about access: the pause stays.
    let dropped = world.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    meetings::cancel(&world.services, ANNA, dropped.id)
        .await
        .unwrap();
    let report = world.drain_later().await;
    assert!(report.paused);
    assert_eq!(report.skipped, 1);
    assert!(
        calendar_sync::auth_failure(&world.services)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        !world
            .messenger
            .keys_sent_to(OWNER)
            .contains(&"calendar-auth-restored".to_owned())
    );
}

/// The install ids of a database with no meetings made before them.
fn install(id: &str) -> InstallIds {
    InstallIds::new(id, MeetingId(1)).unwrap()
}

#[tokio::test]
async fn install_id_is_made_with_each_database_and_kept_in_it() {
    let (one, two) = (TempSqlite::new(), TempSqlite::new());
    let first = calendar_sync::install_ids(&SqliteStore::open(one.path()).await.unwrap())
        .await
        .unwrap();
    let second = calendar_sync::install_ids(&SqliteStore::open(two.path()).await.unwrap())
        .await
        .unwrap();
    assert_ne!(first.install(), second.install());
    let reopened = calendar_sync::install_ids(&SqliteStore::open(one.path()).await.unwrap())
        .await
        .unwrap();
    assert_eq!(reopened, first);
    // A database's first meeting is named with its install id.
    assert_eq!(
        first.key(MeetingId(1)).install.as_deref(),
        Some(first.install())
    );
}

#[tokio::test]
async fn install_id_two_installs_sharing_a_google_calendar_keep_each_others_events() {
    let fake = FakeGoogle::start().await;
    let first = world(google(&fake).await, &[ANNA])
        .await
        .with_install(install("aaaaaaaaaaaaaaaa"));
    let second = world(google(&fake).await, &[ANNA])
        .await
        .with_install(install("bbbbbbbbbbbbbbbb"));
    let ours = first.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    first.drain().await;
    let theirs = second.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    // Each database's first meeting: the same meeting id.
    assert_eq!(ours.id, theirs.id);
    // The first write fails and is retried: still one event, the same id.
    fake.fail_next_writes(1, 503);
    assert_eq!(second.drain().await.retried, 1);
    assert_eq!(second.drain_later().await.written, 1);

    let mut starts: Vec<_> = fake.events().iter().map(|e| e.start).collect();
    starts.sort();
    assert_eq!(starts, vec![moscow(9, 10, 0), moscow(9, 14, 0)]);

    // The second install cancels its meeting; the first one's event stays.
    meetings::cancel(&second.services, ANNA, theirs.id)
        .await
        .unwrap();
    assert_eq!(second.drain().await.cancelled, 1);
    let events = fake.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].id, event_id(&first.services.install.key(ours.id)));
    assert_eq!(events[0].start, moscow(9, 10, 0));
    assert_eq!(fake.inserts(), 2);
}

#[tokio::test]
async fn install_id_two_installs_sharing_a_caldav_collection_keep_each_others_events() {
    let Some(server) = radicale() else { return };
    let shared = fresh_calendar(server).await;
    let url = shared.collection().await.unwrap().to_string();
    let other = Arc::new(CalDavCalendar::new(caldav_config(url, false, USER, PASSWORD)).unwrap());
    let first = world(Arc::new(shared), &[ANNA])
        .await
        .with_install(install("aaaaaaaaaaaaaaaa"));
    let second = world(other.clone(), &[ANNA])
        .await
        .with_install(install("bbbbbbbbbbbbbbbb"));
    let ours = first.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    let theirs = second.book_at(ANNA, moscow(9, 14, 0)).await.unwrap();
    assert_eq!(ours.id, theirs.id);
    first.drain().await;
    second.drain().await;
    let day = Interval::new(moscow(9, 3, 0), moscow(10, 3, 0)).unwrap();
    assert_eq!(other.busy(day).await.unwrap().len(), 2);

    meetings::cancel(&second.services, ANNA, theirs.id)
        .await
        .unwrap();
    assert_eq!(second.drain().await.cancelled, 1);
    assert_eq!(other.busy(day).await.unwrap(), vec![ours.interval]);
}

#[tokio::test]
async fn install_id_events_written_before_install_ids_are_still_moved_and_cancelled() {
    let fake = FakeGoogle::start().await;
    // Two meetings made before the upgrade, their events written under the
    // names of the earlier scheme; then the upgrade.
    let mut world = world(google(&fake).await, &[ANNA])
        .await
        .with_install(InstallIds::new("cccccccccccccccc", MeetingId(i64::MAX)).unwrap());
    let moving = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    let cancelling = world.book_at(ANNA, moscow(9, 15, 0)).await.unwrap();
    world.drain().await;
    let mut ids: Vec<String> = fake.events().into_iter().map(|e| e.id).collect();
    ids.sort();
    let mut old_names: Vec<String> = [moving.id, cancelling.id]
        .iter()
        .map(|id| format!("meetbot{:016x}", id.0))
        .collect();
    old_names.sort();
    assert_eq!(ids, old_names);
    let first_after = MeetingId(moving.id.0.max(cancelling.id.0) + 1);
    world.services.install = InstallIds::new("cccccccccccccccc", first_after).unwrap();

    let moved = booking::reschedule(&world.services, ANNA, moving.id, moscow(9, 12, 0))
        .await
        .unwrap();
    meetings::cancel(&world.services, ANNA, cancelling.id)
        .await
        .unwrap();
    let report = world.drain().await;
    assert_eq!((report.written, report.cancelled), (1, 2));
    let events = fake.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].id,
        format!("meetbotcccccccccccccccc{:016x}", moved.id.0)
    );
    assert_eq!(events[0].start, moscow(9, 12, 0));
}

#[tokio::test]
async fn calendar_timeout_a_hanging_calendar_shows_its_time_as_taken_within_seconds_and_alerts_once()
 {
    let fake = FakeGoogle::start().await;
    let world = world(google(&fake).await, &[ANNA]).await;
    fake.hang_reads(true);

    world.say(ANNA, "/book").await;
    let asked = std::time::Instant::now();
    world.press_labelled(ANNA, "60 мин").await;
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(3),
        "the month view took {:?}",
        asked.elapsed()
    );
    let month = world.last(ANNA);
    assert!(month.contains("Календарь не отвечает"), "{month}");
    let bookable = |labels: Vec<String>| {
        labels
            .into_iter()
            .filter(|l| l.contains('🟢') || l.contains('🟡'))
            .collect::<Vec<_>>()
    };
    assert_eq!(bookable(world.buttons(ANNA)), Vec::<String>::new());
    assert_eq!(world.count_sent(OWNER, "calendar-silent-alert"), 1);

    // The next month is answered at once from the failure just seen, and
    // the owner is not told again.
    let asked = std::time::Instant::now();
    world.press_labelled(ANNA, "›").await;
    assert!(asked.elapsed() < std::time::Duration::from_secs(1));
    assert!(world.last(ANNA).contains("Календарь не отвечает"));
    assert_eq!(world.count_sent(OWNER, "calendar-silent-alert"), 1);

    // The calendar answers again: free days come back, and the owner hears so.
    fake.hang_reads(false);
    world.clock.advance(Duration::seconds(11));
    world.press_labelled(ANNA, "‹").await;
    assert!(!world.last(ANNA).contains("Календарь не отвечает"));
    assert!(!bookable(world.buttons(ANNA)).is_empty());
    assert_eq!(world.count_sent(OWNER, "calendar-answers-again"), 1);
    assert_eq!(world.count_sent(OWNER, "calendar-silent-alert"), 1);
}

/// The owner's alerts that the calendar cannot be used, as read.
fn calendar_alerts(world: &World) -> Vec<String> {
    world
        .messenger
        .sent_to(OWNER)
        .into_iter()
        .filter(|m| m.screen.key() == "calendar-auth-failed")
        .map(|m| world.translator.screen(m.language, &m.screen).text)
        .collect()
}

#[tokio::test]
async fn calendar_not_found_a_google_calendar_not_shared_gives_one_alert_naming_it_and_the_fix() {
    let fake = FakeGoogle::start().await;
    let config = fake.config("missing@example.com", fake.service_account(None));
    let world = world(
        Arc::new(GoogleCalendar::new(config).await.unwrap()),
        &[ANNA],
    )
    .await;

    // Free time nobody could check is not offered, and the booking is refused.
    assert!(matches!(
        world.book_at(ANNA, moscow(9, 10, 0)).await,
        Err(UseCaseError::Invalid("error-calendar-silent"))
    ));
    world.clock.advance(Duration::minutes(1));
    assert!(world.book_at(ANNA, moscow(9, 14, 0)).await.is_err());
    let alerts = calendar_alerts(&world);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].contains("missing@example.com"), "{}", alerts[0]);
    assert!(
        alerts[0].contains(&format!(
            "Откройте доступ к календарю missing@example.com для {}",
            meetbot_testkit::google::CLIENT_EMAIL
        )),
        "{}",
        alerts[0]
    );
    let about = world.services.calendar.about();
    let health = calendar_sync::calendar_health(&world.services)
        .await
        .unwrap();
    assert!(health.fix(&about).is_some());
}

#[tokio::test]
async fn calendar_not_found_a_missing_caldav_collection_gives_one_alert_naming_its_url() {
    let Some(server) = radicale() else { return };
    let url = format!("{}{USER}/no-such-calendar/", server.base);
    let calendar = CalDavCalendar::new(caldav_config(url.clone(), false, USER, PASSWORD)).unwrap();
    let world = world(Arc::new(calendar), &[ANNA]).await;

    assert!(world.book_at(ANNA, moscow(9, 10, 0)).await.is_err());
    world.clock.advance(Duration::minutes(1));
    assert!(world.book_at(ANNA, moscow(9, 14, 0)).await.is_err());
    let alerts = calendar_alerts(&world);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(
        alerts[0].contains(&format!("По адресу {url} нет календаря")),
        "{}",
        alerts[0]
    );
}

#[tokio::test]
async fn meet_link_shown_to_the_booker_once_its_event_has_one_and_in_the_reminders() {
    let fake = FakeGoogle::start().await;
    let mut config = fake.config(CALENDAR_ID, fake.service_account(None));
    config.meet_links = true;
    let world = world(
        Arc::new(GoogleCalendar::new(config).await.unwrap()),
        &[ANNA],
    )
    .await;
    let meeting = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.drain().await;
    world.deliver().await;

    let link = format!(
        "https://meet.google.com/fake-{}",
        event_id(&world.services.install.key(meeting.id))
    );
    let stored = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.video_link.as_deref(), Some(link.as_str()));
    assert_eq!(world.count_sent(ANNA, "meeting-video-link"), 1);
    let told = world.last(ANNA);
    assert!(told.contains(&link) && told.contains("10:00"), "{told}");
    world.say(ANNA, "/my").await;
    assert!(world.last(ANNA).contains(&link), "{}", world.last(ANNA));

    // The reminder a day before carries the link.
    world.clock.set(moscow(8, 10, 0));
    meetbot_usecases::reminders::send_due(&world.services, world.clock.now())
        .await
        .unwrap();
    world.deliver().await;
    let reminder = world.last(ANNA);
    assert!(
        reminder.contains("Напоминание") && reminder.contains(&link),
        "{reminder}"
    );
}
