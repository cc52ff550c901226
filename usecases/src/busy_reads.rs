//! How the booking screens read busy time from the owner's calendar: an
//! answer in time or none, recent answers reused, and an outage noticed.
//!
//! A person waits on every month, day and confirm screen while the calendar
//! is asked, so a read that takes longer than [`READ_TIMEOUT`] counts as a
//! failure. What the calendar said is reused for [`REUSE_ANSWER_FOR`] for
//! ranges inside the one it was asked, so the screens of one booking ask it
//! once; a failure answers every read for [`REUSE_FAILURE_FOR`], so a
//! calendar that hangs costs one wait, not one per screen.
//! Meetings the bot holds never come from here: the store has them, fresh.
//!
//! A failed read is not free time: the use cases count the range as taken
//! (see `booking::busy_between`), and the owner is told once per outage.

use std::sync::Mutex;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::Interval;
use meetbot_ports::{Calendar, CalendarError};

/// How long a person waits for the calendar before its time counts as taken.
pub const READ_TIMEOUT: StdDuration = StdDuration::from_millis(2500);

/// How long a busy answer is reused for a range inside the one it was for.
pub const REUSE_ANSWER_FOR: Duration = Duration::seconds(30);

/// How long a failed read is reused before the calendar is asked again.
pub const REUSE_FAILURE_FOR: Duration = Duration::seconds(10);

/// At most this many answers are kept.
const KEPT: usize = 32;

/// One answer of the calendar.
#[derive(Clone, Debug)]
struct Answer {
    range: Interval,
    at: DateTime<Utc>,
    busy: Result<Vec<Interval>, CalendarError>,
}

impl Answer {
    fn fresh(&self, now: DateTime<Utc>) -> bool {
        let reuse = if self.busy.is_ok() {
            REUSE_ANSWER_FOR
        } else {
            REUSE_FAILURE_FOR
        };
        now >= self.at && now - self.at < reuse
    }

    fn covers(&self, range: &Interval) -> bool {
        self.range.start() <= range.start() && range.end() <= self.range.end()
    }
}

/// How old an answer a read takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// A recent answer will do: a screen of free time.
    Recent,
    /// Ask the calendar now (unless it failed just now): the check before
    /// a booking is stored.
    Now,
}

/// What a read found, and whether it changed the calendar's standing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusyRead {
    /// The busy intervals overlapping the range, or why there are none.
    pub busy: Result<Vec<Interval>, CalendarError>,
    /// This read is the first failure after the calendar answered.
    pub outage_began: bool,
    /// This read is the first answer after the calendar failed.
    pub outage_ended: bool,
}

/// Recent answers of the owner's calendar, and whether it is failing now.
/// One per running bot, shared by every clone of the services.
#[derive(Debug, Default)]
pub struct BusyReads {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    answers: Vec<Answer>,
    failing: bool,
}

impl BusyReads {
    /// Busy time in `range` from `calendar`, or a reused recent answer
    /// when `freshness` allows.
    pub async fn read(
        &self,
        calendar: &dyn Calendar,
        range: Interval,
        now: DateTime<Utc>,
        freshness: Freshness,
    ) -> BusyRead {
        if let Some(busy) = self.reused(&range, now, freshness) {
            return BusyRead {
                busy,
                outage_began: false,
                outage_ended: false,
            };
        }
        let busy = match tokio::time::timeout(READ_TIMEOUT, calendar.busy(range)).await {
            Ok(answer) => answer,
            Err(_) => Err(CalendarError::Unavailable(format!(
                "no answer within {} ms",
                READ_TIMEOUT.as_millis()
            ))),
        };
        let mut state = self.lock();
        state.answers.retain(|a| a.fresh(now));
        if state.answers.len() >= KEPT {
            state.answers.remove(0);
        }
        state.answers.push(Answer {
            range,
            at: now,
            busy: busy.clone(),
        });
        let was_failing = std::mem::replace(&mut state.failing, busy.is_err());
        BusyRead {
            outage_began: busy.is_err() && !was_failing,
            outage_ended: busy.is_ok() && was_failing,
            busy,
        }
    }

    /// Whether the last read of the calendar failed.
    pub fn failing(&self) -> bool {
        self.lock().failing
    }

    /// Forgets every answer: the bot wrote to the calendar.
    pub fn forget(&self) {
        self.lock().answers.clear();
    }

    fn reused(
        &self,
        range: &Interval,
        now: DateTime<Utc>,
        freshness: Freshness,
    ) -> Option<Result<Vec<Interval>, CalendarError>> {
        let state = self.lock();
        // A recent failure answers for every range: the calendar is
        // failing, and asking it again would only make another person wait.
        let answer = state.answers.iter().rev().find(|a| {
            a.fresh(now) && (a.busy.is_err() || (freshness == Freshness::Recent && a.covers(range)))
        })?;
        Some(answer.busy.clone().map(|busy| {
            busy.into_iter()
                .filter(|b| b.overlaps(range))
                .collect::<Vec<_>>()
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-done here.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
