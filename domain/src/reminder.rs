//! When reminders of a meeting fall due.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::user::UserId;

/// A reminder offset that is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a reminder offset must be between 1 minute and 14 days, got {0} minutes")]
pub struct OffsetError(pub i64);

/// How long before a meeting its reminders go out, largest first, no duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<i64>", into = "Vec<i64>")]
pub struct ReminderOffsets(Vec<u32>);

impl ReminderOffsets {
    /// Offsets in minutes before the start, each from 1 minute to 14 days.
    pub fn from_minutes(minutes: &[i64]) -> Result<Self, OffsetError> {
        let mut offsets = minutes
            .iter()
            .map(|&m| {
                u32::try_from(m)
                    .ok()
                    .filter(|m| (1..=14 * 24 * 60).contains(m))
                    .ok_or(OffsetError(m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        offsets.sort_unstable_by(|a, b| b.cmp(a));
        offsets.dedup();
        Ok(Self(offsets))
    }

    /// The offsets in minutes, largest first.
    pub fn minutes(&self) -> &[u32] {
        &self.0
    }

    /// The reminders of a meeting starting at `start` for each recipient,
    /// leaving out those whose time has already passed at `now`. "24 hours
    /// before" is an absolute duration, whatever the clocks do in between.
    pub fn plan(
        &self,
        start: DateTime<Utc>,
        recipients: &[UserId],
        now: DateTime<Utc>,
    ) -> Vec<PlannedReminder> {
        let mut plan = Vec::new();
        for &offset in &self.0 {
            let due_at = start - Duration::minutes(i64::from(offset));
            if due_at <= now {
                continue;
            }
            for &recipient in recipients {
                plan.push(PlannedReminder {
                    offset_minutes: offset,
                    due_at,
                    recipient,
                });
            }
        }
        plan
    }
}

impl Default for ReminderOffsets {
    /// 24 hours, 2 hours and 1 hour before.
    fn default() -> Self {
        Self(vec![24 * 60, 120, 60])
    }
}

impl TryFrom<Vec<i64>> for ReminderOffsets {
    type Error = OffsetError;
    fn try_from(minutes: Vec<i64>) -> Result<Self, Self::Error> {
        Self::from_minutes(&minutes)
    }
}

impl From<ReminderOffsets> for Vec<i64> {
    fn from(offsets: ReminderOffsets) -> Self {
        offsets.0.into_iter().map(i64::from).collect()
    }
}

/// One reminder to send: to whom, when, and which offset it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedReminder {
    /// Minutes before the start; with the meeting and recipient it makes the reminder unique.
    pub offset_minutes: u32,
    /// When it falls due.
    pub due_at: DateTime<Utc>,
    /// Who gets it.
    pub recipient: UserId,
}

/// What to do with a reminder found due, possibly late after downtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LateDelivery {
    /// Send it: the meeting has not started yet.
    Send,
    /// Do not send: the meeting has started, the reminder is of no use now.
    Missed,
}

impl LateDelivery {
    /// A reminder is worth sending, however late, only before its meeting starts.
    pub fn decide(meeting_start: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if now < meeting_start {
            Self::Send
        } else {
            Self::Missed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_or_negative_offset_is_refused_by_the_constructor() {
        assert_eq!(ReminderOffsets::from_minutes(&[60, 0]), Err(OffsetError(0)));
        assert_eq!(ReminderOffsets::from_minutes(&[-15]), Err(OffsetError(-15)));
    }

    #[test]
    fn reminder_plan_has_the_default_offsets_for_both_sides_and_skips_past_ones() {
        let start: DateTime<Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
        let people = [UserId(1), UserId(2)];
        let booked_early: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap();
        let plan = ReminderOffsets::default().plan(start, &people, booked_early);
        assert_eq!(plan.len(), 6);
        assert_eq!(plan[0].due_at, start - Duration::hours(24));
        let booked_late = start - Duration::minutes(90);
        let plan = ReminderOffsets::default().plan(start, &people, booked_late);
        assert!(plan.iter().all(|r| r.offset_minutes == 60));
        assert_eq!(plan.len(), 2);
    }

    #[test]
    fn a_reminder_found_late_is_sent_only_before_the_meeting_starts() {
        let start: DateTime<Utc> = "2026-12-02T10:00:00Z".parse().unwrap();
        assert_eq!(
            LateDelivery::decide(start, start - Duration::minutes(1)),
            LateDelivery::Send
        );
        assert_eq!(LateDelivery::decide(start, start), LateDelivery::Missed);
    }
}
