//! Everything that must survive a restart: users, meetings, reminders, dialog
//! state, the inbox of updates and the outbox of messages, the audit log,
//! settings and the calendar outbox.
//!
//! One trait, in sections, because a use case often needs several of them in
//! one atomic step (a booking writes the meeting, its reminders and its
//! calendar job together).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{
    AuditAction, AuditEvent, Interval, Meeting, MeetingId, MeetingStatus, NewMeeting,
    PlannedReminder, Rating, Role, RsvpAnswer, User, UserId,
};
use serde::{Deserialize, Serialize};

use crate::delivery::{InboxUpdate, Outgoing, OutgoingId, QueuedMessage};
use crate::statistics::{BookerSummary, MeetingFigures, PeopleFigures, RsvpCount, StatisticsQuery};

/// A failure of the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A thing with that id exists already.
    #[error("already exists")]
    AlreadyExists,
    /// A conditional change found the state other than expected (somebody
    /// else changed it first); nothing was written.
    #[error("the state changed meanwhile: {0}")]
    Conflict(String),
    /// The database failed; the message is for logs, not for people.
    #[error("store failure: {0}")]
    Unexpected(String),
}

/// Why a booking was not made; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    /// Another meeting (with its buffer) holds part of this time.
    #[error("the slot is taken")]
    SlotTaken,
    /// The booker already holds the most upcoming meetings allowed.
    #[error("the limit of {0} upcoming meetings is reached")]
    LimitReached(u32),
    /// The meeting being rescheduled does not exist.
    #[error("the meeting to move does not exist")]
    NotFound,
    /// The meeting being rescheduled is no longer SCHEDULED.
    #[error("the meeting to move is already {0}")]
    NotScheduled(MeetingStatus),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Everything a booking writes, checked and written in one atomic step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRequest {
    /// The meeting; with `rescheduled_from` set, it replaces that meeting.
    pub meeting: NewMeeting,
    /// Free time kept around every meeting: the new one must not come closer
    /// than this to any SCHEDULED meeting.
    pub buffer: Duration,
    /// The most upcoming meetings the booker may hold, counting this one;
    /// `None` for no limit (the owner).
    pub max_upcoming: Option<u32>,
    /// The instant of the booking: meetings starting after it are upcoming.
    pub now: DateTime<Utc>,
    /// The reminders of the new meeting.
    pub reminders: Vec<PlannedReminder>,
}

/// What the handling of every update reads first, in one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FirstRead {
    /// The person, if registered.
    pub person: Option<User>,
    /// The saved state of their dialog.
    pub dialog: Option<String>,
    /// The value stored under the key asked for (the settings), if any.
    pub value: Option<String>,
}

/// Which users to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Only users with this role.
    pub role: Option<Role>,
}

/// Which meetings to list; all conditions must hold. Results are ordered by
/// start time, then id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingQuery {
    /// Only meetings booked by this person.
    pub booker: Option<UserId>,
    /// Only meetings in one of these statuses (empty: any status).
    pub statuses: Vec<MeetingStatus>,
    /// Only meetings overlapping this interval.
    pub overlapping: Option<Interval>,
}

/// The store's id of an audit event: an event appended later has a
/// greater id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AuditId(pub i64);

/// An audit event as stored, with its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The store's id, the cursor of paging.
    pub id: AuditId,
    /// The event.
    pub event: AuditEvent,
}

/// Where a page of the audit log starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuditCursor {
    /// The newest events.
    #[default]
    Newest,
    /// The events just older than this one.
    OlderThan(AuditId),
    /// The events just newer than this one (the page before, going back
    /// towards the newest).
    NewerThan(AuditId),
}

/// Which audit events to list; all conditions must hold. Results are the
/// newest first (in the order they were appended, the latest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only events about this person: those they did (the actor), and
    /// those done to them (the target, for an action whose target is a
    /// person: [`AuditAction::on_people`]).
    pub person: Option<UserId>,
    /// Only events of these actions (empty: any action).
    pub actions: Vec<AuditAction>,
    /// Only events that happened in this interval.
    pub during: Option<Interval>,
    /// Where the page starts. With [`AuditCursor::NewerThan`] the page is
    /// the `limit` events just after the cursor, still listed newest first.
    pub cursor: AuditCursor,
    /// At most this many events.
    pub limit: u32,
}

