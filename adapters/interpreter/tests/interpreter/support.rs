//! What the interpreter's tests share: a situation at a fixed instant and a
//! one-line description of an interpretation that the corpus compares with.

#![expect(
    clippy::unwrap_used,
    reason = "test set-up: a bad constant fails the test"
)]

use chrono::{DateTime, Utc};
use meetbot_domain::request::{Interpretation, MeetingRef, Missing, MoveTarget, Refusal, Request};
use meetbot_domain::{Language, Zone};
use meetbot_ports::interpreter::Situation;

/// The corpus's "now": Wednesday 2026-01-14, 09:00 in Moscow.
pub fn corpus_now() -> DateTime<Utc> {
    "2026-01-14T06:00:00Z".parse().unwrap()
}

pub fn situation(now: DateTime<Utc>, zone: &str, language: Language) -> Situation {
    Situation {
        now,
        zone: Zone::parse(zone).unwrap(),
        language,
        pending: None,
    }
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn meeting_ref(which: &MeetingRef) -> String {
    format!(
        "{} {}",
        or_dash(which.date),
        or_dash(which.time.map(|t| t.format("%H:%M")))
    )
}

/// The reading in the corpus's notation.
pub fn describe(interpretation: &Interpretation) -> String {
    let range = |range: &Option<meetbot_domain::request::DateRange>| {
        or_dash(range.map(|r| format!("{}..{}", r.first(), r.last())))
    };
    match interpretation {
        Interpretation::Request(Request::Book(book)) => {
            let topic = book
                .topic
                .as_ref()
                .map(|t| format!(" \"{}\"", t.as_str()))
                .unwrap_or_default();
            format!(
                "book {} {} {}{topic}",
                book.date,
                book.time.format("%H:%M"),
                or_dash(book.minutes)
            )
        }
        Interpretation::Request(Request::Query { range: r }) => format!("query {}", range(r)),
        Interpretation::Request(Request::Free { range: r }) => format!("free {}", range(r)),
        Interpretation::Request(Request::Move { which, to }) => {
            let to = match to {
                MoveTarget::Date(date) => date.to_string(),
                MoveTarget::Time(time) => time.format("%H:%M").to_string(),
                MoveTarget::DateTime(date, time) => format!("{date} {}", time.format("%H:%M")),
            };
            format!("move {} -> {to}", meeting_ref(which))
        }
        Interpretation::Request(Request::Cancel { which }) => {
            format!("cancel {}", meeting_ref(which))
        }
        Interpretation::Clarify { missing, .. } => format!(
            "clarify {}",
            match missing {
                Missing::Date => "date",
                Missing::Time => "time",
                Missing::DateAndTime => "date_and_time",
                Missing::MoveTarget => "move_target",
            }
        ),
        Interpretation::Refused(refusal) => format!(
            "refuse {}",
            match refusal {
                Refusal::ImpossibleTime { .. } => "time",
                Refusal::ImpossibleDate { .. } => "date",
                Refusal::ImpossibleLength { .. } => "length",
                Refusal::InThePast => "past",
                Refusal::TooLong { .. } => "too_long",
            }
        ),
        Interpretation::NotUnderstood => "none".to_owned(),
    }
}
