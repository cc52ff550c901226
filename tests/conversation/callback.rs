//! Button data as Telegram sees it and as an attacker could forge it.
//!
//! Every button the conversation can produce carries ASCII data of at most
//! 64 bytes that reads back to the same request, even with extreme values
//! (the largest ids, every role, status and meeting type, every day of a
//! month, slots all day long). And a PENDING or unknown person pressing a
//! manager's or the owner's button, with data they made up, is refused in
//! their language, the refusal is audited, and nothing changes.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use meetbot_domain::{
    AuditAction, AuditKind, BlockedRange, CronSchedule, DayLoad, DaySlots, Department, DisplayName,
    GroupMeeting, Interval, Language, Meeting, MeetingId, MeetingStatus, MeetingType, Occurrence,
    Role, Settings, Status, Topic, User, UserId, Zone,
};
use meetbot_ports::{
    AuditCursor, AuditId, AuditQuery, CalendarAbout, CalendarAccess, CalendarError, MeetingQuery,
    Screen, Store, UserQuery,
};
use meetbot_testkit::{OWNER, World};
use meetbot_usecases::audit::AuditView;
use meetbot_usecases::booking::{self, BookingInput};
use meetbot_usecases::callback::MAX_BYTES;
use meetbot_usecases::chat::settings_views;
use meetbot_usecases::chat::views::{self, Reader};
use meetbot_usecases::chat::{Command, SettingCode};
use meetbot_usecases::feedback::RatingSummary;
use meetbot_usecases::members::ProfileView;
use meetbot_usecases::refusals::REFUSAL_QUIET;
use meetbot_usecases::registration;
use meetbot_usecases::{Callback, calendar_sync, feedback, reminders, rsvp, screens};

fn user(id: i64, role: Role, status: Status) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new(&"Я".repeat(128)).unwrap(),
        username: Some("u".repeat(32)),
        role,
        status,
        department: Some(Department::new("Отдел продаж и развития").unwrap()),
        email: None,
        language: Language::Ru,
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: Utc::now(),
        unreachable_since: None,
    }
}

fn meeting(id: i64, start: DateTime<Utc>, minutes: i64) -> Meeting {
    Meeting {
        id: MeetingId(id),
        booker: UserId(i64::MAX),
        interval: Interval::new(start, start + Duration::minutes(minutes)).unwrap(),
        meeting_type: "m120".into(),
        topic: Some(Topic::new(&"т".repeat(200)).unwrap_or_else(|_| Topic::new("тема").unwrap())),
        status: MeetingStatus::Scheduled,
        rescheduled_from: None,
        rescheduled_to: None,
        cancelled_by: None,
        created_at: start,
        updated_at: start,
        video_link: Some(format!("https://meet.google.com/{}", "x".repeat(200))),
    }
}

