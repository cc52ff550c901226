//! Meetings with the owner and their life cycle.
//!
//! A meeting is never deleted: it is SCHEDULED until it is cancelled, moved
//! (RESCHEDULED, linked to the meeting that replaces it) or held (COMPLETED).
//! Once it has ended, the owner may mark it NO_SHOW (the booker did not
//! come), and take that back.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::time::{Interval, IntervalError};
use crate::user::{UserId, ValueError, stable_names};

/// The store's id of a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MeetingId(pub i64);

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a meeting is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeetingStatus {
    /// Booked and still ahead (or under way).
    Scheduled,
    /// Called off; its time is free again.
    Cancelled,
    /// Held: its end has passed.
    Completed,
    /// Moved; `rescheduled_to` names the meeting that replaces it.
    Rescheduled,
    /// Its time passed but the booker did not come (the owner says so).
    NoShow,
}

stable_names!(MeetingStatus {
    Scheduled => "SCHEDULED",
    Cancelled => "CANCELLED",
    Completed => "COMPLETED",
    Rescheduled => "RESCHEDULED",
    NoShow => "NO_SHOW",
});

/// A kind of meeting the owner offers, with its length.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "MeetingTypeFields")]
pub struct MeetingType {
    code: String,
    name: String,
    minutes: u32,
}

#[derive(Deserialize)]
struct MeetingTypeFields {
    code: String,
    name: String,
    minutes: i64,
}

impl TryFrom<MeetingTypeFields> for MeetingType {
    type Error = MeetingTypeError;
    fn try_from(f: MeetingTypeFields) -> Result<Self, Self::Error> {
        MeetingType::new(&f.code, &f.name, f.minutes)
    }
}

/// Why a meeting type could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingTypeError {
    /// The code is empty, too long or not lowercase ASCII letters, digits and `_`.
    #[error("the code {0:?} must be 1–16 characters of a–z, 0–9 and _")]
    BadCode(String),
    /// The name is empty or too long.
    #[error("the name: {0}")]
    BadName(ValueError),
    /// Zero, negative or over eight hours.
    #[error("the duration must be between 1 and 480 minutes, got {0}")]
    BadDuration(i64),
}

impl MeetingType {
    /// A meeting type with a short ASCII code (it travels in button data), a
    /// name for people and a length in minutes.
    pub fn new(code: &str, name: &str, minutes: i64) -> Result<Self, MeetingTypeError> {
        let code_ok = !code.is_empty()
            && code.len() <= 16
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !code_ok {
            return Err(MeetingTypeError::BadCode(code.to_owned()));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(MeetingTypeError::BadName(ValueError::Empty));
        }
        if name.chars().count() > 64 {
            return Err(MeetingTypeError::BadName(ValueError::TooLong { max: 64 }));
        }
        let minutes = u32::try_from(minutes)
            .ok()
            .filter(|m| (1..=480).contains(m))
            .ok_or(MeetingTypeError::BadDuration(minutes))?;
        Ok(Self {
            code: code.to_owned(),
            name: name.to_owned(),
            minutes,
        })
    }

    /// The short ASCII code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The name shown to people.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How long the meeting lasts.
    pub fn duration(&self) -> Duration {
        Duration::minutes(i64::from(self.minutes))
    }

    /// How long the meeting lasts, in minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }
}

impl Serialize for MeetingType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("MeetingType", 3)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("minutes", &self.minutes)?;
        s.end()
    }
}

/// What a meeting is about, as the booker typed it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Topic(String);

impl Topic {
    /// The longest topic, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Removes bidi control characters (the topic is shown to the owner),
    /// trims the text and checks it is neither empty nor too long.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let cleaned = crate::user::without_bidi_controls(raw);
        let text = cleaned.trim();
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Topic {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(&value)
    }
}

impl From<Topic> for String {
    fn from(value: Topic) -> Self {
        value.0
    }
}

/// A meeting about to be booked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeeting {
    /// Who books it.
    pub booker: UserId,
    /// When it takes place.
    pub interval: Interval,
    /// The code of its meeting type.
    pub meeting_type: String,
    /// What it is about.
    pub topic: Option<Topic>,
    /// The meeting it replaces, when it is a reschedule.
    pub rescheduled_from: Option<MeetingId>,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
}

