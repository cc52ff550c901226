//! The Calendar contract. Each case gets a fresh, empty calendar.
//!
//! The cases are written against busy time only, because busy time is all
//! the core ever reads back from a calendar: an adapter passes when what it
//! writes shows up (or stops showing up) exactly where the meeting is.
//!
//! Panicking is how a contract case reports a broken promise, so the usual
//! ban on `unwrap` and `expect` does not apply here.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed assertion is the report"
)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use meetbot_domain::{Interval, MeetingId, Zone};

use crate::calendar::{Calendar, CalendarEvent, EventKey};

/// The instant most cases work around: Monday 2030-01-07 09:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// An hour-long interval starting `hours` hours after [`now`].
pub fn hour_at(hours: i64) -> Interval {
    Interval::starting_at(now() + Duration::hours(hours), Duration::hours(1)).unwrap()
}

/// The install id the cases write under.
pub const INSTALL: &str = "0123456789abcdef";

/// The name of meeting `id`'s event under [`INSTALL`].
pub fn key(id: i64) -> EventKey {
    EventKey {
        meeting: MeetingId(id),
        install: Some(INSTALL.to_owned()),
    }
}

/// The event of meeting `id` at `interval`, with a Cyrillic title so
/// encodings are exercised too.
pub fn event(id: i64, interval: Interval) -> CalendarEvent {
    CalendarEvent {
        key: key(id),
        interval,
        zone: Zone::parse("Europe/Berlin").unwrap(),
        title: format!("Встреча {id}"),
        description: "Тема: бюджет; line two\nwith a newline, a comma and a \\ backslash".into(),
        attendees: Vec::new(),
    }
}

/// The two days around [`now`], wide enough to hold every event of a case.
fn around_now() -> Interval {
    Interval::new(now() - Duration::days(1), now() + Duration::days(2)).unwrap()
}

/// Busy time in `range`, sorted: the port promises the intervals, not their order.
async fn busy(calendar: &Arc<dyn Calendar>, range: Interval) -> Vec<Interval> {
    let mut busy = calendar.busy(range).await.unwrap();
    busy.sort();
    busy
}

/// An event written is reported as busy, exactly where it is.
pub async fn contract_a_written_event_is_busy(calendar: Arc<dyn Calendar>) {
    let slot = hour_at(2);
    calendar.upsert_event(&event(1, slot)).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![slot]);
}

/// Busy time outside the asked range is not reported, and an empty
/// calendar is free.
pub async fn contract_busy_time_is_only_what_overlaps_the_range(calendar: Arc<dyn Calendar>) {
    assert_eq!(busy(&calendar, around_now()).await, vec![]);
    calendar.upsert_event(&event(1, hour_at(2))).await.unwrap();
    let later = Interval::new(now() + Duration::days(3), now() + Duration::days(4)).unwrap();
    assert_eq!(busy(&calendar, later).await, vec![]);
    // Touching is not overlapping: the range ends where the event starts.
    let before = Interval::new(now(), hour_at(2).start()).unwrap();
    assert_eq!(busy(&calendar, before).await, vec![]);
}

/// An event sticking out of the range is still reported, whole.
pub async fn contract_an_event_partly_inside_the_range_is_returned_whole(
    calendar: Arc<dyn Calendar>,
) {
    let slot = Interval::starting_at(now() + Duration::hours(2), Duration::hours(3)).unwrap();
    calendar.upsert_event(&event(1, slot)).await.unwrap();
    let range = Interval::new(now() + Duration::hours(3), now() + Duration::hours(4)).unwrap();
    assert_eq!(busy(&calendar, range).await, vec![slot]);
}

/// Writing a meeting again with a new time moves its event.
pub async fn contract_writing_again_moves_the_event(calendar: Arc<dyn Calendar>) {
    calendar.upsert_event(&event(7, hour_at(2))).await.unwrap();
    // Overlapping the old time on purpose: a second event instead of a move
    // would show as one longer busy block.
    let moved = Interval::starting_at(
        hour_at(2).start() + Duration::minutes(30),
        Duration::hours(1),
    )
    .unwrap();
    let mut again = event(7, moved);
    again.title = "Перенесённая встреча".into();
    calendar.upsert_event(&again).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![moved]);
}

/// Writing the same meeting twice (a retried job) leaves one event.
pub async fn contract_writing_the_same_meeting_twice_leaves_one_event(calendar: Arc<dyn Calendar>) {
    let first = event(3, hour_at(2));
    calendar.upsert_event(&first).await.unwrap();
    calendar.upsert_event(&first).await.unwrap();
    calendar.upsert_event(&event(4, hour_at(5))).await.unwrap();
    assert_eq!(
        busy(&calendar, around_now()).await,
        vec![hour_at(2), hour_at(5)]
    );
    // Cancelling it once frees it: no second copy stays behind.
    calendar.cancel_event(&key(3)).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![hour_at(5)]);
}

