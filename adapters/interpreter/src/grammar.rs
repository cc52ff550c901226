//! The grammar of dates, times and lengths, written as patterns over the
//! terms of a sentence. The scanner walks the sentence; at each place it
//! takes an optional preposition and tries a length, a span of time, a date
//! and a time of day, in that order ("на 15 минут" is a length before
//! "на 15" can be a time; "на 15 января" is a date). What no pattern takes
//! is left over for the intent and the topic.

use std::ops::Range;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use meetbot_domain::Zone;
use meetbot_domain::request::DateRange;

use crate::lexicon::{DayPart, Lex, Prep};
use crate::words::Kind;

/// What a piece of a sentence says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// One day.
    Day(NaiveDate),
    /// Several days (a week, a weekend).
    Days(DateRange),
    /// A time of day.
    Time(NaiveTime),
    /// A length in minutes.
    Length(u32),
    /// A start and a length ("с 14:00 до 16:30").
    Span(NaiveTime, u32),
    /// A day and a time at once, counted from now ("через 2 часа").
    Moment(NaiveDate, NaiveTime),
    /// A time of day that does not exist.
    ImpossibleTime,
    /// A date that does not exist.
    ImpossibleDate,
}

/// A piece with the preposition before it and the terms it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placed {
    pub(crate) piece: Piece,
    pub(crate) prep: Option<Prep>,
    pub(crate) terms: Range<usize>,
}

/// A sentence read: its pieces in order and the terms no piece took.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub(crate) pieces: Vec<Placed>,
    pub(crate) leftovers: Vec<usize>,
}

/// What the grammar needs besides the words.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    /// Today in the person's zone.
    pub(crate) today: NaiveDate,
    /// Whether "05/01" is read month first (English) or day first (Russian).
    pub(crate) month_first: bool,
    /// The current instant, from which "через 2 часа" counts.
    pub(crate) now: DateTime<Utc>,
    /// The person's zone, in which that instant is a day and a time.
    pub(crate) zone: Zone,
}

/// Reads the pieces of a sentence.
pub(crate) fn scan(kinds: &[Kind], cx: &Context) -> Scan {
    let mut scan = Scan::default();
    let mut i = 0;
    while i < kinds.len() {
        let prep = prep(&kinds[i]);
        let mut start = if prep.is_some() { i + 1 } else { i };
        while kinds.get(start).is_some_and(|k| k.is(Lex::Article)) {
            start += 1;
        }
        match piece(&kinds[start.min(kinds.len())..], prep, cx) {
            Some((piece, taken)) => {
                scan.pieces.push(Placed {
                    piece,
                    prep,
                    terms: i..start + taken,
                });
                i = start + taken;
            }
            None => {
                scan.leftovers.push(i);
                i += 1;
            }
        }
    }
    scan
}

fn piece(t: &[Kind], prep: Option<Prep>, cx: &Context) -> Option<(Piece, usize)> {
    length(t, prep)
        .or_else(|| span(t, prep))
        .or_else(|| later(t, prep, cx))
        .or_else(|| date(t, prep, cx))
        .or_else(|| time(t, prep))
}

fn prep(kind: &Kind) -> Option<Prep> {
    kind.find(|lex| match lex {
        Lex::Prep(prep) => Some(prep),
        _ => None,
    })
}

fn day_part(kind: Option<&Kind>) -> Option<DayPart> {
    kind?.find(|lex| match lex {
        Lex::DayPart(part) => Some(part),
        _ => None,
    })
}

fn month(kind: &Kind) -> Option<u32> {
    kind.find(|lex| match lex {
        Lex::Month(month) => Some(month),
        _ => None,
    })
}

fn weekday(kind: &Kind) -> Option<Weekday> {
    kind.find(|lex| match lex {
        Lex::Weekday(day) => Some(day),
        _ => None,
    })
}

fn relative_day(kind: &Kind) -> Option<i64> {
    kind.find(|lex| match lex {
        Lex::RelativeDay(days) => Some(days),
        _ => None,
    })
}

