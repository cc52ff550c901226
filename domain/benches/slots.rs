//! How long the free slots of a month take, the way the month view asks
//! for them (`usecases::booking::month`): the month's busy intervals sorted
//! and merged once ([`Availability::busy_times`]), then the load of every
//! day ([`Availability::day_loads`]).
//!
//! The month is March 2026 in Europe/Berlin, whose last Sunday (the 29th)
//! moves the clocks forward an hour; working hours are every day
//! 08:00–20:00 so the switch day is counted too, with 30-minute steps, a
//! 10-minute buffer and an hour of notice. 1,000 busy intervals of 30 to
//! 120 minutes are spread over the month (many overlap: a busy owner with a
//! calendar full of other events), in the order `busy_between` hands them
//! over: the store's 400 meetings by start time, then the calendar's 600
//! events by start time.

use std::hint::black_box;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use meetbot_domain::{Availability, DayWindow, Interval, Settings, WeeklyHours, Zone};

/// A small deterministic generator (xorshift), so every run measures the
/// same busy time.
struct Numbers(u64);

impl Numbers {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `count` busy intervals starting on a 15-minute grid anywhere in the
/// `days` from `from`, each 30, 60, 90 or 120 minutes long, by start time.
fn sorted_busy(
    numbers: &mut Numbers,
    from: DateTime<Utc>,
    days: i64,
    count: usize,
) -> Vec<Interval> {
    let quarters = (days * 24 * 4) as u64;
    let mut busy: Vec<Interval> = (0..count)
        .filter_map(|_| {
            let start = from + Duration::minutes(15 * numbers.below(quarters) as i64);
            let length = Duration::minutes(30 * (1 + numbers.below(4) as i64));
            Interval::starting_at(start, length).ok()
        })
        .collect();
    busy.sort_by_key(Interval::start);
    busy
}

/// The owner's availability in Berlin, or why it could not be made.
fn berlin() -> Result<Availability, String> {
    let mut availability = Settings::default().availability;
    availability.set_zone(Zone::parse("Europe/Berlin").map_err(|e| e.to_string())?);
    let hours = DayWindow::parse("08:00-20:00").map_err(|e| e.to_string())?;
    availability.set_weekly(WeeklyHours([Some(hours); 7]));
    availability
        .set_buffer_minutes(10)
        .map_err(|e| e.to_string())?;
    availability
        .set_horizon_days(60)
        .map_err(|e| e.to_string())?;
    Ok(availability)
}

fn month_with_dst(c: &mut Criterion) {
    let availability = berlin().unwrap_or_else(|error| {
        eprintln!("the bench's availability could not be made: {error}");
        std::process::exit(1)
    });
    let (Some(first), Some(next_first)) = (
        NaiveDate::from_ymd_opt(2026, 3, 1),
        NaiveDate::from_ymd_opt(2026, 4, 1),
    ) else {
        eprintln!("the bench's month could not be made");
        std::process::exit(1)
    };
    let zone = availability.zone();
    let start = zone.start_of_day(first);
    let days = (next_first - first).num_days();
    let mut numbers = Numbers(0x9E37_79B9_7F4A_7C15);
    let mut busy = sorted_busy(&mut numbers, start, days, 400);
    busy.extend(sorted_busy(&mut numbers, start, days, 600));
    // The evening before the month: every day of it is bookable.
    let now = start - Duration::hours(3);
    let duration = Duration::minutes(60);
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d < next_first).collect();
    let loads = availability.day_loads(
        dates.iter().copied(),
        duration,
        &availability.busy_times(&busy),
        now,
    );
    println!(
        "{} busy intervals; {} days, {} of them bookable",
        busy.len(),
        loads.len(),
        loads
            .iter()
            .filter(|(_, load)| *load != meetbot_domain::DayLoad::Closed)
            .count()
    );

    let mut group = c.benchmark_group("slots");
    group.bench_function("month_1000_busy_dst", |b| {
        b.iter(|| {
            let busy = availability.busy_times(black_box(&busy));
            black_box(availability.day_loads(dates.iter().copied(), duration, &busy, now))
        })
    });
    group.finish();
}

criterion_group!(benches, month_with_dst);
criterion_main!(benches);
