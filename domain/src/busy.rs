//! The owner's busy time, prepared once for many "is this slot free?" questions.
//!
//! A month view asks about every slot of every day; checking each slot
//! against every meeting and calendar event made that quadratic (8.5 ms for
//! a month with 1,000 busy intervals). Here the busy intervals are widened
//! by the buffer, sorted and merged once, so a question is a binary search
//! or, for slots asked in time order, a step of a moving cursor.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike as _, Utc};

use crate::time::Interval;

/// An instant as nanoseconds since 1970, ordered as the instants are.
/// Slots are stepped through in these rather than in `DateTime`s: adding a
/// duration is then one addition, where chrono's calendar arithmetic would
/// cost more than the whole check. The count is exact from 1677 to 2262;
/// instants beyond are held at those ends, which no bookable slot reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Tick(i64);

impl Tick {
    /// The instant `at`.
    pub(crate) fn of(at: DateTime<Utc>) -> Self {
        Self(at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        }))
    }

    /// The instant `nanos` later (earlier when negative), held at the ends
    /// of the range rather than overflowing.
    pub(crate) fn plus(self, nanos: i64) -> Self {
        Self(self.0.saturating_add(nanos))
    }

    /// How many nanoseconds after `earlier` this is (negative when before).
    pub(crate) fn since(self, earlier: Tick) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Back to a `DateTime`.
    pub(crate) fn at(self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.0)
    }
}

/// Turns ticks of one UTC day back into `DateTime`s cheaply: the date is
/// found once, so each instant is only a time of day (chrono's conversion
/// from a count since 1970 searches the calendar every time).
#[derive(Debug)]
pub(crate) struct DayClock {
    midnight: Tick,
    date: NaiveDate,
}

impl DayClock {
    /// For ticks on the UTC day of `at`.
    pub(crate) fn on_day_of(at: DateTime<Utc>) -> Self {
        let date = at.date_naive();
        Self {
            midnight: Tick::of(date.and_time(NaiveTime::MIN).and_utc()),
            date,
        }
    }

    /// The tick of `at`, on any day (those of other days the slow way): on
    /// the clock's day only the time of day is counted, where chrono's
    /// count of days since 1970 is the costly part of [`Tick::of`].
    pub(crate) fn tick(&self, at: DateTime<Utc>) -> Tick {
        // `naive_utc`: the fields as stored, where `date_naive` and `time`
        // would add the (zero) offset first.
        let at = at.naive_utc();
        let on_this_day = at.date() == self.date
            && self.midnight != Tick(i64::MIN)
            && self.midnight != Tick(i64::MAX);
        if on_this_day {
            let time = at.time();
            let since = i64::from(time.num_seconds_from_midnight()) * NANOS_PER_SECOND
                + i64::from(time.nanosecond());
            if let Some(nanos) = self.midnight.0.checked_add(since) {
                return Tick(nanos);
            }
        }
        Tick::of(at.and_utc())
    }