/// Every screen of the conversation, with extreme values.
fn every_screen() -> Vec<Screen> {
    let reader = Reader {
        language: Language::En,
        zone: Zone::parse("Pacific/Kiritimati").unwrap(),
    };
    let ids = [1, i64::MAX, -1_001_234_567_890, i64::MIN];
    let mut screens = Vec::new();
    let mut people = Vec::new();
    for id in ids {
        for role in Role::ALL {
            for status in Status::ALL {
                people.push(user(id, *role, *status));
            }
        }
    }
    // Departments up to the longest name, so department buttons are as long as they get.
    let departments: Vec<Department> = (0..40)
        .map(|i| Department::new(&format!("{i}{}", "ю".repeat(60))).unwrap())
        .collect();
    for person in &people {
        screens.push(views::user_card(person, None, &departments));
        screens.push(views::user_card(
            person,
            Some(&RatingSummary {
                average_tenths: 50,
                count: usize::MAX,
                last_comment: Some("к".repeat(500)),
            }),
            &[],
        ));
        screens.push(views::welcome(person));
        screens.push(screens::registration_request(person));
        screens.push(views::decided(person, true, std::slice::from_ref(person)));
        screens.push(views::broadcast_message(&"x".repeat(3500), person));
        screens.push(views::profile(
            &ProfileView {
                user: person.clone(),
                meetings_held: usize::MAX,
                last_meeting: Some(Utc::now()),
            },
            reader,
        ));
    }
    screens.push(views::users(&people, &HashMap::new()));
    screens.push(views::pending(&people));
    for role in Role::ALL {
        screens.push(Screen::default());
        screens.last_mut().unwrap().buttons = views::menu(*role);
        screens.push(views::help(Some(*role)));
    }
    screens.push(views::help(None));
    let types: Vec<MeetingType> = (0..20)
        .map(|i| {
            MeetingType::new(&format!("type_{i:02}_abcdefg"), "A very long name", 480).unwrap()
        })
        .collect();
    screens.push(views::pick_meeting_type(&types));
    let mut settings = Settings::default();
    settings.meeting_types.extend(types);
    settings.departments = (0..300)
        .map(|i| Department::new(&format!("Отдел №{i}")).unwrap())
        .collect();
    screens.push(settings_views::settings(&settings));
    screens.push(settings_views::settings(&Settings::default()));
    let mut closed = Settings::default();
    let far = Utc.with_ymd_and_hms(2199, 12, 31, 10, 0, 0).unwrap();
    for i in 0..20 {
        let start = far - Duration::days(i);
        closed.availability.add_block(BlockedRange {
            interval: Interval::new(start, start + Duration::hours(4)).unwrap(),
            reason: (i % 2 == 0).then(|| Topic::new(&"ж".repeat(200)).unwrap()),
        });
    }
    screens.push(settings_views::settings(&closed));
    for block in closed.availability.blocks() {
        let booker = user(i64::MAX, Role::Manager, Status::Active);
        let inside = meeting(i64::MAX, block.interval.start(), 480);
        screens.push(screens::time_closed(&inside, block, &booker));
    }
    screens.push(settings_views::choose_zone(reader.zone));
    screens.push(settings_views::zone_set(reader.zone, far));
    screens.push(settings_views::bookers_told(usize::MAX));
    screens.push(views::button_expired(None));
    for role in Role::ALL {
        screens.push(views::button_expired(Some(*role)));
    }
    for setting in SettingCode::ALL {
        screens.push(settings_views::ask_setting(setting));
    }
    screens.push(views::ask_department(&settings.departments));
    screens.push(views::ask_email());
    screens.push(views::choose_language());
    screens.push(views::ask_topic());
    // Every month of a year, a leap February, and the far end of the calendar.
    let loads = [
        DayLoad::Closed,
        DayLoad::Light,
        DayLoad::Busy,
        DayLoad::Full,
    ];
    for (year, month) in (1..=12)
        .map(|m| (2030, m))
        .chain([(2032, 2), (2199, 12), (2001, 1)])
    {
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
        let days: Vec<(NaiveDate, DayLoad)> = first
            .iter_days()
            .take_while(|d| d.month() == month)
            .enumerate()
            .map(|(i, d)| (d, loads[i % 4]))
            .collect();
        screens.push(views::month(
            year,
            month,
            &days,
            (first, first + Duration::days(400)),
        ));
    }
    for date in [
        NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(2199, 12, 31).unwrap(),
    ] {
        let start = Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap());
        let free: Vec<Interval> = (0..96)
            .map(|i| {
                let at = start + Duration::minutes(15 * i);
                Interval::new(at, at + Duration::minutes(15)).unwrap()
            })
            .collect();
        let slots = DaySlots { free, total: 96 };
        screens.push(views::day_slots(date, &slots, reader));
        screens.push(views::free_slots(date, &slots, reader));
        let empty = DaySlots {
            free: Vec::new(),
            total: 0,
        };
        screens.push(views::day_slots(date, &empty, reader));
        let big = meeting(i64::MAX, start, 480);
        screens.push(views::confirm(big.interval, Some("topic"), true, reader));
        screens.push(views::confirm(big.interval, None, false, reader));
        screens.push(views::booked(&big, true, reader));
        screens.push(views::confirm_cancel(&big, reader));
        screens.push(views::cancelled(&big, reader));
        let rows: Vec<views::MyMeeting> = (0..10)
            .map(|i| {
                (
                    meeting(i64::MAX - i, start, 120),
                    Some(user(i64::MAX, Role::Manager, Status::Active)),
                    (i % 2 == 0).then_some(start),
                )
            })
            .collect();
        screens.push(views::my_meetings(&rows, reader));
    }
    screens.push(views::my_meetings(&[], reader));
    // Sent by the scheduler: reminders, feedback, the group meeting.
    let reader_user = user(i64::MAX, Role::Manager, Status::Active);
    let start = Utc.with_ymd_and_hms(2199, 12, 31, 20, 0, 0).unwrap();
    let held = meeting(i64::MAX, start, 480);
    screens.push(views::meeting_card(&held, Some(&reader_user), reader, None));
    screens.push(views::meeting_card(
        &held,
        Some(&reader_user),
        reader,
        Some(start),
    ));
    screens.push(views::calendar_file(
        held.id,
        "BEGIN:VCALENDAR".into(),
        true,
    ));
    screens.push(feedback::ask_screen(&held, &reader_user));
    screens.push(reminders::reminder_screen(
        &held,
        &reader_user,
        Some(&reader_user),
    ));
    let group = GroupMeeting::new(
        "Планёрка",
        Weekday::Wed,
        NaiveTime::from_hms_opt(10, 40, 0).unwrap(),
        60,
        Zone::moscow(),
        vec![CronSchedule::parse("0 10 * * mon").unwrap()],
        vec![CronSchedule::parse("0 9 * * wed").unwrap()],
    )
    .unwrap()
    .with_link(Some(format!(
        "https://meet.example.org/{}",
        "x".repeat(200)
    )));
    let occurrence = Occurrence {
        date: NaiveDate::from_ymd_opt(2199, 12, 31).unwrap(),
        start,
    };
    screens.push(rsvp::invitation_screen(&group, occurrence, &reader_user));
    screens.push(rsvp::reminder_screen(&group, occurrence, &reader_user));
    for access in [
        CalendarAccess::GoogleServiceAccount {
            account: "bot@project.iam.gserviceaccount.com".into(),
        },
        CalendarAccess::GoogleUser,
        CalendarAccess::CalDav,
        CalendarAccess::Builtin,
    ] {
        let about = CalendarAbout {
            name: "owner@example.com".into(),
            access,
        };
        for error in [
            CalendarError::Unauthorised("403 forbidden".into()),
            CalendarError::NotFound,
        ] {
            screens.push(calendar_sync::refused_screen(&about, &error));
        }
    }
    screens.push(views::broadcast_done(usize::MAX));
    screens
}

