//! Broadcast: the owner writes to every active, subscribed member.

use meetbot_domain::{Action, AuditAction, AuditDetails, AuditEvent, Role, UserId};
use meetbot_ports::{Outgoing, UserQuery};

use crate::chat::views;
use crate::error::UseCaseError;
use crate::services::Services;

/// The longest broadcast, in characters (room is left in Telegram's 4096 for the heading).
pub const MAX_CHARS: usize = 3500;

/// How a broadcast went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BroadcastReport {
    /// Messages queued in the outbox, one per reader; they go out at the
    /// pace the transport allows.
    pub queued: usize,
}

/// Queues `text` for every active, subscribed manager and owner but the
/// sender, in the outbox, whose sender paces them to the transport's limits.
pub async fn broadcast(
    s: &Services,
    actor: UserId,
    text: &str,
) -> Result<BroadcastReport, UseCaseError> {
    let owner = s.actor(actor, Action::Broadcast).await?;
    let text = text.trim();
    if text.is_empty() {
        return Err(UseCaseError::Invalid("error-value-empty"));
    }
    if text.chars().count() > MAX_CHARS {
        return Err(UseCaseError::Invalid("error-value-too-long"));
    }
    let readers: Vec<_> = s
        .store
        .users(UserQuery::default())
        .await?
        .into_iter()
        .filter(|u| {
            matches!(u.role, Role::Manager | Role::Owner) && u.is_reachable() && u.id != owner.id
        })
        .collect();
    let screen = views::broadcast_message(text, &owner);
    let messages: Vec<Outgoing> = readers
        .iter()
        .map(|reader| Outgoing::send(reader.id, reader.language, screen.clone()))
        .collect();
    s.store
        .queue_messages(&messages, s.clock.now(), None)
        .await?;
    s.outbox.ring();
    let report = BroadcastReport {
        queued: messages.len(),
    };
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), AuditAction::Broadcast).detailed(
            &AuditDetails::Broadcast {
                recipients: u64::try_from(report.queued).unwrap_or(u64::MAX),
            },
        ),
    )
    .await?;
    Ok(report)
}
