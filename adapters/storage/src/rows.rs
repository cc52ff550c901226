//! Rows as stored, and their conversion to and from the domain.
//!
//! Everything read back is validated again: a row edited by hand (or by a
//! future version) that no longer fits the domain becomes
//! `StoreError::Unexpected` naming the table and the value, never a panic.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use meetbot_domain::{
    AuditAction, AuditEvent, Department, DisplayName, Email, Interval, Language, Meeting,
    MeetingId, MeetingStatus, NewMeeting, PlannedReminder, Rating, Role, RsvpAnswer, Status, Topic,
    User, UserId, Zone,
};
use meetbot_ports::{
    AuditEntry, AuditId, CalendarJob, CalendarJobKind, Feedback, InboxUpdate, JobId, Outgoing,
    OutgoingId, QueuedMessage, Reminder, ReminderId, ReminderState, Rsvp, StoreError,
};

use crate::schema::{
    audit_log, calendar_jobs, feedback, inbox, meetings, outbox, reminders, rsvps, users,
};

/// An instant as stored: microseconds since the Unix epoch, UTC.
pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// An instant read back.
pub(crate) fn instant(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Unexpected(format!("stored instant {micros} is out of range")))
}

/// The error for a stored value that does not fit the domain.
fn bad(
    table: &str,
    column: &str,
    value: impl std::fmt::Display,
    why: impl std::fmt::Display,
) -> StoreError {
    let value = value.to_string();
    StoreError::Unexpected(format!(
        "{table}.{column} holds {value:?}, which is invalid: {why}"
    ))
}

fn count(table: &str, column: &str, value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|e| bad(table, column, value, e))
}

/// `users` as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users)]
// Clearing a department or username must write NULL, not leave the old value.
#[diesel(treat_none_as_null = true)]
pub(crate) struct UserRow {
    pub id: i64,
    pub name: String,
    pub username: Option<String>,
    pub role: String,
    pub status: String,
    pub department: Option<String>,
    pub email: Option<String>,
    pub language: String,
    pub zone: String,
    pub subscribed: bool,
    pub registered_at: i64,
    pub unreachable_since: Option<i64>,
}

impl From<&User> for UserRow {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.0,
            name: user.name.as_str().to_owned(),
            username: user.username.clone(),
            role: user.role.as_str().to_owned(),
            status: user.status.as_str().to_owned(),
            department: user.department.as_ref().map(|d| d.as_str().to_owned()),
            email: user.email.as_ref().map(|e| e.as_str().to_owned()),
            language: user.language.as_str().to_owned(),
            zone: user.zone.name().to_owned(),
            subscribed: user.subscribed,
            registered_at: micros(user.registered_at),
            unreachable_since: user.unreachable_since.map(micros),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        let t = "users";
        Ok(User {
            id: UserId(row.id),
            name: DisplayName::new(&row.name).map_err(|e| bad(t, "name", &row.name, e))?,
            username: row.username,
            role: Role::parse(&row.role).map_err(|e| bad(t, "role", &row.role, e))?,
            status: Status::parse(&row.status).map_err(|e| bad(t, "status", &row.status, e))?,
            department: row
                .department
                .map(|d| Department::new(&d).map_err(|e| bad(t, "department", &d, e)))
                .transpose()?,
            email: row
                .email
                .map(|m| Email::new(&m).map_err(|e| bad(t, "email", &m, e)))
                .transpose()?,
            language: Language::parse(&row.language)
                .map_err(|e| bad(t, "language", &row.language, e))?,
            zone: Zone::parse(&row.zone).map_err(|e| bad(t, "zone", &row.zone, e))?,
            subscribed: row.subscribed,
            registered_at: instant(row.registered_at)?,
            unreachable_since: row.unreachable_since.map(instant).transpose()?,
        })
    }
}

/// `meetings` as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meetings)]
pub(crate) struct MeetingRow {
    pub id: i64,
    pub booker_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub meeting_type: String,
    pub topic: Option<String>,
    pub status: String,
    pub rescheduled_from: Option<i64>,
    pub rescheduled_to: Option<i64>,
    pub cancelled_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub video_link: Option<String>,
}

/// A meeting about to be inserted; the database picks the id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = meetings)]
pub(crate) struct NewMeetingRow {
    pub booker_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub meeting_type: String,
    pub topic: Option<String>,
    pub status: String,
    pub rescheduled_from: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&NewMeeting> for NewMeetingRow {
    fn from(new: &NewMeeting) -> Self {
        Self {
            booker_id: new.booker.0,
            starts_at: micros(new.interval.start()),
            ends_at: micros(new.interval.end()),
            meeting_type: new.meeting_type.clone(),
            topic: new.topic.as_ref().map(|t| t.as_str().to_owned()),
            status: MeetingStatus::Scheduled.as_str().to_owned(),
            rescheduled_from: new.rescheduled_from.map(|m| m.0),
            created_at: micros(new.created_at),
            updated_at: micros(new.created_at),
        }
    }
}

/// Reads a stored meeting status.
pub(crate) fn meeting_status(text: &str) -> Result<MeetingStatus, StoreError> {
    MeetingStatus::parse(text).map_err(|e| bad("meetings", "status", text, e))
}

impl TryFrom<MeetingRow> for Meeting {
    type Error = StoreError;

