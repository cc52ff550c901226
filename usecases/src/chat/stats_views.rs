//! The screens of `/stats`: the figures as text, the period buttons, and
//! three charts (meetings per week by outcome, the weekday × hour load, the
//! rating trend), all as keys and numbers the chat adapter renders in the
//! reader's language.

use chrono::{Datelike, NaiveDate};
use meetbot_domain::{CadenceState, Meeting, Role, Status};
use meetbot_ports::{
    BookerSummary, Button, Chart, MeetingFigures, Outcomes, Plot, Screen, Series, Text, TextArg,
};

use crate::callback::Callback;
use crate::chat::command::{Command, DateArg, StatsPeriod};
use crate::chat::views::Reader;
use crate::feedback::stars_text;
use crate::statistics::{CadenceLine, StatsReport, StatsSpan};

/// The most managers listed by name under the cadence (overdue first).
const CADENCE_LINES: usize = 15;

/// The most weeks a weekly chart shows (the latest).
const CHART_WEEKS: usize = 26;

fn number(n: impl Into<i64>) -> TextArg {
    TextArg::Number(n.into())
}

/// ` (+3)`, ` (−2)` or ` (±0)` against the period before; empty without one.
fn change(now: i64, before: Option<i64>) -> String {
    match before {
        None => String::new(),
        Some(before) => match now - before {
            0 => " (±0)".to_owned(),
            d if d > 0 => format!(" (+{d})"),
            d => format!(" (−{})", d.unsigned_abs()),
        },
    }
}

/// The average of `stars` over `count` in tenths, or `None` without ratings.
fn average_tenths(stars: u32, count: u32) -> Option<i64> {
    meetbot_domain::feedback::average_tenths_of(i64::from(stars), i64::from(count))
}

/// A share in whole percent.
fn percent(part: u64, whole: u64) -> i64 {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or(0, |share| i64::try_from(share).unwrap_or(i64::MAX))
}

/// The text and the charts of a report: the text first, then one picture
/// per chart.
pub fn stats_screens(report: &StatsReport, reader: Reader) -> Vec<Screen> {
    let mut screen = Screen::text(header(report))
        .then(meetings_text(report))
        .then(people_text(report));
    for text in cadence_texts(report) {
        screen = screen.then(text);
    }
    for text in feedback_texts(report, reader) {
        screen = screen.then(text);
    }
    screen = screen.then(load_text(report));
    for text in group_texts(report) {
        screen = screen.then(text);
    }
    let screen = screen.row(period_buttons(report.span));
    let mut screens = vec![screen];
    screens.extend(
        charts(&report.current)
            .into_iter()
            .map(|chart| Screen::default().with_chart(chart)),
    );
    screens
}

fn header(report: &StatsReport) -> Text {
    let days = (report.to - report.from).num_days() + 1;
    let key = match report.span {
        StatsSpan::All => "stats-header-all",
        _ => "stats-header",
    };
    Text::new(key)
        .arg("from", TextArg::Date(report.from))
        .arg("to", TextArg::Date(report.to))
        .arg("days", number(days))
}