fn length_phrase(kind: &Kind) -> Option<u32> {
    kind.find(|lex| match lex {
        Lex::Length(minutes) => Some(minutes),
        _ => None,
    })
}

fn is_hours(kind: Option<&Kind>) -> bool {
    kind.is_some_and(|k| k.is(Lex::Hours))
}

// ----- lengths -----

/// "на час", "на 2 часа", "90 min", "полтора часа", "на 1 час 30 минут".
/// Never after "в"/"at" (that is a time: "в 2 часа"), and never when a part
/// of the day follows ("3 часа дня").
fn length(t: &[Kind], prep: Option<Prep>) -> Option<(Piece, usize)> {
    if !matches!(prep, None | Some(Prep::On | Prep::For)) {
        return None;
    }
    let (minutes, taken) = match t {
        [k, ..] if length_phrase(k).is_some() => (length_phrase(k)?, 1),
        [Kind::Number(hours), h, Kind::Number(minutes), m, ..]
            if h.is(Lex::Hours) && m.is(Lex::Minutes) =>
        {
            (hours * 60 + minutes, 4)
        }
        [Kind::Number(hours), h, ..] if h.is(Lex::Hours) => (hours.saturating_mul(60), 2),
        [h, ..] if h.is(Lex::Hours) && prep.is_some() => (60, 1),
        [Kind::Number(minutes), m, ..] if m.is(Lex::Minutes) => (*minutes, 2),
        [Kind::Dotted(whole, tenth), h, ..] if *tenth < 10 && h.is(Lex::Hours) => {
            (whole.saturating_mul(60) + tenth * 6, 2)
        }
        _ => return None,
    };
    if day_part(t.get(taken)).is_some() {
        return None;
    }
    Some((Piece::Length(minutes), taken))
}

// ----- spans -----

/// "с 14:00 до 16:30", "from 2 to 4pm", "14:00-16:30", "с 14 до 16".
fn span(t: &[Kind], prep: Option<Prep>) -> Option<(Piece, usize)> {
    let (start, end, taken) = match (prep, t) {
        (_, [Kind::ClockSpan((h1, m1), (h2, m2)), ..]) => {
            ((*h1, *m1, None, false), (*h2, *m2, None, false), 1)
        }
        (Some(Prep::From | Prep::At), [Kind::Dashed(h1, h2), ..]) => {
            ((*h1, 0, None, true), (*h2, 0, None, true), 1)
        }
        (Some(Prep::From), [from, rest @ ..]) => {
            let start = span_end(from)?;
            let (until, rest) = match rest {
                [until, rest @ ..] if matches!(prep_of(until), Some(Prep::Until | Prep::To)) => {
                    (1, rest)
                }
                _ => (0, rest),
            };
            let end = span_end(rest.first()?)?;
            (start, end, 2 + until)
        }
        _ => return None,
    };
    let part = day_part(t.get(taken));
    let taken = taken + usize::from(part.is_some());
    let (h1, m1, part1, bare1) = start;
    let (h2, m2, part2, bare2) = end;
    let end_part = part2.or(part);
    // "from 2 to 4pm", "с 2 до 4 дня": the end's part of the day also
    // places a start that has none, when the start comes first on the dial.
    let start_part = part1.or(end_part.filter(|_| h1 <= h2));
    let start = hour_of_day(h1, m1, start_part, bare1 && bare2);
    let end = hour_of_day(h2, m2, end_part, bare1 && bare2);
    let piece = match (start, end) {
        (Some(start), Some(end)) if end > start => {
            let minutes = (end - start).num_minutes();
            Piece::Span(start, u32::try_from(minutes).unwrap_or(u32::MAX))
        }
        _ => Piece::ImpossibleTime,
    };
    Some((piece, taken))
}

fn prep_of(kind: &Kind) -> Option<Prep> {
    prep(kind)
}

