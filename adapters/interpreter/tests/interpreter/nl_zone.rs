//! "завтра в 10" means 10:00 tomorrow where the person is, whatever the
//! server's zone, on either side of the person's midnight.

#![expect(
    clippy::unwrap_used,
    reason = "test set-up: a bad constant fails the test"
)]

use chrono::{DateTime, Utc};
use meetbot_domain::Language;
use meetbot_domain::request::{Interpretation, Request};
use meetbot_interpreter::OfflineInterpreter;

use crate::support::situation;

fn start_of_booking(text: &str, now: &str, zone: &str) -> DateTime<Utc> {
    let now: DateTime<Utc> = now.parse().unwrap();
    match OfflineInterpreter::new().read(text, &situation(now, zone, Language::Ru)) {
        Interpretation::Request(Request::Book(book)) => book.start,
        other => panic!("{text:?} at {now} in {zone} was read as {other:?}"),
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn nl_zone_tomorrow_at_ten_in_vladivostok_just_before_midnight() {
    // 23:59 on the 14th in Vladivostok (UTC+10).
    let start = start_of_booking("завтра в 10", "2026-01-14T13:59:00Z", "Asia/Vladivostok");

    // 10:00 on the 15th there.
    assert_eq!(start, at("2026-01-15T00:00:00Z"));
}

#[test]
fn nl_zone_tomorrow_at_ten_in_vladivostok_just_after_midnight() {
    // 00:01 on the 15th in Vladivostok, still the 14th in UTC and Moscow.
    let start = start_of_booking("завтра в 10", "2026-01-14T14:01:00Z", "Asia/Vladivostok");

    // 10:00 on the 16th there.
    assert_eq!(start, at("2026-01-16T00:00:00Z"));
}

#[test]
fn nl_zone_tomorrow_at_ten_in_moscow_just_before_midnight() {
    // 23:59 on the 14th in Moscow (UTC+3).
    let start = start_of_booking("завтра в 10", "2026-01-14T20:59:00Z", "Europe/Moscow");

    assert_eq!(start, at("2026-01-15T07:00:00Z"));
}

#[test]
fn nl_zone_tomorrow_at_ten_in_moscow_just_after_midnight() {
    // 00:01 on the 15th in Moscow, still the 14th in UTC.
    let start = start_of_booking("завтра в 10", "2026-01-14T21:01:00Z", "Europe/Moscow");

    assert_eq!(start, at("2026-01-16T07:00:00Z"));
}

#[test]
fn nl_zone_the_same_instant_is_a_different_tomorrow_in_each_zone() {
    let now = "2026-01-14T15:00:00Z";

    let vladivostok = start_of_booking("завтра в 10", now, "Asia/Vladivostok");
    let moscow = start_of_booking("завтра в 10", now, "Europe/Moscow");

    assert_eq!(vladivostok, at("2026-01-16T00:00:00Z"));
    assert_eq!(moscow, at("2026-01-15T07:00:00Z"));
}

#[test]
fn nl_zone_a_time_in_a_spring_forward_gap_is_shifted_forward_like_availability() {
    // 02:30 on 2026-03-29 does not exist in Berlin; it is 03:30 CEST.
    let start = start_of_booking(
        "встреча 29 марта в 2:30",
        "2026-03-20T10:00:00Z",
        "Europe/Berlin",
    );

    assert_eq!(start, at("2026-03-29T01:30:00Z"));
}