fn meetings_text(report: &StatsReport) -> Text {
    let now = &report.current;
    let before = report.previous.as_ref();
    let pair = |get: fn(&MeetingFigures) -> u32| {
        let value = i64::from(get(now));
        (value, change(value, before.map(|b| i64::from(get(b)))))
    };
    let outcome = |get: fn(&Outcomes) -> u32| {
        let value = i64::from(get(&now.outcomes));
        (
            value,
            change(value, before.map(|b| i64::from(get(&b.outcomes)))),
        )
    };
    let (booked, booked_change) = pair(|f| f.booked);
    let (held, held_change) = outcome(|o| o.held);
    let (no_show, no_show_change) = outcome(|o| o.no_show);
    let (cancelled, cancelled_change) = outcome(Outcomes::cancelled);
    let (moved, moved_change) = outcome(|o| o.moved);
    let average = if now.outcomes.held == 0 {
        0
    } else {
        i64::try_from(now.held_minutes / u64::from(now.outcomes.held)).unwrap_or(0)
    };
    let types = if report.by_type.is_empty() {
        "—".to_owned()
    } else {
        report
            .by_type
            .iter()
            .map(|(_, name, count)| format!("{name} — {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Text::new("stats-meetings")
        .arg("booked", number(booked))
        .plain("booked_change", booked_change)
        .arg("held", number(held))
        .plain("held_change", held_change)
        .arg("no_show", number(no_show))
        .plain("no_show_change", no_show_change)
        .arg("cancelled", number(cancelled))
        .plain("cancelled_change", cancelled_change)
        .arg("by_booker", number(now.outcomes.cancelled_by_booker))
        .arg("by_owner", number(now.outcomes.cancelled_by_owner))
        .arg("by_system", number(now.outcomes.cancelled_by_system))
        .arg("moved", number(moved))
        .plain("moved_change", moved_change)
        .arg("upcoming", number(now.outcomes.upcoming))
        .arg("average", number(average))
        .plain("types", types)
}

fn people_text(report: &StatsReport) -> Text {
    let groups = &report.people.groups;
    let count = |keep: &dyn Fn(Role, Status) -> bool| -> i64 {
        groups
            .iter()
            .filter(|g| keep(g.role, g.status))
            .map(|g| i64::from(g.count))
            .sum()
    };
    let member = |role: Role| matches!(role, Role::Owner | Role::Manager);
    let in_status = |status: Status| count(&|r, s| member(r) && s == status);
    let mut departments: Vec<(String, i64)> = Vec::new();
    let mut without_department = 0;
    for group in groups.iter().filter(|g| member(g.role)) {
        let Some(name) = group.department.clone() else {
            without_department += i64::from(group.count);
            continue;
        };
        match departments.iter_mut().find(|(n, _)| *n == name) {
            Some((_, n)) => *n += i64::from(group.count),
            None => departments.push((name, i64::from(group.count))),
        }
    }
    departments.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let departments = departments
        .iter()
        .map(|(name, n)| format!("{name} — {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let joined = i64::from(report.people.joined);
    Text::new("stats-people")
        .arg("total", number(count(&|_, _| true)))
        .arg("joined", number(joined))
        .plain(
            "joined_change",
            change(joined, report.joined_before.map(i64::from)),
        )
        .arg("owners", number(count(&|r, _| r == Role::Owner)))
        .arg("managers", number(count(&|r, _| r == Role::Manager)))
        .arg("pending", number(count(&|r, _| r == Role::Pending)))
        .arg("active", number(in_status(Status::Active)))
        .arg("vacation", number(in_status(Status::Vacation)))
        .arg("sick", number(in_status(Status::Sick)))
        .arg("trip", number(in_status(Status::BusinessTrip)))
        .arg("inactive", number(in_status(Status::Inactive)))
        .arg("without", number(without_department))
        .plain(
            "departments",
            if departments.is_empty() {
                "—".to_owned()
            } else {
                departments
            },
        )
}

/// The cadence heading and one line per manager, the most overdue first.
fn cadence_texts(report: &StatsReport) -> Vec<Text> {
    let total = report.cadence.len();
    let on = report.cadence.iter().filter(|l| l.on_cadence()).count();
    let mut texts = vec![
        Text::new("stats-cadence")
            .arg("every", number(report.cadence_days))
            .arg("on", number(on as i64))
            .arg("total", number(total as i64))
            .arg("share", number(percent(on as u64, total as u64))),
    ];
    let mut lines: Vec<&CadenceLine> = report.cadence.iter().collect();
    lines.sort_by_key(|line| {
        let over = match line.state {
            CadenceState::Overdue { days_over, .. } => i64::from(days_over),
            _ => -1,
        };
        (std::cmp::Reverse(over), line.user.name.to_string())
    });
    texts.extend(
        lines
            .iter()
            .take(CADENCE_LINES)
            .map(|line| cadence_line(line)),
    );
    if lines.len() > CADENCE_LINES {
        texts.push(
            Text::new("stats-and-more").arg("n", number((lines.len() - CADENCE_LINES) as i64)),
        );
    }
    texts
}

/// One manager's cadence as a line.
pub fn cadence_line(line: &CadenceLine) -> Text {
    // Without a meeting held, the days count from joining: "never met".
    let (met, last) = match line.last_held {
        Some(date) => ("yes", TextArg::Date(date)),
        None => ("no", TextArg::Plain(String::new())),
    };
    let text = match line.state {
        CadenceState::Overdue { days_over, .. } => {
            Text::new("stats-cadence-overdue").arg("over", number(days_over))
        }
        CadenceState::Booked => Text::new("stats-cadence-booked"),
        CadenceState::Nudge { due, .. } | CadenceState::OnTrack { due } => {
            Text::new("stats-cadence-on-time").arg("due", TextArg::Date(due))
        }
    };
    text.plain("name", &line.user.name)
        .plain("met", met)
        .arg("last", last)
        .arg("days", number(line.days_since))
}

fn feedback_texts(report: &StatsReport, reader: Reader) -> Vec<Text> {
    let ratings = &report.current.ratings;
    let count = ratings.count();
    let Some(average) = average_tenths(ratings.stars(), count) else {
        return vec![Text::new("stats-feedback-none")];
    };
    let before = report.previous.as_ref().map(|p| &p.ratings);
    let average_change = match before.and_then(|b| average_tenths(b.stars(), b.count())) {
        None => String::new(),
        Some(earlier) => match average - earlier {
            0 => " (±0)".to_owned(),
            d if d > 0 => format!(" (+{})", stars_text(d)),
            d => format!(" (−{})", stars_text(-d)),
        },
    };
    let mut text = Text::new("stats-feedback")
        .arg("count", number(count))
        .plain(
            "count_change",
            change(i64::from(count), before.map(|b| i64::from(b.count()))),
        )
        .plain("average", stars_text(average))
        .plain("average_change", average_change);
    for (stars, n) in ratings.by_stars.iter().enumerate() {
        text = text.arg(format!("s{}", stars + 1), number(*n));
    }
    let mut texts = vec![text];
    if !report.lowest.is_empty() {
        texts.push(Text::new("stats-lowest"));
    }
    texts.extend(report.lowest.iter().map(|(rated, name)| {
        Text::new("stats-lowest-line")
            .arg("stars", number(rated.stars))
            .plain("name", name)
            .arg(
                "time",
                TextArg::Time {
                    at: rated.start,
                    zone: reader.zone,
                },
            )
            .plain("comment", rated.comment.as_deref().unwrap_or("—"))
    }));
    texts
}

fn load_text(report: &StatsReport) -> Text {
    let load = &report.current.load;
    let mut days: Vec<(usize, u32)> = load
        .iter()
        .enumerate()
        .map(|(day, hours)| (day, hours.iter().sum()))
        .filter(|(_, n)| *n > 0)
        .collect();
    days.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut hours: Vec<(usize, u32)> = (0..24)
        .map(|hour| (hour, load.iter().map(|day| day[hour]).sum()))
        .filter(|(_, n)| *n > 0)
        .collect();
    hours.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let hours_text = if hours.is_empty() {
        "—".to_owned()
    } else {
        hours
            .iter()
            .take(3)
            .map(|(hour, n)| format!("{hour:02}:00 ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = Text::new("stats-load")
        .arg("shown", number(days.len().min(3) as i64))
        .plain("hours", hours_text)
        .arg(
            "share",
            number(percent(report.current.kept_minutes, report.working_minutes)),
        );
    for slot in 0..3 {
        let (day, n) = days.get(slot).copied().unwrap_or((0, 0));
        text = text
            .key(format!("day{}", slot + 1), format!("weekday-{}", day + 1))
            .arg(format!("n{}", slot + 1), number(n));
    }
    text
}

fn group_texts(report: &StatsReport) -> Vec<Text> {
    if report.group.is_empty() {
        return Vec::new();
    }
    let mut texts = vec![Text::new("stats-group")];
    texts.extend(report.group.iter().map(|week| {
        Text::new("stats-group-week")
            .arg("date", TextArg::Date(week.date))
            .arg("invited", number(week.invited))
            .arg("yes", number(week.yes))
            .arg("no", number(week.no))
            .arg("silent", number(week.no_answer()))
    }));
    texts
}

/// The period buttons, the one shown marked.
fn period_buttons(shown: StatsSpan) -> Vec<Button> {
    [
        (StatsSpan::Week, StatsPeriod::Week, "button-stats-week"),
        (StatsSpan::Month, StatsPeriod::Month, "button-stats-month"),
        (
            StatsSpan::Quarter,
            StatsPeriod::Quarter,
            "button-stats-quarter",
        ),
        (StatsSpan::All, StatsPeriod::All, "button-stats-all"),
    ]
    .into_iter()
    .map(|(span, period, key)| {
        let label = Text::new(key);
        Button {
            label: if span == shown {
                Text::new("button-chosen").arg("label", TextArg::Key(key.to_owned()))
            } else {
                label
            },
            data: Callback::Command(Command::Stats(period)).encode(),
        }
    })
    .collect()
}

/// A week's label under a chart: its Monday as day and month.
fn week_label(monday: NaiveDate) -> Text {
    Text::new("plain").plain("text", monday.format("%d.%m"))
}

/// The charts of a period's figures.
pub fn charts(figures: &MeetingFigures) -> Vec<Chart> {
    let skip = figures.weeks.len().saturating_sub(CHART_WEEKS);
    let weeks = &figures.weeks[skip..];
    let layer = |key: &'static str, get: fn(&Outcomes) -> u32| Series {
        label: Text::new(key),
        values: weeks.iter().map(|(_, o)| get(o)).collect(),
    };
    let per_week = Chart {
        title: Text::new("chart-weeks-title"),
        plot: Plot::StackedBars {
            categories: weeks
                .iter()
                .map(|(monday, _)| week_label(*monday))
                .collect(),
            series: vec![
                layer("chart-held", |o| o.held),
                layer("chart-no-show", |o| o.no_show),
                layer("chart-upcoming", |o| o.upcoming),
                layer("chart-moved", |o| o.moved),
                layer("chart-cancelled", Outcomes::cancelled),
            ],
        },
    };
    let busy_hours: Vec<usize> = (0..24)
        .filter(|hour| figures.load.iter().any(|day| day[*hour] > 0))
        .collect();
    let (first, last) = match (busy_hours.first(), busy_hours.last()) {
        (Some(first), Some(last)) => ((*first).min(9), (*last).max(17)),
        _ => (9, 17),
    };
    let heat = Chart {
        title: Text::new("chart-load-title"),
        plot: Plot::HeatMap {
            rows: (1..=7)
                .map(|day| Text::new(format!("weekday-{day}")))
                .collect(),
            columns: (first..=last)
                .map(|hour| Text::new("plain").plain("text", format!("{hour:02}")))
                .collect(),
            values: figures
                .load
                .iter()
                .map(|day| day[first..=last].to_vec())
                .collect(),
        },
    };
    let skip = figures.ratings.weeks.len().saturating_sub(CHART_WEEKS);
    let rated = &figures.ratings.weeks[skip..];
    let trend = Chart {
        title: Text::new("chart-rating-title"),
        plot: Plot::Line {
            categories: rated
                .iter()
                .map(|(monday, _, _)| week_label(*monday))
                .collect(),
            values: rated
                .iter()
                .map(|(_, count, stars)| {
                    average_tenths(*stars, *count).and_then(|t| u32::try_from(t * 10).ok())
                })
                .collect(),
            low: 100,
            high: 500,
        },
    };
    vec![per_week, heat, trend]
}

/// A user's card with their meeting history under it: counts, the last
/// meeting held, the cadence (managers) and their latest meetings, each a
/// button to its card.
pub fn user_history(
    card: Screen,
    summary: &BookerSummary,
    cadence: Option<&CadenceLine>,
    recent: &[&Meeting],
    reader: Reader,
) -> Screen {
    let last = match summary.last_held {
        Some(at) => TextArg::Time {
            at,
            zone: reader.zone,
        },
        None => TextArg::Key("stats-never".to_owned()),
    };
    let mut card = card.then(
        Text::new("user-card-history")
            .arg("held", number(summary.held))
            .arg("no_show", number(summary.no_show))
            .arg("upcoming", number(summary.upcoming))
            .arg("cancelled", number(summary.cancelled))
            .arg("moved", number(summary.moved))
            .arg("last", last),
    );
    if let Some(line) = cadence {
        card = card.then(cadence_line(line));
    }
    let buttons: Vec<Button> = recent
        .iter()
        .map(|meeting| Button {
            label: Text::new("button-history-meeting")
                .arg(
                    "when",
                    TextArg::Time {
                        at: meeting.interval.start(),
                        zone: reader.zone,
                    },
                )
                .key(
                    "status",
                    format!(
                        "meeting-status-{}",
                        meeting.status.as_str().to_ascii_lowercase()
                    ),
                ),
            data: Callback::OpenMeeting(meeting.id).encode(),
        })
        .collect();
    for row in buttons.chunks(1) {
        card = card.row(row.to_vec());
    }
    card
}

/// The days a typed period covers, read on `today`: a day and month
/// without a year starts the latest such day that is not after today, and
/// the end is the first such day on or after the start.
pub fn typed_days(from: DateArg, to: DateArg, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let from = match from {
        DateArg::Full(date) => date,
        DateArg::DayMonth { day, month } => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
            match this_year {
                Some(date) if date <= today => date,
                _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day)?,
            }
        }
    };
    Some((from, to.on_or_after(from)?))
}
