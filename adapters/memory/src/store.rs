use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{AuditEvent, Interval, Meeting, MeetingId, MeetingStatus, Role, User, UserId};
use meetbot_ports::{
    AuditEntry, AuditQuery, BookingError, BookingRequest, CalendarJob, CalendarJobKind, Feedback,
    JobId, MeetingQuery, Reminder, ReminderId, ReminderState, Rsvp, Store, StoreError, Transaction,
    UserQuery,
};
use meetbot_ports::{Backlog, InboxUpdate, Outgoing, OutgoingId, QueuedMessage};
use meetbot_ports::{BookerSummary, MeetingFigures, PeopleFigures, RsvpCount, StatisticsQuery};

use crate::outbox::StoredMessage;
use crate::reminders::StoredReminder;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::lock;

#[derive(Debug, Clone)]
pub(crate) struct StoredJob {
    pub(crate) job: CalendarJob,
    leased_until: Option<DateTime<Utc>>,
    /// When it was queued, for the age of the oldest waiting write.
    pub(crate) created: DateTime<Utc>,
}

/// Everything the store holds.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    pub(crate) users: BTreeMap<UserId, User>,
    pub(crate) meetings: BTreeMap<MeetingId, Meeting>,
    pub(crate) reminders: BTreeMap<ReminderId, StoredReminder>,
    pub(crate) jobs: BTreeMap<JobId, StoredJob>,
    pub(crate) dialogs: HashMap<UserId, String>,
    pub(crate) inbox: BTreeMap<i64, (InboxUpdate, Option<DateTime<Utc>>)>,
    pub(crate) outbox: BTreeMap<OutgoingId, StoredMessage>,
    pub(crate) values: HashMap<String, String>,
    pub(crate) audit: Vec<AuditEvent>,
    pub(crate) done_once: HashSet<String>,
    pub(crate) heartbeat: Option<DateTime<Utc>>,
    pub(crate) feedback: BTreeMap<MeetingId, Feedback>,
    pub(crate) rsvps: BTreeMap<(String, UserId), Rsvp>,
    pub(crate) next_id: i64,
}

impl State {
    pub(crate) fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn enqueue(&mut self, meeting_id: MeetingId, kind: CalendarJobKind, now: DateTime<Utc>) {
        let id = JobId(self.next_id());
        let job = CalendarJob {
            id,
            meeting_id,
            kind,
            attempts: 0,
            not_before: now,
            last_error: None,
        };
        self.jobs.insert(
            id,
            StoredJob {
                job,
                leased_until: None,
                created: now,
            },
        );
    }

    fn cancel_pending_reminders(&mut self, meeting: MeetingId) {
        for stored in self.reminders.values_mut() {
            if stored.reminder.meeting_id == meeting
                && stored.reminder.state == ReminderState::Pending
            {
                stored.reminder.state = ReminderState::Cancelled;
            }
        }
    }
}

/// A Store held in memory; one mutex makes every method atomic, which is
/// exactly what the contract asks of a booking.
///
/// A unit of work ([`Store::begin`]) is the same store in transaction mode:
/// its first write waits for the one writer's permit (every write outside a
/// transaction takes it too, for its own length) and keeps a copy of the
/// state, which a rollback puts back. Others read its writes before the
/// commit: a test double, not a database.
#[derive(Debug)]
pub struct InMemoryStore {
    state: Arc<Mutex<State>>,
    writer: Arc<Semaphore>,
    /// Set in transaction mode.
    transaction: Option<Mutex<Unit>>,
}

