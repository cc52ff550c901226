//! Use-case scenarios on the in-memory adapters: what people can do, what
//! they are told, and what is stored.
#![expect(
    clippy::unwrap_used,
    reason = "a test reports a broken step by panicking"
)]

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{
    AuditAction, ChangeRefusal, Denial, Interval, Language, MeetingStatus, Role, SlotRefusal,
    Status, UserId, booking::BookingRefusal,
};
use meetbot_ports::{AuditQuery, Clock, ReminderState, Store};
use meetbot_testkit::{OWNER, World, moscow, profile};
use meetbot_usecases::booking::{self, BookingInput};
use meetbot_usecases::registration::{self, StartOutcome};
use meetbot_usecases::settings::{self, SettingsChange};
use meetbot_usecases::{Callback, UseCaseError, meetings, members};

const ANNA: UserId = UserId(1);
const BORIS: UserId = UserId(2);

/// Scenario steps on top of the shared world.
trait Steps {
    async fn book_at(
        &self,
        who: UserId,
        start: DateTime<Utc>,
    ) -> Result<meetbot_domain::Meeting, UseCaseError>;

    async fn last_audit(&self) -> meetbot_domain::AuditEvent;
}

impl Steps for World {
    async fn book_at(
        &self,
        who: UserId,
        start: DateTime<Utc>,
    ) -> Result<meetbot_domain::Meeting, UseCaseError> {
        self.book(who, start, "m60", None).await
    }

    async fn last_audit(&self) -> meetbot_domain::AuditEvent {
        self.store
            .audit_log(AuditQuery::newest(1))
            .await
            .unwrap()
            .remove(0)
            .event
    }
}

#[tokio::test]
async fn a_configured_owner_is_owner_from_the_first_message() {
    let world = World::new();
    let outcome = registration::start(&world.services, &profile(OWNER, "Owner"))
        .await
        .unwrap();
    assert!(matches!(outcome, StartOutcome::Welcome(ref u) if u.role == Role::Owner));
}

#[tokio::test]
async fn registration_tells_the_owner_with_approve_and_reject_buttons() {
    let world = World::with_managers(&[]).await;
    let anna = profile(ANNA, "Anna");
    assert_eq!(
        registration::start(&world.services, &anna).await.unwrap(),
        StartOutcome::NeedsRegistration
    );
    let user = registration::register(&world.services, &anna, None, None)
        .await
        .unwrap();
    assert_eq!(user.role, Role::Pending);

    let to_owner = world.messenger.sent_to(OWNER);
    assert_eq!(to_owner.len(), 1);
    let buttons: Vec<_> = to_owner[0]
        .screen
        .all_buttons()
        .map(|b| Callback::decode(&b.data))
        .collect();
    assert_eq!(
        buttons,
        [Some(Callback::Approve(ANNA)), Some(Callback::Reject(ANNA))]
    );
}

#[tokio::test]
async fn a_second_registration_is_refused_and_sends_nothing() {
    let world = World::with_managers(&[]).await;
    let anna = profile(ANNA, "Anna");
    registration::register(&world.services, &anna, None, None)
        .await
        .unwrap();
    world.messenger.clear();
    assert_eq!(
        registration::register(&world.services, &anna, None, None).await,
        Err(UseCaseError::AlreadyDecided)
    );
    assert!(world.messenger.sent().is_empty());
    assert!(matches!(
        registration::start(&world.services, &anna).await.unwrap(),
        StartOutcome::AwaitingApproval(_)
    ));
}

#[tokio::test]
async fn approval_makes_a_manager_tells_them_and_is_audited_once() {
    let world = World::with_managers(&[]).await;
    registration::register(&world.services, &profile(ANNA, "Anna"), None, None)
        .await
        .unwrap();
    let anna = registration::approve(&world.services, OWNER, ANNA)
        .await
        .unwrap();
    assert_eq!(anna.role, Role::Manager);
    assert_eq!(
        world.messenger.keys_sent_to(ANNA),
        ["registration-approved"]
    );
    assert_eq!(world.last_audit().await.action, AuditAction::Approved);
    // A stale second press changes nothing.
    assert_eq!(
        registration::reject(&world.services, OWNER, ANNA).await,
        Err(UseCaseError::AlreadyDecided)
    );
    assert_eq!(
        world.store.user(ANNA).await.unwrap().unwrap().role,
        Role::Manager
    );
}

