//! The Store contract. Each case gets a fresh, empty store.
//!
//! Panicking is how a contract case reports a broken promise, so the usual
//! ban on `unwrap` and `expect` does not apply here.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed assertion is the report"
)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use meetbot_domain::{
    AuditAction, AuditEvent, DisplayName, Interval, Language, MeetingId, MeetingStatus, NewMeeting,
    PlannedReminder, Rating, Role, RsvpAnswer, Status, Topic, User, UserId, Zone,
};

use crate::store::{
    AuditQuery, BookingError, BookingRequest, CalendarJobKind, Feedback, FirstRead, MeetingQuery,
    ReminderState, Rsvp, Store, StoreError, UserQuery,
};

/// The instant every case treats as "now": Monday 2030-01-07 09:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// A manager, registered `minutes_after` minutes after [`now`].
pub fn manager(id: i64, minutes_after: i64) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new(&format!("Менеджер {id}")).unwrap(),
        username: Some(format!("manager{id}")),
        role: Role::Manager,
        status: Status::Active,
        department: None,
        email: None,
        language: Language::Ru,
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: now() + Duration::minutes(minutes_after),
        unreachable_since: None,
    }
}

/// An hour-long interval starting `hours` hours after [`now`].
pub fn hour_at(hours: i64) -> Interval {
    Interval::starting_at(now() + Duration::hours(hours), Duration::hours(1)).unwrap()
}

/// A booking by `booker` of `interval` with no buffer, limit 3 and no reminders.
pub fn request(booker: i64, interval: Interval) -> BookingRequest {
    BookingRequest {
        meeting: NewMeeting {
            booker: UserId(booker),
            interval,
            meeting_type: "m60".into(),
            topic: None,
            rescheduled_from: None,
            created_at: now(),
        },
        buffer: Duration::zero(),
        max_upcoming: Some(3),
        now: now(),
        reminders: Vec::new(),
    }
}

fn reminders_for(interval: Interval, recipients: &[i64]) -> Vec<PlannedReminder> {
    [60u32, 120]
        .into_iter()
        .flat_map(|offset| {
            recipients.iter().map(move |&r| PlannedReminder {
                offset_minutes: offset,
                due_at: interval.start() - Duration::minutes(i64::from(offset)),
                recipient: UserId(r),
            })
        })
        .collect()
}

async fn with_users(store: &Arc<dyn Store>, ids: &[i64]) {
    for (i, &id) in ids.iter().enumerate() {
        store.insert_user(&manager(id, i as i64)).await.unwrap();
    }
}

/// The person, their dialog and a stored value come back together, each
/// or all missing.
pub async fn contract_a_person_and_their_dialog_are_read_in_one_call(store: Arc<dyn Store>) {
    let read = |id: i64| {
        let store = store.clone();
        async move {
            store
                .first_read(UserId(id), "stored settings")
                .await
                .unwrap()
        }
    };
    let first = |person: Option<User>, dialog: Option<&str>, value: Option<&str>| FirstRead {
        person,
        dialog: dialog.map(str::to_owned),
        value: value.map(str::to_owned),
    };
    assert_eq!(read(1).await, first(None, None, None));
    store
        .save_dialog(UserId(1), Some("guest".into()))
        .await
        .unwrap();
    assert_eq!(read(1).await, first(None, Some("guest"), None));
    let user = manager(1, 0);
    store.insert_user(&user).await.unwrap();
    store.insert_user(&manager(2, 1)).await.unwrap();
    store.set_value("stored settings", "{}").await.unwrap();
    store.set_value("other", "x").await.unwrap();
    assert_eq!(read(1).await, first(Some(user), Some("guest"), Some("{}")));
    store.save_dialog(UserId(1), None).await.unwrap();
    assert_eq!(read(2).await, first(Some(manager(2, 1)), None, Some("{}")));
}

/// A user written is read back equal, field by field.
pub async fn contract_a_user_reads_back_as_written(store: Arc<dyn Store>) {
    let mut user = manager(42, 0);
    user.department = Some(meetbot_domain::Department::new("Продажи").unwrap());
    user.email = Some(meetbot_domain::Email::new("ivan@example.com").unwrap());
    user.zone = Zone::parse("America/New_York").unwrap();
    user.language = Language::En;
    store.insert_user(&user).await.unwrap();
    assert_eq!(store.user(UserId(42)).await.unwrap(), Some(user.clone()));
    assert_eq!(store.user(UserId(43)).await.unwrap(), None);

    user.status = Status::BusinessTrip;
    user.subscribed = false;
    user.username = None;
    user.department = None;
    user.unreachable_since = Some(now());
    store.update_user(&user).await.unwrap();
    assert_eq!(store.user(UserId(42)).await.unwrap(), Some(user.clone()));

    user.unreachable_since = None;
    store.update_user(&user).await.unwrap();
    assert_eq!(store.user(UserId(42)).await.unwrap(), Some(user));
}

