//! The owner's busy time, prepared once for many "is this slot free?" questions.
//!
//! A month view asks about every slot of every day; checking each slot
//! against every meeting and calendar event made that quadratic (8.5 ms for
//! a month with 1,000 busy intervals). Here the busy intervals are widened
//! by the buffer, sorted and merged once, so a question is a binary search
//! or, for slots asked in time order, a step of a moving cursor.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike as _, Utc};

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

    /// The instant the wall-clock time `local` names where clocks are
    /// `offset_seconds` ahead of UTC, or `None` when that does not fit in a
    /// tick.
    pub(crate) fn of_local(local: NaiveDateTime, offset_seconds: i32) -> Option<Self> {
        let as_if_utc = local.and_utc().timestamp_nanos_opt()?;
        as_if_utc
            .checked_sub(i64::from(offset_seconds) * NANOS_PER_SECOND)
            .map(Self)
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
    /// `None` when the day's midnight lies outside the tick range.
    midnight: Option<Tick>,
    date: NaiveDate,
}

impl DayClock {
    /// For ticks on the UTC day of `at`.
    pub(crate) fn on_day_of(at: DateTime<Utc>) -> Self {
        let date = at.naive_utc().date();
        Self {
            midnight: midnight_nanos(date).map(Tick),
            date,
        }
    }

    /// The instant `tick`, on any day (those of other days the slow way).
    pub(crate) fn at(&self, tick: Tick) -> DateTime<Utc> {
        let Some(midnight) = self.midnight else {
            return tick.at();
        };
        let since = tick.since(midnight);
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
/// The longest a UTC day's times of day run: one with a leap second ends
/// just before 86,401 seconds.
const NANOS_PER_LONGEST_DAY: i64 = 86_401 * NANOS_PER_SECOND;

/// The tick of the midnight that starts `date` (UTC), or `None` when it lies
/// outside the tick range.
fn midnight_nanos(date: NaiveDate) -> Option<i64> {
    date.and_time(NaiveTime::MIN)
        .and_utc()
        .timestamp_nanos_opt()
}

/// Nanoseconds since midnight, a leap second's included.
fn nanos_since_midnight(time: NaiveTime) -> i64 {
    i64::from(time.num_seconds_from_midnight()) * NANOS_PER_SECOND + i64::from(time.nanosecond())
}

/// Counts the starts and ends of busy intervals as ticks widened by a
/// margin. Busy intervals come by the day, and chrono's count of days since
/// 1970 is the costly part of [`Tick::of`]: so the clock is set to the UTC
/// day an interval starts on, and instants of that day or the next are
/// counted from their time of day alone.
#[derive(Debug)]
struct WideningClock {
    margin: i64,
    date: NaiveDate,
    /// Midnight less the margin and midnight plus the margin, which starts
    /// and ends on `date` count from; `None` when some instant of that day
    /// or the next, widened, would leave the tick range (such intervals are
    /// counted the slow way, which holds them at the range's ends).
    bases: Option<(i64, i64)>,
}

impl WideningClock {
    /// Not set to any day yet.
    fn new(margin: i64) -> Self {
        Self {
            margin,
            date: NaiveDate::MIN,
            bases: None,
        }
    }

    fn set_to(&mut self, date: NaiveDate) {
        self.date = date;
        self.bases = midnight_nanos(date).and_then(|midnight| {
            let end_base = midnight.checked_add(self.margin)?;
            end_base.checked_add(NANOS_PER_DAY + NANOS_PER_LONGEST_DAY)?;
            Some((midnight.checked_sub(self.margin)?, end_base))
        });
    }

    /// `[start - margin, end + margin)` of `interval` as ticks, counted as
    /// [`Tick::of`] and [`Tick::plus`] would.
    fn widened(&mut self, interval: &Interval) -> (Tick, Tick) {
        // `naive_utc`: the fields as stored, where `date_naive` and `time`
        // would add the (zero) offset first.
        let (start, end) = (interval.start().naive_utc(), interval.end().naive_utc());
        if start.date() != self.date {
            self.set_to(start.date());
        }
        if let Some((start_base, end_base)) = self.bases {
            let start = Tick(start_base + nanos_since_midnight(start.time()));
            if end.date() == self.date {
                return (start, Tick(end_base + nanos_since_midnight(end.time())));
            }
            if self.date.succ_opt() == Some(end.date()) {
                let end_base = end_base + NANOS_PER_DAY;
                return (start, Tick(end_base + nanos_since_midnight(end.time())));
            }
        }
        (
            Tick::of(interval.start()).plus(-self.margin),
            Tick::of(interval.end()).plus(self.margin),
        )
    }
}

/// Joins each span that starts inside the kept span before it (or where
/// it ends) into that one, in place: on spans sorted by start, merges them.
fn join_into_previous(spans: &mut Vec<(Tick, Tick)>) {
    // `kept` spans are final, the rest still to be read.
    let mut kept: usize = 0;
    for next in 0..spans.len() {
        let (start, end) = spans[next];
        match kept.checked_sub(1).and_then(|last| spans.get_mut(last)) {
            // Overlapping or touching: one span from the earlier start to the later end.
            Some(last) if last.0 <= start && start <= last.1 => last.1 = last.1.max(end),
            _ => {
                spans[kept] = (start, end);
                kept += 1;
            }
        }
    }
    spans.truncate(kept);
}

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
        let mut clock = WideningClock::new(nanos(buffer.max(Duration::zero())));
        let mut spans: Vec<(Tick, Tick)> = Vec::with_capacity(busy.len());
        for interval in busy {
            let (start, end) = clock.widened(interval);
            match spans.last_mut() {
                // Busy intervals come in runs by start time (the store's
                // meetings, then each calendar's events), and many overlap
                // the one before: joined at once, fewer are left to sort.
                Some(last) if last.0 <= start && start <= last.1 => last.1 = last.1.max(end),
                _ => spans.push((start, end)),
            }
        }
        // A stable sort finds those runs and merges them.
        spans.sort_by_key(|&(start, _)| start);
        join_into_previous(&mut spans);
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
            .busy_until(Tick::of(slot.start()), Tick::of(slot.end()))
            .is_none()
    }