/// One end of a span: hour, minute, part of the day, and whether it was a
/// bare number.
fn span_end(kind: &Kind) -> Option<(u32, u32, Option<DayPart>, bool)> {
    match kind {
        Kind::Number(h) => Some((*h, 0, None, true)),
        Kind::Clock(h, m) => Some((*h, *m, None, false)),
        Kind::Meridiem(h, m, part) => Some((*h, *m, Some(*part), false)),
        _ => None,
    }
}

// ----- relative times -----

/// "через 2 часа", "in 30 minutes", "через час", "in an hour", "через
/// полчаса": a day and a time counted from now in the person's zone, to
/// the minute. Only after "через"/"in": "на 2 часа" is a length.
fn later(t: &[Kind], prep: Option<Prep>, cx: &Context) -> Option<(Piece, usize)> {
    if prep != Some(Prep::In) {
        return None;
    }
    let (minutes, taken) = match t {
        [Kind::Number(hours), h, ..] if h.is(Lex::Hours) => (hours.checked_mul(60)?, 2),
        [Kind::Number(minutes), m, ..] if m.is(Lex::Minutes) => (*minutes, 2),
        [h, ..] if h.is(Lex::Hours) => (60, 1),
        [k, ..] if length_phrase(k).is_some() => (length_phrase(k)?, 1),
        _ => return None,
    };
    // Beyond a week it is a date, said otherwise.
    if minutes == 0 || minutes > 7 * 24 * 60 {
        return None;
    }
    let at = cx
        .zone
        .local(cx.now + Duration::minutes(i64::from(minutes)));
    let time = at.time().with_second(0)?.with_nanosecond(0)?;
    Some((Piece::Moment(at.date(), time), taken))
}

// ----- dates -----

fn date(t: &[Kind], prep: Option<Prep>, cx: &Context) -> Option<(Piece, usize)> {
    let today = cx.today;
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let week = |weeks: i64| {
        let first = monday + Duration::weeks(weeks);
        Piece::Days(DateRange::new(first, first + Duration::days(6)))
    };
    let weekend = |weeks: i64| {
        let saturday = monday + Duration::weeks(weeks) + Duration::days(5);
        Piece::Days(DateRange::new(saturday, saturday + Duration::days(1)))
    };
    let in_week = |weeks: i64, day: Weekday| {
        Piece::Day(
            monday + Duration::weeks(weeks) + Duration::days(i64::from(day.num_days_from_monday())),
        )
    };
    let found = match t {
        [k, ..] if relative_day(k).is_some() => {
            (Piece::Day(today + Duration::days(relative_day(k)?)), 1)
        }
        [n, k, ..] if n.is(Lex::Next) && weekday(k).is_some() => (in_week(1, weekday(k)?), 2),
        [n, k, ..] if n.is(Lex::This) && weekday(k).is_some() => (in_week(0, weekday(k)?), 2),
        [k, ..] if weekday(k).is_some() => {
            let day = weekday(k)?;
            let ahead = (7 + i64::from(day.num_days_from_monday())
                - i64::from(today.weekday().num_days_from_monday()))
                % 7;
            let ahead = if ahead == 0 { 7 } else { ahead };
            (Piece::Day(today + Duration::days(ahead)), 1)
        }
        [n, w, ..] if n.is(Lex::Next) && w.is(Lex::Weeks) => (week(1), 2),
        [n, w, ..] if n.is(Lex::This) && w.is(Lex::Weeks) => (week(0), 2),
        [n, w, ..] if n.is(Lex::Next) && w.is(Lex::Weekend) => (weekend(1), 2),
        [n, w, ..] if n.is(Lex::This) && w.is(Lex::Weekend) => (weekend(0), 2),
        [w, ..] if w.is(Lex::Weekend) => (weekend(0), 1),
        [Kind::Number(count), unit, ..] if prep == Some(Prep::In) && unit.is(Lex::Days) => {
            (Piece::Day(today + Duration::days(i64::from(*count))), 2)
        }
        [Kind::Number(count), unit, ..] if prep == Some(Prep::In) && unit.is(Lex::Weeks) => {
            (Piece::Day(today + Duration::weeks(i64::from(*count))), 2)
        }
        [unit, ..] if prep == Some(Prep::In) && unit.is(Lex::Days) => {
            (Piece::Day(today + Duration::days(1)), 1)
        }
        [unit, ..] if prep == Some(Prep::In) && unit.is(Lex::Weeks) => {
            (Piece::Day(today + Duration::weeks(1)), 1)
        }
        [w, ..] if prep == Some(Prep::On) && w.is(Lex::Weeks) => (week(0), 1),
        [Kind::Number(day) | Kind::Ordinal(day), m, rest @ ..] if month(m).is_some() => {
            let month = month(m)?;
            match rest {
                [Kind::Number(year), y, ..] if is_year(*year) && y.is(Lex::Year) => {
                    (exact_date(*year, month, *day), 4)
                }
                [Kind::Number(year), ..] if is_year(*year) => (exact_date(*year, month, *day), 3),
                _ => (next_day_and_month(today, *day, month), 2),
            }
        }
        [m, Kind::Number(day) | Kind::Ordinal(day), rest @ ..] if month(m).is_some() => {
            let month = month(m)?;
            match rest {
                [Kind::Number(year), ..] if is_year(*year) => (exact_date(*year, month, *day), 3),
                _ => (next_day_and_month(today, *day, month), 2),
            }
        }
        [Kind::Ordinal(day), d, ..] if d.is(Lex::DayOfMonth) => (next_day_of_month(today, *day), 2),
        [Kind::Ordinal(day), ..] => (next_day_of_month(today, *day), 1),
        [Kind::Dotted(a, b), ..] if prep != Some(Prep::At) && *b <= 12 && *b >= 1 => {
            (day_and_month(today, *a, *b, false), 1)
        }
        [Kind::Slashed(a, b), ..] => (day_and_month(today, *a, *b, cx.month_first), 1),
        [Kind::Triple(a, b, c), ..] => {
            let piece = if *a > 31 {
                exact_date(*a, *b, *c)
            } else if cx.month_first && *a <= 12 && *b > 12 {
                exact_date(*c, *a, *b)
            } else if cx.month_first && *b <= 12 && *a > 12 {
                exact_date(*c, *b, *a)
            } else if cx.month_first {
                exact_date(*c, *a, *b)
            } else {
                exact_date(*c, *b, *a)
            };
            (piece, 1)
        }
        _ => return None,
    };
    Some(found)
}

