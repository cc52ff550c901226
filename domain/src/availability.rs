//! When the owner can be booked, and which slots are still free.
//!
//! Working hours are wall-clock times in the owner's zone; slots are computed
//! as absolute UTC intervals stepping from the start of the day's window, so
//! a day with a daylight-saving switch has exactly as many real hours as its
//! working hours cover: no missing and no doubled hour.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::busy::{BusyCursor, BusyTimes, DayClock, Tick, nanos};
use crate::meeting::Topic;
use crate::time::{Interval, Zone};

/// Why availability settings could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    /// The window ends at or before it starts, or beyond midnight.
    #[error("working hours must end after they start and by 24:00")]
    BadWindow,
    /// Not of the form `09:00-18:00`.
    #[error("{0:?} is not of the form 09:00-18:00")]
    BadWindowText(String),
    /// The slot step is not 15, 30 or 60 minutes.
    #[error("the slot step must be 15, 30 or 60 minutes, got {0}")]
    BadStep(i64),
    /// A negative or too large number of minutes or days.
    #[error("{what} must be between {min} and {max}, got {got}")]
    OutOfRange {
        /// Which setting.
        what: &'static str,
        /// The smallest allowed.
        min: i64,
        /// The largest allowed.
        max: i64,
        /// What was given.
        got: i64,
    },
}

/// How far apart the offered start times are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub enum SlotStep {
    /// Every quarter of an hour.
    Quarter,
    /// Every half hour.
    Half,
    /// Every hour.
    Hour,
}

impl SlotStep {
    /// The step for 15, 30 or 60 minutes.
    pub fn from_minutes(minutes: i64) -> Result<Self, AvailabilityError> {
        match minutes {
            15 => Ok(Self::Quarter),
            30 => Ok(Self::Half),
            60 => Ok(Self::Hour),
            other => Err(AvailabilityError::BadStep(other)),
        }
    }

    /// The step as a duration.
    pub fn duration(self) -> Duration {
        Duration::minutes(self.minutes())
    }

    /// The step in minutes.
    pub fn minutes(self) -> i64 {
        match self {
            Self::Quarter => 15,
            Self::Half => 30,
            Self::Hour => 60,
        }
    }
}

impl TryFrom<i64> for SlotStep {
    type Error = AvailabilityError;
    fn try_from(minutes: i64) -> Result<Self, Self::Error> {
        Self::from_minutes(minutes)
    }
}

impl From<SlotStep> for i64 {
    fn from(step: SlotStep) -> Self {
        step.minutes()
    }
}

/// A day's working window in wall-clock minutes since midnight, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DayWindow {
    start: u16,
    end: u16,
}

const MINUTES_PER_DAY: u16 = 24 * 60;

impl DayWindow {
    /// A window from `start` to `end` minutes after midnight; `end` may be 1440 (24:00).
    pub fn new(start: u16, end: u16) -> Result<Self, AvailabilityError> {
        if end <= start || end > MINUTES_PER_DAY {
            return Err(AvailabilityError::BadWindow);
        }
        Ok(Self { start, end })
    }

    /// Reads `09:00-18:00` (a dash or an en dash; `24:00` allowed as the end).
    pub fn parse(text: &str) -> Result<Self, AvailabilityError> {
        let bad = || AvailabilityError::BadWindowText(text.to_owned());
        let (from, to) = text.split_once(['-', '–']).ok_or_else(bad)?;
        let minutes = |part: &str| -> Result<u16, AvailabilityError> {
            let part = part.trim();
            if part == "24:00" {
                return Ok(MINUTES_PER_DAY);
            }
            let time = NaiveTime::parse_from_str(part, "%H:%M").map_err(|_| bad())?;
            Ok(time.signed_duration_since(NaiveTime::MIN).num_minutes() as u16)
        };
        Self::new(minutes(from)?, minutes(to)?)
    }

    /// Minutes after midnight the window opens.
    pub fn start_minute(&self) -> u16 {
        self.start
    }

    /// Minutes after midnight the window closes.
    pub fn end_minute(&self) -> u16 {
        self.end
    }

    /// The window on a date, as UTC instants in `zone`.
    pub fn on(&self, date: NaiveDate, zone: Zone) -> Option<Interval> {
        Interval::new(
            zone.to_utc(wall_clock(date, self.start)?),
            zone.to_utc(wall_clock(date, self.end)?),
        )
        .ok()
    }

    /// The window on a date as ticks, as [`on`](Self::on) gives it counted
    /// by [`Tick::of`]: this runs for every day of a month view, so the
    /// zone's offset is subtracted from the wall-clock time directly rather
    /// than building an instant only to count it. `None` where `on` gives
    /// none, or where its ends fall together in ticks (beyond the years
    /// ticks count exactly).
    fn ticks_on(&self, date: NaiveDate, zone: Zone) -> Option<(Tick, Tick)> {
        let tick = |minute: u16| {
            let local = wall_clock(date, minute)?;
            let counted = zone
                .offset_seconds_at_local(local)
                .and_then(|offset| Tick::of_local(local, offset));
            Some(counted.unwrap_or_else(|| Tick::of(zone.to_utc(local))))
        };
        let (start, end) = (tick(self.start)?, tick(self.end)?);
        (start < end).then_some((start, end))
    }
}

