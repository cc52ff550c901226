//! The meeting cadence: every manager is expected to meet the owner every N
//! days, is nudged before the due date, and is listed to the owner once overdue.
//! Nudges and the owner's digest go out from 09:00 in the owner's zone.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::Zone;

/// The hour (in the owner's zone) from which nudges and the digest go out.
pub const SEND_FROM_HOUR: u32 = 9;

/// 09:00, the wall-clock time the cadence's messages go out from.
const SEND_FROM: NaiveTime = match NaiveTime::from_hms_opt(SEND_FROM_HOUR, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// Whether the cadence's messages may go out at `now`: from 09:00 to the
/// end of the day in `zone`. A bot that was down at 09:00 still sends that
/// day's messages when it comes back later in the day.
pub fn cadence_is_due(now: DateTime<Utc>, zone: Zone) -> bool {
    zone.local(now).time() >= SEND_FROM
}

/// The next 09:00 in `zone` strictly after `now`: today's when it is still
/// to come, else tomorrow's. On a day whose 09:00 falls in a daylight-saving
/// gap it is the first instant after the gap; `None` only at the end of
/// representable time.
pub fn next_cadence_run(now: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
    let local = zone.local(now);
    let date = if local.time() < SEND_FROM {
        local.date()
    } else {
        local.date().succ_opt()?
    };
    Some(zone.to_utc(date.and_time(SEND_FROM)))
}

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

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_cadence_is_due_from_nine_in_the_owners_zone_until_midnight() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();

        // 07:59 and 08:00 UTC are 08:59 and 09:00 in Berlin in winter.
        assert!(!cadence_is_due(at("2026-01-15T07:59:00Z"), berlin));
        assert!(cadence_is_due(at("2026-01-15T08:00:00Z"), berlin));
        assert!(cadence_is_due(at("2026-01-15T22:59:00Z"), berlin));
        assert!(!cadence_is_due(at("2026-01-15T23:00:00Z"), berlin));
    }

    #[test]
    fn the_next_cadence_run_is_todays_nine_before_it_and_tomorrows_after() {
        let new_york = Zone::parse("America/New_York").unwrap();

        assert_eq!(
            next_cadence_run(at("2026-01-15T13:59:00Z"), new_york),
            Some(at("2026-01-15T14:00:00Z"))
        );
        assert_eq!(
            next_cadence_run(at("2026-01-15T14:00:00Z"), new_york),
            Some(at("2026-01-16T14:00:00Z"))
        );
    }

    #[test]
    fn the_next_cadence_run_keeps_nine_local_across_a_daylight_saving_switch() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();

        // Clocks go forward on 2026-03-29: 09:00 is 08:00 UTC the day
        // before and 07:00 UTC that day, 23 hours later.
        let before = next_cadence_run(at("2026-03-28T09:00:00Z"), berlin).unwrap();
        assert_eq!(before, at("2026-03-29T07:00:00Z"));
        assert!(cadence_is_due(before, berlin));
        assert!(!cadence_is_due(before - Duration::minutes(1), berlin));
        // And back on 2026-10-25: 25 hours from 09:00 to 09:00.
        assert_eq!(
            next_cadence_run(at("2026-10-24T07:00:00Z"), berlin),
            Some(at("2026-10-25T08:00:00Z"))
        );
    }

    #[test]
    fn the_next_cadence_run_is_nine_on_a_day_whose_midnight_does_not_exist() {
        // Havana's clocks jump from 00:00 to 01:00 on 2026-03-08: the day
        // starts an hour late, and 09:00 is already at the summer offset.
        let havana = Zone::parse("America/Havana").unwrap();

        assert_eq!(
            next_cadence_run(at("2026-03-07T15:00:00Z"), havana),
            Some(at("2026-03-08T13:00:00Z"))
        );
    }

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
