//! The in-memory reminders: claimed under a lease, due first, and kept
//! with the time they ended.

use chrono::{DateTime, Duration, Utc};
use meetbot_ports::{Reminder, ReminderState};

use crate::store::{State, is_free};

/// A reminder as the store keeps it.
#[derive(Debug, Clone)]
pub(crate) struct StoredReminder {
    pub(crate) reminder: Reminder,
    /// The end of the lease of whoever claimed it, or a retry time.
    pub(crate) leased_until: Option<DateTime<Utc>>,
    /// When it ended, once it has.
    pub(crate) finished_at: Option<DateTime<Utc>>,
}

impl State {
    /// See [`Store::claim_due_reminders`](meetbot_ports::Store::claim_due_reminders).
    pub(crate) fn claim_due_reminders(
        &mut self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Vec<Reminder> {
        let mut due: Vec<&mut StoredReminder> = self
            .reminders
            .values_mut()
            .filter(|s| {
                s.reminder.state == ReminderState::Pending
                    && s.reminder.due_at <= now
                    && is_free(s.leased_until, now)
            })
            .collect();
        due.sort_by_key(|s| (s.reminder.due_at, s.reminder.id));
        due.into_iter()
            .take(limit as usize)
            .map(|s| {
                s.leased_until = Some(now + lease);
                s.reminder.clone()
            })
            .collect()
    }

    /// See [`Store::next_reminder_at`](meetbot_ports::Store::next_reminder_at).
    pub(crate) fn next_reminder_at(&self) -> Option<DateTime<Utc>> {
        self.reminders
            .values()
            .filter(|s| s.reminder.state == ReminderState::Pending)
            .map(|s| {
                s.leased_until
                    .map_or(s.reminder.due_at, |lease| lease.max(s.reminder.due_at))
            })
            .min()
    }
}