/// A second insert of the same id is refused and changes nothing.
pub async fn contract_inserting_a_known_user_is_refused(store: Arc<dyn Store>) {
    let user = manager(1, 0);
    store.insert_user(&user).await.unwrap();
    let mut other = manager(1, 5);
    other.role = Role::Owner;
    assert_eq!(
        store.insert_user(&other).await,
        Err(StoreError::AlreadyExists)
    );
    assert_eq!(store.user(UserId(1)).await.unwrap(), Some(user));
}

/// Updating somebody unknown is `NotFound`.
pub async fn contract_updating_an_unknown_user_is_not_found(store: Arc<dyn Store>) {
    assert_eq!(
        store.update_user(&manager(9, 0)).await,
        Err(StoreError::NotFound)
    );
}

/// `change_role` is a compare-and-set: approving twice is a conflict.
pub async fn contract_a_role_changes_only_from_the_expected_role(store: Arc<dyn Store>) {
    let mut user = manager(5, 0);
    user.role = Role::Pending;
    store.insert_user(&user).await.unwrap();
    let approved = store
        .change_role(UserId(5), Role::Pending, Role::Manager)
        .await
        .unwrap();
    assert_eq!(approved.role, Role::Manager);
    assert!(matches!(
        store
            .change_role(UserId(5), Role::Pending, Role::Rejected)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.user(UserId(5)).await.unwrap().unwrap().role,
        Role::Manager
    );
    assert_eq!(
        store
            .change_role(UserId(6), Role::Pending, Role::Manager)
            .await,
        Err(StoreError::NotFound)
    );
}

/// Listing by role keeps registration order.
pub async fn contract_users_are_listed_by_role_in_registration_order(store: Arc<dyn Store>) {
    for (id, minutes, role) in [
        (3, 2, Role::Pending),
        (1, 3, Role::Manager),
        (2, 1, Role::Pending),
    ] {
        let mut user = manager(id, minutes);
        user.role = role;
        store.insert_user(&user).await.unwrap();
    }
    let pending: Vec<i64> = store
        .users(UserQuery {
            role: Some(Role::Pending),
        })
        .await
        .unwrap()
        .iter()
        .map(|u| u.id.0)
        .collect();
    assert_eq!(pending, [2, 3]);
    assert_eq!(store.users(UserQuery::default()).await.unwrap().len(), 3);
}

/// A booking writes the meeting, its reminders and an Upsert job at once.
pub async fn contract_a_booking_stores_the_meeting_its_reminders_and_a_calendar_job(
    store: Arc<dyn Store>,
) {
    with_users(&store, &[1, 100]).await;
    let interval = hour_at(26);
    let mut req = request(1, interval);
    req.meeting.topic = Some(Topic::new("Квартальный план").unwrap());
    req.reminders = reminders_for(interval, &[1, 100]);
    let meeting = store.book(req).await.unwrap();
    assert_eq!(meeting.status, MeetingStatus::Scheduled);
    assert_eq!(meeting.interval, interval);
    assert_eq!(
        meeting.topic.as_ref().map(Topic::as_str),
        Some("Квартальный план")
    );
    assert_eq!(
        store.meeting(meeting.id).await.unwrap(),
        Some(meeting.clone())
    );
    assert_eq!(
        store.meeting(MeetingId(meeting.id.0 + 1000)).await.unwrap(),
        None
    );

    let reminders = store.reminders_of(meeting.id).await.unwrap();
    assert_eq!(reminders.len(), 4);
    assert!(
        reminders
            .iter()
            .all(|r| r.state == ReminderState::Pending && r.attempts == 0)
    );
    assert!(reminders.windows(2).all(|w| w[0].due_at <= w[1].due_at));
    assert_eq!(reminders[0].due_at, interval.start() - Duration::hours(2));

    let jobs = store
        .claim_calendar_jobs(now(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].meeting_id, jobs[0].kind),
        (meeting.id, CalendarJobKind::Upsert)
    );
}