    /// A cursor for slots asked in time order from `from` on: each answer
    /// moves it forward, so a day's slots cost one search and one pass.
    pub(crate) fn cursor_from(&self, from: Tick) -> BusyCursor<'_> {
        BusyCursor {
            all: &self.spans,
            ahead: spans_ending_after(&self.spans, from),
            from,
        }
    }
}

/// The spans from the first that ends after `at`: every earlier one lies
/// wholly before it.
fn spans_ending_after(spans: &[(Tick, Tick)], at: Tick) -> &[(Tick, Tick)] {
    &spans[spans.partition_point(|&(_, end)| end <= at)..]
}

/// Answers "is this slot free?" for slots asked in time order with one
/// pass over the busy spans; made by [`BusyTimes::cursor_from`].
#[derive(Clone, Debug)]
pub(crate) struct BusyCursor<'a> {
    /// Every span, for a cursor moved back.
    all: &'a [(Tick, Tick)],
    /// The spans from the first that ends after `from`.
    ahead: &'a [(Tick, Tick)],
    /// The latest start asked about: no span before `ahead` ends after it.
    from: Tick,
}

impl BusyCursor<'_> {
    /// Readies the cursor for slots from `from` on: forward it goes on from
    /// where it is (so the days of a month, asked in order, cost one pass
    /// in all), back it searches again.
    pub(crate) fn move_to(&mut self, from: Tick) {
        if from < self.from {
            self.ahead = spans_ending_after(self.all, from);
        }
        self.from = from;
    }

    /// The end of the busy span the half-open span `[start, end)` overlaps,
    /// or `None` when it is free. Spans must be asked with starts in time
    /// order, none before the cursor's last starting instant
    /// ([`Self::move_to`] goes back); an earlier start may be called free
    /// wrongly.
    pub(crate) fn busy_until(&mut self, start: Tick, end: Tick) -> Option<Tick> {
        self.from = start;
        // Spans that end by this start cannot touch this or any later slot.
        while let Some((&(_, span_end), rest)) = self.ahead.split_first() {
            if span_end > start {
                break;
            }
            self.ahead = rest;
        }
        // The spans are disjoint and in order, so only the first left can overlap.
        self.ahead
            .first()
            .filter(|&&(span_start, _)| span_start < end)
            .map(|&(_, span_end)| span_end)
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

    /// `[start - margin, end + margin)` counted the plain way.
    fn widened_plainly(interval: &Interval, margin: i64) -> (Tick, Tick) {
        (
            Tick::of(interval.start()).plus(-margin),
            Tick::of(interval.end()).plus(margin),
        )
    }

    /// The instant `nanos` after the midnight that starts `day` days after
    /// 1970 (UTC).
    fn after_midnight(day: i64, nanos: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(day * 86_400, 0).unwrap_or_default() + Duration::nanoseconds(nanos)
    }

    proptest! {
        #[test]
        fn a_widening_clock_counts_every_interval_as_tick_of_does(
            // Beyond the ends of the tick range (some 106,752 days from 1970) too.
            day in -110_000i64..110_000,
            start in 0..NANOS_PER_DAY,
            length in 1..3 * NANOS_PER_DAY,
            margin in prop_oneof![Just(0i64), 1..NANOS_PER_DAY, Just(i64::MAX)],
            // The clock as the interval before left it: set to this day, an earlier one, or none.
            day_before in prop_oneof![Just(None), (-2i64..=0).prop_map(Some)],
        ) {
            let interval = Interval::starting_at(
                after_midnight(day, start),
                Duration::nanoseconds(length),
            ).unwrap();
            let mut clock = WideningClock::new(margin);
            if let Some(days) = day_before {
                let before = Interval::starting_at(after_midnight(day + days, 0), Duration::minutes(1)).unwrap();
                prop_assert_eq!(clock.widened(&before), widened_plainly(&before, margin));
            }
            prop_assert_eq!(clock.widened(&interval), widened_plainly(&interval, margin));
        }

        #[test]
        fn a_day_clock_turns_every_tick_back_as_tick_at_does(
            day in -110_000i64..110_000,
            nanos in -2 * NANOS_PER_DAY..3 * NANOS_PER_DAY,
        ) {
            let clock = DayClock::on_day_of(after_midnight(day, 0));
            let tick = Tick::of(after_midnight(day, nanos));
            prop_assert_eq!(clock.at(tick), tick.at());
        }
    }

    #[test]
    fn a_widening_clock_counts_a_leap_second_and_the_ends_of_the_range_as_tick_of_does() {
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        let on_leap_day = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_time(leap)
            .and_utc();
        let intervals = [
            Interval::starting_at(on_leap_day, Duration::seconds(1)).unwrap(),
            Interval::starting_at(on_leap_day - Duration::hours(1), Duration::hours(1)).unwrap(),
            Interval::starting_at(DateTime::<Utc>::MIN_UTC, Duration::days(1)).unwrap(),
            Interval::new(
                DateTime::<Utc>::MAX_UTC - Duration::days(1),
                DateTime::<Utc>::MAX_UTC,
            )
            .unwrap(),
        ];
        for margin in [0, NANOS_PER_DAY, i64::MAX] {
            let mut clock = WideningClock::new(margin);
            for interval in &intervals {
                assert_eq!(
                    clock.widened(interval),
                    widened_plainly(interval, margin),
                    "{interval:?}"
                );
            }
        }
    }

    /// Busy intervals over three days in runs, each run sorted by start as
    /// the store and each calendar hand theirs over, the runs in no order;
    /// minutes from the start, lengths from 1 minute to 3 hours.
    fn busy_in_runs() -> impl Strategy<Value = Vec<Interval>> {
        prop::collection::vec(
            prop::collection::vec((0i64..3 * 24 * 60, 1i64..180), 0..40),
            0..4,
        )
        .prop_map(|runs| {
            runs.into_iter()
                .flat_map(|mut run| {
                    run.sort();
                    run.into_iter().map(|(s, l)| span(s, s + l))
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn property_busy_times_are_the_widened_intervals_sorted_and_merged(
            busy in prop_oneof![busy_in_runs(), arbitrary_busy()],
            buffer in 0i64..90,
        ) {
            let buffer = Duration::minutes(buffer);
            // The plain way: widen each, sort them all, merge neighbours that overlap or touch.
            let mut expected: Vec<(Tick, Tick)> = busy
                .iter()
                .map(|b| widened_plainly(b, nanos(buffer)))
                .collect();
            expected.sort();
            let mut merged: Vec<(Tick, Tick)> = Vec::new();
            for (start, end) in expected {
                match merged.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            prop_assert_eq!(BusyTimes::new(&busy, buffer).spans, merged);
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
                let free = cursor.busy_until(Tick::of(slot.start()), Tick::of(slot.end())).is_none();
                prop_assert_eq!(free, naive(slot), "{:?}", slot);
            }
            // Merged spans are in order and never touch.
            for pair in times.spans().windows(2) {
                prop_assert!(pair[0].end() < pair[1].start());
            }
        }
    }
}