/// A booked meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// The store's id.
    pub id: MeetingId,
    /// Who booked it.
    pub booker: UserId,
    /// When it takes place.
    pub interval: Interval,
    /// The code of its meeting type.
    pub meeting_type: String,
    /// What it is about.
    pub topic: Option<Topic>,
    /// Where it is in its life.
    pub status: MeetingStatus,
    /// The meeting it replaced.
    pub rescheduled_from: Option<MeetingId>,
    /// The meeting that replaced it.
    pub rescheduled_to: Option<MeetingId>,
    /// Who cancelled it.
    pub cancelled_by: Option<UserId>,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
    /// When its status last changed.
    pub updated_at: DateTime<Utc>,
    /// Where it is held online (a Google Meet link the calendar made).
    pub video_link: Option<String>,
}

/// A status change the life cycle does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// Only a SCHEDULED meeting can change; this one is already final.
    #[error("the meeting is already {0}")]
    NotScheduled(MeetingStatus),
    /// A meeting is COMPLETED (or NO_SHOW) only once its end has passed.
    #[error("the meeting has not ended yet")]
    NotEnded,
    /// Only a meeting whose time was kept can be marked a no-show or held.
    #[error("the meeting is {0}")]
    NotHeld(MeetingStatus),
}

impl Meeting {
    /// A new meeting as the store records it.
    pub fn from_new(id: MeetingId, new: NewMeeting) -> Self {
        Self {
            id,
            booker: new.booker,
            interval: new.interval,
            meeting_type: new.meeting_type,
            topic: new.topic,
            status: MeetingStatus::Scheduled,
            rescheduled_from: new.rescheduled_from,
            rescheduled_to: None,
            cancelled_by: None,
            created_at: new.created_at,
            updated_at: new.created_at,
            video_link: None,
        }
    }

    /// Whether the meeting is booked and has not started at `now`.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.status == MeetingStatus::Scheduled && self.interval.start() > now
    }

    /// Whether the meeting was called off or moved: it will not take place
    /// at its time, and calendars should show it as cancelled.
    pub fn is_called_off(&self) -> bool {
        matches!(
            self.status,
            MeetingStatus::Cancelled | MeetingStatus::Rescheduled
        )
    }

    /// Whether the meeting holds its time (blocks the slot for others).
    pub fn holds_time(&self) -> bool {
        self.status == MeetingStatus::Scheduled
    }

    fn ensure_scheduled(&self) -> Result<(), TransitionError> {
        match self.status {
            MeetingStatus::Scheduled => Ok(()),
            other => Err(TransitionError::NotScheduled(other)),
        }
    }

    /// SCHEDULED → CANCELLED.
    pub fn cancel(&mut self, by: UserId, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_scheduled()?;
        self.status = MeetingStatus::Cancelled;
        self.cancelled_by = Some(by);
        self.updated_at = now;
        Ok(())
    }

    /// SCHEDULED → RESCHEDULED, linked to the meeting that replaces it.
    pub fn reschedule_to(
        &mut self,
        replacement: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        self.ensure_scheduled()?;
        self.status = MeetingStatus::Rescheduled;
        self.rescheduled_to = Some(replacement);
        self.updated_at = now;
        Ok(())
    }

    /// SCHEDULED → COMPLETED, once its end has passed.
    pub fn complete(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_scheduled()?;
        if now < self.interval.end() {
            return Err(TransitionError::NotEnded);
        }
        self.status = MeetingStatus::Completed;
        self.updated_at = now;
        Ok(())
    }
}

impl Meeting {
    /// Whether its time was kept for it and has passed: held, or marked a
    /// no-show (or still SCHEDULED a moment after its end, until the store
    /// completes it).
    pub fn has_taken_place(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.status,
            MeetingStatus::Scheduled | MeetingStatus::Completed | MeetingStatus::NoShow
        ) && self.interval.end() <= now
    }

    /// COMPLETED (or SCHEDULED and ended) → NO_SHOW: the booker did not come.
    pub fn mark_no_show(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_taken_place(now)?;
        self.status = MeetingStatus::NoShow;
        self.updated_at = now;
        Ok(())
    }

    /// NO_SHOW (or SCHEDULED and ended) → COMPLETED: the mark was a mistake.
    pub fn mark_held(&mut self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        self.ensure_taken_place(now)?;
        self.status = MeetingStatus::Completed;
        self.updated_at = now;
        Ok(())
    }

    fn ensure_taken_place(&self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        match self.status {
            MeetingStatus::Cancelled | MeetingStatus::Rescheduled => {
                Err(TransitionError::NotHeld(self.status))
            }
            _ if now < self.interval.end() => Err(TransitionError::NotEnded),
            _ => Ok(()),
        }
    }
}