/// Cancelling a meeting frees its time and leaves the others.
pub async fn contract_a_cancelled_event_frees_its_time(calendar: Arc<dyn Calendar>) {
    calendar.upsert_event(&event(1, hour_at(2))).await.unwrap();
    calendar.upsert_event(&event(2, hour_at(4))).await.unwrap();
    calendar.cancel_event(&key(1)).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![hour_at(4)]);
}

/// Cancelling an event that does not exist, or twice, succeeds (retries
/// are harmless).
pub async fn contract_cancelling_a_missing_event_succeeds(calendar: Arc<dyn Calendar>) {
    calendar.cancel_event(&key(99)).await.unwrap();
    calendar.upsert_event(&event(5, hour_at(2))).await.unwrap();
    calendar.cancel_event(&key(5)).await.unwrap();
    calendar.cancel_event(&key(5)).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![]);
}

/// A cancelled meeting written again (a job replayed out of order) comes back.
pub async fn contract_a_cancelled_meeting_can_be_written_again(calendar: Arc<dyn Calendar>) {
    calendar.upsert_event(&event(6, hour_at(2))).await.unwrap();
    calendar.cancel_event(&key(6)).await.unwrap();
    calendar.upsert_event(&event(6, hour_at(3))).await.unwrap();
    assert_eq!(busy(&calendar, around_now()).await, vec![hour_at(3)]);
}

/// Busy time crossing local midnight and the Berlin spring-forward switch
/// (2030-03-31 02:00 → 03:00) comes back to the second, whichever local
/// day is asked for.
pub async fn contract_busy_time_across_midnight_and_a_dst_switch_comes_back_exactly(
    calendar: Arc<dyn Calendar>,
) {
    let berlin = Zone::parse("Europe/Berlin").unwrap();
    let local = |d: u32, h: u32, m: u32| {
        berlin.to_utc(
            NaiveDate::from_ymd_opt(2030, 3, d)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap(),
        )
    };
    // Saturday 23:30 CET to Sunday 03:30 CEST: three real hours, not four.
    let night = Interval::new(local(30, 23, 30), local(31, 3, 30)).unwrap();
    assert_eq!(night.start().to_rfc3339(), "2030-03-30T22:30:00+00:00");
    assert_eq!(night.duration(), Duration::hours(3));
    // The first hour after the switch, on the short day.
    let morning = Interval::new(local(31, 3, 0), local(31, 4, 0)).unwrap();
    assert_eq!(morning.start().to_rfc3339(), "2030-03-31T01:00:00+00:00");
    // Sunday 10:00 CEST, the hour the .ics test uses too.
    let late = Interval::new(local(31, 10, 0), local(31, 11, 15)).unwrap();
    calendar.upsert_event(&event(1, night)).await.unwrap();
    calendar.upsert_event(&event(2, late)).await.unwrap();

    let day = |d: u32| {
        berlin.start_of_day(
            NaiveDate::from_ymd_opt(2030, 3, 30).unwrap() + Duration::days(i64::from(d) - 30),
        )
    };
    let saturday = Interval::new(day(30), day(31)).unwrap();
    let sunday = Interval::new(day(31), day(32)).unwrap();
    let weekend = Interval::new(day(30), day(32)).unwrap();
    // The short day really is 23 hours long.
    assert_eq!(sunday.duration(), Duration::hours(23));
    assert_eq!(busy(&calendar, saturday).await, vec![night]);
    assert_eq!(busy(&calendar, sunday).await, vec![night, late]);
    assert_eq!(busy(&calendar, weekend).await, vec![night, late]);

    // Moving it into the hour after the switch moves it exactly there.
    calendar.upsert_event(&event(1, morning)).await.unwrap();
    assert_eq!(busy(&calendar, weekend).await, vec![morning, late]);
}

/// The probe succeeds on a reachable calendar with good credentials.
pub async fn contract_the_probe_succeeds(calendar: Arc<dyn Calendar>) {
    calendar.probe().await.unwrap();
}

/// Writes succeed and are harmless to repeat, on a calendar that does not
/// report its own events back (the "none" calendar).
pub async fn contract_writes_succeed_and_repeat_harmlessly(calendar: Arc<dyn Calendar>) {
    let e = event(1, hour_at(2));
    calendar.upsert_event(&e).await.unwrap();
    calendar.upsert_event(&e).await.unwrap();
    calendar.cancel_event(&key(1)).await.unwrap();
    calendar.cancel_event(&key(1)).await.unwrap();
    calendar.cancel_event(&key(99)).await.unwrap();
}
