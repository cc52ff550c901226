//! The in-memory outbox of messages: queued in order, claimed first per
//! recipient so that a person's messages go out in order.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::UserId;
use meetbot_ports::{Backlog, Outgoing, OutgoingId, QueuedMessage, ReminderState};

use crate::store::State;

/// A message in the outbox.
#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub(crate) queued: QueuedMessage,
    /// `None` while waiting; then sent (`true`) or dropped (`false`), and when.
    pub(crate) finished: Option<(bool, DateTime<Utc>)>,
    /// A retry time or the end of a lease.
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) last_error: Option<String>,
}

impl StoredMessage {
    pub(crate) fn waiting_for(&self, to: UserId) -> bool {
        self.finished.is_none() && self.queued.message.to == to
    }
}

impl State {
    /// See [`Store::backlog`](meetbot_ports::Store::backlog).
    pub(crate) fn backlog(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        lateness: Duration,
    ) -> Backlog {
        let waiting: Vec<DateTime<Utc>> = self
            .outbox
            .values()
            .filter(|m| m.finished.is_none())
            .map(|m| m.queued.queued_at)
            .collect();
        let reminders = || self.reminders.values().map(|r| &r.reminder);
        let sent_late = self
            .reminders
            .values()
            .filter(|r| r.reminder.state == ReminderState::Sent && r.reminder.due_at >= since)
            .filter(|r| {
                r.finished_at
                    .is_some_and(|at| at - r.reminder.due_at > lateness)
            })
            .count() as u64;
        let ended_since = |state: ReminderState| {
            reminders()
                .filter(|r| r.state == state && r.due_at >= since)
                .count() as u64
        };
        Backlog {
            queued_messages: waiting.len() as u64,
            oldest_message: waiting.iter().min().copied(),
            calendar_jobs: self.jobs.len() as u64,
            oldest_calendar_job: self.jobs.values().map(|j| j.created).min(),
            reminders_failed: ended_since(ReminderState::Failed),
            reminders_missed: ended_since(ReminderState::Missed),
            reminders_late: reminders()
                .filter(|r| r.state == ReminderState::Pending && r.due_at < now - lateness)
                .count() as u64
                + sent_late,
        }
    }

    /// See [`Store::queue_messages`](meetbot_ports::Store::queue_messages).
    pub(crate) fn queue_messages(
        &mut self,
        messages: &[Outgoing],
        now: DateTime<Utc>,
        claim: Option<Duration>,
    ) -> Vec<QueuedMessage> {
        let state = self;
        let mut claimable: HashMap<UserId, bool> = HashMap::new();
        let mut claimed = Vec::new();
        for message in messages {
            let to = message.to;
            let first = claim.is_some()
                && *claimable
                    .entry(to)
                    .or_insert_with(|| !state.outbox.values().any(|m| m.waiting_for(to)));
            let queued = QueuedMessage {
                id: OutgoingId(state.next_id()),
                message: message.clone(),
                attempts: 0,
                queued_at: now,
            };
            let not_before = match claim {
                Some(lease) if first => now + lease,
                _ => now,
            };
            if first {
                claimed.push(queued.clone());
            }
            state.outbox.insert(
                queued.id,
                StoredMessage {
                    queued,
                    finished: None,
                    not_before,
                    last_error: None,
                },
            );
        }
        claimed
    }

    /// See [`Store::claim_messages`](meetbot_ports::Store::claim_messages).
    pub(crate) fn claim_messages(
        &mut self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Vec<QueuedMessage> {
        let state = self;
        let mut seen: HashSet<UserId> = HashSet::new();
        let mut ids = Vec::new();
        for (id, stored) in &state.outbox {
            if stored.finished.is_some() {
                continue;
            }
            // Only the first waiting message of each recipient.
            if seen.insert(stored.queued.message.to) && stored.not_before <= now {
                ids.push(*id);
            }
        }
        ids.truncate(limit as usize);
        let mut claimed = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(stored) = state.outbox.get_mut(&id) {
                stored.not_before = now + lease;
                claimed.push(stored.queued.clone());
            }
        }
        claimed
    }
}
