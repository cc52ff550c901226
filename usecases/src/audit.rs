//! The audit log, for the owner.

use meetbot_domain::{Action, AuditEvent, UserId};

use crate::error::UseCaseError;
use crate::services::Services;

/// The newest `limit` events of the audit log (owner).
pub async fn recent(
    s: &Services,
    actor: UserId,
    limit: u32,
) -> Result<Vec<AuditEvent>, UseCaseError> {
    s.actor(actor, Action::ViewAuditLog).await?;
    Ok(s.store.audit_log(limit.min(200)).await?)
}
