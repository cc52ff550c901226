//! The audit trail: who did what, when, to whom.
//!
//! An event's details are typed ([`AuditDetails`]) and kept as a short JSON
//! text, so the log can be read back into sentences; rows written before
//! that, in free form, are still read where their form is known.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::meeting::MeetingId;
use crate::permission::Denial;
use crate::user::{Role, Status, UserId, ValueError, stable_names};

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

    /// Adds the data of the change, typed, so it can be read back.
    pub fn detailed(self, details: &AuditDetails) -> Self {
        self.with(details.to_text())
    }

    /// The data of the change, typed; `None` when there is none or its
    /// form is not known (a free-form row of an older version).
    pub fn read_details(&self) -> Option<AuditDetails> {
        AuditDetails::read(self.action, &self.details)
    }
}

/// What an event's target names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditTarget {
    /// A person, by user id.
    Person,
    /// A meeting, by meeting id.
    Meeting,
    /// The action that was refused (its stable name), or `button` for a
    /// button press that no longer fits.
    Action,
    /// Nothing: the event has no target.
    Nothing,
}

/// The groups the owner filters the audit log by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditKind {
    /// Meetings booked, cancelled, moved, marked a no-show.
    Bookings,
    /// Registrations, approvals, roles, statuses, departments.
    People,
    /// Refusals: somebody tried what they may not do.
    Refusals,
    /// Everything else: settings, broadcasts, subscriptions, feedback,
    /// failed reminders.
    Other,
}

stable_names!(AuditKind {
    Bookings => "bookings",
    People => "people",
    Refusals => "refusals",
    Other => "other",
});

impl AuditKind {
    /// The actions of this group, in the order of [`AuditAction::ALL`].
    pub fn actions(self) -> Vec<AuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .filter(|action| action.kind() == self)
            .collect()
    }
}

impl AuditAction {
    /// The group the owner finds this action under.
    pub fn kind(self) -> AuditKind {
        use AuditAction::*;
        match self {
            MeetingBooked | MeetingCancelled | MeetingRescheduled | NoShowMarked
            | NoShowCleared => AuditKind::Bookings,
            Registered | Approved | Rejected | RoleChanged | StatusChanged | DepartmentChanged => {
                AuditKind::People
            }
            PermissionDenied => AuditKind::Refusals,
            SettingsChanged | Unsubscribed | Resubscribed | Broadcast | ReminderFailed
            | FeedbackGiven => AuditKind::Other,
        }
    }

    /// What the target of an event of this action names.
    pub fn target(self) -> AuditTarget {
        use AuditAction::*;
        match self {
            Registered | Approved | Rejected | RoleChanged | StatusChanged | DepartmentChanged
            | Unsubscribed | Resubscribed => AuditTarget::Person,
            MeetingBooked | MeetingCancelled | MeetingRescheduled | ReminderFailed
            | FeedbackGiven | NoShowMarked | NoShowCleared => AuditTarget::Meeting,
            PermissionDenied => AuditTarget::Action,
            SettingsChanged | Broadcast => AuditTarget::Nothing,
        }
    }

    /// The actions whose target is a person: an event of one of them is
    /// about the person its target names.
    pub fn on_people() -> Vec<AuditAction> {
        Self::ALL
            .iter()
            .copied()
            .filter(|action| action.target() == AuditTarget::Person)
            .collect()
    }
}

