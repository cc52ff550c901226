//! The owner's calendar: where busy time comes from and meetings are written.

use async_trait::async_trait;
use meetbot_domain::{Interval, MeetingId, Zone};

/// The name of a meeting's event, in the owner's calendar and in .ics files.
///
/// Derived, never drawn per write: every write of one meeting names the
/// same event, so a retry or a move touches that one event. It carries the
/// install's own id, so that two installs (or one whose database was made
/// anew) writing to one calendar never touch each other's events.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventKey {
    /// The meeting.
    pub meeting: MeetingId,
    /// The install's id (lowercase letters and digits); `None` for a
    /// meeting whose event was written before installs had ids, which
    /// keeps the names it was written under.
    pub install: Option<String>,
}

impl EventKey {
    /// The iCalendar UID: `meetbot-<install>-<meeting>`; for an event of
    /// before install ids, the UID its .ics files had, `meeting-<id>@meetbot`.
    pub fn uid(&self) -> String {
        match &self.install {
            Some(install) => format!("meetbot-{install}-{}", self.meeting),
            None => format!("meeting-{}@meetbot", self.meeting),
        }
    }
}

/// This install's part of its event names, created with the database and
/// kept in it (see [`EventKey`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallIds {
    install: String,
    first_meeting: MeetingId,
}

impl InstallIds {
    /// The install's id, and the first meeting made after installs had ids
    /// (older ones keep their old event names). The id must be 8 to 32
    /// lowercase hex digits, which every calendar takes in an event id.
    pub fn new(install: &str, first_meeting: MeetingId) -> Result<Self, String> {
        let valid = (8..=32).contains(&install.len())
            && install
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if valid {
            Ok(Self {
                install: install.to_owned(),
                first_meeting,
            })
        } else {
            Err(format!(
                "the install id {install:?} is not 8 to 32 lowercase hex digits"
            ))
        }
    }

    /// The install's id.
    pub fn install(&self) -> &str {
        &self.install
    }

    /// The name of a meeting's event.
    pub fn key(&self, meeting: MeetingId) -> EventKey {
        EventKey {
            meeting,
            install: (meeting >= self.first_meeting).then(|| self.install.clone()),
        }
    }
}

/// A meeting as an event of the owner's calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Its name: writing the same key twice leaves one event.
    pub key: EventKey,
    /// When it takes place.
    pub interval: Interval,
    /// The zone a calendar shows it in (the owner's).
    pub zone: Zone,
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

/// How the bot gets into the owner's calendar: what a person must fix
/// when the calendar refuses it or cannot be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarAccess {
    /// Google, as a service account the calendar is shared with (or that
    /// acts for a user of the domain).
    GoogleServiceAccount {
        /// The service account's e-mail, to share the calendar with.
        account: String,
    },
    /// Google, as a user who granted access (OAuth).
    GoogleUser,
    /// A CalDAV server, with a user name and password.
    CalDav,
    /// The bot's own database: nothing to reach.
    Builtin,
}

/// Which calendar the bot uses, for alerts and `/health`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarAbout {
    /// The calendar's id or URL.
    pub name: String,
    /// How the bot gets in.
    pub access: CalendarAccess,
}

impl CalendarError {
    /// Whether only a person can end the failure: credentials refused, or
    /// the calendar (not an event) missing.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Unauthorised(_)) || self.is_missing()
    }

    /// Whether what was asked for is not there (or no longer).
    pub fn is_missing(&self) -> bool {
        matches!(self, Self::NotFound | Self::Gone)
    }
}

/// The owner's calendar.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Calendar: Send + Sync {
    /// Busy intervals overlapping `range`, clipped to nothing: each interval
    /// is returned whole. Events marked free MUST NOT be returned.
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError>;

    /// Creates or updates the event of a meeting. Writing the same meeting
    /// again MUST leave exactly one event, moved to the new time. Returns
    /// the video link the calendar made for it (a Google Meet), if any.
    async fn upsert_event(&self, event: &CalendarEvent) -> Result<Option<String>, CalendarError>;

    /// Removes (or cancels) the event of a meeting. Cancelling an event that
    /// does not exist MUST succeed, so retries are harmless.
    async fn cancel_event(&self, key: &EventKey) -> Result<(), CalendarError>;

    /// The UID the event of `key` has in this calendar, which .ics files of
    /// the meeting carry too, so that importing one into the calendar never
    /// makes a second event.
    fn event_uid(&self, key: &EventKey) -> String {
        key.uid()
    }

    /// Checks that the calendar is reachable with the configured credentials.
    async fn probe(&self) -> Result<(), CalendarError>;

    /// Which calendar this is and how the bot gets in.
    fn about(&self) -> CalendarAbout;
}