#[test]
fn callback_data_of_every_button_is_ascii_at_most_64_bytes_and_reads_back() {
    let screens = every_screen();
    let mut buttons = 0;

    for screen in &screens {
        for button in screen.all_buttons() {
            buttons += 1;
            let data = &button.data;
            assert!(!data.is_empty(), "empty data on {:?}", screen.key());
            assert!(data.is_ascii(), "{data:?} is not ASCII");
            assert!(data.len() <= MAX_BYTES, "{data:?} is {} bytes", data.len());
            let decoded =
                Callback::decode(data).unwrap_or_else(|| panic!("{data:?} does not read back"));
            assert_eq!(&decoded.encode(), data);
        }
    }

    assert!(buttons > 1000, "only {buttons} buttons were checked");
}

const MANAGER: UserId = UserId(200);
const PENDING: UserId = UserId(300);
const STRANGER: UserId = UserId(400);

/// The owner, a manager with a meeting on Wednesday 2030-01-09 10:00
/// Moscow, and a person waiting for approval, all with an English
/// interface; Monday noon in Moscow.
async fn world() -> (World, MeetingId) {
    let world = World::new().speaking("en");
    let services = &world.services;
    registration::start(services, &world.person(OWNER))
        .await
        .unwrap();
    registration::register(services, &world.person(MANAGER), None, None)
        .await
        .unwrap();
    registration::approve(services, OWNER, MANAGER)
        .await
        .unwrap();
    registration::register(services, &world.person(PENDING), None, None)
        .await
        .unwrap();
    let meeting = booking::book(
        services,
        MANAGER,
        BookingInput {
            start: Utc.with_ymd_and_hms(2030, 1, 9, 7, 0, 0).unwrap(),
            meeting_type: "m60".into(),
            topic: None,
        },
    )
    .await
    .unwrap();
    (world, meeting.id)
}