impl AuditQuery {
    /// The newest `limit` events, of any kind.
    pub fn newest(limit: u32) -> Self {
        Self {
            person: None,
            actions: Vec::new(),
            during: None,
            cursor: AuditCursor::Newest,
            limit,
        }
    }

    /// Whether `entry` meets the conditions of the query, the cursor and
    /// the limit aside: what a store that filters in memory keeps.
    pub fn admits(&self, entry: &AuditEntry) -> bool {
        let event = &entry.event;
        let person = self.person.is_none_or(|person| {
            event.actor == Some(person)
                || (event.action.target() == meetbot_domain::AuditTarget::Person
                    && event.target.as_deref() == Some(person.to_string().as_str()))
        });
        let action = self.actions.is_empty() || self.actions.contains(&event.action);
        let during = self
            .during
            .is_none_or(|during| during.contains_instant(event.at));
        let cursor = match self.cursor {
            AuditCursor::Newest => true,
            AuditCursor::OlderThan(id) => entry.id < id,
            AuditCursor::NewerThan(id) => entry.id > id,
        };
        person && action && during && cursor
    }
}

/// The store's id of a reminder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReminderId(pub i64);

/// Where a reminder is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReminderState {
    /// Waiting for its time (or for a retry).
    Pending,
    /// Delivered.
    Sent,
    /// Its meeting was cancelled or moved.
    Cancelled,
    /// Found after its meeting had started (downtime): not sent.
    Missed,
    /// Gave up after the allowed retries.
    Failed,
    /// Not sent because its recipient was not reachable when it fell due
    /// (on vacation, sick, travelling, inactive, or unsubscribed).
    Skipped,
}

impl ReminderState {
    /// The stable name stored in databases.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Sent => "SENT",
            Self::Cancelled => "CANCELLED",
            Self::Missed => "MISSED",
            Self::Failed => "FAILED",
            Self::Skipped => "SKIPPED",
        }
    }

    /// Reads a stable name back.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Sent,
            Self::Cancelled,
            Self::Missed,
            Self::Failed,
            Self::Skipped,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A stored reminder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// The store's id.
    pub id: ReminderId,
    /// The meeting it is about.
    pub meeting_id: MeetingId,
    /// Who gets it.
    pub recipient: UserId,
    /// Minutes before the meeting's start.
    pub offset_minutes: u32,
    /// When it falls due.
    pub due_at: DateTime<Utc>,
    /// Where it is in its life.
    pub state: ReminderState,
    /// How many sends were tried.
    pub attempts: u32,
}

/// A booker's rating of a meeting they had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The meeting rated.
    pub meeting_id: MeetingId,
    /// Who rated it (its booker).
    pub author: UserId,
    /// One to five stars.
    pub rating: Rating,
    /// What they wrote, if anything.
    pub comment: Option<String>,
    /// When it was given (or last changed).
    pub at: DateTime<Utc>,
}

/// A person's answer to the invitation to one occurrence of the group meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rsvp {
    /// The occurrence, by its key (such as `group:2030-01-09`).
    pub occurrence: String,
    /// Who answered.
    pub user: UserId,
    /// Their latest answer.
    pub answer: RsvpAnswer,
    /// When they gave it.
    pub at: DateTime<Utc>,
}

/// The store's id of a calendar job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct JobId(pub i64);

/// What a calendar job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CalendarJobKind {
    /// Write the meeting's event (create or move it).
    Upsert,
    /// Remove the meeting's event.
    Cancel,
}

impl CalendarJobKind {
    /// The stable name stored in databases.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upsert => "UPSERT",
            Self::Cancel => "CANCEL",
        }
    }

    /// Reads a stable name back.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "UPSERT" => Some(Self::Upsert),
            "CANCEL" => Some(Self::Cancel),
            _ => None,
        }
    }
}

/// A pending write to the owner's calendar (the outbox).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarJob {
    /// The store's id.
    pub id: JobId,
    /// The meeting whose event to write.
    pub meeting_id: MeetingId,
    /// What to do.
    pub kind: CalendarJobKind,
    /// How many times it was tried.
    pub attempts: u32,
    /// Not to be tried before this instant.
    pub not_before: DateTime<Utc>,
    /// The last failure, for the owner and the logs.
    pub last_error: Option<String>,
}