fn is_year(number: u32) -> bool {
    (2000..=2100).contains(&number)
}

fn exact_date(year: u32, month: u32, day: u32) -> Piece {
    let year = if year < 100 { year + 2000 } else { year };
    i32::try_from(year)
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
        .map_or(Piece::ImpossibleDate, Piece::Day)
}

/// "15.01", "01/15": a day and a month in the order the language writes
/// them; English reads month first unless only the other order is a date.
fn day_and_month(today: NaiveDate, a: u32, b: u32, month_first: bool) -> Piece {
    let (day, month) = if a <= 12 && (month_first || b > 12) {
        (b, a)
    } else {
        (a, b)
    };
    next_day_and_month(today, day, month)
}

/// The next day to come (today included) with this day and month.
fn next_day_and_month(today: NaiveDate, day: u32, month: u32) -> Piece {
    // Eight years always reach a 29th of February.
    (today.year()..=today.year() + 8)
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date >= today)
        .map_or(Piece::ImpossibleDate, Piece::Day)
}

/// The next day to come (today included) with this day of the month.
fn next_day_of_month(today: NaiveDate, day: u32) -> Piece {
    let first_of_month = today.with_day(1).unwrap_or(today);
    (0..=12)
        .filter_map(|months| first_of_month.checked_add_months(chrono::Months::new(months)))
        .filter_map(|first| first.with_day(day))
        .find(|date| *date >= today)
        .map_or(Piece::ImpossibleDate, Piece::Day)
}

// ----- times of day -----