/// The wall-clock time `minute` minutes into `date`; 24:00 is the next
/// day's midnight. Built from hours and minutes rather than added to
/// midnight: chrono's date arithmetic would cost more than the rest of a
/// day's work in a month view.
fn wall_clock(date: NaiveDate, minute: u16) -> Option<NaiveDateTime> {
    match minute {
        MINUTES_PER_DAY => Some(date.succ_opt()?.and_time(NaiveTime::MIN)),
        _ => NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
            .map(|time| date.and_time(time)),
    }
}

impl fmt::Display for DayWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

impl TryFrom<String> for DayWindow {
    type Error = AvailabilityError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<DayWindow> for String {
    fn from(window: DayWindow) -> Self {
        window.to_string()
    }
}

/// Working hours for each weekday, Monday first; `None` is a day off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours(pub [Option<DayWindow>; 7]);

impl WeeklyHours {
    /// The same window Monday to Friday, weekends off.
    pub fn weekdays(window: DayWindow) -> Self {
        let mut days = [None; 7];
        for day in days.iter_mut().take(5) {
            *day = Some(window);
        }
        Self(days)
    }

    /// The window of a weekday.
    pub fn on(&self, weekday: chrono::Weekday) -> Option<DayWindow> {
        self.0[weekday.num_days_from_monday() as usize]
    }

    /// Sets the window of a weekday.
    pub fn set(&mut self, weekday: chrono::Weekday, window: Option<DayWindow>) {
        self.0[weekday.num_days_from_monday() as usize] = window;
    }
}

/// How loaded a day is, for the colours of the booking calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayLoad {
    /// Not bookable: past, a day off, or beyond the horizon.
    Closed,
    /// At least half the slots are free (🟢).
    Light,
    /// Some slots are free (🟡).
    Busy,
    /// No slot is free (🔴).
    Full,
}

/// The slots of one day: the free ones and how many the day has at all.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DaySlots {
    /// Free slots in time order.
    pub free: Vec<Interval>,
    /// How many slots the working hours hold, free or not.
    pub total: usize,
}

impl DaySlots {
    /// The colour of the day.
    pub fn load(&self) -> DayLoad {
        DayLoad::of(self.free.len(), self.total)
    }
}

impl DayLoad {
    /// The colour of a day with `free` of its `total` slots free.
    fn of(free: usize, total: usize) -> Self {
        match (total, free) {
            (0, _) => Self::Closed,
            (_, 0) => Self::Full,
            (total, free) if free * 2 >= total => Self::Light,
            _ => Self::Busy,
        }
    }
}

/// Why a requested slot cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlotRefusal {
    /// It starts before now.
    #[error("the time is in the past")]
    InPast,
    /// It starts sooner than the minimum notice allows.
    #[error("the time is too soon: at least {0} minutes of notice are needed")]
    InsideNotice(i64),
    /// It is further ahead than bookings are taken.
    #[error("the time is more than {0} days ahead")]
    BeyondHorizon(u32),
    /// It is not one of the offered slots of the working hours.
    #[error("the time is outside the working hours")]
    OutsideWorkingHours,
    /// Somebody holds this time (or its buffer).
    #[error("the time is taken")]
    Taken,
}

/// The owner's availability: weekly hours, exceptions and booking windows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AvailabilityFields", into = "AvailabilityFields")]
pub struct Availability {
    zone: Zone,
    weekly: WeeklyHours,
    overrides: BTreeMap<NaiveDate, Option<DayWindow>>,
    blocks: Vec<BlockedRange>,
    step: SlotStep,
    buffer_minutes: u32,
    notice_minutes: u32,
    horizon_days: u32,
}

/// A stretch of time the owner closed inside a working day (a doctor's
/// appointment, an offsite): no slot overlapping it is offered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedRange {
    /// When it is closed.
    pub interval: Interval,
    /// Why, as the owner typed it; shown to the bookers it affects.
    pub reason: Option<Topic>,
}

#[derive(Clone, Serialize, Deserialize)]
struct AvailabilityFields {
    zone: Zone,
    weekly: WeeklyHours,
    #[serde(default)]
    overrides: BTreeMap<NaiveDate, Option<DayWindow>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    blocks: Vec<BlockedRange>,
    step_minutes: SlotStep,
    buffer_minutes: i64,
    notice_minutes: i64,
    horizon_days: i64,
}

impl TryFrom<AvailabilityFields> for Availability {
    type Error = AvailabilityError;
    fn try_from(f: AvailabilityFields) -> Result<Self, Self::Error> {
        let mut availability = Availability::new(f.zone, f.weekly, f.step_minutes)?;
        availability.set_buffer_minutes(f.buffer_minutes)?;
        availability.set_notice_minutes(f.notice_minutes)?;
        availability.set_horizon_days(f.horizon_days)?;
        availability.overrides = f.overrides;
        for block in f.blocks {
            availability.add_block(block);
        }
        Ok(availability)
    }
}

impl From<Availability> for AvailabilityFields {
    fn from(a: Availability) -> Self {
        Self {
            zone: a.zone,
            weekly: a.weekly,
            overrides: a.overrides,
            blocks: a.blocks,
            step_minutes: a.step,
            buffer_minutes: i64::from(a.buffer_minutes),
            notice_minutes: i64::from(a.notice_minutes),
            horizon_days: i64::from(a.horizon_days),
        }
    }
}

fn in_range(what: &'static str, got: i64, max: i64) -> Result<u32, AvailabilityError> {
    if (0..=max).contains(&got) {
        Ok(got as u32)
    } else {
        Err(AvailabilityError::OutOfRange {
            what,
            min: 0,
            max,
            got,
        })
    }
}