/// The data of an audit event, typed. Kept in the event's `details` as
/// JSON (see [`AuditEvent::detailed`]); a renamed field makes old rows
/// unreadable, so fields are only ever added, with defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditDetails {
    /// A role given: the one before (`None` at registration) and the new
    /// one; `configured` when the configuration made the person owner.
    Role {
        /// The role before.
        from: Option<Role>,
        /// The role after.
        to: Role,
        /// Given because the configuration names the person owner.
        #[serde(default)]
        configured: bool,
    },
    /// A status changed.
    Status {
        /// The status before.
        from: Status,
        /// The status after.
        to: Status,
    },
    /// A department changed (`None`: no department).
    Department {
        /// The department before.
        from: Option<String>,
        /// The department after.
        to: Option<String>,
    },
    /// A meeting booked for `start`.
    Booked {
        /// When it starts.
        start: DateTime<Utc>,
    },
    /// A meeting moved: the meeting that replaces it, and when that starts.
    Moved {
        /// The new meeting.
        to: MeetingId,
        /// When the new meeting starts.
        start: DateTime<Utc>,
    },
    /// A setting changed: its code (as the settings dialog names it) and
    /// the new value as the owner typed it; `reset` when it went back to
    /// its default (the value then says which part).
    Setting {
        /// The setting's code, such as `hours`.
        setting: String,
        /// The new value, or what was reset.
        value: String,
        /// Whether it went back to its default.
        #[serde(default)]
        reset: bool,
    },
    /// Why an action was refused (the action is the event's target).
    Refused {
        /// The reason.
        denial: Denial,
    },
    /// A button that no longer fits, with the data it carried.
    StaleButton {
        /// The button's data (at most 64 characters).
        data: String,
    },
    /// A broadcast queued for `recipients` people.
    Broadcast {
        /// How many people it went to.
        recipients: u64,
    },
    /// A reminder to `recipient` given up after its retries.
    ReminderFailed {
        /// Who it was for.
        recipient: UserId,
        /// The last error, for the owner.
        error: String,
    },
    /// A rating of a meeting.
    Rating {
        /// One to five stars.
        stars: u8,
    },
}