/// "в 10", "в 10:30", "14.30", "в 3 часа дня", "at 3 PM", "noon", "на 15"
/// (after "на" a bare hour is a time: "перенеси на 15").
fn time(t: &[Kind], prep: Option<Prep>) -> Option<(Piece, usize)> {
    let said_at = matches!(prep, Some(Prep::At | Prep::On | Prep::To));
    let time_or_impossible =
        |time: Option<NaiveTime>| time.map_or(Piece::ImpossibleTime, Piece::Time);
    let found = match t {
        [k, ..] if k.is(Lex::Noon) => (Piece::Time(NaiveTime::MIN + Duration::hours(12)), 1),
        [k, ..] if k.is(Lex::Midnight) => (Piece::Time(NaiveTime::MIN), 1),
        [Kind::Meridiem(h, m, part), ..] => (
            time_or_impossible(hour_of_day(*h, *m, Some(*part), false)),
            1,
        ),
        [Kind::Clock(h, m), rest @ ..] => {
            let part = day_part(rest.first());
            let taken = 1 + usize::from(part.is_some());
            (time_or_impossible(hour_of_day(*h, *m, part, false)), taken)
        }
        [Kind::Dotted(h, m), ..] if *m > 12 || prep == Some(Prep::At) => {
            (time_or_impossible(hour_of_day(*h, *m, None, false)), 1)
        }
        [Kind::Number(h), rest @ ..] => {
            let mut taken = 1;
            let o_clock = rest.first().is_some_and(|k| k.is(Lex::OClock));
            let hours_word = is_hours(rest.first()) || o_clock;
            taken += usize::from(hours_word);
            let mut minute = 0;
            match &t[taken..] {
                [Kind::Number(m), unit, ..] if *m < 60 && unit.is(Lex::Minutes) => {
                    minute = *m;
                    taken += 2;
                }
                // "в 11 25 января", "в 10 2 часа": the second number is a
                // day or a length, not minutes.
                [Kind::Number(_), next, ..] if month(next).is_some() || next.is(Lex::Hours) => {}
                [Kind::Number(m), ..] if *m < 60 && said_at && !hours_word => {
                    minute = *m;
                    taken += 1;
                }
                _ => {}
            }
            let part = day_part(t.get(taken));
            taken += usize::from(part.is_some());
            if !(said_at || part.is_some() || o_clock) {
                return None;
            }
            if *h > 23 && (part.is_none() && prep != Some(Prep::At) || *h >= 100) {
                return None;
            }
            let bare = part.is_none();
            (
                time_or_impossible(hour_of_day(*h, minute, part, bare)),
                taken,
            )
        }
        _ => return None,
    };
    Some(found)
}

/// The time an hour names with its part of the day, or `None` when there is
/// no such time ("25:00", "13pm", "в 15 утра"). A bare hour from 1 to 7 ("в
/// 3") is read in the afternoon, where meetings are; 8 to 23 as said.
fn hour_of_day(hour: u32, minute: u32, part: Option<DayPart>, bare: bool) -> Option<NaiveTime> {
    if minute > 59 {
        return None;
    }
    let hour = match part {
        None if bare && (1..=7).contains(&hour) => hour + 12,
        None if hour <= 23 => hour,
        Some(DayPart::Am) if (1..=12).contains(&hour) => hour % 12,
        Some(DayPart::Pm) if (1..=12).contains(&hour) => hour % 12 + 12,
        Some(DayPart::Morning) if (1..=11).contains(&hour) => hour,
        Some(DayPart::Afternoon) if hour == 12 => 12,
        Some(DayPart::Afternoon | DayPart::Evening) if (1..=11).contains(&hour) => hour + 12,
        Some(DayPart::Afternoon) if (13..=18).contains(&hour) => hour,
        Some(DayPart::Evening) if (13..=23).contains(&hour) => hour,
        Some(DayPart::Night) if hour == 12 => 0,
        Some(DayPart::Night) if hour <= 5 || (21..=23).contains(&hour) => hour,
        Some(DayPart::Night) if (9..=11).contains(&hour) => hour + 12,
        _ => return None,
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}