#[tokio::test]
async fn permission_a_pending_user_pressing_approve_is_refused_and_audited() {
    let world = World::with_managers(&[]).await;
    registration::register(&world.services, &profile(ANNA, "Anna"), None, None)
        .await
        .unwrap();
    registration::register(&world.services, &profile(BORIS, "Boris"), None, None)
        .await
        .unwrap();
    assert_eq!(
        registration::approve(&world.services, ANNA, BORIS).await,
        Err(UseCaseError::Denied(Denial::AwaitingApproval))
    );
    assert_eq!(
        world.store.user(BORIS).await.unwrap().unwrap().role,
        Role::Pending
    );
    let audit = world.last_audit().await;
    assert_eq!(
        (audit.action, audit.actor),
        (AuditAction::PermissionDenied, Some(ANNA))
    );
}

#[tokio::test]
async fn permission_a_manager_cannot_use_owner_tools_or_touch_anothers_meeting() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    assert_eq!(
        members::change_role(&world.services, ANNA, BORIS, Role::Owner).await,
        Err(UseCaseError::Denied(Denial::OwnerOnly))
    );
    assert_eq!(
        settings::change(&world.services, ANNA, SettingsChange::Limit(10)).await,
        Err(UseCaseError::Denied(Denial::OwnerOnly))
    );
    let boris_meeting = world.book_at(BORIS, moscow(9, 10, 0)).await.unwrap();
    assert_eq!(
        meetings::cancel(&world.services, ANNA, boris_meeting.id).await,
        Err(UseCaseError::Denied(Denial::NotYours))
    );
    assert_eq!(
        world
            .store
            .meeting(boris_meeting.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        MeetingStatus::Scheduled
    );
    assert_eq!(
        world.last_audit().await.action,
        AuditAction::PermissionDenied
    );
}

#[tokio::test]
async fn permission_an_unknown_person_cannot_book() {
    let world = World::with_managers(&[]).await;
    assert_eq!(
        world.book_at(UserId(999), moscow(9, 10, 0)).await,
        Err(UseCaseError::Denied(Denial::NotRegistered))
    );
}

