//! The in-memory audit log: append-only, an event's id is its place in it.

use meetbot_domain::AuditEvent;
use meetbot_ports::{AuditCursor, AuditEntry, AuditId, AuditQuery};

use crate::store::State;

impl State {
    /// See [`Store::append_audit`](meetbot_ports::Store::append_audit).
    pub(crate) fn append_audit(&mut self, event: &AuditEvent) {
        self.audit.push(event.clone());
    }

    /// See [`Store::audit_log`](meetbot_ports::Store::audit_log).
    pub(crate) fn audit_log(&self, query: &AuditQuery) -> Vec<AuditEntry> {
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        // Ids count from 1, in the order of appending.
        let entries = self.audit.iter().enumerate().map(|(i, event)| AuditEntry {
            id: AuditId(i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1)),
            event: event.clone(),
        });
        match query.cursor {
            // The page just after the cursor: the oldest of the newer ones.
            AuditCursor::NewerThan(_) => {
                let mut page: Vec<AuditEntry> =
                    entries.filter(|e| query.admits(e)).take(limit).collect();
                page.reverse();
                page
            }
            AuditCursor::Newest | AuditCursor::OlderThan(_) => entries
                .rev()
                .filter(|e| query.admits(e))
                .take(limit)
                .collect(),
        }
    }
}