/// What waits to be carried out and what became of recent reminders, for
/// `doctor`: writes held long in an outbox, or reminders that failed or
/// are late, mean people are not told what they should be.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    /// Messages queued and not yet delivered or given up.
    pub queued_messages: u64,
    /// When the oldest of them was queued.
    pub oldest_message: Option<DateTime<Utc>>,
    /// Calendar jobs not yet carried out.
    pub calendar_jobs: u64,
    /// When the oldest of them was created.
    pub oldest_calendar_job: Option<DateTime<Utc>>,
    /// Reminders due since the query's `since` that ended FAILED.
    pub reminders_failed: u64,
    /// Reminders due since the query's `since` that ended MISSED.
    pub reminders_missed: u64,
    /// Reminders still PENDING more than the query's `lateness` after
    /// they fell due, and those due since `since` that were sent that late.
    pub reminders_late: u64,
}

/// The persistent state of meetbot.
///
/// Every method is atomic: it either does all it says or nothing.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    // ----- users -----

    /// Adds a user. MUST return `AlreadyExists` when the id is known.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError>;

    /// The user with this id, or `None`.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// Replaces a user's stored fields. MUST return `NotFound` for an unknown id.
    async fn update_user(&self, user: &User) -> Result<(), StoreError>;

    /// Changes a user's role only if it is `from` now (approve only a PENDING
    /// user) and returns the updated user. MUST return `NotFound` for an
    /// unknown id and `Conflict` when the role is not `from`.
    async fn change_role(&self, id: UserId, from: Role, to: Role) -> Result<User, StoreError>;

    /// Users matching the query, in order of registration.
    async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError>;

    // ----- meetings -----

    /// Books a meeting if its time is still free, atomically: under
    /// concurrent calls for overlapping times exactly one succeeds and the
    /// others get `SlotTaken`. In the same step it MUST check that no
    /// SCHEDULED meeting overlaps the new one widened by `buffer` (`SlotTaken`),
    /// that the booker holds fewer than `max_upcoming` SCHEDULED meetings
    /// starting after `now` (`LimitReached`), store the reminders (PENDING)
    /// and an `Upsert` calendar job due at `now`. With `rescheduled_from`, the
    /// old meeting MUST exist (`NotFound`) and be SCHEDULED (`NotScheduled`),
    /// does not count against the new time or the limit, becomes RESCHEDULED
    /// linked to the new one, its pending reminders are cancelled and a
    /// `Cancel` job is queued for it.
    async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError>;

    /// Cancels a SCHEDULED meeting, its pending reminders, and queues a
    /// `Cancel` calendar job, atomically. MUST return `NotFound` for an
    /// unknown id and `Conflict` when the meeting is not SCHEDULED.
    async fn cancel_meeting(
        &self,
        id: MeetingId,
        by: UserId,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError>;

    /// Marks a meeting that has taken place a no-show (`no_show`) or held
    /// (not `no_show`) and returns it. MUST return `NotFound` for an unknown
    /// id and `Conflict` when the meeting was cancelled or moved or has not
    /// ended at `now` (see [`Meeting::mark_no_show`]).
    async fn mark_no_show(
        &self,
        id: MeetingId,
        no_show: bool,
        now: DateTime<Utc>,
    ) -> Result<Meeting, StoreError>;

    /// Keeps the video link the calendar made for a meeting. MUST return
    /// `NotFound` for an unknown id.
    async fn set_video_link(&self, id: MeetingId, link: &str) -> Result<(), StoreError>;

    /// The meeting with this id, or `None`.
    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError>;

    /// Meetings matching the query, by start time.
    async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError>;

    /// Marks every SCHEDULED meeting that ended at or before `now` COMPLETED
    /// and returns them.
    async fn complete_ended_meetings(&self, now: DateTime<Utc>)
    -> Result<Vec<Meeting>, StoreError>;

    // ----- reminders -----

    /// The reminders of a meeting, by due time.
    async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError>;

    /// Claims up to `limit` PENDING reminders due at or before `now` whose
    /// lease is free or expired, leasing them until `now + lease`. Two
    /// concurrent claimers MUST never get the same reminder while its lease runs.
    async fn claim_due_reminders(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Ends a reminder's life in `state` (SENT, MISSED or FAILED) at `at`.
    async fn finish_reminder(
        &self,
        id: ReminderId,
        state: ReminderState,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Puts a claimed reminder back as PENDING, not to be claimed before
    /// `not_before`, counting one more attempt.
    async fn retry_reminder(
        &self,
        id: ReminderId,
        not_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// When the earliest PENDING reminder can be claimed, so a dispatcher can sleep until then.
    async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    // ----- calendar outbox -----

    /// Claims up to `limit` calendar jobs whose `not_before` has come and whose
    /// lease is free or expired, leasing them until `now + lease`.
    async fn claim_calendar_jobs(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<CalendarJob>, StoreError>;

    /// Removes a job that was carried out.
    async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError>;

    /// Puts a job back to be tried again at `not_before`, recording the error.
    async fn retry_calendar_job(
        &self,
        id: JobId,
        not_before: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError>;

    // ----- chat plumbing -----

    /// The saved state of a person's dialog, or `None`.
    async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError>;

    /// The person, the saved state of their dialog and the value under
    /// `value_key` (the settings), in one call: what the handling of every
    /// update reads first.
    async fn first_read(&self, id: UserId, value_key: &str) -> Result<FirstRead, StoreError>;

    /// Saves (`Some`) or clears (`None`) a person's dialog state.
    async fn save_dialog(&self, user: UserId, state: Option<String>) -> Result<(), StoreError>;

    // ----- the inbox of received updates -----

    /// Stores received updates, in order, each once: an update whose id is
    /// in the inbox already (a redelivery) is left as it is. Returns, for
    /// each update, whether it was new. Once this returns, the updates
    /// survive any crash, so the transport may confirm them.
    async fn receive_updates(&self, updates: &[InboxUpdate]) -> Result<Vec<bool>, StoreError>;

    /// Updates received but not yet handled, oldest id first, after `after`
    /// (exclusive), at most `limit`: what a restart must still handle.
    async fn unhandled_updates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<InboxUpdate>, StoreError>;

    /// Marks an update handled at `at`. Called in the transaction of the
    /// handling, so that either both happen or neither. MUST return
    /// `Conflict` when it was marked already (another instance handled it:
    /// this handling must be rolled back) and `NotFound` for an unknown id.
    async fn update_handled(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Forgets updates handled before `before` (Telegram redelivers within
    /// hours), and messages sent or dropped before it; returns how many rows.
    async fn prune_delivered(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    // ----- the outbox of messages -----

    /// Queues messages, in order. With `claim`, each message whose
    /// recipient has nothing queued before it comes back claimed until
    /// `now + claim`, for the caller to send at once after its transaction
    /// commits (the fast path); the others, and all without `claim`, wait
    /// for [`claim_messages`](Self::claim_messages).
    async fn queue_messages(
        &self,
        messages: &[Outgoing],
        now: DateTime<Utc>,
        claim: Option<Duration>,
    ) -> Result<Vec<QueuedMessage>, StoreError>;

    /// Claims up to `limit` messages that are due (their retry time has come
    /// and no lease runs) and are the first queued of their recipient, so a
    /// person's messages go out in order; leases them until `now + lease`.
    /// Two concurrent claimers MUST never get the same message.
    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<QueuedMessage>, StoreError>;

    /// Marks a claimed message delivered at `at`.
    async fn message_sent(&self, id: OutgoingId, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Puts a claimed message back. With an `error`, an attempt failed: it
    /// is counted and the error kept; without, the message was not tried
    /// (one before it failed) and is only released. Either way it is not
    /// claimed before `not_before`.
    async fn retry_message(
        &self,
        id: OutgoingId,
        not_before: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<(), StoreError>;

    /// Gives a claimed message up at `at` for `reason` (the recipient
    /// blocked the bot, the chat does not exist, it waited too long).
    async fn drop_message(
        &self,
        id: OutgoingId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError>;

    /// When the next queued message can be claimed, so a sender can sleep until then.
    async fn next_message_at(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// What waits in the outboxes, and of the reminders due since `since`
    /// those that failed, were missed or were sent more than `lateness`
    /// after they fell due, and those still pending more than `lateness`
    /// after it at `now`. Reads only.
    async fn backlog(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        lateness: Duration,
    ) -> Result<Backlog, StoreError>;

    // ----- transactions -----

    /// Begins a unit of work: what is written through the returned store
    /// becomes visible to others, and durable, together at
    /// [`Transaction::commit`], or not at all. Reads through it see its
    /// own writes. Used for everything one received update changes.
    async fn begin(&self) -> Result<Arc<dyn Transaction>, StoreError>;

    // ----- settings and small values -----

    /// The value stored under `key`, or `None`.
    async fn value(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Stores `value` under `key`, replacing what was there.
    async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError>;

    // ----- health -----

    /// Writes a heartbeat at `at`, replacing the one before, and returns the
    /// time of the one before (`None` the first time). MUST write to the
    /// database, not only read from it: a database that refuses writes (a
    /// read-only file, a full disk) MUST fail with `Unexpected`, which is
    /// how `/health` and start-up find it out.
    async fn heartbeat(&self, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError>;

    // ----- done-once ledger -----

    /// Records that the thing named `key` (a nudge, a digest, an invitation
    /// to one person) was done at `at`. Returns `true` the first time and
    /// `false` ever after. MUST be atomic: of concurrent calls with one key,
    /// exactly one gets `true`, also across processes sharing the database.
    async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError>;

    // ----- after-meeting feedback -----

    /// Stores a booker's feedback on a meeting. A second feedback on the
    /// same meeting MUST replace the first (rating, comment and time).
    async fn save_feedback(&self, feedback: &Feedback) -> Result<(), StoreError>;

    /// The feedback on a meeting, or `None`.
    async fn feedback_of(&self, meeting: MeetingId) -> Result<Option<Feedback>, StoreError>;

    /// All feedback, or only `author`'s, oldest first (then by meeting).
    async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError>;

    // ----- group meeting answers -----

    /// Stores a person's answer for an occurrence; a later answer MUST
    /// replace the earlier one.
    async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError>;

    /// The answers for an occurrence, one per person, in order of user id.
    async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError>;

    // ----- statistics -----

    /// The meetings starting in the query's period, counted (see
    /// [`MeetingFigures`]), with weeks, weekdays and hours read in its zone.
    /// MUST count with aggregates in the database, not by loading the rows.
    async fn meeting_figures(&self, query: &StatisticsQuery) -> Result<MeetingFigures, StoreError>;

    /// Everybody by role, status and department, and how many registered
    /// within `joined_within`.
    async fn people_figures(&self, joined_within: Interval) -> Result<PeopleFigures, StoreError>;

    /// Each booker's meetings counted, all time (`booker`: only theirs), by
    /// booker id; `now` tells upcoming meetings from those that ended.
    async fn booker_summaries(
        &self,
        booker: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<BookerSummary>, StoreError>;

    /// The answers to these occurrences of the group meeting, counted, by
    /// key; an occurrence nobody answered is left out.
    async fn rsvp_counts(&self, occurrences: &[String]) -> Result<Vec<RsvpCount>, StoreError>;

    /// How many keys of the done-once ledger start with `prefix`.
    async fn count_done_once(&self, prefix: &str) -> Result<u64, StoreError>;

    // ----- audit -----

    /// Appends an event to the audit log.
    async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// The events matching the query, newest first, at most its limit.
    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

/// A unit of work on the store (see [`Store::begin`]). Dropped without
/// [`commit`](Self::commit), it is rolled back.
#[async_trait]
pub trait Transaction: Store {
    /// Makes every write done through this transaction durable and visible.
    async fn commit(&self) -> Result<(), StoreError>;

    /// Undoes every write done through this transaction.
    async fn rollback(&self);

    /// Whether a call through it failed in the database (not a refusal
    /// such as `NotFound` or `Conflict`): then the work it did is suspect
    /// and should be rolled back and done again.
    fn failed(&self) -> bool;
}