    fn try_from(row: MeetingRow) -> Result<Self, StoreError> {
        let t = "meetings";
        let (start, end) = (instant(row.starts_at)?, instant(row.ends_at)?);
        Ok(Meeting {
            id: MeetingId(row.id),
            booker: UserId(row.booker_id),
            interval: Interval::new(start, end).map_err(|e| bad(t, "ends_at", row.ends_at, e))?,
            meeting_type: row.meeting_type,
            topic: row
                .topic
                .map(|topic| Topic::new(&topic).map_err(|e| bad(t, "topic", &topic, e)))
                .transpose()?,
            status: meeting_status(&row.status)?,
            rescheduled_from: row.rescheduled_from.map(MeetingId),
            rescheduled_to: row.rescheduled_to.map(MeetingId),
            cancelled_by: row.cancelled_by.map(UserId),
            created_at: instant(row.created_at)?,
            updated_at: instant(row.updated_at)?,
            video_link: row.video_link,
        })
    }
}

/// `reminders` as read; `not_before` (when it may be claimed next) stays
/// inside the store. `QueryableByName` for the Postgres claim, which is raw SQL.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = reminders)]
pub(crate) struct ReminderRow {
    pub id: i64,
    pub meeting_id: i64,
    pub recipient_id: i64,
    pub offset_minutes: i32,
    pub due_at: i64,
    pub state: String,
    pub attempts: i32,
}

/// A reminder about to be inserted, PENDING and claimable from its due time.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reminders)]
pub(crate) struct NewReminderRow {
    pub meeting_id: i64,
    pub recipient_id: i64,
    pub offset_minutes: i32,
    pub due_at: i64,
    pub state: String,
    pub attempts: i32,
    pub not_before: i64,
}

impl NewReminderRow {
    pub(crate) fn planned(meeting: i64, plan: &PlannedReminder) -> Result<Self, StoreError> {
        let offset = i32::try_from(plan.offset_minutes).map_err(|e| {
            StoreError::Unexpected(format!("reminder offset {}: {e}", plan.offset_minutes))
        })?;
        Ok(Self {
            meeting_id: meeting,
            recipient_id: plan.recipient.0,
            offset_minutes: offset,
            due_at: micros(plan.due_at),
            state: ReminderState::Pending.as_str().to_owned(),
            attempts: 0,
            not_before: micros(plan.due_at),
        })
    }
}

impl TryFrom<ReminderRow> for Reminder {
    type Error = StoreError;

    fn try_from(row: ReminderRow) -> Result<Self, StoreError> {
        let t = "reminders";
        Ok(Reminder {
            id: ReminderId(row.id),
            meeting_id: MeetingId(row.meeting_id),
            recipient: UserId(row.recipient_id),
            offset_minutes: count(t, "offset_minutes", row.offset_minutes)?,
            due_at: instant(row.due_at)?,
            state: ReminderState::parse(&row.state)
                .ok_or_else(|| bad(t, "state", &row.state, "unknown state"))?,
            attempts: count(t, "attempts", row.attempts)?,
        })
    }
}

/// `calendar_jobs` as stored; `QueryableByName` for the Postgres claim.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = calendar_jobs)]
pub(crate) struct JobRow {
    pub id: i64,
    pub meeting_id: i64,
    pub kind: String,
    pub attempts: i32,
    pub not_before: i64,
    pub last_error: Option<String>,
}

/// A calendar job about to be queued.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = calendar_jobs)]
pub(crate) struct NewJobRow {
    pub meeting_id: i64,
    pub kind: String,
    pub attempts: i32,
    pub not_before: i64,
    pub created_at: i64,
}

impl NewJobRow {
    /// A job for `meeting`, due at once.
    pub(crate) fn due(meeting: i64, kind: CalendarJobKind, now: i64) -> Self {
        Self {
            meeting_id: meeting,
            kind: kind.as_str().to_owned(),
            attempts: 0,
            not_before: now,
            created_at: now,
        }
    }
}

impl TryFrom<JobRow> for CalendarJob {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let t = "calendar_jobs";
        Ok(CalendarJob {
            id: JobId(row.id),
            meeting_id: MeetingId(row.meeting_id),
            kind: CalendarJobKind::parse(&row.kind)
                .ok_or_else(|| bad(t, "kind", &row.kind, "unknown kind"))?,
            attempts: count(t, "attempts", row.attempts)?,
            not_before: instant(row.not_before)?,
            last_error: row.last_error,
        })
    }
}

/// `audit_log` as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub happened_at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub details: String,
}

/// An audit event about to be appended.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub(crate) struct NewAuditRow {
    pub happened_at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: Option<String>,
    pub details: String,
}

