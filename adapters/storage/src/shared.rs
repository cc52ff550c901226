//! The queries both backends share, written once.
//!
//! Sync diesel is generic over the connection only through a thicket of
//! trait bounds, so instead [`shared_store!`] expands the same bodies for a
//! concrete connection type. The backend module that invokes it provides
//! what really differs:
//!
//! - `type Conn` — the connection;
//! - `fn write_tx` — a transaction for a multi-statement write (SQLite must
//!   take the write lock up front, or a reader turning writer fails busy);
//! - `fn booking_tx` — a transaction in which bookings are serialised;
//! - `fn claim_reminders` / `fn claim_jobs` — leasing a batch so that two
//!   claimers never get the same row.

use diesel::r2d2::{ManageConnection, Pool};
use meetbot_ports::StoreError;

use crate::failure::Failure;
use crate::outage::Outage;

/// Runs `work` on a pooled connection on tokio's blocking pool: diesel is
/// synchronous and must not stall the async workers. Whether a connection
/// could be had is told to `outage`.
pub(crate) async fn blocking<M, T, F>(
    pool: &Pool<M>,
    outage: &Outage,
    work: F,
) -> Result<T, Failure>
where
    M: ManageConnection,
    F: FnOnce(&mut M::Connection) -> Result<T, Failure> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let joined = tokio::task::spawn_blocking(move || match pool.get() {
        Ok(mut conn) => Ok(work(&mut conn)),
        Err(e) => Err(e.to_string()),
    })
    .await;
    match joined {
        Ok(Ok(done)) => {
            outage.ended();
            done
        }
        Ok(Err(reason)) => {
            outage.began(&reason);
            Err(Failure::Store(StoreError::Unexpected(format!(
                "no database connection: {reason}"
            ))))
        }
        Err(e) => Err(Failure::Store(StoreError::Unexpected(format!(
            "the database task failed: {e}"
        )))),
    }
}