/// What a forged press must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    users: Vec<User>,
    meetings: Vec<Meeting>,
    settings: Settings,
    dialog: Option<String>,
}

async fn snapshot(world: &World, actor: UserId) -> Snapshot {
    Snapshot {
        users: world.store.users(UserQuery::default()).await.unwrap(),
        meetings: world.store.meetings(MeetingQuery::default()).await.unwrap(),
        settings: world.services.settings().await.unwrap(),
        dialog: world.store.dialog(actor).await.unwrap(),
    }
}

fn forged_buttons(meeting: MeetingId) -> Vec<Callback> {
    let slot = Utc.with_ymd_and_hms(2030, 1, 10, 7, 0, 0).unwrap();
    vec![
        Callback::Approve(PENDING),
        Callback::Reject(PENDING),
        Callback::Approve(STRANGER),
        Callback::Cancel(meeting),
        Callback::CancelConfirmed(meeting),
        Callback::Reschedule(meeting),
        Callback::OpenMeeting(meeting),
        Callback::Rate(meeting, 5),
        Callback::UserCard(MANAGER),
        Callback::SetRole(PENDING, Role::Owner),
        Callback::SetRole(STRANGER, Role::Owner),
        Callback::SetRole(MANAGER, Role::Blocked),
        Callback::SetStatus(MANAGER, Status::Inactive),
        Callback::EditSetting(SettingCode::ALL[0]),
        Callback::AuditLog(AuditView {
            kind: Some(AuditKind::Refusals),
            person: Some(MANAGER),
            cursor: AuditCursor::OlderThan(AuditId(i64::MAX)),
        }),
        Callback::Command(Command::Pending),
        Callback::Command(Command::Users),
        Callback::Command(Command::Settings),
        Callback::Command(Command::Broadcast),
        Callback::Command(Command::Book),
        Callback::Command(Command::My),
        Callback::MeetingType("m60".into()),
        Callback::Month(2030, 1),
        Callback::Day(NaiveDate::from_ymd_opt(2030, 1, 10).unwrap()),
        Callback::Slot(slot),
        Callback::SkipTopic,
        Callback::Confirm,
    ]
}

async fn assert_forged_presses_are_refused(presser: UserId) {
    let (world, meeting) = world().await;
    for callback in forged_buttons(meeting) {
        let data = callback.encode();
        let before = snapshot(&world, presser).await;
        let audited = world
            .store
            .audit_log(AuditQuery::newest(1000))
            .await
            .unwrap()
            .len();
        let told = world.messenger.sent_to(presser).len();
        let sent = world.messenger.sent().len();
        // Refusals are told at most once in a few seconds; each press here
        // comes after that.
        world.clock.advance(REFUSAL_QUIET);

        world.press(presser, callback).await;

        let after = snapshot(&world, presser).await;
        assert_eq!(before, after, "{data}: something changed");
        let replies = world.messenger.sent_to(presser);
        assert_eq!(replies.len(), told + 1, "{data}: one answer, the refusal");
        let reply = replies.last().unwrap();
        assert!(
            reply.screen.key().starts_with("error-"),
            "{data}: answered {:?}",
            reply.screen
        );
        assert_eq!(
            reply.language,
            Language::En,
            "{data}: in the presser's language"
        );
        let log = world
            .store
            .audit_log(AuditQuery::newest(1000))
            .await
            .unwrap();
        assert!(log.len() > audited, "{data}: no audit entry");
        let entry = &log[0].event;
        assert_eq!(
            entry.action,
            AuditAction::PermissionDenied,
            "{data}: {entry:?}"
        );
        assert_eq!(entry.actor, Some(presser), "{data}: {entry:?}");
        // Nobody else heard about it: the refusal was the only message.
        assert_eq!(
            world.messenger.sent().len(),
            sent + 1,
            "{data}: others were told"
        );
    }
}

#[tokio::test]
async fn callback_forged_by_a_pending_user_is_refused_audited_and_changes_nothing() {
    assert_forged_presses_are_refused(PENDING).await;
}

#[tokio::test]
async fn callback_forged_by_an_unknown_person_is_refused_audited_and_changes_nothing() {
    assert_forged_presses_are_refused(STRANGER).await;
}