impl From<&AuditEvent> for NewAuditRow {
    fn from(event: &AuditEvent) -> Self {
        Self {
            happened_at: micros(event.at),
            actor_id: event.actor.map(|a| a.0),
            action: event.action.as_str().to_owned(),
            target: event.target.clone(),
            details: event.details.clone(),
        }
    }
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEntry {
            id: AuditId(row.id),
            event: AuditEvent {
                at: instant(row.happened_at)?,
                actor: row.actor_id.map(UserId),
                action: AuditAction::parse(&row.action)
                    .map_err(|e| bad("audit_log", "action", &row.action, e))?,
                target: row.target,
                details: row.details,
            },
        })
    }
}

/// `feedback` as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = feedback)]
// A replaced feedback without a comment must clear the old comment.
#[diesel(treat_none_as_null = true)]
pub(crate) struct FeedbackRow {
    pub meeting_id: i64,
    pub author_id: i64,
    pub rating: i32,
    pub comment: Option<String>,
    pub given_at: i64,
}

impl From<&Feedback> for FeedbackRow {
    fn from(f: &Feedback) -> Self {
        Self {
            meeting_id: f.meeting_id.0,
            author_id: f.author.0,
            rating: i32::from(f.rating.stars()),
            comment: f.comment.clone(),
            given_at: micros(f.at),
        }
    }
}

impl TryFrom<FeedbackRow> for Feedback {
    type Error = StoreError;

    fn try_from(row: FeedbackRow) -> Result<Self, StoreError> {
        Ok(Feedback {
            meeting_id: MeetingId(row.meeting_id),
            author: UserId(row.author_id),
            rating: Rating::new(i64::from(row.rating))
                .map_err(|e| bad("feedback", "rating", row.rating, e))?,
            comment: row.comment,
            at: instant(row.given_at)?,
        })
    }
}

/// `rsvps` as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = rsvps)]
pub(crate) struct RsvpRow {
    pub occurrence: String,
    pub user_id: i64,
    pub answer: String,
    pub answered_at: i64,
}

impl From<&Rsvp> for RsvpRow {
    fn from(r: &Rsvp) -> Self {
        Self {
            occurrence: r.occurrence.clone(),
            user_id: r.user.0,
            answer: r.answer.as_str().to_owned(),
            answered_at: micros(r.at),
        }
    }
}

impl TryFrom<RsvpRow> for Rsvp {
    type Error = StoreError;

    fn try_from(row: RsvpRow) -> Result<Self, StoreError> {
        Ok(Rsvp {
            answer: RsvpAnswer::parse(&row.answer)
                .map_err(|e| bad("rsvps", "answer", &row.answer, e))?,
            occurrence: row.occurrence,
            user: UserId(row.user_id),
            at: instant(row.answered_at)?,
        })
    }
}

/// Converts every row, failing on the first that does not fit.
pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// `inbox` as stored and inserted (a new update is not handled yet).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inbox)]
pub(crate) struct InboxRow {
    pub update_id: i64,
    pub payload: String,
    pub received_at: i64,
}

impl From<&InboxUpdate> for InboxRow {
    fn from(update: &InboxUpdate) -> Self {
        Self {
            update_id: update.id,
            payload: update.payload.clone(),
            received_at: micros(update.received_at),
        }
    }
}

impl TryFrom<InboxRow> for InboxUpdate {
    type Error = StoreError;

    fn try_from(row: InboxRow) -> Result<Self, StoreError> {
        Ok(InboxUpdate {
            id: row.update_id,
            payload: row.payload,
            received_at: instant(row.received_at)?,
        })
    }
}

/// `outbox` as stored; `QueryableByName` for the claims written in SQL.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = outbox)]
pub(crate) struct OutboxRow {
    pub id: i64,
    pub message: String,
    pub attempts: i32,
    pub queued_at: i64,
}

/// A message about to be queued, due at once.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub(crate) struct NewOutboxRow {
    pub recipient: i64,
    pub message: String,
    pub state: String,
    pub attempts: i32,
    pub not_before: i64,
    pub queued_at: i64,
}

impl NewOutboxRow {
    pub(crate) fn queued(message: &Outgoing, now: i64) -> Result<Self, StoreError> {
        Ok(Self {
            recipient: message.to.0,
            message: serde_json::to_string(message).map_err(|e| {
                StoreError::Unexpected(format!("a message does not serialise: {e}"))
            })?,
            state: "PENDING".to_owned(),
            attempts: 0,
            not_before: now,
            queued_at: now,
        })
    }
}

impl TryFrom<OutboxRow> for QueuedMessage {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        let t = "outbox";
        Ok(QueuedMessage {
            id: OutgoingId(row.id),
            message: serde_json::from_str(&row.message)
                .map_err(|e| bad(t, "message", row.id, e))?,
            attempts: count(t, "attempts", row.attempts)?,
            queued_at: instant(row.queued_at)?,
        })
    }
}