impl AuditDetails {
    /// The text kept in an event's `details`.
    pub fn to_text(&self) -> String {
        // Serialising plain data into a string cannot fail; if it ever
        // did, the event would still be kept, read as one without details.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the details of an event of `action` back: the typed form, or
    /// one of the free forms rows were written in before it. `None` when
    /// there are none or the form is not known.
    pub fn read(action: AuditAction, text: &str) -> Option<Self> {
        let text = text.trim();
        if text.starts_with('{') {
            return serde_json::from_str(text).ok();
        }
        legacy(action, text)
    }
}

/// `A -> B`, as free-form details wrote a change.
fn arrow(text: &str) -> Option<(&str, &str)> {
    text.split_once(" -> ")
        .map(|(from, to)| (from.trim(), to.trim()))
}

/// The free forms of details written before they were typed.
fn legacy(action: AuditAction, text: &str) -> Option<AuditDetails> {
    use AuditAction::*;
    match action {
        Registered if text == "OWNER (configured)" => Some(AuditDetails::Role {
            from: None,
            to: Role::Owner,
            configured: true,
        }),
        Approved | Rejected | RoleChanged => {
            let (from, to) = arrow(text)?;
            let (to, configured) = match to.strip_suffix("(configured)") {
                Some(to) => (to.trim(), true),
                None => (to, false),
            };
            Some(AuditDetails::Role {
                from: Some(Role::parse(from).ok()?),
                to: Role::parse(to).ok()?,
                configured,
            })
        }
        StatusChanged => {
            let (from, to) = arrow(text)?;
            Some(AuditDetails::Status {
                from: Status::parse(from).ok()?,
                to: Status::parse(to).ok()?,
            })
        }
        DepartmentChanged => {
            let (from, to) = arrow(text)?;
            let named = |d: &str| (d != "-").then(|| d.to_owned());
            Some(AuditDetails::Department {
                from: named(from),
                to: named(to),
            })
        }
        MeetingBooked => Some(AuditDetails::Booked {
            start: DateTime::parse_from_rfc3339(text).ok()?.to_utc(),
        }),
        MeetingRescheduled => {
            let (to, start) = text.strip_prefix("-> ")?.split_once(" at ")?;
            Some(AuditDetails::Moved {
                to: MeetingId(to.parse().ok()?),
                start: DateTime::parse_from_rfc3339(start).ok()?.to_utc(),
            })
        }
        Broadcast => Some(AuditDetails::Broadcast {
            recipients: text.strip_suffix(" queued")?.parse().ok()?,
        }),
        FeedbackGiven => Some(AuditDetails::Rating {
            stars: text
                .strip_suffix(" stars")?
                .parse()
                .ok()
                .filter(|s| (1..=5).contains(s))?,
        }),
        PermissionDenied => Denial::ALL
            .iter()
            .find(|denial| format!("{denial:?}") == text)
            .map(|denial| AuditDetails::Refused { denial: *denial }),
        // `to Name (id): error`; the name may hold brackets and the error
        // colons: the id is the first bracketed number before `): `.
        ReminderFailed => {
            let rest = text.strip_prefix("to ")?;
            rest.match_indices("): ").find_map(|(end, _)| {
                let open = rest[..end].rfind(" (")?;
                Some(AuditDetails::ReminderFailed {
                    recipient: UserId(rest[open + 2..end].parse().ok()?),
                    error: rest[end + 3..].to_owned(),
                })
            })
        }
        Registered | MeetingCancelled | SettingsChanged | Unsubscribed | Resubscribed
        | NoShowMarked | NoShowCleared => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2030-01-09T07:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn typed_details_read_back_as_written() {
        let samples = [
            AuditDetails::Role {
                from: Some(Role::Pending),
                to: Role::Manager,
                configured: false,
            },
            AuditDetails::Status {
                from: Status::Active,
                to: Status::BusinessTrip,
            },
            AuditDetails::Department {
                from: None,
                to: Some("Продажи; \"Q1\" = план".into()),
            },
            AuditDetails::Booked { start: at() },
            AuditDetails::Moved {
                to: MeetingId(7),
                start: at(),
            },
            AuditDetails::Setting {
                setting: "hours".into(),
                value: "sat 10:00-14:00".into(),
                reset: false,
            },
            AuditDetails::Refused {
                denial: Denial::OwnerOnly,
            },
            AuditDetails::StaleButton {
                data: "1:ap:5".into(),
            },
            AuditDetails::Broadcast { recipients: 12 },
            AuditDetails::ReminderFailed {
                recipient: UserId(5),
                error: "chat not found".into(),
            },
            AuditDetails::Rating { stars: 4 },
        ];
        for details in samples {
            let event = AuditEvent::new(at(), None, AuditAction::RoleChanged).detailed(&details);
            assert_eq!(event.read_details(), Some(details));
        }
    }

    #[test]
    fn free_form_details_of_older_rows_are_read_where_their_form_is_known() {
        let read = |action, text| AuditDetails::read(action, text);
        assert_eq!(
            read(AuditAction::RoleChanged, "MANAGER -> OWNER (configured)"),
            Some(AuditDetails::Role {
                from: Some(Role::Manager),
                to: Role::Owner,
                configured: true
            })
        );
        assert_eq!(
            read(AuditAction::StatusChanged, "ACTIVE -> SICK"),
            Some(AuditDetails::Status {
                from: Status::Active,
                to: Status::Sick
            })
        );
        assert_eq!(
            read(AuditAction::DepartmentChanged, "- -> Sales"),
            Some(AuditDetails::Department {
                from: None,
                to: Some("Sales".into())
            })
        );
        assert_eq!(
            read(
                AuditAction::MeetingRescheduled,
                "-> 12 at 2030-01-09T07:00:00+00:00"
            ),
            Some(AuditDetails::Moved {
                to: MeetingId(12),
                start: at()
            })
        );
        assert_eq!(
            read(AuditAction::PermissionDenied, "OwnerOnly"),
            Some(AuditDetails::Refused {
                denial: Denial::OwnerOnly
            })
        );
        assert_eq!(
            read(AuditAction::Broadcast, "3 queued"),
            Some(AuditDetails::Broadcast { recipients: 3 })
        );
        assert_eq!(
            read(
                AuditAction::ReminderFailed,
                "to Anna (Sales) (42): Forbidden (403): bot was blocked"
            ),
            Some(AuditDetails::ReminderFailed {
                recipient: UserId(42),
                error: "Forbidden (403): bot was blocked".into()
            })
        );
        assert_eq!(
            read(AuditAction::FeedbackGiven, "5 stars"),
            Some(AuditDetails::Rating { stars: 5 })
        );
        for (action, text) in [
            (
                AuditAction::SettingsChanged,
                "WorkingHours(Sat, Some(\"10:00-14:00\"))",
            ),
            (AuditAction::RoleChanged, "MANAGER -> ADMIN"),
            (AuditAction::FeedbackGiven, "9 stars"),
            (AuditAction::MeetingBooked, "{not json"),
            (AuditAction::Broadcast, ""),
        ] {
            assert_eq!(read(action, text), None, "{text}");
        }
    }

    #[test]
    fn every_action_belongs_to_one_kind_and_names_its_target() {
        let grouped: usize = AuditKind::ALL.iter().map(|k| k.actions().len()).sum();
        assert_eq!(grouped, AuditAction::ALL.len());
        assert_eq!(
            AuditKind::Refusals.actions(),
            [AuditAction::PermissionDenied]
        );
        assert!(AuditAction::on_people().contains(&AuditAction::RoleChanged));
        assert!(!AuditAction::on_people().contains(&AuditAction::MeetingBooked));
    }
}