/// Expands the shared queries and the `Store` implementation for `$store`,
/// whose field `pool` hands out `Conn`s.
macro_rules! shared_store {
    ($store:ident) => {
        use chrono::{DateTime, Duration, Utc};
        use diesel::prelude::*;
        use meetbot_domain::{AuditEvent, Meeting, MeetingId, MeetingStatus, Role, User, UserId};
        use meetbot_ports::{
            BookingError, BookingRequest, CalendarJob, CalendarJobKind, Feedback, JobId,
            MeetingQuery, Reminder, ReminderId, ReminderState, Rsvp, Store, StoreError, UserQuery,
        };

        use $crate::failure::Failure;
        use $crate::rows::{
            AuditRow, FeedbackRow, JobRow, MeetingRow, NewAuditRow, NewJobRow, NewMeetingRow,
            NewReminderRow, ReminderRow, RsvpRow, UserRow, convert_all, instant, meeting_status,
            micros,
        };
        use $crate::schema::{
            audit_log, calendar_jobs, dialogs, done_once, feedback, heartbeat, key_values,
            meetings, processed_updates, reminders, rsvps, users,
        };
        use $crate::shared::blocking;

        const SCHEDULED: &str = "SCHEDULED";
        const PENDING: &str = "PENDING";

        /// `now + lease` in stored form.
        fn lease_end(now: DateTime<Utc>, lease: Duration) -> Result<i64, Failure> {
            now.checked_add_signed(lease).map(micros).ok_or_else(|| {
                StoreError::Unexpected(format!("a lease of {lease} from {now} is out of range"))
                    .into()
            })
        }

        /// Fails with `NotFound` when an update by id touched nothing.
        fn one_row(changed: usize) -> Result<(), Failure> {
            if changed == 0 {
                Err(StoreError::NotFound.into())
            } else {
                Ok(())
            }
        }

        fn cancel_pending_reminders(conn: &mut Conn, meeting: i64) -> Result<(), Failure> {
            diesel::update(reminders::table)
                .filter(reminders::meeting_id.eq(meeting))
                .filter(reminders::state.eq(PENDING))
                .set(reminders::state.eq(ReminderState::Cancelled.as_str()))
                .execute(conn)?;
            Ok(())
        }

        fn queue_job(
            conn: &mut Conn,
            meeting: i64,
            kind: CalendarJobKind,
            now: i64,
        ) -> Result<(), Failure> {
            diesel::insert_into(calendar_jobs::table)
                .values(NewJobRow::due(meeting, kind, now))
                .execute(conn)?;
            Ok(())
        }

        fn load_user(conn: &mut Conn, id: i64) -> Result<Option<User>, Failure> {
            let row = users::table
                .find(id)
                .select(UserRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(User::try_from).transpose()?)
        }

        fn change_role(conn: &mut Conn, id: i64, from: Role, to: Role) -> Result<User, Failure> {
            write_tx(conn, |conn| {
                // Compare-and-set: the update only happens from the expected role.
                let updated = diesel::update(users::table.find(id))
                    .filter(users::role.eq(from.as_str()))
                    .set(users::role.eq(to.as_str()))
                    .returning(UserRow::as_returning())
                    .get_result(conn)
                    .optional()?;
                match updated {
                    Some(row) => Ok(User::try_from(row)?),
                    None => match load_user(conn, id)? {
                        Some(user) => Err(StoreError::Conflict(format!(
                            "the role is {}, not {from}",
                            user.role
                        ))
                        .into()),
                        None => Err(StoreError::NotFound.into()),
                    },
                }
            })
        }

        /// The whole booking, inside `booking_tx` so no other booking can
        /// slip in between the checks and the insert.
        fn book(conn: &mut Conn, request: BookingRequest) -> Result<Meeting, Failure> {
            booking_tx(conn, |conn| {
                let now = micros(request.now);
                let replaced = match request.meeting.rescheduled_from {
                    None => None,
                    Some(old) => {
                        let status: Option<String> = meetings::table
                            .find(old.0)
                            .select(meetings::status)
                            .first(conn)
                            .optional()?;
                        let status = meeting_status(&status.ok_or(BookingError::NotFound)?)?;
                        if status != MeetingStatus::Scheduled {
                            return Err(BookingError::NotScheduled(status).into());
                        }
                        Some(old.0)
                    }
                };
                // The meeting being moved neither blocks its own new time nor
                // counts against the limit.
                let others = || {
                    let query = meetings::table
                        .filter(meetings::status.eq(SCHEDULED))
                        .into_boxed();
                    match replaced {
                        Some(old) => query.filter(meetings::id.ne(old)),
                        None => query,
                    }
                };

                let wanted = request.meeting.interval.widened(request.buffer);
                let clashes: i64 = others()
                    .filter(meetings::starts_at.lt(micros(wanted.end())))
                    .filter(meetings::ends_at.gt(micros(wanted.start())))
                    .count()
                    .get_result(conn)?;
                if clashes > 0 {
                    return Err(BookingError::SlotTaken.into());
                }
                if let Some(max) = request.max_upcoming {
                    let upcoming: i64 = others()
                        .filter(meetings::booker_id.eq(request.meeting.booker.0))
                        .filter(meetings::starts_at.gt(now))
                        .count()
                        .get_result(conn)?;
                    if upcoming >= i64::from(max) {
                        return Err(BookingError::LimitReached(max).into());
                    }
                }

                // The old meeting stops holding its time before the new one
                // is inserted: Postgres' exclusion constraint checks each
                // statement, and the two may overlap.
                if let Some(old) = replaced {
                    diesel::update(meetings::table.find(old))
                        .set((
                            meetings::status.eq(MeetingStatus::Rescheduled.as_str()),
                            meetings::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    cancel_pending_reminders(conn, old)?;
                    queue_job(conn, old, CalendarJobKind::Cancel, now)?;
                }
                let row: MeetingRow = diesel::insert_into(meetings::table)
                    .values(NewMeetingRow::from(&request.meeting))
                    .returning(MeetingRow::as_returning())
                    .get_result(conn)?;
                if let Some(old) = replaced {
                    diesel::update(meetings::table.find(old))
                        .set(meetings::rescheduled_to.eq(row.id))
                        .execute(conn)?;
                }
                let planned = request
                    .reminders
                    .iter()
                    .map(|plan| NewReminderRow::planned(row.id, plan))
                    .collect::<Result<Vec<_>, _>>()?;
                if !planned.is_empty() {
                    diesel::insert_into(reminders::table)
                        .values(&planned)
                        .execute(conn)?;
                }
                queue_job(conn, row.id, CalendarJobKind::Upsert, now)?;
                Ok(Meeting::try_from(row)?)
            })
        }

        fn cancel_meeting(conn: &mut Conn, id: i64, by: i64, now: i64) -> Result<Meeting, Failure> {
            write_tx(conn, |conn| {
                let cancelled = diesel::update(meetings::table.find(id))
                    .filter(meetings::status.eq(SCHEDULED))
                    .set((
                        meetings::status.eq(MeetingStatus::Cancelled.as_str()),
                        meetings::cancelled_by.eq(by),
                        meetings::updated_at.eq(now),
                    ))
                    .returning(MeetingRow::as_returning())
                    .get_result(conn)
                    .optional()?;
                let Some(row) = cancelled else {
                    let status: Option<String> = meetings::table
                        .find(id)
                        .select(meetings::status)
                        .first(conn)
                        .optional()?;
                    return Err(match status {
                        Some(status) => StoreError::Conflict(format!("the meeting is {status}")),
                        None => StoreError::NotFound,
                    }
                    .into());
                };
                cancel_pending_reminders(conn, id)?;
                queue_job(conn, id, CalendarJobKind::Cancel, now)?;
                Ok(Meeting::try_from(row)?)
            })
        }

        fn find_meetings(conn: &mut Conn, query: MeetingQuery) -> Result<Vec<Meeting>, Failure> {
            let mut select = meetings::table.select(MeetingRow::as_select()).into_boxed();
            if let Some(booker) = query.booker {
                select = select.filter(meetings::booker_id.eq(booker.0));
            }
            if !query.statuses.is_empty() {
                let names: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
                select = select.filter(meetings::status.eq_any(names));
            }
            if let Some(window) = query.overlapping {
                select = select
                    .filter(meetings::starts_at.lt(micros(window.end())))
                    .filter(meetings::ends_at.gt(micros(window.start())));
            }
            let rows = select
                .order((meetings::starts_at, meetings::id))
                .load(conn)?;
            Ok(convert_all(rows)?)
        }

        fn complete_ended_meetings(conn: &mut Conn, now: i64) -> Result<Vec<Meeting>, Failure> {
            let mut rows: Vec<MeetingRow> = diesel::update(meetings::table)
                .filter(meetings::status.eq(SCHEDULED))
                .filter(meetings::ends_at.le(now))
                .set((
                    meetings::status.eq(MeetingStatus::Completed.as_str()),
                    meetings::updated_at.eq(now),
                ))
                .returning(MeetingRow::as_returning())
                .get_results(conn)?;
            rows.sort_by_key(|r| (r.starts_at, r.id));
            Ok(convert_all(rows)?)
        }

        /// Claimed rows come back in the order they fell due.
        fn claimed_reminders(mut rows: Vec<ReminderRow>) -> Result<Vec<Reminder>, Failure> {
            rows.sort_by_key(|r| (r.due_at, r.id));
            Ok(convert_all(rows)?)
        }

        fn claimed_jobs(mut rows: Vec<JobRow>) -> Result<Vec<CalendarJob>, Failure> {
            rows.sort_by_key(|r| r.id);
            Ok(convert_all(rows)?)
        }

        fn as_limit(limit: u32) -> i64 {
            i64::from(limit)
        }

        impl $store {
            async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                blocking(&self.pool, &self.outage, work)
                    .await
                    .map_err(StoreError::from)
            }

            /// Checks that the database answers.
            pub async fn ping(&self) -> Result<(), StoreError> {
                self.run(|conn| {
                    diesel::sql_query("SELECT 1").execute(conn)?;
                    Ok(())
                })
                .await
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
                let row = UserRow::from(user);
                self.run(move |conn| {
                    diesel::insert_into(users::table)
                        .values(&row)
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
                self.run(move |conn| load_user(conn, id.0)).await
            }

            async fn update_user(&self, user: &User) -> Result<(), StoreError> {
                let row = UserRow::from(user);
                self.run(move |conn| {
                    one_row(
                        diesel::update(users::table.find(row.id))
                            .set(&row)
                            .execute(conn)?,
                    )
                })
                .await
            }

            async fn change_role(
                &self,
                id: UserId,
                from: Role,
                to: Role,
            ) -> Result<User, StoreError> {
                self.run(move |conn| change_role(conn, id.0, from, to))
                    .await
            }

            async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
                self.run(move |conn| {
                    let mut select = users::table.select(UserRow::as_select()).into_boxed();
                    if let Some(role) = query.role {
                        select = select.filter(users::role.eq(role.as_str()));
                    }
                    let rows = select.order((users::registered_at, users::id)).load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
                blocking(&self.pool, &self.outage, move |conn| book(conn, request))
                    .await
                    .map_err(BookingError::from)
            }

            async fn cancel_meeting(
                &self,
                id: MeetingId,
                by: UserId,
                now: DateTime<Utc>,
            ) -> Result<Meeting, StoreError> {
                self.run(move |conn| cancel_meeting(conn, id.0, by.0, micros(now)))
                    .await
            }

            async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
                self.run(move |conn| {
                    let row = meetings::table
                        .find(id.0)
                        .select(MeetingRow::as_select())
                        .first(conn)
                        .optional()?;
                    Ok(row.map(Meeting::try_from).transpose()?)
                })
                .await
            }

            async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
                self.run(move |conn| find_meetings(conn, query)).await
            }

            async fn complete_ended_meetings(
                &self,
                now: DateTime<Utc>,
            ) -> Result<Vec<Meeting>, StoreError> {
                self.run(move |conn| complete_ended_meetings(conn, micros(now)))
                    .await
            }

            async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
                self.run(move |conn| {
                    let rows = reminders::table
                        .filter(reminders::meeting_id.eq(meeting.0))
                        .select(ReminderRow::as_select())
                        .order((reminders::due_at, reminders::id))
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn claim_due_reminders(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<Reminder>, StoreError> {
                let until = lease_end(now, lease)?;
                let limit = as_limit(limit);
                self.run(move |conn| {
                    claimed_reminders(claim_reminders(conn, micros(now), until, limit)?)
                })
                .await
            }

            async fn finish_reminder(
                &self,
                id: ReminderId,
                state: ReminderState,
            ) -> Result<(), StoreError> {
                self.run(move |conn| {
                    one_row(
                        diesel::update(reminders::table.find(id.0))
                            .set(reminders::state.eq(state.as_str()))
                            .execute(conn)?,
                    )
                })
                .await
            }

            async fn retry_reminder(
                &self,
                id: ReminderId,
                not_before: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                self.run(move |conn| {
                    one_row(
                        diesel::update(reminders::table.find(id.0))
                            .set((
                                reminders::state.eq(PENDING),
                                reminders::not_before.eq(micros(not_before)),
                                reminders::attempts.eq(reminders::attempts + 1),
                            ))
                            .execute(conn)?,
                    )
                })
                .await
            }

            async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.run(|conn| {
                    let next: Option<i64> = reminders::table
                        .filter(reminders::state.eq(PENDING))
                        .select(diesel::dsl::min(reminders::not_before))
                        .first(conn)?;
                    Ok(next.map($crate::rows::instant).transpose()?)
                })
                .await
            }

            async fn claim_calendar_jobs(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<CalendarJob>, StoreError> {
                let until = lease_end(now, lease)?;
                let limit = as_limit(limit);
                self.run(move |conn| claimed_jobs(claim_jobs(conn, micros(now), until, limit)?))
                    .await
            }

            async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
                self.run(move |conn| {
                    one_row(diesel::delete(calendar_jobs::table.find(id.0)).execute(conn)?)
                })
                .await
            }

            async fn retry_calendar_job(
                &self,
                id: JobId,
                not_before: DateTime<Utc>,
                error: &str,
            ) -> Result<(), StoreError> {
                let error = error.to_owned();
                self.run(move |conn| {
                    one_row(
                        diesel::update(calendar_jobs::table.find(id.0))
                            .set((
                                calendar_jobs::not_before.eq(micros(not_before)),
                                calendar_jobs::last_error.eq(error),
                                calendar_jobs::attempts.eq(calendar_jobs::attempts + 1),
                            ))
                            .execute(conn)?,
                    )
                })
                .await
            }

            async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
                self.run(move |conn| {
                    Ok(dialogs::table
                        .find(user.0)
                        .select(dialogs::state)
                        .first(conn)
                        .optional()?)
                })
                .await
            }

            async fn save_dialog(
                &self,
                user: UserId,
                state: Option<String>,
            ) -> Result<(), StoreError> {
                self.run(move |conn| {
                    match state {
                        Some(state) => diesel::insert_into(dialogs::table)
                            .values((dialogs::user_id.eq(user.0), dialogs::state.eq(&state)))
                            .on_conflict(dialogs::user_id)
                            .do_update()
                            .set(dialogs::state.eq(&state))
                            .execute(conn)?,
                        None => diesel::delete(dialogs::table.find(user.0)).execute(conn)?,
                    };
                    Ok(())
                })
                .await
            }

            async fn record_update(
                &self,
                update_id: i64,
                at: DateTime<Utc>,
            ) -> Result<bool, StoreError> {
                self.run(move |conn| {
                    // The primary key makes this a set: a redelivery inserts nothing.
                    let inserted = diesel::insert_into(processed_updates::table)
                        .values((
                            processed_updates::update_id.eq(update_id),
                            processed_updates::recorded_at.eq(micros(at)),
                        ))
                        .on_conflict_do_nothing()
                        .execute(conn)?;
                    Ok(inserted == 1)
                })
                .await
            }

            async fn prune_updates(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
                self.run(move |conn| {
                    let pruned = diesel::delete(processed_updates::table)
                        .filter(processed_updates::recorded_at.lt(micros(before)))
                        .execute(conn)?;
                    Ok(u64::try_from(pruned).unwrap_or(u64::MAX))
                })
                .await
            }

            async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
                let key = key.to_owned();
                self.run(move |conn| {
                    Ok(key_values::table
                        .find(key)
                        .select(key_values::value)
                        .first(conn)
                        .optional()?)
                })
                .await
            }

            async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
                let (key, value) = (key.to_owned(), value.to_owned());
                self.run(move |conn| {
                    diesel::insert_into(key_values::table)
                        .values((key_values::key.eq(&key), key_values::value.eq(&value)))
                        .on_conflict(key_values::key)
                        .do_update()
                        .set(key_values::value.eq(&value))
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn heartbeat(
                &self,
                at: DateTime<Utc>,
            ) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.run(move |conn| {
                    write_tx(conn, |conn| {
                        let before: Option<i64> = heartbeat::table
                            .find(1)
                            .select(heartbeat::beat_at)
                            .first(conn)
                            .optional()?;
                        diesel::insert_into(heartbeat::table)
                            .values((heartbeat::id.eq(1), heartbeat::beat_at.eq(micros(at))))
                            .on_conflict(heartbeat::id)
                            .do_update()
                            .set(heartbeat::beat_at.eq(micros(at)))
                            .execute(conn)?;
                        Ok(before.map(instant).transpose()?)
                    })
                })
                .await
            }

            async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                let key = key.to_owned();
                self.run(move |conn| {
                    // The primary key decides: of racing inserts one lands,
                    // the others insert nothing.
                    let inserted = diesel::insert_into(done_once::table)
                        .values((done_once::key.eq(&key), done_once::done_at.eq(micros(at))))
                        .on_conflict_do_nothing()
                        .execute(conn)?;
                    Ok(inserted == 1)
                })
                .await
            }

            async fn save_feedback(&self, given: &Feedback) -> Result<(), StoreError> {
                let row = FeedbackRow::from(given);
                self.run(move |conn| {
                    diesel::insert_into(feedback::table)
                        .values(&row)
                        .on_conflict(feedback::meeting_id)
                        .do_update()
                        .set(&row)
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn feedback_of(
                &self,
                meeting: MeetingId,
            ) -> Result<Option<Feedback>, StoreError> {
                self.run(move |conn| {
                    let row = feedback::table
                        .find(meeting.0)
                        .select(FeedbackRow::as_select())
                        .first(conn)
                        .optional()?;
                    Ok(row.map(Feedback::try_from).transpose()?)
                })
                .await
            }

            async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
                self.run(move |conn| {
                    let mut select = feedback::table
                        .select(FeedbackRow::as_select())
                        .into_boxed();
                    if let Some(author) = author {
                        select = select.filter(feedback::author_id.eq(author.0));
                    }
                    let rows = select
                        .order((feedback::given_at, feedback::meeting_id))
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError> {
                let row = RsvpRow::from(rsvp);
                self.run(move |conn| {
                    diesel::insert_into(rsvps::table)
                        .values(&row)
                        .on_conflict((rsvps::occurrence, rsvps::user_id))
                        .do_update()
                        .set((
                            rsvps::answer.eq(&row.answer),
                            rsvps::answered_at.eq(row.answered_at),
                        ))
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError> {
                let occurrence = occurrence.to_owned();
                self.run(move |conn| {
                    let rows = rsvps::table
                        .filter(rsvps::occurrence.eq(&occurrence))
                        .select(RsvpRow::as_select())
                        .order(rsvps::user_id)
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
                let row = NewAuditRow::from(event);
                self.run(move |conn| {
                    diesel::insert_into(audit_log::table)
                        .values(&row)
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
                let limit = as_limit(limit);
                self.run(move |conn| {
                    let rows = audit_log::table
                        .select(AuditRow::as_select())
                        .order((audit_log::happened_at.desc(), audit_log::id.desc()))
                        .limit(limit)
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }
        }
    };
}

pub(crate) use shared_store;