impl Availability {
    /// Availability with no buffer, no minimum notice and a 30-day horizon.
    pub fn new(zone: Zone, weekly: WeeklyHours, step: SlotStep) -> Result<Self, AvailabilityError> {
        Ok(Self {
            zone,
            weekly,
            overrides: BTreeMap::new(),
            blocks: Vec::new(),
            step,
            buffer_minutes: 0,
            notice_minutes: 0,
            horizon_days: 30,
        })
    }

    /// The owner's zone, in which the working hours are read.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Moves the working hours to another zone.
    pub fn set_zone(&mut self, zone: Zone) {
        self.zone = zone;
    }

    /// The weekly hours.
    pub fn weekly(&self) -> &WeeklyHours {
        &self.weekly
    }

    /// Replaces the weekly hours.
    pub fn set_weekly(&mut self, weekly: WeeklyHours) {
        self.weekly = weekly;
    }

    /// The step between offered start times.
    pub fn step(&self) -> SlotStep {
        self.step
    }

    /// Sets the step between offered start times.
    pub fn set_step(&mut self, step: SlotStep) {
        self.step = step;
    }

    /// Free time kept before and after every meeting.
    pub fn buffer(&self) -> Duration {
        Duration::minutes(i64::from(self.buffer_minutes))
    }

    /// Sets the buffer (0 to 240 minutes).
    pub fn set_buffer_minutes(&mut self, minutes: i64) -> Result<(), AvailabilityError> {
        self.buffer_minutes = in_range("the buffer (minutes)", minutes, 240)?;
        Ok(())
    }

    /// How long before its start a slot can still be booked.
    pub fn notice(&self) -> Duration {
        Duration::minutes(i64::from(self.notice_minutes))
    }

    /// Sets the minimum notice (0 to 14 days, in minutes).
    pub fn set_notice_minutes(&mut self, minutes: i64) -> Result<(), AvailabilityError> {
        self.notice_minutes = in_range("the minimum notice (minutes)", minutes, 14 * 24 * 60)?;
        Ok(())
    }

    /// How many days ahead bookings are taken.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// Sets the booking horizon (1 to 365 days).
    pub fn set_horizon_days(&mut self, days: i64) -> Result<(), AvailabilityError> {
        if days == 0 {
            return Err(AvailabilityError::OutOfRange {
                what: "the booking horizon (days)",
                min: 1,
                max: 365,
                got: 0,
            });
        }
        self.horizon_days = in_range("the booking horizon (days)", days, 365)?;
        Ok(())
    }

    /// Exceptions to the weekly hours by date; `None` is a day off.
    pub fn overrides(&self) -> &BTreeMap<NaiveDate, Option<DayWindow>> {
        &self.overrides
    }

    /// Makes a date a day off (`None`) or gives it its own hours.
    pub fn set_override(&mut self, date: NaiveDate, window: Option<DayWindow>) {
        self.overrides.insert(date, window);
    }

    /// Returns a date to its weekly hours.
    pub fn clear_override(&mut self, date: NaiveDate) {
        self.overrides.remove(&date);
    }

    /// The closed ranges, earliest first.
    pub fn blocks(&self) -> &[BlockedRange] {
        &self.blocks
    }

    /// Closes a range; it stays in start order with the others.
    pub fn add_block(&mut self, block: BlockedRange) {
        let at = self
            .blocks
            .partition_point(|b| b.interval.start() <= block.interval.start());
        self.blocks.insert(at, block);
    }

    /// Opens the range that starts at `start` again; whether there was one.
    pub fn remove_block(&mut self, start: DateTime<Utc>) -> bool {
        let before = self.blocks.len();
        self.blocks.retain(|b| b.interval.start() != start);
        self.blocks.len() != before
    }

    /// Whether the owner closed any part of `interval`.
    pub fn is_closed(&self, interval: &Interval) -> bool {
        self.blocks.iter().any(|b| b.interval.overlaps(interval))
    }

    /// Forgets the ranges that ended by `now`: they can hide no slot.
    pub fn forget_blocks_before(&mut self, now: DateTime<Utc>) {
        self.blocks.retain(|b| b.interval.end() > now);
    }

    /// The working window of a date, as UTC instants.
    pub fn window_on(&self, date: NaiveDate) -> Option<Interval> {
        self.hours_on(date)?.on(date, self.zone)
    }

    /// The working hours of a date: its own, or its weekday's.
    fn hours_on(&self, date: NaiveDate) -> Option<DayWindow> {
        match self.overrides.get(&date) {
            Some(exception) => *exception,
            None => self.weekly.on(date.weekday()),
        }
    }

    /// The dates that can be booked at `now`: today up to the horizon, in the owner's zone.
    pub fn bookable_dates(&self, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = self.zone.date_of(now);
        (today, today + Duration::days(i64::from(self.horizon_days)))
    }

    /// The busy intervals widened by the buffer, sorted and merged: build it
    /// once per request and ask it about every slot of every day.
    /// The closed ranges count as busy too.
    pub fn busy_times(&self, busy: &[Interval]) -> BusyTimes {
        if !self.blocks.is_empty() {
            let mut all = busy.to_vec();
            all.extend(self.blocks.iter().map(|b| b.interval));
            return BusyTimes::new(&all, self.buffer());
        }
        BusyTimes::new(busy, self.buffer())
    }

