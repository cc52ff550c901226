//! The audit trail: who did what, when, to whom.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::user::{UserId, ValueError, stable_names};

/// The kinds of things the audit log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// A person registered.
    Registered,
    /// The owner approved a registration.
    Approved,
    /// The owner turned a registration down.
    Rejected,
    /// A role changed.
    RoleChanged,
    /// A status changed.
    StatusChanged,
    /// A department changed.
    DepartmentChanged,
    /// A meeting was booked.
    MeetingBooked,
    /// A meeting was cancelled.
    MeetingCancelled,
    /// A meeting was moved.
    MeetingRescheduled,
    /// Settings changed.
    SettingsChanged,
    /// Somebody tried what they may not do (a forged or stale button, say).
    PermissionDenied,
    /// A person unsubscribed with /stop.
    Unsubscribed,
    /// A person came back with /start.
    Resubscribed,
    /// A message went to every active user.
    Broadcast,
    /// A reminder could not be delivered after its retries.
    ReminderFailed,
    /// A booker rated a meeting.
    FeedbackGiven,
    /// The owner marked a meeting a no-show.
    NoShowMarked,
    /// The owner took a no-show mark back: the meeting was held.
    NoShowCleared,
}

stable_names!(AuditAction {
    Registered => "registered",
    Approved => "approved",
    Rejected => "rejected",
    RoleChanged => "role_changed",
    StatusChanged => "status_changed",
    DepartmentChanged => "department_changed",
    MeetingBooked => "meeting_booked",
    MeetingCancelled => "meeting_cancelled",
    MeetingRescheduled => "meeting_rescheduled",
    SettingsChanged => "settings_changed",
    PermissionDenied => "permission_denied",
    Unsubscribed => "unsubscribed",
    Resubscribed => "resubscribed",
    Broadcast => "broadcast",
    ReminderFailed => "reminder_failed",
    FeedbackGiven => "feedback_given",
    NoShowMarked => "no_show_marked",
    NoShowCleared => "no_show_cleared",
});

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it (`None` for the bot itself).
    pub actor: Option<UserId>,
    /// What was done.
    pub action: AuditAction,
    /// To what: a user id, a meeting id, a setting name.
    pub target: Option<String>,
    /// The data of the change, such as `MANAGER -> OWNER`.
    pub details: String,
}

impl AuditEvent {
    /// An event by `actor` with no target or details yet.
    pub fn new(at: DateTime<Utc>, actor: Option<UserId>, action: AuditAction) -> Self {
        Self {
            at,
            actor,
            action,
            target: None,
            details: String::new(),
        }
    }

    /// Names the object acted on.
    pub fn on(mut self, target: impl ToString) -> Self {
        self.target = Some(target.to_string());
        self
    }

    /// Adds the data of the change.
    pub fn with(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }
}