/// A unit of work's progress.
#[derive(Debug, Default)]
enum Unit {
    /// Nothing written yet.
    #[default]
    Reading,
    /// Written: the state before, and the writer's permit.
    Writing(Box<State>, OwnedSemaphorePermit),
    /// Committed or rolled back.
    Ended,
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self {
            state: Arc::default(),
            writer: Arc::new(Semaphore::new(1)),
            transaction: None,
        }
    }
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until this store may write: outside a transaction, the
    /// writer's permit for as long as the returned guard lives; in one, the
    /// permit taken by its first write, kept to its end.
    async fn writing(&self) -> Option<OwnedSemaphorePermit> {
        let Some(unit) = &self.transaction else {
            return self.writer.clone().acquire_owned().await.ok();
        };
        if matches!(*lock(unit), Unit::Reading) {
            let permit = self.writer.clone().acquire_owned().await.ok()?;
            let before = Box::new(lock(&self.state).clone());
            *lock(unit) = Unit::Writing(before, permit);
        }
        None
    }

    /// Ends a unit of work, putting the state back unless it commits.
    fn end(&self, commit: bool) -> Result<(), StoreError> {
        let Some(unit) = &self.transaction else {
            return Err(StoreError::Unexpected("not a transaction".to_owned()));
        };
        if let Unit::Writing(before, _permit) = std::mem::replace(&mut *lock(unit), Unit::Ended)
            && !commit
        {
            *lock(&self.state) = *before;
        }
        Ok(())
    }
}

pub(crate) fn is_free(lease: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    lease.is_none_or(|until| until <= now)
}