    /// The slots of `duration` on `date`: every start in the working window,
    /// one step apart, whose meeting ends within the window; free are those at
    /// or after `now` plus the notice that overlap no busy interval widened by
    /// the buffer (`busy` comes from [`busy_times`](Self::busy_times), so the
    /// order of the busy intervals does not matter).
    pub fn day_slots(
        &self,
        date: NaiveDate,
        duration: Duration,
        busy: &BusyTimes,
        now: DateTime<Utc>,
    ) -> DaySlots {
        let Some(grid) = self.grid(&Bounds::new(self, duration, now), date) else {
            return DaySlots::default();
        };
        let clock = DayClock::on_day_of(grid.start.at());
        let mut free = Vec::with_capacity(grid.total);
        grid.free_slots(&mut busy.cursor_from(grid.start), |start, end| {
            free.extend(Interval::new(clock.at(start), clock.at(end)).ok());
        });
        DaySlots {
            free,
            total: grid.total,
        }
    }

    /// How loaded each of `dates` is for meetings of `duration`: the load of
    /// its [`day_slots`](Self::day_slots), for the month view, without
    /// collecting the slots.
    pub fn day_loads(
        &self,
        dates: impl IntoIterator<Item = NaiveDate>,
        duration: Duration,
        busy: &BusyTimes,
        now: DateTime<Utc>,
    ) -> Vec<(NaiveDate, DayLoad)> {
        let bounds = Bounds::new(self, duration, now);
        // One cursor for all the days: asked in order, as a month view asks,
        // they walk the busy spans once.
        let mut cursor: Option<BusyCursor> = None;
        dates
            .into_iter()
            .map(|date| {
                let load = self.grid(&bounds, date).map_or(DayLoad::Closed, |grid| {
                    let cursor = cursor.get_or_insert_with(|| busy.cursor_from(grid.start));
                    cursor.move_to(grid.start);
                    let mut free = 0;
                    grid.free_slots(cursor, |_, _| free += 1);
                    DayLoad::of(free, grid.total)
                });
                (date, load)
            })
            .collect()
    }

    /// The start times of `date`'s slots, or `None` when the day has none.
    fn grid(&self, bounds: &Bounds, date: NaiveDate) -> Option<Grid> {
        if date < bounds.first || date > bounds.last || bounds.length <= 0 {
            return None;
        }
        let (start, end) = self.hours_on(date)?.ticks_on(date, self.zone)?;
        // Whole steps after the first start that still end by the window's end.
        let room = end.since(start).checked_sub(bounds.length)?;
        if room < 0 {
            return None;
        }
        let steps = room.checked_div(bounds.step)?;
        let total = usize::try_from(steps).ok()?.checked_add(1)?;
        Some(Grid {
            start,
            total,
            step: bounds.step,
            length: bounds.length,
            earliest: bounds.earliest,
        })
    }

    /// Checks that `slot` is one of the free slots at `now`, and says why not.
    pub fn check_slot(
        &self,
        slot: &Interval,
        busy: &BusyTimes,
        now: DateTime<Utc>,
    ) -> Result<(), SlotRefusal> {
        if slot.start() < now {
            return Err(SlotRefusal::InPast);
        }
        if slot.start() < now + self.notice() {
            return Err(SlotRefusal::InsideNotice(self.notice().num_minutes()));
        }
        let date = self.zone.date_of(slot.start());
        if date > self.bookable_dates(now).1 {
            return Err(SlotRefusal::BeyondHorizon(self.horizon_days));
        }
        let mut offered = false;
        if let Some(grid) = self.grid(&Bounds::new(self, slot.duration(), now), date) {
            let nothing = BusyTimes::none();
            grid.free_slots(&mut nothing.cursor_from(grid.start), |start, end| {
                offered |= Interval::new(start.at(), end.at()).ok().as_ref() == Some(slot);
            });
        }
        if !offered {
            return Err(SlotRefusal::OutsideWorkingHours);
        }
        if !busy.is_free(slot) {
            return Err(SlotRefusal::Taken);
        }
        Ok(())
    }
}

/// What every day of one question shares: the bookable dates, the first
/// start allowed and the slot's length and step.
struct Bounds {
    first: NaiveDate,
    last: NaiveDate,
    earliest: Tick,
    length: i64,
    step: i64,
}

impl Bounds {
    fn new(availability: &Availability, duration: Duration, now: DateTime<Utc>) -> Self {
        let (first, last) = availability.bookable_dates(now);
        Self {
            first,
            last,
            earliest: Tick::of(now + availability.notice()),
            length: nanos(duration),
            step: nanos(availability.step.duration()),
        }
    }
}

/// One day's slots: `total` starts one `step` apart from `start`.
struct Grid {
    start: Tick,
    total: usize,
    step: i64,
    length: i64,
    earliest: Tick,
}

impl Grid {
    /// Hands the start and end of each free slot to `free`, in time order.
    fn free_slots(&self, busy: &mut BusyCursor, mut free: impl FnMut(Tick, Tick)) {
        let total = i64::try_from(self.total).unwrap_or(i64::MAX);
        let mut index: i64 = 0;
        while index < total {
            let start = self.start.plus(index.saturating_mul(self.step));
            let end = start.plus(self.length);
            if start < self.earliest {
                index = index.saturating_add(self.steps_until(start, self.earliest));
            } else if let Some(busy_end) = busy.busy_until(start, end) {
                // Every later slot that starts before this busy span ends
                // overlaps it too: they are passed over at once.
                index = index.saturating_add(self.steps_until(start, busy_end));
            } else {
                free(start, end);
                index += 1;
            }
        }
    }

