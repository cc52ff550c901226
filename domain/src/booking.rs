//! The booking policy: how many meetings a person may hold, and until when
//! a meeting may still be cancelled or moved.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting::{Meeting, MeetingStatus};
use crate::user::User;

/// A setting of the policy out of its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The upcoming-meetings limit must be between 1 and 50.
    #[error("the limit of upcoming meetings must be between 1 and 50, got {0}")]
    BadLimit(i64),
    /// The cutoff must be between 0 and 720 hours.
    #[error("the cancellation cutoff must be between 0 and 720 hours, got {0}")]
    BadCutoff(i64),
}

/// The most upcoming meetings one person may hold at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct UpcomingLimit(u32);

impl UpcomingLimit {
    /// A limit of 1 to 50 meetings.
    pub fn new(limit: i64) -> Result<Self, PolicyError> {
        u32::try_from(limit)
            .ok()
            .filter(|l| (1..=50).contains(l))
            .map(Self)
            .ok_or(PolicyError::BadLimit(limit))
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for UpcomingLimit {
    fn default() -> Self {
        Self(3)
    }
}

impl TryFrom<i64> for UpcomingLimit {
    type Error = PolicyError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<UpcomingLimit> for i64 {
    fn from(limit: UpcomingLimit) -> Self {
        i64::from(limit.0)
    }
}

/// How long before its start a meeting may still be cancelled or moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct ChangeCutoff(u32);

impl ChangeCutoff {
    /// A cutoff of 0 to 720 hours.
    pub fn from_hours(hours: i64) -> Result<Self, PolicyError> {
        u32::try_from(hours)
            .ok()
            .filter(|h| *h <= 720)
            .map(Self)
            .ok_or(PolicyError::BadCutoff(hours))
    }

    /// The cutoff in hours.
    pub fn hours(self) -> u32 {
        self.0
    }

    /// The cutoff as a duration.
    pub fn duration(self) -> Duration {
        Duration::hours(i64::from(self.0))
    }
}

impl Default for ChangeCutoff {
    fn default() -> Self {
        Self(24)
    }
}

impl TryFrom<i64> for ChangeCutoff {
    type Error = PolicyError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::from_hours(value)
    }
}

impl From<ChangeCutoff> for i64 {
    fn from(cutoff: ChangeCutoff) -> Self {
        i64::from(cutoff.0)
    }
}

/// Why a person may not book now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    /// Only an ACTIVE, subscribed person books.
    #[error("only an active member can book")]
    NotActive,
    /// The person already holds the most upcoming meetings allowed.
    #[error("the limit of {0} upcoming meetings is reached")]
    LimitReached(u32),
}

/// Why a meeting may not be cancelled or moved now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefusal {
    /// The meeting is no longer SCHEDULED.
    #[error("the meeting is already {0}")]
    NotScheduled(MeetingStatus),
    /// The meeting has started.
    #[error("the meeting has already started")]
    AlreadyStarted,
    /// Less time is left before the start than the cutoff.
    #[error("changes are allowed until {0} hours before the start")]
    TooLate(u32),
}

/// The rules for booking and changing meetings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BookingPolicy {
    /// The most upcoming meetings a manager may hold.
    pub limit: UpcomingLimit,
    /// Until when before the start a manager may cancel or move.
    pub cutoff: ChangeCutoff,
}

impl BookingPolicy {
    /// Whether `booker`, who holds `upcoming` meetings now, may book one more.
    /// The owner books in their own calendar and has no limit.
    pub fn check_booking(&self, booker: &User, upcoming: u32) -> Result<(), BookingRefusal> {
        if !booker.is_reachable() {
            return Err(BookingRefusal::NotActive);
        }
        if !booker.is_owner() && upcoming >= self.limit.get() {
            return Err(BookingRefusal::LimitReached(self.limit.get()));
        }
        Ok(())
    }

    /// Whether `actor` may cancel or move `meeting` at `now`. Who owns the
    /// meeting is the permission table's question; this is about time. The
    /// owner is exempt from the cutoff, and so is a meeting whose time the
    /// owner has since closed (`time_closed`), but nobody changes a started
    /// meeting.
    pub fn check_change(
        &self,
        actor: &User,
        meeting: &Meeting,
        now: DateTime<Utc>,
        time_closed: bool,
    ) -> Result<(), ChangeRefusal> {
        if meeting.status != MeetingStatus::Scheduled {
            return Err(ChangeRefusal::NotScheduled(meeting.status));
        }
        if now >= meeting.interval.start() {
            return Err(ChangeRefusal::AlreadyStarted);
        }
        let exempt = actor.is_owner() || time_closed;
        if !exempt && meeting.interval.start() - now < self.cutoff.duration() {
            return Err(ChangeRefusal::TooLate(self.cutoff.hours()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_or_zero_limit_and_a_negative_cutoff_are_refused_by_the_constructors() {
        assert_eq!(UpcomingLimit::new(-1), Err(PolicyError::BadLimit(-1)));
        assert_eq!(UpcomingLimit::new(0), Err(PolicyError::BadLimit(0)));
        assert_eq!(UpcomingLimit::new(3).map(UpcomingLimit::get), Ok(3));
        assert_eq!(
            ChangeCutoff::from_hours(-2),
            Err(PolicyError::BadCutoff(-2))
        );
        assert_eq!(ChangeCutoff::from_hours(0).map(ChangeCutoff::hours), Ok(0));
    }
}
