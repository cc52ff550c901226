//! Who may do what: the role table of the product as one pure function.
//!
//! Every command and every button press is checked here on the server, with
//! the role read fresh from the store, so a forged or stale button cannot do
//! more than its presser may.

use serde::{Deserialize, Serialize};

use crate::user::{Role, User, ValueError, stable_names};

/// Something a person asks the bot to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// /start: register or resubscribe.
    Start,
    /// /help.
    Help,
    /// /lang: switch the bot's language.
    ChangeLanguage,
    /// /stop: unsubscribe.
    Stop,
    /// Book a meeting with the owner.
    Book,
    /// See one's own meetings.
    ViewOwnMeetings,
    /// Cancel one's own meeting.
    CancelOwnMeeting,
    /// Move one's own meeting.
    RescheduleOwnMeeting,
    /// See the owner's free slots.
    ViewFreeSlots,
    /// /profile.
    ViewProfile,
    /// /vacation, /sick, /trip, /active.
    SetOwnStatus,
    /// Answer a weekly group meeting invitation.
    AnswerInvitation,
    /// Rate a meeting that took place.
    GiveFeedback,
    /// See registrations waiting for approval.
    ViewPending,
    /// Approve a registration.
    ApproveRegistration,
    /// Turn a registration down.
    RejectRegistration,
    /// See every user.
    ViewUsers,
    /// Give a user another role.
    ChangeRole,
    /// Set another user's status.
    ChangeStatus,
    /// Set a user's department.
    ChangeDepartment,
    /// Working hours, slot step, durations, limits.
    EditSettings,
    /// Meetings per week, per manager, cancellations.
    ViewStatistics,
    /// The audit log.
    ViewAuditLog,
    /// Send a message to every active user.
    Broadcast,
    /// Export meetings as CSV or .ics.
    Export,
    /// Cancel anybody's meeting.
    CancelAnyMeeting,
    /// Mark a meeting that has ended a no-show (or held after all).
    MarkNoShow,
}

stable_names!(Action {
    Start => "start",
    Help => "help",
    ChangeLanguage => "lang",
    Stop => "stop",
    Book => "book",
    ViewOwnMeetings => "my_meetings",
    CancelOwnMeeting => "cancel_own",
    RescheduleOwnMeeting => "reschedule_own",
    ViewFreeSlots => "free_slots",
    ViewProfile => "profile",
    SetOwnStatus => "own_status",
    AnswerInvitation => "rsvp",
    GiveFeedback => "feedback",
    ViewPending => "pending",
    ApproveRegistration => "approve",
    RejectRegistration => "reject",
    ViewUsers => "users",
    ChangeRole => "change_role",
    ChangeStatus => "change_status",
    ChangeDepartment => "change_department",
    EditSettings => "settings",
    ViewStatistics => "statistics",
    ViewAuditLog => "audit_log",
    Broadcast => "broadcast",
    Export => "export",
    CancelAnyMeeting => "cancel_any",
    MarkNoShow => "no_show",
});

/// Who may do an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anybody who writes to the bot, registered or not.
    Everyone,
    /// Approved members: managers and the owner.
    Members,
    /// The owner alone.
    Owner,
}

impl Action {
    /// The row of the role table this action belongs to.
    pub fn audience(self) -> Audience {
        use Action::*;
        match self {
            Start | Help | ChangeLanguage | Stop => Audience::Everyone,
            Book | ViewOwnMeetings | CancelOwnMeeting | RescheduleOwnMeeting | ViewFreeSlots
            | ViewProfile | SetOwnStatus | AnswerInvitation | GiveFeedback => Audience::Members,
            ViewPending | ApproveRegistration | RejectRegistration | ViewUsers | ChangeRole
            | ChangeStatus | ChangeDepartment | EditSettings | ViewStatistics | ViewAuditLog
            | Broadcast | Export | CancelAnyMeeting | MarkNoShow => Audience::Owner,
        }
    }
}

/// Why an action is refused; each has its own explanation for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Denial {
    /// The person never registered: they should send /start.
    #[error("not registered")]
    NotRegistered,
    /// The registration waits for the owner.
    #[error("waiting for approval")]
    AwaitingApproval,
    /// The owner turned the registration down.
    #[error("registration rejected")]
    Rejected,
    /// The owner barred the person.
    #[error("blocked")]
    Blocked,
    /// Only the owner may do this.
    #[error("only the owner may do this")]
    OwnerOnly,
    /// The object belongs to somebody else.
    #[error("this belongs to somebody else")]
    NotYours,
}

impl Denial {
    /// Every reason, in a stable order.
    pub const ALL: &'static [Denial] = &[
        Denial::NotRegistered,
        Denial::AwaitingApproval,
        Denial::Rejected,
        Denial::Blocked,
        Denial::OwnerOnly,
        Denial::NotYours,
    ];
}