/// Builds the interval of a meeting of `meeting_type` starting at `start`.
pub fn meeting_interval(
    start: DateTime<Utc>,
    meeting_type: &MeetingType,
) -> Result<Interval, IntervalError> {
    Interval::starting_at(start, meeting_type.duration())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_control_characters_are_removed_from_a_topic() {
        let topic = Topic::new(" \u{202e}Budget\u{202c} for \u{2067}2030\u{2069} ").unwrap();
        assert_eq!(topic.as_str(), "Budget for 2030");
        assert_eq!(Topic::new("\u{200e}\u{200f}"), Err(ValueError::Empty));
    }

    fn meeting(now: DateTime<Utc>) -> Meeting {
        Meeting::from_new(
            MeetingId(1),
            NewMeeting {
                booker: UserId(7),
                interval: Interval::starting_at(now + Duration::hours(1), Duration::minutes(30))
                    .unwrap(),
                meeting_type: "short".into(),
                topic: None,
                rescheduled_from: None,
                created_at: now,
            },
        )
    }

    #[test]
    fn a_meeting_type_with_zero_or_negative_duration_is_refused_by_the_constructor() {
        assert_eq!(
            MeetingType::new("x", "X", 0),
            Err(MeetingTypeError::BadDuration(0))
        );
        assert_eq!(
            MeetingType::new("x", "X", -30),
            Err(MeetingTypeError::BadDuration(-30))
        );
        assert!(matches!(
            MeetingType::new("Встреча", "X", 30),
            Err(MeetingTypeError::BadCode(_))
        ));
        assert!(matches!(
            MeetingType::new("x", " ", 30),
            Err(MeetingTypeError::BadName(_))
        ));
    }

    #[test]
    fn a_topic_that_is_empty_or_too_long_is_refused_by_the_constructor() {
        assert_eq!(Topic::new(" "), Err(ValueError::Empty));
        assert_eq!(
            Topic::new(&"a".repeat(201)),
            Err(ValueError::TooLong { max: 200 })
        );
    }

    #[test]
    fn only_a_scheduled_meeting_changes_status() {
        let now = Utc::now();
        let mut m = meeting(now);
        m.cancel(UserId(7), now).unwrap();
        assert_eq!(m.status, MeetingStatus::Cancelled);
        assert_eq!(
            m.reschedule_to(MeetingId(2), now),
            Err(TransitionError::NotScheduled(MeetingStatus::Cancelled))
        );
        assert_eq!(
            m.complete(now + Duration::hours(3)),
            Err(TransitionError::NotScheduled(MeetingStatus::Cancelled))
        );
    }

    #[test]
    fn a_meeting_completes_only_after_its_end() {
        let now = Utc::now();
        let mut m = meeting(now);
        assert_eq!(m.complete(now), Err(TransitionError::NotEnded));
        m.complete(m.interval.end()).unwrap();
        assert_eq!(m.status, MeetingStatus::Completed);
    }

    #[test]
    fn a_no_show_is_marked_only_after_the_end_of_a_meeting_that_kept_its_time() {
        let now = Utc::now();
        let mut m = meeting(now);
        assert_eq!(m.mark_no_show(now), Err(TransitionError::NotEnded));
        let after = m.interval.end();
        m.complete(after).unwrap();
        m.mark_no_show(after).unwrap();
        assert_eq!(m.status, MeetingStatus::NoShow);
        assert!(!m.holds_time());
        assert!(m.has_taken_place(after));
        m.mark_held(after).unwrap();
        assert_eq!(m.status, MeetingStatus::Completed);

        let mut cancelled = meeting(now);
        cancelled.cancel(UserId(7), now).unwrap();
        assert_eq!(
            cancelled.mark_no_show(after),
            Err(TransitionError::NotHeld(MeetingStatus::Cancelled))
        );
    }

    #[test]
    fn a_rescheduled_meeting_links_to_its_replacement() {
        let now = Utc::now();
        let mut m = meeting(now);
        m.reschedule_to(MeetingId(9), now).unwrap();
        assert_eq!(m.status, MeetingStatus::Rescheduled);
        assert_eq!(m.rescheduled_to, Some(MeetingId(9)));
        assert!(!m.holds_time());
    }
}
