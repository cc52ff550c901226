//! The owner's calendar: where busy time comes from and meetings are written.

use async_trait::async_trait;
use meetbot_domain::{Interval, MeetingId};

/// A meeting as an event of the owner's calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent {
    /// The meeting it stands for; the event's id is derived from it, so
    /// writing the same meeting twice leaves one event.
    pub meeting_id: MeetingId,
    /// When it takes place.
    pub interval: Interval,
    /// The event's title.
    pub title: String,
    /// The event's description.
    pub description: String,
    /// E-mails of people to invite.
    pub attendees: Vec<String>,
}

/// Why the calendar did not do what was asked; the outbox decides from the
/// case whether to retry, alert the owner or give up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The event or calendar does not exist.
    #[error("not found")]
    NotFound,
    /// The event was deleted.
    #[error("gone")]
    Gone,
    /// The write conflicts with the calendar's state.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Credentials are missing, expired or revoked: a person must act.
    #[error("not authorised: {0}")]
    Unauthorised(String),
    /// The calendar asks to slow down.
    #[error("rate limited")]
    RateLimited,
    /// A passing failure (network, 5xx); worth retrying.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("unexpected calendar failure: {0}")]
    Unexpected(String),
}

/// The owner's calendar.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Calendar: Send + Sync {
    /// Busy intervals overlapping `range`, clipped to nothing: each interval
    /// is returned whole. Events marked free MUST NOT be returned.
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError>;

    /// Creates or updates the event of a meeting. Writing the same meeting
    /// again MUST leave exactly one event, moved to the new time.
    async fn upsert_event(&self, event: &CalendarEvent) -> Result<(), CalendarError>;

    /// Removes (or cancels) the event of a meeting. Cancelling an event that
    /// does not exist MUST succeed, so retries are harmless.
    async fn cancel_event(&self, meeting: MeetingId) -> Result<(), CalendarError>;

    /// Checks that the calendar is reachable with the configured credentials.
    async fn probe(&self) -> Result<(), CalendarError>;
}