#[async_trait]
impl Store for InMemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        if state.users.contains_key(&user.id) {
            return Err(StoreError::AlreadyExists);
        }
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(lock(&self.state).users.get(&id).cloned())
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.users.get_mut(&user.id).ok_or(StoreError::NotFound)?;
        *stored = user.clone();
        Ok(())
    }

    async fn change_role(&self, id: UserId, from: Role, to: Role) -> Result<User, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let user = state.users.get_mut(&id).ok_or(StoreError::NotFound)?;
        if user.role != from {
            return Err(StoreError::Conflict(format!(
                "the role is {}, not {from}",
                user.role
            )));
        }
        user.role = to;
        Ok(user.clone())
    }

    async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
        let state = lock(&self.state);
        let mut users: Vec<User> = state
            .users
            .values()
            .filter(|u| query.role.is_none_or(|role| u.role == role))
            .cloned()
            .collect();
        users.sort_by_key(|u| (u.registered_at, u.id));
        Ok(users)
    }

    async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let new = request.meeting;
        let replaced = new.rescheduled_from;
        if let Some(old_id) = replaced {
            let old = state.meetings.get(&old_id).ok_or(BookingError::NotFound)?;
            if old.status != MeetingStatus::Scheduled {
                return Err(BookingError::NotScheduled(old.status));
            }
        }
        let others = || {
            state
                .meetings
                .values()
                .filter(|m| m.holds_time() && Some(m.id) != replaced)
        };
        let wanted = new.interval.widened(request.buffer);
        if others().any(|m| m.interval.overlaps(&wanted)) {
            return Err(BookingError::SlotTaken);
        }
        if let Some(limit) = request.max_upcoming {
            let upcoming = others()
                .filter(|m| m.booker == new.booker && m.interval.start() > request.now)
                .count();
            if upcoming >= limit as usize {
                return Err(BookingError::LimitReached(limit));
            }
        }
        let id = MeetingId(state.next_id());
        let created_at = new.created_at;
        let meeting = Meeting::from_new(id, new);
        state.meetings.insert(id, meeting.clone());
        for planned in request.reminders {
            let reminder_id = ReminderId(state.next_id());
            let reminder = Reminder {
                id: reminder_id,
                meeting_id: id,
                recipient: planned.recipient,
                offset_minutes: planned.offset_minutes,
                due_at: planned.due_at,
                state: ReminderState::Pending,
                attempts: 0,
            };
            state.reminders.insert(
                reminder_id,
                StoredReminder {
                    reminder,
                    leased_until: None,
                    finished_at: None,
                },
            );
        }
        state.enqueue(id, CalendarJobKind::Upsert, request.now);
        if let Some(old_id) = replaced {
            if let Some(old) = state.meetings.get_mut(&old_id) {
                old.reschedule_to(id, created_at)
                    .map_err(|e| BookingError::Store(StoreError::Unexpected(e.to_string())))?;
            }
            state.cancel_pending_reminders(old_id);
            state.enqueue(old_id, CalendarJobKind::Cancel, request.now);
        }
        Ok(meeting)
    }

    async fn cancel_meeting(
        &self,
        id: MeetingId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let meeting = state.meetings.get_mut(&id).ok_or(StoreError::NotFound)?;
        meeting
            .cancel(by, now)
            .map_err(|e| StoreError::Conflict(e.to_string()))?;
        let cancelled = meeting.clone();
        state.cancel_pending_reminders(id);
        state.enqueue(id, CalendarJobKind::Cancel, now);
        Ok(cancelled)
    }

    async fn mark_no_show(
        &self,
        id: MeetingId,
        no_show: bool,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let meeting = state.meetings.get_mut(&id).ok_or(StoreError::NotFound)?;
        let marked = if no_show {
            meeting.mark_no_show(now)
        } else {
            meeting.mark_held(now)
        };
        marked.map_err(|e| StoreError::Conflict(e.to_string()))?;
        Ok(meeting.clone())
    }

    async fn set_video_link(&self, id: MeetingId, link: &str) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let meeting = state.meetings.get_mut(&id).ok_or(StoreError::NotFound)?;
        meeting.video_link = Some(link.to_owned());
        Ok(())
    }

    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        Ok(lock(&self.state).meetings.get(&id).cloned())
    }

    async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
        let state = lock(&self.state);
        let mut meetings: Vec<Meeting> = state
            .meetings
            .values()
            .filter(|m| query.booker.is_none_or(|b| m.booker == b))
            .filter(|m| query.statuses.is_empty() || query.statuses.contains(&m.status))
            .filter(|m| {
                query
                    .overlapping
                    .is_none_or(|range| m.interval.overlaps(&range))
            })
            .cloned()
            .collect();
        meetings.sort_by_key(|m| (m.interval.start(), m.id));
        Ok(meetings)
    }

    async fn complete_ended_meetings(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<Meeting>, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let mut done = Vec::new();
        for meeting in state.meetings.values_mut() {
            if meeting.holds_time() && meeting.complete(now).is_ok() {
                done.push(meeting.clone());
            }
        }
        done.sort_by_key(|m| (m.interval.start(), m.id));
        Ok(done)
    }

    async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
        let state = lock(&self.state);
        let mut reminders: Vec<Reminder> = state
            .reminders
            .values()
            .filter(|s| s.reminder.meeting_id == meeting)
            .map(|s| s.reminder.clone())
            .collect();
        reminders.sort_by_key(|r| (r.due_at, r.id));
        Ok(reminders)
    }

    async fn claim_due_reminders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError> {
        let _writing = self.writing().await;
        Ok(lock(&self.state).claim_due_reminders(now, lease, limit))
    }

    async fn finish_reminder(
        &self,
        id: ReminderId,
        state_after: ReminderState,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.reminders.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.reminder.state = state_after;
        stored.leased_until = None;
        stored.finished_at = Some(at);
        Ok(())
    }

    async fn retry_reminder(
        &self,
        id: ReminderId,
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.reminders.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.reminder.state = ReminderState::Pending;
        stored.reminder.attempts += 1;
        stored.leased_until = Some(not_before);
        Ok(())
    }

    async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(lock(&self.state).next_reminder_at())
    }

    async fn claim_calendar_jobs(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<CalendarJob>, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let mut due: Vec<&mut StoredJob> = state
            .jobs
            .values_mut()
            .filter(|s| s.job.not_before <= now && is_free(s.leased_until, now))
            .collect();
        due.sort_by_key(|s| (s.job.not_before, s.job.id));
        Ok(due
            .into_iter()
            .take(limit as usize)
            .map(|s| {
                s.leased_until = Some(now + lease);
                s.job.clone()
            })
            .collect())
    }

    async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
        lock(&self.state)
            .jobs
            .remove(&id)
            .map(|_| ())
            .ok_or(StoreError::NotFound)
    }

    async fn retry_calendar_job(
        &self,
        id: JobId,
        not_before: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.jobs.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.job.attempts += 1;
        stored.job.not_before = not_before;
        stored.job.last_error = Some(error.to_owned());
        stored.leased_until = None;
        Ok(())
    }

    async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
        Ok(lock(&self.state).dialogs.get(&user).cloned())
    }

    async fn first_read(
        &self,
        id: UserId,
        value_key: &str,
    ) -> Result<meetbot_ports::FirstRead, StoreError> {
        let state = lock(&self.state);
        Ok(meetbot_ports::FirstRead {
            person: state.users.get(&id).cloned(),
            dialog: state.dialogs.get(&id).cloned(),
            value: state.values.get(value_key).cloned(),
        })
    }

    async fn save_dialog(&self, user: UserId, dialog: Option<String>) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        match dialog {
            Some(text) => state.dialogs.insert(user, text),
            None => state.dialogs.remove(&user),
        };
        Ok(())
    }

    async fn receive_updates(&self, updates: &[InboxUpdate]) -> Result<Vec<bool>, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        Ok(updates
            .iter()
            .map(|update| {
                let new = !state.inbox.contains_key(&update.id);
                if new {
                    state.inbox.insert(update.id, (update.clone(), None));
                }
                new
            })
            .collect())
    }

    async fn unhandled_updates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<InboxUpdate>, StoreError> {
        let state = lock(&self.state);
        Ok(state
            .inbox
            .range(after.map_or(i64::MIN, |a| a.saturating_add(1))..)
            .filter(|(_, (_, handled))| handled.is_none())
            .take(limit as usize)
            .map(|(_, (update, _))| update.clone())
            .collect())
    }

    async fn update_handled(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let (_, handled) = state.inbox.get_mut(&id).ok_or(StoreError::NotFound)?;
        if handled.is_some() {
            return Err(StoreError::Conflict(format!(
                "update {id} was handled already"
            )));
        }
        *handled = Some(at);
        Ok(())
    }

    async fn prune_delivered(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let count = state.inbox.len() + state.outbox.len();
        state
            .inbox
            .retain(|_, (_, handled)| handled.is_none_or(|at| at >= before));
        state
            .outbox
            .retain(|_, m| m.finished.is_none_or(|(_, at)| at >= before));
        Ok((count - state.inbox.len() - state.outbox.len()) as u64)
    }

    async fn queue_messages(
        &self,
        messages: &[Outgoing],
        now: DateTime<Utc>,
        claim: Option<Duration>,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        let _writing = self.writing().await;
        Ok(lock(&self.state).queue_messages(messages, now, claim))
    }

    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<QueuedMessage>, StoreError> {
        let _writing = self.writing().await;
        Ok(lock(&self.state).claim_messages(now, lease, limit))
    }

    async fn message_sent(&self, id: OutgoingId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.outbox.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.finished = Some((true, at));
        Ok(())
    }

    async fn retry_message(
        &self,
        id: OutgoingId,
        not_before: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.outbox.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.not_before = not_before;
        if let Some(error) = error {
            stored.queued.attempts += 1;
            stored.last_error = Some(error);
        }
        Ok(())
    }

    async fn drop_message(
        &self,
        id: OutgoingId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        let mut state = lock(&self.state);
        let stored = state.outbox.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.finished = Some((false, at));
        stored.last_error = Some(reason.to_owned());
        Ok(())
    }

    async fn next_message_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(lock(&self.state)
            .outbox
            .values()
            .filter(|m| m.finished.is_none())
            .map(|m| m.not_before)
            .min())
    }

    async fn backlog(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        lateness: Duration,
    ) -> Result<Backlog, StoreError> {
        Ok(lock(&self.state).backlog(since, now, lateness))
    }

    async fn begin(&self) -> Result<Arc<dyn Transaction>, StoreError> {
        if self.transaction.is_some() {
            return Err(StoreError::Unexpected(
                "a transaction cannot begin another".to_owned(),
            ));
        }
        Ok(Arc::new(Self {
            state: self.state.clone(),
            writer: self.writer.clone(),
            transaction: Some(Mutex::new(Unit::Reading)),
        }))
    }

    async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(lock(&self.state).values.get(key).cloned())
    }

    async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let _writing = self.writing().await;
        lock(&self.state)
            .values
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn heartbeat(&self, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        let _writing = self.writing().await;
        Ok(lock(&self.state).heartbeat.replace(at))
    }

    async fn record_once(&self, key: &str, _at: DateTime<Utc>) -> Result<bool, StoreError> {
        let _writing = self.writing().await;
        Ok(lock(&self.state).done_once.insert(key.to_owned()))
    }

    async fn save_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        lock(&self.state)
            .feedback
            .insert(feedback.meeting_id, feedback.clone());
        Ok(())
    }

    async fn feedback_of(&self, meeting: MeetingId) -> Result<Option<Feedback>, StoreError> {
        Ok(lock(&self.state).feedback.get(&meeting).cloned())
    }

    async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
        let state = lock(&self.state);
        let mut all: Vec<Feedback> = state
            .feedback
            .values()
            .filter(|f| author.is_none_or(|a| f.author == a))
            .cloned()
            .collect();
        all.sort_by_key(|f| (f.at, f.meeting_id));
        Ok(all)
    }

    async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError> {
        lock(&self.state)
            .rsvps
            .insert((rsvp.occurrence.clone(), rsvp.user), rsvp.clone());
        Ok(())
    }

    async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError> {
        let state = lock(&self.state);
        // The map is ordered by (occurrence, user), so this is by user id.
        Ok(state
            .rsvps
            .values()
            .filter(|r| r.occurrence == occurrence)
            .cloned()
            .collect())
    }

    async fn meeting_figures(&self, query: &StatisticsQuery) -> Result<MeetingFigures, StoreError> {
        Ok(lock(&self.state).meeting_figures(query))
    }

    async fn people_figures(&self, joined_within: Interval) -> Result<PeopleFigures, StoreError> {
        Ok(lock(&self.state).people_figures(joined_within))
    }

    async fn booker_summaries(
        &self,
        booker: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<BookerSummary>, StoreError> {
        Ok(lock(&self.state).booker_summaries(booker, now))
    }

    async fn rsvp_counts(&self, occurrences: &[String]) -> Result<Vec<RsvpCount>, StoreError> {
        Ok(lock(&self.state).rsvp_counts(occurrences))
    }

    async fn count_done_once(&self, prefix: &str) -> Result<u64, StoreError> {
        Ok(lock(&self.state).count_done_once(prefix))
    }

    async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        lock(&self.state).append_audit(event);
        Ok(())
    }

    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(lock(&self.state).audit_log(&query))
    }
}

/// Only a store made by [`Store::begin`] is a transaction; the methods fail
/// on any other.
#[async_trait]
impl Transaction for InMemoryStore {
    async fn commit(&self) -> Result<(), StoreError> {
        self.end(true)
    }

    async fn rollback(&self) {
        // Outside a transaction there is nothing to undo.
        let _ = self.end(false);
    }

    fn failed(&self) -> bool {
        false
    }
}

impl Drop for InMemoryStore {
    /// A unit of work dropped without an end is rolled back.
    fn drop(&mut self) {
        if self.transaction.is_some() {
            let _ = self.end(false);
        }
    }
}

#[cfg(test)]
mod contract {
    use std::sync::Arc;

    use super::InMemoryStore;

    meetbot_ports::store_contract_tests!(async {
        Some(Arc::new(InMemoryStore::new()) as Arc<dyn meetbot_ports::Store>)
    });
}