/// Overlap and buffer are checked by the store itself.
pub async fn contract_a_booking_overlapping_a_meeting_or_its_buffer_is_refused(
    store: Arc<dyn Store>,
) {
    with_users(&store, &[1, 2]).await;
    store.book(request(1, hour_at(26))).await.unwrap();
    let half_past = Interval::starting_at(
        hour_at(26).start() + Duration::minutes(30),
        Duration::hours(1),
    )
    .unwrap();
    assert_eq!(
        store.book(request(2, half_past)).await,
        Err(BookingError::SlotTaken)
    );
    let inside = Interval::starting_at(
        hour_at(26).start() + Duration::minutes(10),
        Duration::minutes(20),
    )
    .unwrap();
    assert_eq!(
        store.book(request(2, inside)).await,
        Err(BookingError::SlotTaken)
    );

    // Ten minutes after the end is too close with a 15-minute buffer.
    let near = Interval::starting_at(
        hour_at(27).start() + Duration::minutes(10),
        Duration::hours(1),
    )
    .unwrap();
    let mut with_buffer = request(2, near);
    with_buffer.buffer = Duration::minutes(15);
    assert_eq!(store.book(with_buffer).await, Err(BookingError::SlotTaken));
    let far_enough = near.moved_to(hour_at(27).start() + Duration::minutes(15));
    let mut with_buffer = request(2, far_enough);
    with_buffer.buffer = Duration::minutes(15);
    store.book(with_buffer).await.unwrap();
    assert_eq!(
        store.meetings(MeetingQuery::default()).await.unwrap().len(),
        2
    );
}

/// Half-open intervals: back-to-back meetings are fine without a buffer.
pub async fn contract_touching_meetings_do_not_overlap(store: Arc<dyn Store>) {
    with_users(&store, &[1, 2]).await;
    store.book(request(1, hour_at(26))).await.unwrap();
    store.book(request(2, hour_at(27))).await.unwrap();
    store.book(request(2, hour_at(25))).await.unwrap();
}

/// Past, cancelled and other people's meetings do not count against the limit.
pub async fn contract_limit_counts_only_upcoming_scheduled_meetings(store: Arc<dyn Store>) {
    with_users(&store, &[1, 2]).await;
    let mut past = request(1, hour_at(-5));
    past.now = now() - Duration::hours(10);
    store.book(past).await.unwrap();
    let first = store.book(request(1, hour_at(30))).await.unwrap();
    store.book(request(1, hour_at(32))).await.unwrap();
    store.book(request(2, hour_at(31))).await.unwrap();
    store.book(request(1, hour_at(34))).await.unwrap();
    assert_eq!(
        store.book(request(1, hour_at(36))).await,
        Err(BookingError::LimitReached(3))
    );
    store
        .cancel_meeting(first.id, UserId(1), now())
        .await
        .unwrap();
    store.book(request(1, hour_at(36))).await.unwrap();
    let mut unlimited = request(1, hour_at(38));
    unlimited.max_upcoming = None;
    store.book(unlimited).await.unwrap();
}

/// Cancelling frees the time, cancels pending reminders and queues a Cancel job.
pub async fn contract_cancelling_frees_the_slot_and_cancels_reminders(store: Arc<dyn Store>) {
    with_users(&store, &[1, 2, 100]).await;
    let mut req = request(1, hour_at(26));
    req.reminders = reminders_for(hour_at(26), &[1, 100]);
    let meeting = store.book(req).await.unwrap();
    let later = now() + Duration::minutes(5);
    let cancelled = store
        .cancel_meeting(meeting.id, UserId(100), later)
        .await
        .unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);
    assert_eq!(cancelled.cancelled_by, Some(UserId(100)));
    assert_eq!(cancelled.updated_at, later);
    assert_eq!(store.meeting(meeting.id).await.unwrap(), Some(cancelled));
    let reminders = store.reminders_of(meeting.id).await.unwrap();
    assert!(
        reminders
            .iter()
            .all(|r| r.state == ReminderState::Cancelled)
    );
    let far_future = now() + Duration::days(3);
    assert!(
        store
            .claim_due_reminders(far_future, Duration::seconds(60), 100)
            .await
            .unwrap()
            .is_empty()
    );

    let kinds: Vec<_> = store
        .claim_calendar_jobs(later, Duration::seconds(60), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.kind)
        .collect();
    assert!(kinds.contains(&CalendarJobKind::Cancel));
    store.book(request(2, hour_at(26))).await.unwrap();
}

