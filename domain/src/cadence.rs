//! The meeting cadence: every manager is expected to meet the owner every N
//! days, is nudged before the due date, and is listed to the owner once overdue.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// A cadence setting out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CadenceError {
    /// The period must be between 1 and 365 days.
    #[error("the cadence must be between 1 and 365 days, got {0}")]
    BadPeriod(i64),
    /// A nudge must come between 1 day before and the period itself.
    #[error("a nudge must come 1 to {period} days before the due date, got {got}")]
    BadNudge {
        /// The cadence in days.
        period: u32,
        /// The nudge given.
        got: i64,
    },
}

/// How often managers are expected to meet the owner, and when they are nudged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CadenceFields", into = "CadenceFields")]
pub struct Cadence {
    every_days: u32,
    nudge_days_before: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct CadenceFields {
    every_days: i64,
    nudge_days_before: Vec<i64>,
}

impl TryFrom<CadenceFields> for Cadence {
    type Error = CadenceError;
    fn try_from(f: CadenceFields) -> Result<Self, Self::Error> {
        Cadence::new(f.every_days, &f.nudge_days_before)
    }
}

impl From<Cadence> for CadenceFields {
    fn from(c: Cadence) -> Self {
        Self {
            every_days: i64::from(c.every_days),
            nudge_days_before: c.nudge_days_before.into_iter().map(i64::from).collect(),
        }
    }
}

/// Where a manager stands against the cadence on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CadenceState {
    /// A meeting is booked: nothing to do.
    Booked,
    /// Nothing booked yet, but the due date is still some way off.
    OnTrack {
        /// The day the next meeting is due.
        due: NaiveDate,
    },
    /// Nothing booked, and today is a nudge day.
    Nudge {
        /// The day the next meeting is due.
        due: NaiveDate,
        /// Days until then.
        days_left: u32,
    },
    /// Nothing booked, and the due date has passed.
    Overdue {
        /// The day the meeting was due.
        due: NaiveDate,
        /// Days since then.
        days_over: u32,
    },
}

impl Cadence {
    /// Every `every_days` days, with nudges the given numbers of days before the due date.
    pub fn new(every_days: i64, nudge_days_before: &[i64]) -> Result<Self, CadenceError> {
        let period = u32::try_from(every_days)
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or(CadenceError::BadPeriod(every_days))?;
        let mut nudges = nudge_days_before
            .iter()
            .map(|&d| {
                u32::try_from(d)
                    .ok()
                    .filter(|d| (1..=period).contains(d))
                    .ok_or(CadenceError::BadNudge { period, got: d })
            })
            .collect::<Result<Vec<_>, _>>()?;
        nudges.sort_unstable_by(|a, b| b.cmp(a));
        nudges.dedup();
        Ok(Self {
            every_days: period,
            nudge_days_before: nudges,
        })
    }

    /// The period in days.
    pub fn every_days(&self) -> u32 {
        self.every_days
    }

    /// Days before the due date on which a manager is nudged, largest first.
    pub fn nudge_days_before(&self) -> &[u32] {
        &self.nudge_days_before
    }

    /// The day the next meeting is due: the period after the last meeting
    /// held, or after the manager joined when there was none.
    pub fn due_date(&self, last_meeting: Option<NaiveDate>, joined: NaiveDate) -> NaiveDate {
        last_meeting.unwrap_or(joined) + Duration::days(i64::from(self.every_days))
    }

    /// Where a manager stands on `today`.
    pub fn state(
        &self,
        today: NaiveDate,
        last_meeting: Option<NaiveDate>,
        joined: NaiveDate,
        has_upcoming_meeting: bool,
    ) -> CadenceState {
        if has_upcoming_meeting {
            return CadenceState::Booked;
        }
        let due = self.due_date(last_meeting, joined);
        let days_left = (due - today).num_days();
        if days_left < 0 {
            return CadenceState::Overdue {
                due,
                days_over: days_left.unsigned_abs() as u32,
            };
        }
        let days_left = days_left as u32;
        if self.nudge_days_before.contains(&days_left) {
            CadenceState::Nudge { due, days_left }
        } else {
            CadenceState::OnTrack { due }
        }
    }
}

impl Default for Cadence {
    /// Every 14 days, nudged 7, 3 and 1 days before.
    fn default() -> Self {
        Self {
            every_days: 14,
            nudge_days_before: vec![7, 3, 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_cadence_is_refused_by_the_constructor() {
        assert_eq!(Cadence::new(0, &[]), Err(CadenceError::BadPeriod(0)));
        assert_eq!(Cadence::new(-14, &[]), Err(CadenceError::BadPeriod(-14)));
        assert_eq!(
            Cadence::new(14, &[20]),
            Err(CadenceError::BadNudge {
                period: 14,
                got: 20
            })
        );
    }

    #[test]
    fn cadence_nudges_fall_on_days_7_11_and_13_after_the_last_meeting() {
        let cadence = Cadence::default();
        let last: NaiveDate = "2026-11-01".parse().unwrap();
        let nudge_days: Vec<i64> = (0..20)
            .filter(|d| {
                let today = last + Duration::days(*d);
                matches!(
                    cadence.state(today, Some(last), last, false),
                    CadenceState::Nudge { .. }
                )
            })
            .collect();
        assert_eq!(nudge_days, [7, 11, 13]);
        let day_15 = last + Duration::days(15);
        assert_eq!(
            cadence.state(day_15, Some(last), last, false),
            CadenceState::Overdue {
                due: last + Duration::days(14),
                days_over: 1
            }
        );
        assert_eq!(
            cadence.state(day_15, Some(last), last, true),
            CadenceState::Booked
        );
    }
}
