//! Instants, intervals and time zones.
//!
//! Inside meetbot every instant is UTC. Wall-clock times exist only at the
//! edges, in a user's or the owner's IANA zone, and are converted here with
//! the daylight-saving rules made explicit.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// An IANA time zone such as `Europe/Moscow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone(Tz);

/// A time zone name that is not in the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: expected an IANA name such as Europe/Moscow")]
pub struct ZoneError(pub String);

impl Zone {
    /// Parses an IANA zone name.
    pub fn parse(name: &str) -> Result<Self, ZoneError> {
        Tz::from_str(name.trim())
            .map(Zone)
            .map_err(|_| ZoneError(name.to_owned()))
    }

    /// The zone the organisation uses unless configured otherwise.
    pub fn moscow() -> Self {
        Zone(chrono_tz::Europe::Moscow)
    }

    /// Coordinated Universal Time.
    pub fn utc() -> Self {
        Zone(chrono_tz::UTC)
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The chrono-tz zone, for adapters that render times.
    pub fn tz(&self) -> Tz {
        self.0
    }

    /// The wall-clock time in this zone at an instant.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.0).naive_local()
    }

    /// The calendar date in this zone at an instant.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// The instant a wall-clock time names in this zone.
    ///
    /// A time that does not exist (inside a spring-forward gap) is shifted
    /// forward by the length of the gap, and a time that exists twice (in a
    /// fall-back overlap) means its first occurrence, as RFC 5545 says.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) => at.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => {
                // Interpreting the missing time with the offset in force just
                // before the gap moves it forward by exactly the gap.
                let offset_before = (1..=48)
                    .map(|hours| local - Duration::hours(hours))
                    .find_map(|earlier| match self.0.from_local_datetime(&earlier) {
                        LocalResult::Single(at) | LocalResult::Ambiguous(_, at) => {
                            Some(at.offset().fix())
                        }
                        LocalResult::None => None,
                    });
                let seconds = offset_before.map_or(0, |offset| offset.local_minus_utc());
                (local - Duration::seconds(i64::from(seconds))).and_utc()
            }
        }
    }

    /// How far this zone's clocks are ahead of UTC at the wall-clock time
    /// `local`, in seconds, as [`to_utc`](Self::to_utc) reads it: a time
    /// that exists twice at its first occurrence. `None` inside a
    /// spring-forward gap, which `to_utc` shifts instead.
    pub(crate) fn offset_seconds_at_local(&self, local: NaiveDateTime) -> Option<i32> {
        match self.0.offset_from_local_datetime(&local) {
            LocalResult::Single(offset) | LocalResult::Ambiguous(offset, _) => {
                Some(offset.fix().local_minus_utc())
            }
            LocalResult::None => None,
        }
    }

    /// The instant the given local date starts (its first existing minute).
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.to_utc(date.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// How far this zone's clocks are ahead of UTC at an instant, in seconds.
    pub fn offset_seconds(&self, at: DateTime<Utc>) -> i32 {
        self.0
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    }

    /// The zone's offsets over an interval: the offset at its start, then
    /// each instant the offset changes inside it with the new offset, so
    /// that a database can turn instants into wall-clock times with
    /// arithmetic alone. Zones change their offset at most a few times a
    /// year and never twice in a day, so sampling each day and narrowing
    /// each change down to the second finds them all.
    pub fn offset_changes(&self, interval: Interval) -> Vec<(DateTime<Utc>, i32)> {
        let mut changes = vec![(interval.start(), self.offset_seconds(interval.start()))];
        let mut before = interval.start();
        while before < interval.end() {
            let after = (before + Duration::days(1)).min(interval.end());
            let offset = self.offset_seconds(after);
            if changes.last().is_some_and(|&(_, last)| last != offset) {
                // The change lies in (before, after]: halve down to a second.
                let (mut low, mut high) = (before.timestamp(), after.timestamp());
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    let at = DateTime::from_timestamp(middle, 0).unwrap_or(after);
                    if self.offset_seconds(at) == offset {
                        high = middle;
                    } else {
                        low = middle;
                    }
                }
                let change = DateTime::from_timestamp(high, 0).unwrap_or(after);
                if change < interval.end() {
                    changes.push((change, offset));
                }
            }
            before = after;
        }
        changes
    }
}

/// The Monday of the week (Monday to Sunday) a date falls in.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TryFrom<String> for Zone {
    type Error = ZoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Zone::parse(&value)
    }
}

impl From<Zone> for String {
    fn from(zone: Zone) -> Self {
        zone.name().to_owned()
    }
}