    /// The instant `tick`, on any day (those of other days the slow way).
    pub(crate) fn at(&self, tick: Tick) -> DateTime<Utc> {
        let since = tick.since(self.midnight);
        if (0..NANOS_PER_DAY).contains(&since) {
            let (seconds, nanos) = (since / NANOS_PER_SECOND, since % NANOS_PER_SECOND);
            if let (Ok(seconds), Ok(nanos)) = (u32::try_from(seconds), u32::try_from(nanos))
                && let Some(time) = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
            {
                return self.date.and_time(time).and_utc();
            }
        }
        tick.at()
    }
}

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// A duration in nanoseconds, held at the ends of the range (some 292 years).
pub(crate) fn nanos(d: Duration) -> i64 {
    d.num_nanoseconds().unwrap_or(if d < Duration::zero() {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// Busy intervals widened by a buffer, sorted and merged: disjoint spans in
/// time order with a gap between any two.
///
/// A slot is free when it overlaps none of the widened intervals. Merging
/// keeps that answer exact: intervals are half-open, so two that overlap or
/// touch cover the same instants as their union, and a slot shares an
/// instant with the union exactly when it shares one with either of them.
/// The order of the busy intervals given does not matter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BusyTimes {
    /// `[start, end)` of each span, in order, never touching.
    spans: Vec<(Tick, Tick)>,
}

impl BusyTimes {
    /// Nothing busy: every slot is free.
    pub fn none() -> Self {
        Self::default()
    }

    /// The busy intervals, each grown by `buffer` on both sides (a negative
    /// buffer counts as none), sorted and merged.
    pub fn new(busy: &[Interval], buffer: Duration) -> Self {
        let margin = nanos(buffer.max(Duration::zero()));
        // Busy intervals come by the day, so the clock of the last day
        // converts most of them.
        let mut clock: Option<DayClock> = None;
        let mut tick = |at: DateTime<Utc>| match &clock {
            Some(day) if day.date == at.naive_utc().date() => day.tick(at),
            _ => clock.insert(DayClock::on_day_of(at)).tick(at),
        };
        let mut spans: Vec<(Tick, Tick)> = busy
            .iter()
            .map(|b| (tick(b.start()).plus(-margin), tick(b.end()).plus(margin)))
            .collect();
        // A stable sort finds runs already in order and merges them: the
        // store's meetings come sorted, and so do a calendar's events.
        spans.sort_by_key(|&(start, _)| start);
        // Merged in place: `kept` spans are final, the rest still to be read.
        let mut kept: usize = 0;
        for next in 0..spans.len() {
            let (start, end) = spans[next];
            match kept.checked_sub(1).and_then(|last| spans.get_mut(last)) {
                // Overlapping or touching: one span from the earlier start to the later end.
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => {
                    spans[kept] = (start, end);
                    kept += 1;
                }
            }
        }
        spans.truncate(kept);
        Self { spans }
    }

    /// The merged spans in time order, disjoint and never touching.
    pub fn spans(&self) -> Vec<Interval> {
        self.spans
            .iter()
            .filter_map(|&(start, end)| Interval::new(start.at(), end.at()).ok())
            .collect()
    }

    /// Whether nothing is busy.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether `slot` overlaps no busy span (a binary search).
    pub fn is_free(&self, slot: &Interval) -> bool {
        self.cursor_from(Tick::of(slot.start()))
            .is_free_between(Tick::of(slot.start()), Tick::of(slot.end()))
    }

    /// A cursor for slots asked in time order from `from` on: each answer
    /// moves it forward, so a day's slots cost one search and one pass.
    pub(crate) fn cursor_from(&self, from: Tick) -> BusyCursor<'_> {
        // The first span that ends after `from`: every earlier one lies wholly before it.
        let next = self.spans.partition_point(|&(_, end)| end <= from);
        BusyCursor {
            spans: &self.spans[next..],
        }
    }
}

/// Answers "is this slot free?" for slots whose starts never go backwards;
/// made by [`BusyTimes::cursor_from`].
#[derive(Clone, Debug)]
pub(crate) struct BusyCursor<'a> {
    spans: &'a [(Tick, Tick)],
}