#[tokio::test]
async fn booking_stores_reminders_for_both_sides_and_tells_the_owner() {
    let world = World::with_managers(&[ANNA]).await;
    let start = moscow(9, 10, 0);
    let meeting = booking::book(
        &world.services,
        ANNA,
        BookingInput {
            start,
            meeting_type: "m60".into(),
            topic: Some("План на квартал".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(meeting.interval.duration(), Duration::hours(1));
    let reminders = world.store.reminders_of(meeting.id).await.unwrap();
    assert_eq!(
        reminders.len(),
        6,
        "24 h, 2 h and 1 h before, for Anna and the owner"
    );
    assert_eq!(
        world.messenger.keys_sent_to(OWNER),
        ["owner-meeting-booked"]
    );
    assert_eq!(world.last_audit().await.action, AuditAction::MeetingBooked);
}

#[tokio::test]
async fn booking_outside_working_hours_in_the_past_or_on_a_taken_slot_is_refused_with_the_reason() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    let refused = |r: Result<_, UseCaseError>| r.err();
    assert_eq!(
        refused(world.book_at(ANNA, moscow(9, 8, 0)).await),
        Some(UseCaseError::Slot(SlotRefusal::OutsideWorkingHours))
    );
    assert_eq!(
        refused(world.book_at(ANNA, moscow(7, 10, 0)).await),
        Some(UseCaseError::Slot(SlotRefusal::InPast))
    );
    assert_eq!(
        refused(world.book_at(ANNA, moscow(7, 12, 30)).await),
        Some(UseCaseError::Slot(SlotRefusal::InsideNotice(60)))
    );
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    assert_eq!(
        refused(world.book_at(BORIS, moscow(9, 10, 30)).await),
        Some(UseCaseError::Slot(SlotRefusal::Taken))
    );
    let bad_topic = booking::book(
        &world.services,
        BORIS,
        BookingInput {
            start: moscow(9, 14, 0),
            meeting_type: "m60".into(),
            topic: Some("x".repeat(500)),
        },
    )
    .await;
    assert_eq!(
        bad_topic,
        Err(UseCaseError::Invalid("error-value-too-long"))
    );
}

#[tokio::test]
async fn limit_a_manager_with_three_upcoming_meetings_cannot_book_a_fourth_until_one_is_cancelled()
{
    let world = World::with_managers(&[ANNA]).await;
    let first = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.book_at(ANNA, moscow(9, 12, 0)).await.unwrap();
    world.book_at(ANNA, moscow(10, 10, 0)).await.unwrap();
    assert_eq!(
        world.book_at(ANNA, moscow(10, 12, 0)).await,
        Err(UseCaseError::Booking(BookingRefusal::LimitReached(3)))
    );
    meetings::cancel(&world.services, ANNA, first.id)
        .await
        .unwrap();
    world.book_at(ANNA, moscow(10, 12, 0)).await.unwrap();
}

#[tokio::test]
async fn limit_is_the_owners_setting() {
    let world = World::with_managers(&[ANNA]).await;
    settings::change(&world.services, OWNER, SettingsChange::Limit(1))
        .await
        .unwrap();
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    assert_eq!(
        world.book_at(ANNA, moscow(9, 12, 0)).await,
        Err(UseCaseError::Booking(BookingRefusal::LimitReached(1)))
    );
    assert_eq!(
        settings::change(&world.services, OWNER, SettingsChange::Limit(-1)).await,
        Err(UseCaseError::OutOfRange {
            min: 1,
            max: 50,
            got: -1
        })
    );
}

#[tokio::test]
async fn cutoff_cancelling_25_hours_before_succeeds_and_23_hours_before_is_refused_but_not_for_the_owner()
 {
    let world = World::with_managers(&[ANNA]).await;
    let early = world.book_at(ANNA, moscow(10, 10, 0)).await.unwrap();
    let late = world.book_at(ANNA, moscow(10, 12, 0)).await.unwrap();

    world
        .clock
        .set(early.interval.start() - Duration::hours(25));
    let cancelled = meetings::cancel(&world.services, ANNA, early.id)
        .await
        .unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);
    assert_eq!(
        world
            .messenger
            .keys_sent_to(OWNER)
            .last()
            .map(String::as_str),
        Some("meeting-cancelled-by")
    );

    world.clock.set(late.interval.start() - Duration::hours(23));
    let refused = meetings::cancel(&world.services, ANNA, late.id).await;
    assert_eq!(
        refused,
        Err(UseCaseError::Change(ChangeRefusal::TooLate(24)))
    );
    assert_eq!(
        refused.unwrap_err().number(),
        Some(24),
        "the reason names the cutoff"
    );
    assert_eq!(
        world.store.meeting(late.id).await.unwrap().unwrap().status,
        MeetingStatus::Scheduled
    );

    world.messenger.clear();
    meetings::cancel(&world.services, OWNER, late.id)
        .await
        .unwrap();
    assert_eq!(
        world.messenger.keys_sent_to(ANNA),
        ["meeting-cancelled-by"],
        "the booker is told"
    );
}

#[tokio::test]
async fn cutoff_also_applies_to_rescheduling() {
    let world = World::with_managers(&[ANNA]).await;
    let meeting = world.book_at(ANNA, moscow(8, 14, 0)).await.unwrap();
    world
        .clock
        .set(meeting.interval.start() - Duration::hours(2));
    assert_eq!(
        booking::reschedule(&world.services, ANNA, meeting.id, moscow(9, 14, 0)).await,
        Err(UseCaseError::Change(ChangeRefusal::TooLate(24)))
    );
}

#[tokio::test]
async fn rescheduling_links_the_meetings_moves_reminders_and_tells_the_owner() {
    let world = World::with_managers(&[ANNA]).await;
    let old = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.messenger.clear();
    let new = booking::reschedule(&world.services, ANNA, old.id, moscow(9, 10, 30))
        .await
        .unwrap();
    let old_now = world.store.meeting(old.id).await.unwrap().unwrap();
    assert_eq!(
        (old_now.status, old_now.rescheduled_to),
        (MeetingStatus::Rescheduled, Some(new.id))
    );
    assert_eq!(new.rescheduled_from, Some(old.id));
    assert!(
        world
            .store
            .reminders_of(old.id)
            .await
            .unwrap()
            .iter()
            .all(|r| r.state == ReminderState::Cancelled)
    );
    assert_eq!(world.store.reminders_of(new.id).await.unwrap().len(), 6);
    assert_eq!(
        world.messenger.keys_sent_to(OWNER),
        ["meeting-rescheduled-by"]
    );
}

#[tokio::test]
async fn free_slots_leave_out_meetings_buffers_and_external_busy_time() {
    let world = World::with_managers(&[ANNA]).await;
    settings::change(&world.services, OWNER, SettingsChange::Buffer(30))
        .await
        .unwrap();
    world.book_at(ANNA, moscow(9, 12, 0)).await.unwrap();
    world
        .calendar
        .add_external_busy(Interval::new(moscow(9, 15, 0), moscow(9, 16, 0)).unwrap());
    // Free-time screens reuse what the calendar said a moment ago.
    world
        .clock
        .advance(meetbot_usecases::busy_reads::REUSE_ANSWER_FOR);
    let date = chrono::NaiveDate::from_ymd_opt(2030, 1, 9).unwrap();
    let slots = booking::free_slots(&world.services, ANNA, date, "m60")
        .await
        .unwrap();
    let zone = meetbot_domain::Zone::moscow();
    let times: Vec<String> = slots
        .free
        .iter()
        .map(|s| zone.local(s.start()).format("%H:%M").to_string())
        .collect();
    assert_eq!(times, ["10:00", "10:30", "13:30", "16:30", "17:00"]);
}

#[tokio::test]
async fn the_month_view_colours_days_and_closes_weekends_and_the_past() {
    let world = World::with_managers(&[ANNA]).await;
    let month = booking::month(&world.services, ANNA, 2030, 1, "m60")
        .await
        .unwrap();
    assert_eq!(month.len(), 31);
    use meetbot_domain::DayLoad::*;
    assert_eq!(month[5].1, Closed, "6 January is in the past");
    assert_eq!(month[6].1, Light, "today still has free slots");
    assert_eq!(month[11].1, Closed, "12 January is a Saturday");
}

#[tokio::test]
async fn a_manager_sets_their_own_status_and_a_non_active_manager_cannot_book() {
    let world = World::with_managers(&[ANNA]).await;
    members::change_status(&world.services, ANNA, ANNA, Status::Vacation)
        .await
        .unwrap();
    assert_eq!(
        world.book_at(ANNA, moscow(9, 10, 0)).await,
        Err(UseCaseError::Booking(BookingRefusal::NotActive))
    );
    members::change_status(&world.services, ANNA, ANNA, Status::Active)
        .await
        .unwrap();
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
}

#[tokio::test]
async fn the_owner_changes_roles_statuses_and_departments_and_each_change_is_audited() {
    let world = World::with_managers(&[ANNA]).await;
    settings::change(
        &world.services,
        OWNER,
        SettingsChange::Departments(vec!["Продажи".into()]),
    )
    .await
    .unwrap();
    let sales = meetbot_domain::Department::new("Продажи").unwrap();
    members::change_department(&world.services, OWNER, ANNA, Some(sales.clone()))
        .await
        .unwrap();
    assert_eq!(
        world.last_audit().await.action,
        AuditAction::DepartmentChanged
    );
    let unknown = meetbot_domain::Department::new("Космос").unwrap();
    assert_eq!(
        members::change_department(&world.services, OWNER, ANNA, Some(unknown)).await,
        Err(UseCaseError::Invalid("error-department-unknown"))
    );
    members::change_status(&world.services, OWNER, ANNA, Status::Sick)
        .await
        .unwrap();
    assert_eq!(world.messenger.keys_sent_to(ANNA), ["status-changed"]);
    members::change_role(&world.services, OWNER, ANNA, Role::Blocked)
        .await
        .unwrap();
    let anna = world.store.user(ANNA).await.unwrap().unwrap();
    assert_eq!(
        (anna.role, anna.status, anna.department),
        (Role::Blocked, Status::Sick, Some(sales))
    );
    assert_eq!(
        members::change_role(&world.services, OWNER, OWNER, Role::Manager).await,
        Err(UseCaseError::Invalid("error-cannot-change-self"))
    );
    let actions: Vec<_> = world
        .store
        .audit_log(AuditQuery::newest(3))
        .await
        .unwrap()
        .iter()
        .map(|e| e.event.action)
        .collect();
    assert_eq!(
        actions,
        [
            AuditAction::RoleChanged,
            AuditAction::StatusChanged,
            AuditAction::DepartmentChanged
        ]
    );
}

#[tokio::test]
async fn stop_unsubscribes_and_start_resubscribes() {
    let world = World::with_managers(&[ANNA]).await;
    registration::stop(&world.services, ANNA).await.unwrap();
    assert!(!world.store.user(ANNA).await.unwrap().unwrap().subscribed);
    let back = registration::start(&world.services, &profile(ANNA, "Anna"))
        .await
        .unwrap();
    assert!(matches!(back, StartOutcome::Welcome(ref u) if u.subscribed));
    registration::set_language(&world.services, ANNA, Language::En)
        .await
        .unwrap();
    assert_eq!(
        world.store.user(ANNA).await.unwrap().unwrap().language,
        Language::En
    );
}

#[tokio::test]
async fn profile_counts_the_meetings_held() {
    let world = World::with_managers(&[ANNA]).await;
    let meeting = world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.clock.set(meeting.interval.end());
    world
        .store
        .complete_ended_meetings(world.clock.now())
        .await
        .unwrap();
    let view = members::profile(&world.services, ANNA).await.unwrap();
    assert_eq!(
        (view.meetings_held, view.last_meeting),
        (1, Some(meeting.interval.start()))
    );
}

#[tokio::test]
async fn my_meetings_lists_the_managers_own_and_everything_for_the_owner() {
    let world = World::with_managers(&[ANNA, BORIS]).await;
    world.book_at(ANNA, moscow(9, 10, 0)).await.unwrap();
    world.book_at(BORIS, moscow(9, 12, 0)).await.unwrap();
    assert_eq!(
        meetings::upcoming(&world.services, ANNA)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        meetings::upcoming(&world.services, OWNER)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn settings_changes_are_validated_saved_and_audited() {
    let world = World::with_managers(&[]).await;
    settings::change(
        &world.services,
        OWNER,
        SettingsChange::WorkingHours(chrono::Weekday::Sat, Some("10:00-14:00".into())),
    )
    .await
    .unwrap();
    for bad in [
        SettingsChange::SlotStep(20),
        SettingsChange::Zone("Mars/Base".into()),
        SettingsChange::WorkingHours(chrono::Weekday::Mon, Some("18:00-09:00".into())),
        SettingsChange::Buffer(-10),
        SettingsChange::Cutoff(-1),
        SettingsChange::MeetingTypes(vec![]),
    ] {
        assert!(
            settings::change(&world.services, OWNER, bad.clone())
                .await
                .is_err(),
            "{bad:?} accepted"
        );
    }
    let saved = settings::view(&world.services, OWNER).await.unwrap();
    assert!(
        saved
            .availability
            .weekly()
            .on(chrono::Weekday::Sat)
            .is_some()
    );
    assert_eq!(
        world.last_audit().await.action,
        AuditAction::SettingsChanged
    );
}

#[tokio::test]
async fn the_audit_log_is_for_the_owner_only() {
    let world = World::with_managers(&[ANNA]).await;
    let view = meetbot_usecases::audit::AuditView::default();
    assert!(
        !meetbot_usecases::audit::page(&world.services, OWNER, view)
            .await
            .unwrap()
            .lines
            .is_empty()
    );
    assert_eq!(
        meetbot_usecases::audit::page(&world.services, ANNA, view).await,
        Err(UseCaseError::Denied(Denial::OwnerOnly))
    );
}

#[tokio::test]
async fn an_approved_manager_gets_the_manager_command_menu() {
    let world = World::with_managers(&[]).await;
    registration::register(&world.services, &profile(ANNA, "Anna"), None, None)
        .await
        .unwrap();
    registration::approve(&world.services, OWNER, ANNA)
        .await
        .unwrap();
    let menu = world.messenger.menu_of(ANNA).unwrap();
    assert!(menu.contains(&"book".to_owned()) && !menu.contains(&"settings".to_owned()));
    members::change_role(&world.services, OWNER, ANNA, Role::Owner)
        .await
        .unwrap();
    assert!(
        world
            .messenger
            .menu_of(ANNA)
            .unwrap()
            .contains(&"settings".to_owned())
    );
}

#[tokio::test]
async fn reminder_offsets_of_one_meeting_type_replace_the_general_ones_for_that_type_only() {
    let world = World::with_managers(&[ANNA]).await;
    let s = &world.services;
    settings::change(
        s,
        OWNER,
        SettingsChange::TypeReminders("m30".into(), Some(vec![60, 15])),
    )
    .await
    .unwrap();
    let short = world
        .book(ANNA, moscow(9, 10, 0), "m30", None)
        .await
        .unwrap();
    let long = world
        .book(ANNA, moscow(9, 14, 0), "m60", None)
        .await
        .unwrap();
    let offsets = |reminders: Vec<meetbot_ports::Reminder>| {
        let mut minutes: Vec<u32> = reminders.iter().map(|r| r.offset_minutes).collect();
        minutes.dedup();
        minutes
    };
    assert_eq!(
        offsets(world.store.reminders_of(short.id).await.unwrap()),
        [60, 15]
    );
    assert_eq!(
        offsets(world.store.reminders_of(long.id).await.unwrap()),
        [1440, 120, 60]
    );
    assert_eq!(
        settings::change(
            s,
            OWNER,
            SettingsChange::TypeReminders("m45".into(), Some(vec![60]))
        )
        .await,
        Err(UseCaseError::Invalid("error-meeting-type-unknown"))
    );
    settings::change(s, OWNER, SettingsChange::TypeReminders("m30".into(), None))
        .await
        .unwrap();
    let again = world
        .book(ANNA, moscow(10, 10, 0), "m30", None)
        .await
        .unwrap();
    assert_eq!(
        offsets(world.store.reminders_of(again.id).await.unwrap()),
        [1440, 120, 60]
    );
}

#[tokio::test]
async fn the_month_view_counts_busy_time_whose_buffer_reaches_back_into_the_last_day() {
    let world = World::with_managers(&[ANNA]).await;
    let s = &world.services;
    settings::change(
        s,
        OWNER,
        SettingsChange::WorkingHours(chrono::Weekday::Thu, Some("23:00-24:00".into())),
    )
    .await
    .unwrap();
    settings::change(s, OWNER, SettingsChange::Buffer(60))
        .await
        .unwrap();
    // Busy just after midnight on 1 February (Moscow): with an hour of buffer it
    // takes the only slot of Thursday 31 January, 23:00–24:00.
    let just_after = chrono::TimeZone::with_ymd_and_hms(&Utc, 2030, 1, 31, 21, 0, 0).unwrap();
    world
        .calendar
        .add_external_busy(Interval::starting_at(just_after, Duration::minutes(30)).unwrap());
    let month = booking::month(s, ANNA, 2030, 1, "m60").await.unwrap();
    assert_eq!(month[30].1, meetbot_domain::DayLoad::Full);
}
