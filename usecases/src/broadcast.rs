//! Broadcast: the owner writes to every active, subscribed member.

use meetbot_domain::{Action, AuditAction, AuditEvent, Role, UserId};
use meetbot_ports::UserQuery;

use crate::chat::views;
use crate::error::UseCaseError;
use crate::services::Services;

/// The longest broadcast, in characters (room is left in Telegram's 4096 for the heading).
pub const MAX_CHARS: usize = 3500;

/// How a broadcast went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BroadcastReport {
    /// Messages delivered.
    pub delivered: usize,
    /// Messages that failed (blocked bot, outage).
    pub failed: usize,
}

/// Sends `text` to every active, subscribed manager and owner but the sender.
/// The messenger paces the messages to the transport's limits.
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
    let mut report = BroadcastReport {
        delivered: 0,
        failed: 0,
    };
    for reader in &readers {
        match s.messenger.send(reader.id, reader.language, &screen).await {
            Ok(_) => report.delivered += 1,
            Err(error) => {
                tracing::warn!(recipient = %reader.id, %error, "broadcast message not delivered");
                report.failed += 1;
            }
        }
    }
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), AuditAction::Broadcast).with(format!(
            "{} delivered, {} failed",
            report.delivered, report.failed
        )),
    )
    .await?;
    Ok(report)
}