/// Only a SCHEDULED meeting can be cancelled.
pub async fn contract_cancelling_twice_or_an_unknown_meeting_is_refused(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let meeting = store.book(request(1, hour_at(26))).await.unwrap();
    store
        .cancel_meeting(meeting.id, UserId(1), now())
        .await
        .unwrap();
    assert!(matches!(
        store.cancel_meeting(meeting.id, UserId(1), now()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .cancel_meeting(MeetingId(meeting.id.0 + 1000), UserId(1), now())
            .await,
        Err(StoreError::NotFound)
    );
}

/// A meeting keeps the video link its calendar made; an unknown one is
/// not found.
pub async fn contract_a_meeting_keeps_its_video_link(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let meeting = store.book(request(1, hour_at(26))).await.unwrap();
    assert_eq!(meeting.video_link, None);
    store
        .set_video_link(meeting.id, "https://meet.google.com/abc-defg-hij")
        .await
        .unwrap();
    let read = store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(
        read.video_link.as_deref(),
        Some("https://meet.google.com/abc-defg-hij")
    );
    assert_eq!(
        store
            .set_video_link(MeetingId(meeting.id.0 + 1000), "https://x.example")
            .await,
        Err(StoreError::NotFound)
    );
}

/// A reschedule is a booking that replaces a meeting, in one step.
pub async fn contract_rescheduling_links_the_meetings_and_moves_reminders(store: Arc<dyn Store>) {
    with_users(&store, &[1, 100]).await;
    let mut req = request(1, hour_at(26));
    req.reminders = reminders_for(hour_at(26), &[1, 100]);
    let old = store.book(req).await.unwrap();
    store.book(request(1, hour_at(40))).await.unwrap();
    store.book(request(1, hour_at(42))).await.unwrap();

    // At the limit of 3, moving one of them is still allowed.
    let mut move_req = request(1, hour_at(50));
    move_req.meeting.rescheduled_from = Some(old.id);
    move_req.reminders = reminders_for(hour_at(50), &[1, 100]);
    let new = store.book(move_req).await.unwrap();
    assert_eq!(new.rescheduled_from, Some(old.id));
    let old_now = store.meeting(old.id).await.unwrap().unwrap();
    assert_eq!(old_now.status, MeetingStatus::Rescheduled);
    assert_eq!(old_now.rescheduled_to, Some(new.id));
    assert!(
        store
            .reminders_of(old.id)
            .await
            .unwrap()
            .iter()
            .all(|r| r.state == ReminderState::Cancelled)
    );
    assert_eq!(store.reminders_of(new.id).await.unwrap().len(), 4);
    // The old time is free again.
    let mut other = request(1, hour_at(26));
    other.max_upcoming = None;
    store.book(other).await.unwrap();
}

/// Moving a meeting by half an hour overlaps only itself, which is fine.
pub async fn contract_rescheduling_may_overlap_the_meeting_it_replaces(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let old = store.book(request(1, hour_at(26))).await.unwrap();
    let mut move_req = request(
        1,
        hour_at(26).moved_to(hour_at(26).start() + Duration::minutes(30)),
    );
    move_req.meeting.rescheduled_from = Some(old.id);
    store.book(move_req).await.unwrap();
}

/// Only a SCHEDULED meeting can be moved; the failed move writes nothing.
pub async fn contract_rescheduling_a_cancelled_or_unknown_meeting_is_refused(
    store: Arc<dyn Store>,
) {
    with_users(&store, &[1]).await;
    let old = store.book(request(1, hour_at(26))).await.unwrap();
    store
        .cancel_meeting(old.id, UserId(1), now())
        .await
        .unwrap();
    let mut move_req = request(1, hour_at(30));
    move_req.meeting.rescheduled_from = Some(old.id);
    assert_eq!(
        store.book(move_req.clone()).await,
        Err(BookingError::NotScheduled(MeetingStatus::Cancelled))
    );
    move_req.meeting.rescheduled_from = Some(MeetingId(old.id.0 + 1000));
    assert_eq!(store.book(move_req).await, Err(BookingError::NotFound));
    assert_eq!(
        store.meetings(MeetingQuery::default()).await.unwrap().len(),
        1
    );
}

/// The query filters combine, and results come by start time.
pub async fn contract_meetings_are_filtered_by_booker_status_and_time(store: Arc<dyn Store>) {
    with_users(&store, &[1, 2]).await;
    let late = store.book(request(1, hour_at(50))).await.unwrap();
    let early = store.book(request(1, hour_at(26))).await.unwrap();
    let other = store.book(request(2, hour_at(30))).await.unwrap();
    let cancelled = store.book(request(2, hour_at(60))).await.unwrap();
    store
        .cancel_meeting(cancelled.id, UserId(2), now())
        .await
        .unwrap();

    let ids = |ms: Vec<meetbot_domain::Meeting>| ms.into_iter().map(|m| m.id).collect::<Vec<_>>();
    let of_one = store
        .meetings(MeetingQuery {
            booker: Some(UserId(1)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(of_one), [early.id, late.id]);
    let scheduled = store
        .meetings(MeetingQuery {
            statuses: vec![MeetingStatus::Scheduled],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(scheduled), [early.id, other.id, late.id]);
    let window = Interval::new(
        hour_at(26).end(),
        hour_at(50).start() + Duration::minutes(1),
    )
    .unwrap();
    let in_window = store
        .meetings(MeetingQuery {
            overlapping: Some(window),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(in_window), [other.id, late.id]);
}

/// A meeting completes once its end has passed, not before.
pub async fn contract_ended_meetings_become_completed(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let first = store.book(request(1, hour_at(26))).await.unwrap();
    let second = store.book(request(1, hour_at(28))).await.unwrap();
    let done = store
        .complete_ended_meetings(hour_at(26).end())
        .await
        .unwrap();
    assert_eq!(done.iter().map(|m| m.id).collect::<Vec<_>>(), [first.id]);
    assert_eq!(done[0].status, MeetingStatus::Completed);
    assert_eq!(
        store.meeting(second.id).await.unwrap().unwrap().status,
        MeetingStatus::Scheduled
    );
    assert!(
        store
            .complete_ended_meetings(hour_at(26).end())
            .await
            .unwrap()
            .is_empty()
    );
}

/// A claimed reminder is not claimed again while its lease runs, nor once sent.
pub async fn contract_due_reminders_are_claimed_once_while_leased(store: Arc<dyn Store>) {
    with_users(&store, &[1, 100]).await;
    let mut req = request(1, hour_at(3));
    req.reminders = reminders_for(hour_at(3), &[1, 100]);
    let meeting = store.book(req).await.unwrap();
    assert_eq!(
        store.next_reminder_at().await.unwrap(),
        Some(hour_at(1).start())
    );

    let at = hour_at(1).start();
    let claimed = store
        .claim_due_reminders(at, Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2, "only the 2-hour reminders are due");
    assert!(
        claimed
            .iter()
            .all(|r| r.meeting_id == meeting.id && r.offset_minutes == 120)
    );
    assert!(
        store
            .claim_due_reminders(at, Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    for r in &claimed {
        store
            .finish_reminder(r.id, ReminderState::Sent, now())
            .await
            .unwrap();
    }
    let much_later = hour_at(2).start() + Duration::minutes(30);
    let next = store
        .claim_due_reminders(much_later, Duration::seconds(60), 1)
        .await
        .unwrap();
    assert_eq!(next.len(), 1, "the limit is respected");
    assert_eq!(next[0].offset_minutes, 60);
    let states: Vec<_> = store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(
        states.iter().filter(|s| **s == ReminderState::Sent).count(),
        2
    );
}

/// A claimer that died leaves a lease that expires; then the reminder is claimed again.
pub async fn contract_an_expired_reminder_lease_is_claimed_again(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let mut req = request(1, hour_at(3));
    req.reminders = reminders_for(hour_at(3), &[1]);
    store.book(req).await.unwrap();
    let at = hour_at(2).start();
    assert_eq!(
        store
            .claim_due_reminders(at, Duration::seconds(60), 10)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .claim_due_reminders(at + Duration::seconds(59), Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .claim_due_reminders(at + Duration::seconds(61), Duration::seconds(60), 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

/// A retry counts an attempt and is not claimed before its time.
pub async fn contract_a_retried_reminder_waits_and_counts_attempts(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let mut req = request(1, hour_at(3));
    req.reminders = reminders_for(hour_at(3), &[1])
        .into_iter()
        .filter(|r| r.offset_minutes == 120)
        .collect();
    store.book(req).await.unwrap();
    let at = hour_at(1).start();
    let claimed = store
        .claim_due_reminders(at, Duration::seconds(60), 10)
        .await
        .unwrap();
    let retry_at = at + Duration::minutes(5);
    store.retry_reminder(claimed[0].id, retry_at).await.unwrap();
    assert_eq!(store.next_reminder_at().await.unwrap(), Some(retry_at));
    assert!(
        store
            .claim_due_reminders(retry_at - Duration::seconds(1), Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_due_reminders(retry_at, Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
    store
        .finish_reminder(again[0].id, ReminderState::Failed, now())
        .await
        .unwrap();
    assert_eq!(store.next_reminder_at().await.unwrap(), None);
}

/// Concurrent claimers split the due reminders between them; none is claimed twice.
pub async fn contract_reminder_claimers_running_at_once_never_share_a_reminder(
    store: Arc<dyn Store>,
) {
    with_users(&store, &[1]).await;
    for hour in 0..20 {
        let interval = hour_at(100 + hour * 2);
        let mut req = request(1, interval);
        req.max_upcoming = None;
        req.reminders = reminders_for(interval, &[1, 2, 3, 4, 5]);
        store.book(req).await.unwrap();
    }
    let at = hour_at(200).start();
    let claimers: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store
                        .claim_due_reminders(at, Duration::seconds(600), 7)
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|r| r.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let total = all.len();
    all.sort();
    all.dedup();
    assert_eq!(total, all.len(), "a reminder was claimed twice");
    assert_eq!(total, 200);
}

/// The outbox: claim, lease, retry with an error, finish.
pub async fn contract_calendar_jobs_are_claimed_retried_and_finished(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let meeting = store.book(request(1, hour_at(26))).await.unwrap();
    let jobs = store
        .claim_calendar_jobs(now(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(
        store
            .claim_calendar_jobs(now(), Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let retry_at = now() + Duration::minutes(2);
    store
        .retry_calendar_job(jobs[0].id, retry_at, "503 from the calendar")
        .await
        .unwrap();
    assert!(
        store
            .claim_calendar_jobs(retry_at - Duration::seconds(1), Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_calendar_jobs(retry_at, Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].meeting_id, meeting.id);
    assert_eq!(again[0].attempts, 1);
    assert_eq!(
        again[0].last_error.as_deref(),
        Some("503 from the calendar")
    );
    store.finish_calendar_job(again[0].id).await.unwrap();
    let much_later = now() + Duration::days(1);
    assert!(
        store
            .claim_calendar_jobs(much_later, Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Dialog state is opaque text kept per person.
pub async fn contract_dialog_state_is_saved_and_cleared(store: Arc<dyn Store>) {
    assert_eq!(store.dialog(UserId(1)).await.unwrap(), None);
    store
        .save_dialog(UserId(1), Some("{\"step\":\"pick_day\"}".into()))
        .await
        .unwrap();
    store
        .save_dialog(UserId(1), Some("{\"step\":\"pick_slot\"}".into()))
        .await
        .unwrap();
    store
        .save_dialog(UserId(2), Some("other".into()))
        .await
        .unwrap();
    assert_eq!(
        store.dialog(UserId(1)).await.unwrap().as_deref(),
        Some("{\"step\":\"pick_slot\"}")
    );
    store.save_dialog(UserId(1), None).await.unwrap();
    assert_eq!(store.dialog(UserId(1)).await.unwrap(), None);
    assert_eq!(
        store.dialog(UserId(2)).await.unwrap().as_deref(),
        Some("other")
    );
}

/// Small values by key.
pub async fn contract_values_are_stored_and_replaced(store: Arc<dyn Store>) {
    assert_eq!(store.value("telegram.offset").await.unwrap(), None);
    store.set_value("telegram.offset", "41").await.unwrap();
    store.set_value("telegram.offset", "42").await.unwrap();
    store
        .set_value("settings", "{\"ключ\":\"значение\"}")
        .await
        .unwrap();
    assert_eq!(
        store.value("telegram.offset").await.unwrap().as_deref(),
        Some("42")
    );
    assert_eq!(
        store.value("settings").await.unwrap().as_deref(),
        Some("{\"ключ\":\"значение\"}")
    );
}

/// A heartbeat replaces the one before and tells when that one was.
pub async fn contract_a_heartbeat_replaces_the_one_before(store: Arc<dyn Store>) {
    assert_eq!(store.heartbeat(now()).await.unwrap(), None);
    assert_eq!(
        store
            .heartbeat(now() + Duration::seconds(30))
            .await
            .unwrap(),
        Some(now())
    );
    assert_eq!(
        store.heartbeat(now() + Duration::minutes(1)).await.unwrap(),
        Some(now() + Duration::seconds(30))
    );
}

/// The audit log keeps every field and lists newest first.
pub async fn contract_the_audit_log_is_newest_first(store: Arc<dyn Store>) {
    for i in 0..5 {
        let event = AuditEvent::new(
            now() + Duration::minutes(i),
            Some(UserId(100)),
            AuditAction::RoleChanged,
        )
        .on(UserId(i))
        .with(format!("MANAGER -> OWNER #{i}"));
        store.append_audit(&event).await.unwrap();
    }
    store
        .append_audit(&AuditEvent::new(
            now() + Duration::minutes(10),
            None,
            AuditAction::PermissionDenied,
        ))
        .await
        .unwrap();
    let log = store.audit_log(AuditQuery::newest(3)).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log[0].event,
        AuditEvent::new(
            now() + Duration::minutes(10),
            None,
            AuditAction::PermissionDenied
        )
    );
    assert_eq!(log[1].event.details, "MANAGER -> OWNER #4");
    assert_eq!(log[1].event.target.as_deref(), Some("4"));
    assert_eq!(log[1].event.actor, Some(UserId(100)));
    assert!(log[0].id > log[1].id && log[1].id > log[2].id);
}

/// 64 people press the same slot at once: exactly one meeting, 63 clean refusals.
pub async fn booking_storm_of_64_attempts_at_one_slot_makes_exactly_one_meeting(
    store: Arc<dyn Store>,
) {
    let ids: Vec<i64> = (1..=64).collect();
    with_users(&store, &ids).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(ids.len()));
    let attempts: Vec<_> = ids
        .iter()
        .map(|&id| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                // Everyone wants 26:00–27:00, some with a slightly shifted start.
                let start = hour_at(26).start() + Duration::minutes((id % 3) * 15);
                store.book(request(id, hour_at(26).moved_to(start))).await
            })
        })
        .collect();
    let mut booked = 0;
    let mut taken = 0;
    for attempt in futures::future::join_all(attempts).await {
        match attempt.unwrap() {
            Ok(_) => booked += 1,
            Err(BookingError::SlotTaken) => taken += 1,
            Err(other) => panic!("a storm attempt failed uncleanly: {other:?}"),
        }
    }
    assert_eq!((booked, taken), (1, 63));
    let scheduled = store
        .meetings(MeetingQuery {
            statuses: vec![MeetingStatus::Scheduled],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(scheduled.len(), 1);
}

/// One manager presses ten different slots at once with a limit of 3: exactly 3 meetings.
pub async fn limit_holds_under_concurrent_bookings_by_one_manager(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let attempts: Vec<_> = (0..10)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.book(request(1, hour_at(30 + i * 2))).await })
        })
        .collect();
    let mut booked = 0;
    for attempt in futures::future::join_all(attempts).await {
        match attempt.unwrap() {
            Ok(_) => booked += 1,
            Err(BookingError::LimitReached(3)) => {}
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(booked, 3);
}

/// Every way a reminder's life can end is stored and read back as written.
pub async fn contract_every_reminder_state_is_stored_and_read_back(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let states = [
        ReminderState::Sent,
        ReminderState::Cancelled,
        ReminderState::Missed,
        ReminderState::Failed,
        ReminderState::Skipped,
    ];
    let mut req = request(1, hour_at(30));
    req.reminders = (0..states.len())
        .map(|i| PlannedReminder {
            offset_minutes: 60 * (i as u32 + 1),
            due_at: hour_at(30).start() - Duration::hours(i as i64 + 1),
            recipient: UserId(1),
        })
        .collect();
    let meeting = store.book(req).await.unwrap();
    let claimed = store
        .claim_due_reminders(hour_at(30).start(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), states.len());
    for (reminder, state) in claimed.iter().zip(states) {
        store
            .finish_reminder(reminder.id, state, hour_at(30).start())
            .await
            .unwrap();
    }
    let mut stored: Vec<_> = store
        .reminders_of(meeting.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.state))
        .collect();
    stored.sort_by_key(|(id, _)| *id);
    let mut expected: Vec<_> = claimed.iter().map(|r| r.id).zip(states).collect();
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(stored, expected);
    assert_eq!(store.next_reminder_at().await.unwrap(), None);
}

/// The backlog counts the reminders of the window that failed or were
/// missed, those sent late, and those still pending too long; reminders
/// sent on time, or of before the window, are not counted.
pub async fn contract_the_backlog_counts_troubled_reminders(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let start = hour_at(30).start();
    let due = |hours_before: i64| start - Duration::hours(hours_before);
    let mut req = request(1, hour_at(30));
    req.reminders = (1..=5)
        .map(|i| PlannedReminder {
            offset_minutes: 60 * i,
            due_at: due(i64::from(i)),
            recipient: UserId(1),
        })
        .collect();
    store.book(req).await.unwrap();
    let mut claimed = store
        .claim_due_reminders(due(2), Duration::seconds(60), 10)
        .await
        .unwrap();
    claimed.sort_by_key(|r| r.due_at);
    // Due 5, 4, 3 and 2 hours before: sent on time, sent 10 minutes late,
    // failed, missed; the one due an hour before stays pending.
    let ended = [
        (ReminderState::Sent, Duration::minutes(1)),
        (ReminderState::Sent, Duration::minutes(10)),
        (ReminderState::Failed, Duration::minutes(1)),
        (ReminderState::Missed, Duration::minutes(1)),
    ];
    assert_eq!(claimed.len(), ended.len());
    for (reminder, (state, after)) in claimed.iter().zip(ended) {
        store
            .finish_reminder(reminder.id, state, reminder.due_at + after)
            .await
            .unwrap();
    }

    let now = due(1) + Duration::minutes(30);
    let backlog = store
        .backlog(due(6), now, Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(backlog.reminders_failed, 1);
    assert_eq!(backlog.reminders_missed, 1);
    assert_eq!(
        backlog.reminders_late, 2,
        "sent 10 minutes late, and pending 30"
    );

    let before_the_window = store
        .backlog(due(1), due(1) + Duration::minutes(2), Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(before_the_window.reminders_failed, 0);
    assert_eq!(before_the_window.reminders_late, 0);
}

/// A key is recorded the first time only; other keys are independent.
pub async fn contract_a_key_is_recorded_once(store: Arc<dyn Store>) {
    assert!(
        store
            .record_once("cadence:1:2030-01-21:7", now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_once("cadence:1:2030-01-21:7", now() + Duration::days(1))
            .await
            .unwrap()
    );
    assert!(
        store
            .record_once("cadence:1:2030-01-21:3", now())
            .await
            .unwrap()
    );
    let long = format!("rsvp:{}", "x".repeat(300));
    assert!(store.record_once(&long, now()).await.unwrap());
    assert!(!store.record_once(&long, now()).await.unwrap());
}

/// Of many claimers of one key at once, exactly one wins.
pub async fn contract_once_only_records_racing_for_one_key_let_exactly_one_win(
    store: Arc<dyn Store>,
) {
    let racers: Vec<_> = (0..16)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.record_once("digest:2030-01-07", now()).await })
        })
        .collect();
    let mut winners = 0;
    for racer in racers {
        if racer.await.unwrap().unwrap() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

fn feedback(meeting: MeetingId, author: i64, stars: i64, comment: Option<&str>) -> Feedback {
    Feedback {
        meeting_id: meeting,
        author: UserId(author),
        rating: Rating::new(stars).unwrap(),
        comment: comment.map(str::to_owned),
        at: now() + Duration::minutes(stars),
    }
}

/// Rating a meeting again replaces the rating and the comment.
pub async fn contract_a_second_feedback_replaces_the_first(store: Arc<dyn Store>) {
    with_users(&store, &[1]).await;
    let meeting = store.book(request(1, hour_at(-5))).await.unwrap();
    assert_eq!(store.feedback_of(meeting.id).await.unwrap(), None);
    let first = feedback(meeting.id, 1, 2, Some("Слишком коротко"));
    store.save_feedback(&first).await.unwrap();
    assert_eq!(store.feedback_of(meeting.id).await.unwrap(), Some(first));
    let second = feedback(meeting.id, 1, 5, None);
    store.save_feedback(&second).await.unwrap();
    assert_eq!(
        store.feedback_of(meeting.id).await.unwrap(),
        Some(second.clone())
    );
    assert_eq!(store.feedbacks(None).await.unwrap(), [second]);
}

/// Feedback is listed for everybody or one author, oldest first.
pub async fn contract_feedbacks_are_listed_by_author_oldest_first(store: Arc<dyn Store>) {
    with_users(&store, &[1, 2]).await;
    let a = store.book(request(1, hour_at(-10))).await.unwrap();
    let b = store.book(request(2, hour_at(-8))).await.unwrap();
    let c = store.book(request(1, hour_at(-6))).await.unwrap();
    let (fa, fb, fc) = (
        feedback(a.id, 1, 4, None),
        feedback(b.id, 2, 1, Some("late")),
        feedback(c.id, 1, 5, Some("👍")),
    );
    for f in [&fc, &fa, &fb] {
        store.save_feedback(f).await.unwrap();
    }
    assert_eq!(
        store.feedbacks(None).await.unwrap(),
        [fb.clone(), fa.clone(), fc.clone()]
    );
    assert_eq!(store.feedbacks(Some(UserId(1))).await.unwrap(), [fa, fc]);
    assert_eq!(store.feedbacks(Some(UserId(3))).await.unwrap(), []);
}

/// One answer per person and occurrence: the latest one.
pub async fn contract_rsvp_answers_are_per_occurrence_and_the_latest_wins(store: Arc<dyn Store>) {
    let answer = |occurrence: &str, user: i64, answer: RsvpAnswer, minutes: i64| Rsvp {
        occurrence: occurrence.to_owned(),
        user: UserId(user),
        answer,
        at: now() + Duration::minutes(minutes),
    };
    let week = "group:2030-01-09";
    store
        .save_rsvp(&answer(week, 2, RsvpAnswer::Yes, 1))
        .await
        .unwrap();
    store
        .save_rsvp(&answer(week, 1, RsvpAnswer::Yes, 2))
        .await
        .unwrap();
    store
        .save_rsvp(&answer("group:2030-01-16", 1, RsvpAnswer::No, 3))
        .await
        .unwrap();
    store
        .save_rsvp(&answer(week, 2, RsvpAnswer::No, 4))
        .await
        .unwrap();
    assert_eq!(
        store.rsvps(week).await.unwrap(),
        [
            answer(week, 1, RsvpAnswer::Yes, 2),
            answer(week, 2, RsvpAnswer::No, 4)
        ]
    );
    assert_eq!(store.rsvps("group:2030-01-23").await.unwrap(), []);
}