/// A half-open span of UTC time, `[start, end)`, that is never empty.
///
/// Two meetings that touch (one ends at 10:00, the next starts at 10:00) do
/// not overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Interval {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Why an interval could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    /// The end is at or before the start.
    #[error("the end must come after the start")]
    EndNotAfterStart,
    /// A duration of zero or less.
    #[error("the duration must be positive")]
    NonPositiveDuration,
}

impl Interval {
    /// An interval from `start` up to (not including) `end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, IntervalError> {
        if end <= start {
            return Err(IntervalError::EndNotAfterStart);
        }
        Ok(Self { start, end })
    }

    /// An interval of `length` starting at `start`.
    pub fn starting_at(start: DateTime<Utc>, length: Duration) -> Result<Self, IntervalError> {
        if length <= Duration::zero() {
            return Err(IntervalError::NonPositiveDuration);
        }
        Self::new(start, start + length)
    }

    /// The first instant inside.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant after.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// How long it lasts.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// Whether the two share at least one instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this interval.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the instant lies inside.
    pub fn contains_instant(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// The interval grown by `margin` on both sides (a meeting plus its buffer).
    pub fn widened(&self, margin: Duration) -> Interval {
        let margin = margin.max(Duration::zero());
        Interval {
            start: self.start - margin,
            end: self.end + margin,
        }
    }

    /// The same length moved to start at `start`.
    pub fn moved_to(&self, start: DateTime<Utc>) -> Interval {
        Interval {
            start,
            end: start + self.duration(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn at(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::new(
            date.parse().unwrap(),
            NaiveTime::parse_from_str(time, "%H:%M").unwrap(),
        )
    }

    #[test]
    fn offset_changes_name_each_daylight_saving_switch_to_the_second() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let year = Interval::new(
            "2030-01-01T00:00:00Z".parse().unwrap(),
            "2031-01-01T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
        let changes = berlin.offset_changes(year);
        let expected: Vec<(DateTime<Utc>, i32)> = vec![
            ("2030-01-01T00:00:00Z".parse().unwrap(), 3600),
            ("2030-03-31T01:00:00Z".parse().unwrap(), 7200),
            ("2030-10-27T01:00:00Z".parse().unwrap(), 3600),
        ];
        assert_eq!(changes, expected);
        assert_eq!(
            Zone::parse("Asia/Kolkata").unwrap().offset_changes(year),
            vec![(year.start(), 19800)]
        );
    }

    #[test]
    fn an_unknown_zone_name_is_a_typed_error_in_the_constructor() {
        assert_eq!(
            Zone::parse("Mars/Olympus"),
            Err(ZoneError("Mars/Olympus".into()))
        );
        assert!(Zone::parse("").is_err());
    }

    #[test]
    fn an_interval_whose_end_is_not_after_its_start_is_refused_by_the_constructor() {
        let t = Utc::now();
        assert_eq!(Interval::new(t, t), Err(IntervalError::EndNotAfterStart));
        assert_eq!(
            Interval::new(t, t - Duration::minutes(1)),
            Err(IntervalError::EndNotAfterStart)
        );
        assert_eq!(
            Interval::starting_at(t, Duration::zero()),
            Err(IntervalError::NonPositiveDuration)
        );
    }

    #[test]
    fn touching_intervals_do_not_overlap() {
        let t = Utc::now();
        let a = Interval::starting_at(t, Duration::hours(1)).unwrap();
        let b = Interval::starting_at(t + Duration::hours(1), Duration::hours(1)).unwrap();
        assert!(!a.overlaps(&b));
        assert!(a.widened(Duration::minutes(1)).overlaps(&b));
    }

    #[test]
    fn dst_a_time_in_the_berlin_spring_gap_is_shifted_forward_by_the_gap() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 2026-03-29 02:30 does not exist in Berlin; it means 03:30 CEST = 01:30 UTC.
        let utc = berlin.to_utc(at("2026-03-29", "02:30"));
        assert_eq!(utc.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }

    #[test]
    fn dst_an_ambiguous_time_in_the_new_york_fall_overlap_is_its_first_occurrence() {
        let ny = Zone::parse("America/New_York").unwrap();
        // 2026-11-01 01:30 happens twice; the first is EDT (UTC-4).
        let utc = ny.to_utc(at("2026-11-01", "01:30"));
        assert_eq!(utc.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }

    #[test]
    fn dst_a_day_whose_midnight_does_not_exist_starts_at_one_in_the_morning() {
        // Havana springs forward at midnight: 2026-03-08 00:00 does not exist.
        let havana = Zone::parse("America/Havana").unwrap();
        let start = havana.start_of_day("2026-03-08".parse().unwrap());
        assert_eq!(havana.local(start), at("2026-03-08", "01:00"));
    }
}