/// Decides whether a person with `role` (`None`: unknown to the bot) may do `action`.
pub fn authorize(role: Option<Role>, action: Action) -> Result<(), Denial> {
    let audience = action.audience();
    if audience == Audience::Everyone {
        // Even a blocked person may read /help or unsubscribe; /start from a
        // blocked person is answered with the refusal by the use case itself.
        return Ok(());
    }
    match role {
        None => Err(Denial::NotRegistered),
        Some(Role::Pending) => Err(Denial::AwaitingApproval),
        Some(Role::Rejected) => Err(Denial::Rejected),
        Some(Role::Blocked) => Err(Denial::Blocked),
        Some(Role::Manager) if audience == Audience::Owner => Err(Denial::OwnerOnly),
        Some(Role::Manager | Role::Owner) => Ok(()),
    }
}

/// Decides whether `actor` may act on something belonging to `owner_of_object`:
/// members on their own things, the owner on anybody's.
pub fn authorize_on(
    actor: &User,
    action: Action,
    owner_of_object: crate::user::UserId,
) -> Result<(), Denial> {
    authorize(Some(actor.role), action)?;
    if actor.id == owner_of_object || actor.is_owner() {
        Ok(())
    } else {
        Err(Denial::NotYours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The role table of the product, row by row: (action, owner, manager,
    /// pending, rejected, blocked, unknown).
    #[rustfmt::skip]
    const TABLE: &[(Action, bool, bool, bool, bool, bool, bool)] = &[
        (Action::Start,                true, true,  true,  true,  true,  true),
        (Action::Help,                 true, true,  true,  true,  true,  true),
        (Action::ChangeLanguage,       true, true,  true,  true,  true,  true),
        (Action::Stop,                 true, true,  true,  true,  true,  true),
        (Action::Book,                 true, true,  false, false, false, false),
        (Action::ViewOwnMeetings,      true, true,  false, false, false, false),
        (Action::CancelOwnMeeting,     true, true,  false, false, false, false),
        (Action::RescheduleOwnMeeting, true, true,  false, false, false, false),
        (Action::ViewFreeSlots,        true, true,  false, false, false, false),
        (Action::ViewProfile,          true, true,  false, false, false, false),
        (Action::SetOwnStatus,         true, true,  false, false, false, false),
        (Action::AnswerInvitation,     true, true,  false, false, false, false),
        (Action::GiveFeedback,         true, true,  false, false, false, false),
        (Action::ViewPending,          true, false, false, false, false, false),
        (Action::ApproveRegistration,  true, false, false, false, false, false),
        (Action::RejectRegistration,   true, false, false, false, false, false),
        (Action::ViewUsers,            true, false, false, false, false, false),
        (Action::ChangeRole,           true, false, false, false, false, false),
        (Action::ChangeStatus,         true, false, false, false, false, false),
        (Action::ChangeDepartment,     true, false, false, false, false, false),
        (Action::EditSettings,         true, false, false, false, false, false),
        (Action::ViewStatistics,       true, false, false, false, false, false),
        (Action::ViewAuditLog,         true, false, false, false, false, false),
        (Action::Broadcast,            true, false, false, false, false, false),
        (Action::Export,               true, false, false, false, false, false),
        (Action::CancelAnyMeeting,     true, false, false, false, false, false),
        (Action::MarkNoShow,           true, false, false, false, false, false),
    ];

    #[test]
    fn permission_table_covers_every_action_and_every_role() {
        assert_eq!(TABLE.len(), Action::ALL.len(), "every action has a row");
        for action in Action::ALL {
            assert!(
                TABLE.iter().any(|row| row.0 == *action),
                "{action} has no row"
            );
        }
        for &(action, owner, manager, pending, rejected, blocked, unknown) in TABLE {
            let cases = [
                (Some(Role::Owner), owner),
                (Some(Role::Manager), manager),
                (Some(Role::Pending), pending),
                (Some(Role::Rejected), rejected),
                (Some(Role::Blocked), blocked),
                (None, unknown),
            ];
            for (role, allowed) in cases {
                assert_eq!(
                    authorize(role, action).is_ok(),
                    allowed,
                    "{action} for {role:?}"
                );
            }
        }
    }

    #[test]
    fn permission_refusals_say_why() {
        assert_eq!(authorize(None, Action::Book), Err(Denial::NotRegistered));
        assert_eq!(
            authorize(Some(Role::Pending), Action::Book),
            Err(Denial::AwaitingApproval)
        );
        assert_eq!(
            authorize(Some(Role::Manager), Action::Broadcast),
            Err(Denial::OwnerOnly)
        );
        assert_eq!(
            authorize(Some(Role::Blocked), Action::ViewFreeSlots),
            Err(Denial::Blocked)
        );
    }
}
