//! What a person asks for when they write a sentence instead of pressing
//! buttons: book, list, find free time, move or cancel.
//!
//! An interpreter turns the text into an [`Interpretation`]; the use cases
//! act on it. Dates and times here are wall-clock values in the person's own
//! zone, as they said them; a booking also carries the UTC instant they name.
//! Everything is plain data with serde, so a half-finished request can wait
//! in a saved dialog for the answer to its question.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting::Topic;
use crate::time::{Interval, IntervalError, Zone};

/// What the interpreter made of one message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Interpretation {
    /// A complete request, ready for its confirmation screen.
    Request(Request),
    /// A request that lacks something; ask for it and keep `partial` so the
    /// next message can complete it.
    Clarify {
        /// What to ask for.
        missing: Missing,
        /// What was understood so far.
        partial: PartialRequest,
    },
    /// A request that cannot be carried out as said, with the reason to tell.
    Refused(Refusal),
    /// Not a request at all (chit-chat, noise): show the short help.
    NotUnderstood,
}

/// A complete request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Request {
    /// Book a meeting.
    Book(BookRequest),
    /// List the person's meetings (the owner's: all meetings).
    Query {
        /// The days to list; `None` means the meetings still ahead.
        range: Option<DateRange>,
    },
    /// Show the owner's free slots.
    Free {
        /// The days to look at; `None` means the days ahead.
        range: Option<DateRange>,
    },
    /// Move one of the person's meetings.
    Move {
        /// Which meeting is meant.
        which: MeetingRef,
        /// Where it goes.
        to: MoveTarget,
    },
    /// Cancel one of the person's meetings (after a confirmation).
    Cancel {
        /// Which meeting is meant.
        which: MeetingRef,
    },
}

/// A meeting to book, as the person described it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookRequest {
    /// The day, in the person's zone.
    pub date: NaiveDate,
    /// The wall-clock start, in the person's zone.
    pub time: NaiveTime,
    /// The instant `date` and `time` name in the person's zone (a time in a
    /// daylight-saving gap is shifted forward, as everywhere else).
    pub start: DateTime<Utc>,
    /// The length asked for, in minutes; `None` means the default meeting
    /// type. It need not match a meeting type: the use case offers the
    /// nearest ones when it does not.
    pub minutes: Option<u32>,
    /// What the meeting is about, when anything was left to say so.
    pub topic: Option<Topic>,
}

/// Whole days in the person's zone, from `first` to `last` inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

impl DateRange {
    /// The days from `first` to `last`, both included, in either order.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Self {
        Self {
            first: first.min(last),
            last: first.max(last),
        }
    }

    /// A single day.
    pub fn day(date: NaiveDate) -> Self {
        Self::new(date, date)
    }

    /// The first day.
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last day (included).
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// The UTC span the days cover in `zone`, from the start of the first to
    /// the start of the day after the last.
    pub fn interval(&self, zone: Zone) -> Result<Interval, IntervalError> {
        let after_last = self.last + Duration::days(1);
        Interval::new(zone.start_of_day(self.first), zone.start_of_day(after_last))
    }
}

/// Which of the person's meetings a move or cancel means: those on `date`
/// and/or starting at `time`. With neither, any of their meetings ahead (the
/// use case asks with a button per meeting when more than one matches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MeetingRef {
    /// The day of the meeting, in the person's zone.
    pub date: Option<NaiveDate>,
    /// Its wall-clock start, in the person's zone.
    pub time: Option<NaiveTime>,
}

/// Where a moved meeting goes, in the person's zone. A time alone keeps the
/// meeting's day; a date alone keeps its wall-clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveTarget {
    /// Another day, same time.
    Date(NaiveDate),
    /// Another time, same day.
    Time(NaiveTime),
    /// Another day and time.
    DateTime(NaiveDate, NaiveTime),
}

/// What a clarifying question asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The day ("На какой день?").
    Date,
    /// The time ("На какое время?").
    Time,
    /// Both ("На когда?").
    DateAndTime,
    /// Where to move the meeting ("На когда перенести?").
    MoveTarget,
}

/// A request understood in part, kept while its question is answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum PartialRequest {
    /// A booking with some of its parts.
    Book {
        /// The day, when said.
        date: Option<NaiveDate>,
        /// The time, when said.
        time: Option<NaiveTime>,
        /// The length in minutes, when said.
        minutes: Option<u32>,
        /// The topic, when said.
        topic: Option<Topic>,
    },
    /// A move whose target is not said yet.
    Move {
        /// Which meeting is meant.
        which: MeetingRef,
    },
}

/// Why a request cannot be carried out as said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// A time of day that does not exist ("25:00", "13pm"), never wrapped.
    #[error("there is no such time as {said:?}")]
    ImpossibleTime {
        /// The time as the person wrote it (normalised).
        said: String,
    },
    /// A date that does not exist ("31 февраля").
    #[error("there is no such date as {said:?}")]
    ImpossibleDate {
        /// The date as the person wrote it (normalised).
        said: String,
    },
    /// A length of zero or over eight hours.
    #[error("a meeting cannot last {minutes} minutes")]
    ImpossibleLength {
        /// The length asked for.
        minutes: u32,
    },
    /// The day or time asked for has already passed.
    #[error("that time has already passed")]
    InThePast,
    /// The message is too long to be a request; it is not read at all.
    #[error("the message is longer than {max_chars} characters")]
    TooLong {
        /// The longest message read.
        max_chars: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_clarifying_question_survives_a_round_trip_through_json() {
        let question = Interpretation::Clarify {
            missing: Missing::Time,
            partial: PartialRequest::Book {
                date: Some(date("2026-01-15")),
                time: None,
                minutes: Some(30),
                topic: Some(Topic::new("бюджет").unwrap()),
            },
        };

        let json = serde_json::to_string(&question).unwrap();

        assert_eq!(
            serde_json::from_str::<Interpretation>(&json).unwrap(),
            question
        );
    }

    #[test]
    fn a_date_range_covers_whole_days_in_the_persons_zone() {
        let range = DateRange::new(date("2026-01-16"), date("2026-01-15"));

        let interval = range.interval(Zone::moscow()).unwrap();

        assert_eq!(range.first(), date("2026-01-15"));
        assert_eq!(interval.start().to_rfc3339(), "2026-01-14T21:00:00+00:00");
        assert_eq!(interval.end().to_rfc3339(), "2026-01-16T21:00:00+00:00");
    }
}