    /// How many steps after a slot that starts at `start` the first slot
    /// that starts at or after `at`, a later instant, comes.
    fn steps_until(&self, start: Tick, at: Tick) -> i64 {
        let steps = at
            .since(start)
            .unsigned_abs()
            .div_ceil(self.step.unsigned_abs());
        i64::try_from(steps).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;
    use proptest::prelude::*;

    fn every_day(window: &str) -> WeeklyHours {
        WeeklyHours([Some(DayWindow::parse(window).unwrap()); 7])
    }

    fn availability(zone: &str, window: &str, step: i64) -> Availability {
        let mut a = Availability::new(
            Zone::parse(zone).unwrap(),
            every_day(window),
            SlotStep::from_minutes(step).unwrap(),
        )
        .unwrap();
        a.set_horizon_days(365).unwrap();
        a
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn local_times(a: &Availability, slots: &[Interval]) -> Vec<String> {
        slots
            .iter()
            .map(|s| a.zone().local(s.start()).format("%H:%M").to_string())
            .collect()
    }

    fn long_before() -> DateTime<Utc> {
        utc("2026-01-01T00:00:00Z")
    }

    #[test]
    fn bad_availability_values_are_typed_errors_from_the_constructors() {
        assert_eq!(DayWindow::new(600, 600), Err(AvailabilityError::BadWindow));
        assert_eq!(DayWindow::new(600, 1441), Err(AvailabilityError::BadWindow));
        assert!(matches!(
            DayWindow::parse("18:00-09:00"),
            Err(AvailabilityError::BadWindow)
        ));
        assert!(matches!(
            DayWindow::parse("nine to five"),
            Err(AvailabilityError::BadWindowText(_))
        ));
        assert_eq!(
            SlotStep::from_minutes(20),
            Err(AvailabilityError::BadStep(20))
        );
        let mut a = availability("Europe/Moscow", "09:00-18:00", 30);
        assert!(a.set_buffer_minutes(-5).is_err());
        assert!(a.set_notice_minutes(-1).is_err());
        assert!(a.set_horizon_days(-3).is_err());
        assert!(a.set_horizon_days(0).is_err());
    }

    #[test]
    fn free_slots_are_the_working_hours_minus_meetings_and_buffers() {
        let mut a = availability("Europe/Moscow", "10:00-13:00", 30);
        a.set_buffer_minutes(15).unwrap();
        let date: NaiveDate = "2026-12-01".parse().unwrap();
        // A meeting 11:00–11:30 Moscow (08:00–08:30 UTC) plus 15 minutes either side.
        let busy =
            [Interval::new(utc("2026-12-01T08:00:00Z"), utc("2026-12-01T08:30:00Z")).unwrap()];
        let slots = a.day_slots(
            date,
            Duration::minutes(30),
            &a.busy_times(&busy),
            long_before(),
        );
        assert_eq!(slots.total, 6);
        assert_eq!(local_times(&a, &slots.free), ["10:00", "12:00", "12:30"]);
    }

    #[test]
    fn no_slot_is_offered_in_the_past_or_inside_the_notice() {
        let mut a = availability("UTC", "09:00-12:00", 60);
        a.set_notice_minutes(60).unwrap();
        let now = utc("2026-12-01T09:30:00Z");
        let slots = a.day_slots(
            "2026-12-01".parse().unwrap(),
            Duration::hours(1),
            &BusyTimes::none(),
            now,
        );
        assert_eq!(local_times(&a, &slots.free), ["11:00"]);
        let too_soon =
            Interval::starting_at(utc("2026-12-01T10:00:00Z"), Duration::hours(1)).unwrap();
        assert_eq!(
            a.check_slot(&too_soon, &BusyTimes::none(), now),
            Err(SlotRefusal::InsideNotice(60))
        );
        let past = Interval::starting_at(utc("2026-12-01T09:00:00Z"), Duration::hours(1)).unwrap();
        assert_eq!(
            a.check_slot(&past, &BusyTimes::none(), now),
            Err(SlotRefusal::InPast)
        );
    }

    #[test]
    fn days_off_overrides_and_the_horizon_close_days() {
        let mut a = availability("UTC", "09:00-12:00", 60);
        a.set_horizon_days(7).unwrap();
        let now = utc("2026-12-01T00:00:00Z");
        let off: NaiveDate = "2026-12-02".parse().unwrap();
        a.set_override(off, None);
        assert_eq!(
            a.day_slots(off, Duration::hours(1), &BusyTimes::none(), now)
                .load(),
            DayLoad::Closed
        );
        let short: NaiveDate = "2026-12-03".parse().unwrap();
        a.set_override(short, Some(DayWindow::parse("10:00-11:00").unwrap()));
        assert_eq!(
            a.day_slots(short, Duration::hours(1), &BusyTimes::none(), now)
                .total,
            1
        );
        let far: NaiveDate = "2026-12-09".parse().unwrap();
        assert_eq!(
            a.day_slots(far, Duration::hours(1), &BusyTimes::none(), now)
                .total,
            0
        );
        let far_slot =
            Interval::starting_at(utc("2026-12-09T09:00:00Z"), Duration::hours(1)).unwrap();
        assert_eq!(
            a.check_slot(&far_slot, &BusyTimes::none(), now),
            Err(SlotRefusal::BeyondHorizon(7))
        );
    }

    #[test]
    fn a_slot_off_the_step_grid_is_outside_the_working_hours() {
        let a = availability("UTC", "09:00-12:00", 30);
        let odd =
            Interval::starting_at(utc("2026-12-01T09:10:00Z"), Duration::minutes(30)).unwrap();
        assert_eq!(
            a.check_slot(&odd, &BusyTimes::none(), long_before()),
            Err(SlotRefusal::OutsideWorkingHours)
        );
        let late = Interval::starting_at(utc("2026-12-01T11:30:00Z"), Duration::hours(1)).unwrap();
        assert_eq!(
            a.check_slot(&late, &BusyTimes::none(), long_before()),
            Err(SlotRefusal::OutsideWorkingHours)
        );
    }

    #[test]
    fn the_load_colour_follows_the_share_of_free_slots() {
        let slot = Interval::starting_at(long_before(), Duration::hours(1)).unwrap();
        assert_eq!(
            DaySlots {
                free: vec![slot; 2],
                total: 4
            }
            .load(),
            DayLoad::Light
        );
        assert_eq!(
            DaySlots {
                free: vec![slot; 1],
                total: 4
            }
            .load(),
            DayLoad::Busy
        );
        assert_eq!(
            DaySlots {
                free: vec![],
                total: 4
            }
            .load(),
            DayLoad::Full
        );
        assert_eq!(DaySlots::default().load(), DayLoad::Closed);
    }

    /// Hourly slots of a whole-night window on a switch day, read as local wall-clock times.
    fn night_slots(zone: &str, date: &str) -> (Vec<String>, Duration) {
        let a = availability(zone, "00:00-06:00", 60);
        let date: NaiveDate = date.parse().unwrap();
        let slots = a.day_slots(date, Duration::hours(1), &BusyTimes::none(), long_before());
        let window = a.window_on(date).unwrap();
        (local_times(&a, &slots.free), window.duration())
    }

    #[test]
    fn dst_spring_forward_in_berlin_skips_the_missing_hour_only() {
        let (times, length) = night_slots("Europe/Berlin", "2026-03-29");
        assert_eq!(length, Duration::hours(5));
        assert_eq!(times, ["00:00", "01:00", "03:00", "04:00", "05:00"]);
    }

    #[test]
    fn dst_fall_back_in_berlin_offers_the_repeated_hour_twice() {
        let (times, length) = night_slots("Europe/Berlin", "2026-10-25");
        assert_eq!(length, Duration::hours(7));
        assert_eq!(
            times,
            [
                "00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00"
            ]
        );
    }

    #[test]
    fn dst_spring_forward_in_new_york_skips_the_missing_hour_only() {
        let (times, length) = night_slots("America/New_York", "2026-03-08");
        assert_eq!(length, Duration::hours(5));
        assert_eq!(times, ["00:00", "01:00", "03:00", "04:00", "05:00"]);
    }

    #[test]
    fn dst_fall_back_in_new_york_offers_the_repeated_hour_twice() {
        let (times, length) = night_slots("America/New_York", "2026-11-01");
        assert_eq!(length, Duration::hours(7));
        assert_eq!(
            times,
            [
                "00:00", "01:00", "01:00", "02:00", "03:00", "04:00", "05:00"
            ]
        );
    }

    /// On a switch day, office-hours slots are exactly the working hours in wall-clock time.
    fn office_slots(zone: &str, date: &str) -> (Vec<String>, Vec<DateTime<Utc>>) {
        let a = availability(zone, "09:00-18:00", 60);
        let slots = a.day_slots(
            date.parse().unwrap(),
            Duration::hours(1),
            &BusyTimes::none(),
            long_before(),
        );
        (
            local_times(&a, &slots.free),
            slots.free.iter().map(Interval::start).collect(),
        )
    }

    #[test]
    fn dst_switch_days_keep_office_hours_exact_in_berlin_and_new_york() {
        let expected: Vec<String> = (9..18).map(|h| format!("{h:02}:00")).collect();
        for (zone, date, first_utc) in [
            ("Europe/Berlin", "2026-03-29", "2026-03-29T07:00:00Z"),
            ("Europe/Berlin", "2026-10-25", "2026-10-25T08:00:00Z"),
            ("America/New_York", "2026-03-08", "2026-03-08T13:00:00Z"),
            ("America/New_York", "2026-11-01", "2026-11-01T14:00:00Z"),
        ] {
            let (times, starts) = office_slots(zone, date);
            assert_eq!(times, expected, "{zone} {date}");
            assert_eq!(starts[0], utc(first_utc), "{zone} {date}");
        }
    }

    #[test]
    fn dst_moscow_has_no_switch_and_a_fixed_offset() {
        let (times, starts) = office_slots("Europe/Moscow", "2026-03-29");
        assert_eq!(times.len(), 9);
        assert_eq!(starts[0], utc("2026-03-29T06:00:00Z"));
    }

    #[test]
    fn dst_a_day_whose_midnight_does_not_exist_starts_at_one() {
        // Santiago springs forward at 00:00 on 2026-09-06: the day starts at 01:00.
        let a = availability("America/Santiago", "00:00-03:00", 60);
        let slots = a.day_slots(
            "2026-09-06".parse().unwrap(),
            Duration::hours(1),
            &BusyTimes::none(),
            long_before(),
        );
        assert_eq!(local_times(&a, &slots.free), ["01:00", "02:00"]);
    }

    fn arbitrary_busy() -> impl Strategy<Value = Vec<Interval>> {
        let day_start = utc("2026-12-01T00:00:00Z");
        prop::collection::vec((0i64..24 * 60, 1i64..240), 0..12).prop_map(move |spans| {
            spans
                .into_iter()
                .filter_map(|(offset, length)| {
                    Interval::starting_at(
                        day_start + Duration::minutes(offset),
                        Duration::minutes(length),
                    )
                    .ok()
                })
                .collect()
        })
    }

    /// The free slots as they were first computed: every slot checked
    /// against every busy interval, which is slow but plainly right.
    fn naive_day_slots(
        a: &Availability,
        date: NaiveDate,
        duration: Duration,
        busy: &[Interval],
        now: DateTime<Utc>,
    ) -> DaySlots {
        let (first, last) = a.bookable_dates(now);
        let mut slots = DaySlots::default();
        let Some(window) = a.window_on(date) else {
            return slots;
        };
        if date < first || date > last || duration <= Duration::zero() {
            return slots;
        }
        let mut start = window.start();
        while start + duration <= window.end() {
            slots.total += 1;
            let slot = Interval::starting_at(start, duration).unwrap();
            if start >= now + a.notice()
                && !busy.iter().any(|b| b.widened(a.buffer()).overlaps(&slot))
            {
                slots.free.push(slot);
            }
            start += Duration::minutes(a.step().minutes());
        }
        slots
    }

    #[test]
    fn a_meeting_across_the_berlin_spring_gap_blocks_the_slots_on_both_sides_of_it() {
        let mut a = availability("Europe/Berlin", "00:00-06:00", 60);
        a.set_buffer_minutes(30).unwrap();
        let date: NaiveDate = "2026-03-29".parse().unwrap();
        // 00:30 to 01:30 UTC is 01:30 CET to 03:30 CEST; with the buffer 01:00 to 04:00 local.
        let busy = [utc("2026-03-29T00:30:00Z"), utc("2026-03-29T00:00:00Z")]
            .map(|start| Interval::starting_at(start, Duration::hours(1)).unwrap());
        let slots = a.day_slots(
            date,
            Duration::hours(1),
            &a.busy_times(&busy),
            long_before(),
        );
        assert_eq!(local_times(&a, &slots.free), ["04:00", "05:00"]);
        assert_eq!(slots.total, 5);
        assert_eq!(
            slots,
            naive_day_slots(&a, date, Duration::hours(1), &busy, long_before())
        );
    }

    /// Busy intervals over a week from `from`, in no order.
    fn busy_over_a_week(from: DateTime<Utc>) -> impl Strategy<Value = Vec<Interval>> {
        prop::collection::vec((0i64..7 * 24 * 12, 1i64..36), 0..120).prop_map(move |spans| {
            spans
                .into_iter()
                .map(|(at, length)| {
                    Interval::starting_at(
                        from + Duration::minutes(at * 5),
                        Duration::minutes(length * 5),
                    )
                    .unwrap()
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn property_no_free_slot_overlaps_a_meeting_plus_its_buffer(
            busy in arbitrary_busy(), buffer in 0i64..60, minutes in prop::sample::select(vec![30i64, 60, 90, 120])
        ) {
            let mut a = availability("Europe/Berlin", "08:00-20:00", 15);
            a.set_buffer_minutes(buffer).unwrap();
            let slots = a.day_slots("2026-12-01".parse().unwrap(), Duration::minutes(minutes), &a.busy_times(&busy), long_before());
            for slot in &slots.free {
                for meeting in &busy {
                    prop_assert!(!meeting.widened(Duration::minutes(buffer)).overlaps(slot));
                }
            }
        }

        #[test]
        fn property_every_free_slot_lies_inside_the_working_hours(
            busy in arbitrary_busy(), minutes in 15i64..300, day in 0i64..365
        ) {
            let a = availability("America/New_York", "09:30-17:00", 30);
            let date: NaiveDate = "2026-01-01".parse::<NaiveDate>().unwrap() + Duration::days(day);
            let window = a.window_on(date).unwrap();
            let slots = a.day_slots(date, Duration::minutes(minutes), &a.busy_times(&busy), long_before());
            for slot in &slots.free {
                prop_assert!(window.contains(slot));
                let local: NaiveDateTime = a.zone().local(slot.start());
                prop_assert!(local.time() >= NaiveTime::from_hms_opt(9, 30, 0).unwrap());
            }
        }

        #[test]
        fn property_free_slots_do_not_depend_on_the_order_of_busy_intervals(
            busy in arbitrary_busy(), seed in any::<u64>()
        ) {
            let a = availability("Europe/Moscow", "00:00-24:00", 30);
            let date: NaiveDate = "2026-12-01".parse().unwrap();
            let mut shuffled = busy.clone();
            // A deterministic shuffle driven by the seed.
            let len = shuffled.len();
            for i in (1..len).rev() {
                let j = (seed.wrapping_mul(i as u64 + 1) % (i as u64 + 1)) as usize;
                shuffled.swap(i, j);
            }
            shuffled.reverse();
            prop_assert_eq!(
                a.day_slots(date, Duration::hours(1), &a.busy_times(&busy), long_before()),
                a.day_slots(date, Duration::hours(1), &a.busy_times(&shuffled), long_before())
            );
        }

        #[test]
        fn property_free_slots_and_loads_match_checking_every_busy_interval(
            (first, busy) in prop::sample::select(vec!["2026-03-25", "2026-10-22"])
                .prop_flat_map(|first| {
                    let from = utc(&format!("{first}T00:00:00Z"));
                    (Just(first), busy_over_a_week(from + Duration::days(1)))
                }),
            buffer in 0i64..90,
            notice in 0i64..600,
            step in prop::sample::select(vec![15i64, 30, 60]),
            minutes in prop::sample::select(vec![15i64, 30, 45, 60, 90, 120, 180]),
            window in prop::sample::select(vec!["00:00-24:00", "08:00-20:00", "01:30-04:00", "02:00-03:00"]),
            now_minutes in 0i64..4 * 24 * 60,
        ) {
            let mut a = availability("Europe/Berlin", window, step);
            a.set_buffer_minutes(buffer).unwrap();
            a.set_notice_minutes(notice).unwrap();
            a.set_horizon_days(4).unwrap();
            let now = utc(&format!("{first}T00:00:00Z")) + Duration::minutes(now_minutes);
            let duration = Duration::minutes(minutes);
            let times = a.busy_times(&busy);
            let first: NaiveDate = first.parse().unwrap();
            let loads = a.day_loads(first.iter_days().take(8), duration, &times, now);
            for (date, load) in loads {
                let naive = naive_day_slots(&a, date, duration, &busy, now);
                let fast = a.day_slots(date, duration, &times, now);
                prop_assert_eq!(&fast, &naive, "{}", date);
                prop_assert_eq!(load, naive.load(), "{}", date);
                for slot in &naive.free {
                    prop_assert_eq!(a.check_slot(slot, &times, now), Ok(()));
                }
                // A slot of the working hours past the notice but not free is refused as taken.
                let all = naive_day_slots(&a, date, duration, &[], now);
                for slot in all.free.iter().filter(|s| !naive.free.contains(s)) {
                    prop_assert_eq!(a.check_slot(slot, &times, now), Err(SlotRefusal::Taken));
                }
            }
        }
    }

    /// Each of a zone's offset changes in 2020–2035 as the local date and
    /// the minute of that day the clocks show just after it.
    fn offset_changes_by_local_minute(zone: Zone) -> Vec<(NaiveDate, i64)> {
        let years =
            Interval::new(utc("2020-01-01T00:00:00Z"), utc("2036-01-01T00:00:00Z")).unwrap();
        zone.offset_changes(years)
            .iter()
            .skip(1)
            .map(|&(at, _)| {
                let local = zone.local(at);
                (
                    local.date(),
                    local
                        .time()
                        .signed_duration_since(NaiveTime::MIN)
                        .num_minutes(),
                )
            })
            .collect()
    }

    proptest! {
        #[test]
        fn property_window_ticks_are_the_window_counted_by_tick_of(
            (zone, (date, changed_at)) in prop::sample::select(vec![
                "Europe/Berlin",
                "America/New_York",
                // Springs forward at midnight.
                "America/Havana",
                "America/Santiago",
                // Half an hour of daylight saving.
                "Australia/Lord_Howe",
                // Clocks go back an hour for Ramadan.
                "Africa/Casablanca",
            ])
            .prop_flat_map(|name| {
                let zone = Zone::parse(name).unwrap();
                (Just(zone), prop::sample::select(offset_changes_by_local_minute(zone)))
            }),
            day in -1i64..=1,
            // Quarter hours from two hours before the change to two after,
            // so that windows open and close in gaps and overlaps.
            from_change in -8i64..8,
            quarters in 1i64..=12,
        ) {
            let start = (changed_at + from_change * 15).clamp(0, 24 * 60 - 15);
            let end = (start + quarters * 15).min(24 * 60);
            let window = DayWindow::new(start as u16, end as u16).unwrap();
            let date = date + Duration::days(day);
            let counted = window
                .on(date, zone)
                .map(|w| (Tick::of(w.start()), Tick::of(w.end())));
            prop_assert_eq!(window.ticks_on(date, zone), counted, "{} {} {}", zone, date, window);
        }

        #[test]
        fn property_day_loads_in_any_order_are_each_days_own(
            busy in busy_over_a_week(utc("2026-03-26T00:00:00Z")),
            days in prop::collection::vec(0i64..8, 0..20),
            buffer in 0i64..90,
            now_minutes in 0i64..4 * 24 * 60,
        ) {
            let mut a = availability("Europe/Berlin", "08:00-20:00", 30);
            a.set_buffer_minutes(buffer).unwrap();
            a.set_horizon_days(5).unwrap();
            let first: NaiveDate = "2026-03-25".parse().unwrap();
            let now = utc("2026-03-25T00:00:00Z") + Duration::minutes(now_minutes);
            let times = a.busy_times(&busy);
            let dates: Vec<NaiveDate> = days.iter().map(|&d| first + Duration::days(d)).collect();
            let own: Vec<(NaiveDate, DayLoad)> = dates
                .iter()
                .map(|&date| (date, a.day_slots(date, Duration::hours(1), &times, now).load()))
                .collect();
            prop_assert_eq!(a.day_loads(dates, Duration::hours(1), &times, now), own);
        }
    }
}