impl BusyCursor<'_> {
    /// Whether the half-open span `[start, end)` overlaps no busy span.
    /// Spans must be asked with starts in time order, none before the
    /// cursor's starting instant; an earlier start may be called free wrongly.
    pub(crate) fn is_free_between(&mut self, start: Tick, end: Tick) -> bool {
        // Spans that end by this start cannot touch this or any later slot.
        while let Some((&(_, span_end), rest)) = self.spans.split_first() {
            if span_end > start {
                break;
            }
            self.spans = rest;
        }
        // The spans are disjoint and in order, so only the first left can overlap.
        self.spans
            .first()
            .is_none_or(|&(span_start, _)| span_start >= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default() + Duration::minutes(minute)
    }

    fn span(from: i64, to: i64) -> Interval {
        Interval::new(at(from), at(to)).unwrap()
    }

    proptest! {
        #[test]
        fn a_day_clock_counts_every_instant_as_tick_of_does(
            day in -100_000i64..100_000,
            nanos in -2 * NANOS_PER_DAY..3 * NANOS_PER_DAY,
        ) {
            let midnight = DateTime::from_timestamp(day * 86_400, 0).unwrap_or_default();
            let clock = DayClock::on_day_of(midnight);
            let instant = midnight + Duration::nanoseconds(nanos);
            prop_assert_eq!(clock.tick(instant), Tick::of(instant));
        }
    }

    #[test]
    fn a_day_clock_at_the_ends_of_the_range_agrees_with_tick_of() {
        for instant in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            let clock = DayClock::on_day_of(instant);
            assert_eq!(clock.tick(instant), Tick::of(instant));
        }
    }

    #[test]
    fn overlapping_busy_intervals_merge_into_one_span() {
        let busy = BusyTimes::new(&[span(0, 60), span(30, 90), span(40, 50)], Duration::zero());
        assert_eq!(busy.spans(), [span(0, 90)]);
    }

    #[test]
    fn touching_busy_intervals_merge_but_a_slot_in_a_gap_stays_free() {
        let busy = BusyTimes::new(
            &[span(0, 60), span(60, 120), span(150, 180)],
            Duration::zero(),
        );
        assert_eq!(busy.spans(), [span(0, 120), span(150, 180)]);
        assert!(busy.is_free(&span(120, 150)));
        assert!(!busy.is_free(&span(119, 150)));
        assert!(!busy.is_free(&span(120, 151)));
    }

    #[test]
    fn unsorted_busy_intervals_give_the_same_spans_as_sorted_ones() {
        let sorted = [span(0, 30), span(45, 60), span(50, 70), span(100, 130)];
        let mut unsorted = sorted;
        unsorted.reverse();
        unsorted.swap(0, 2);
        assert_eq!(
            BusyTimes::new(&unsorted, Duration::zero()),
            BusyTimes::new(&sorted, Duration::zero())
        );
        assert_eq!(
            BusyTimes::new(&unsorted, Duration::zero()).spans(),
            [span(0, 30), span(45, 70), span(100, 130)]
        );
    }

    #[test]
    fn the_buffer_widens_each_meeting_and_joins_meetings_closer_than_twice_the_buffer() {
        let busy = BusyTimes::new(
            &[span(0, 60), span(80, 120), span(200, 230)],
            Duration::minutes(10),
        );
        // 60 + 10 meets 80 - 10; 120 + 10 stays clear of 200 - 10.
        assert_eq!(busy.spans(), [span(-10, 130), span(190, 240)]);
        assert!(!busy.is_free(&span(130 - 1, 160)));
        assert!(busy.is_free(&span(130, 190)));
        assert!(!busy.is_free(&span(160, 191)));
    }

    #[test]
    fn nothing_busy_leaves_every_slot_free() {
        let busy = BusyTimes::new(&[], Duration::minutes(15));
        assert!(busy.is_empty());
        assert!(busy.is_free(&span(0, 60)));
        assert!(BusyTimes::none().is_free(&span(0, 60)));
    }

    /// Busy intervals over three days, in no order: minutes from the start,
    /// lengths from 1 minute to 3 hours.
    fn arbitrary_busy() -> impl Strategy<Value = Vec<Interval>> {
        prop::collection::vec((0i64..3 * 24 * 60, 1i64..180), 0..60)
            .prop_map(|spans| spans.into_iter().map(|(s, l)| span(s, s + l)).collect())
    }

    proptest! {
        #[test]
        fn property_busy_times_answer_as_checking_every_busy_interval(
            busy in arbitrary_busy(),
            buffer in 0i64..60,
            slots in prop::collection::vec((-60i64..3 * 24 * 60 + 60, 1i64..240), 1..80),
        ) {
            let buffer = Duration::minutes(buffer);
            let times = BusyTimes::new(&busy, buffer);
            let naive = |slot: &Interval| !busy.iter().any(|b| b.widened(buffer).overlaps(slot));
            let mut slots: Vec<Interval> = slots.into_iter().map(|(s, l)| span(s, s + l)).collect();
            for slot in &slots {
                prop_assert_eq!(times.is_free(slot), naive(slot), "{:?}", slot);
            }
            // The cursor, asked in start order as a day's slots are.
            slots.sort_by_key(Interval::start);
            let mut cursor = times.cursor_from(Tick::of(slots[0].start()));
            for slot in &slots {
                let free = cursor.is_free_between(Tick::of(slot.start()), Tick::of(slot.end()));
                prop_assert_eq!(free, naive(slot), "{:?}", slot);
            }
            // Merged spans are in order and never touch.
            for pair in times.spans().windows(2) {
                prop_assert!(pair[0].end() < pair[1].start());
            }
        }
    }
}
