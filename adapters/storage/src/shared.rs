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
//! - `fn claim_tx` — where a claim's one statement runs;
//! - `lock_claimed_rows` — a macro argument: the clause that keeps two
//!   claimers from leasing the same row (none where one writer runs at a
//!   time);
//! - `transactions` — a field: how the store's units of work begin, and how
//!   many may be open at once.

use diesel::r2d2::{ManageConnection, Pool};
use meetbot_ports::StoreError;

use crate::failure::Failure;
use crate::outage::Outage;

/// Locks a store's memo (what a unit of work read, the marks waiting to be
/// committed): each is whole at every moment, so one that a panic left
/// poisoned is still right to use.
pub(crate) fn lock<T>(memo: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    memo.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a call does to the database, which decides where it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// A read of a few rows by key: microseconds on a local file.
    Lookup,
    /// A read that may scan many rows (lists, statistics, exports).
    Read,
    /// A change a constraint may refuse (a unique key, an exclusion). In a
    /// unit of work it runs in a savepoint of its own, so that the unit
    /// can go on after the refusal.
    Write,
    /// A change no constraint can refuse: an update or upsert by key, an
    /// insert without a key of its own. In a unit of work it runs without
    /// a savepoint (on Postgres, two round trips fewer): should it fail all
    /// the same, the unit fails and is rolled back.
    Unrefusable,
}

impl Access {
    /// Whether it changes the database.
    pub(crate) fn writes(self) -> bool {
        matches!(self, Self::Write | Self::Unrefusable)
    }

    /// Its name in the metrics.
    fn label(self) -> &'static str {
        match self {
            Self::Lookup => "lookup",
            Self::Read => "read",
            Self::Write | Self::Unrefusable => "write",
        }
    }
}

/// Runs one store operation, recording how long it took
/// (`meetbot_store_operation_seconds`, by access).
pub(crate) async fn timed<T>(access: Access, work: impl Future<Output = T>) -> T {
    let started = std::time::Instant::now();
    let result = work.await;
    metrics::histogram!("meetbot_store_operation_seconds", "access" => access.label())
        .record(started.elapsed().as_secs_f64());
    result
}

/// How long a write waits for this process's one SQLite writer: as long
/// as SQLite's own `busy_timeout` would let it wait for the lock.
pub(crate) const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `work` on a pooled connection right here, on the calling worker,
/// when a connection is free at once; else as [`blocking`]. Only for calls
/// that never wait on a lock and finish in microseconds: SQLite lookups
/// (WAL readers never wait for the writer) and SQLite writes made holding
/// the process's one writer permit. A hand-off to the blocking pool and
/// back costs more than such a call.
pub(crate) async fn inline<M, T, F>(pool: &Pool<M>, outage: &Outage, work: F) -> Result<T, Failure>
where
    M: ManageConnection,
    F: FnOnce(&mut M::Connection) -> Result<T, Failure> + Send + 'static,
    T: Send + 'static,
{
    match pool.try_get() {
        Some(mut conn) => {
            outage.ended();
            work(&mut conn)
        }
        None => blocking(pool, outage, work).await,
    }
}

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
    ($store:ident, lock_claimed_rows = $lock:literal) => {
        use chrono::{DateTime, Duration, Utc};
        use diesel::prelude::*;
        use meetbot_domain::{
            AuditAction, AuditEvent, Meeting, MeetingId, MeetingStatus, Role, User, UserId,
        };
        use meetbot_ports::{
            AuditCursor, AuditEntry, AuditQuery, Backlog, BookingError, BookingRequest,
            CalendarJob, CalendarJobKind, Feedback, InboxUpdate, JobId, MeetingQuery, Outgoing,
            OutgoingId, QueuedMessage, Reminder, ReminderId, ReminderState, Rsvp, Store,
            StoreError, Transaction, UserQuery,
        };

        use $crate::failure::Failure;
        use $crate::prepared::KeepPrepared;
        use $crate::rows::{
            AuditRow, FeedbackRow, InboxRow, JobRow, MeetingRow, NewAuditRow, NewJobRow,
            NewMeetingRow, NewOutboxRow, NewReminderRow, OutboxRow, ReminderRow, RsvpRow, UserRow,
            convert_all, instant, meeting_status, micros,
        };
        use $crate::schema::{
            audit_log, calendar_jobs, dialogs, done_once, feedback, heartbeat, inbox, key_values,
            meetings, outbox, reminders, rsvps, users,
        };
        use $crate::shared::blocking;

        const SCHEDULED: &str = "SCHEDULED";
        const PENDING: &str = "PENDING";
        const SENT: &str = "SENT";
        const DROPPED: &str = "DROPPED";

        /// `now + lease` in stored form.
        fn lease_end(now: DateTime<Utc>, lease: Duration) -> Result<i64, Failure> {
            now.checked_add_signed(lease).map(micros).ok_or_else(|| {
                StoreError::Unexpected(format!("a lease of {lease} from {now} is out of range"))
                    .into()
            })
        }

        /// Marks messages sent, each `(id, at)`; returns, in order, whether
        /// each was there. More than one mark take one transaction.
        fn mark_sent(
            conn: &mut Conn,
            marks: &[$crate::sent_marks::Mark],
        ) -> Result<Vec<bool>, Failure> {
            let mark_all = |conn: &mut Conn| {
                marks
                    .iter()
                    .map(|&(id, at)| {
                        Ok(!KeepPrepared(
                            diesel::update(outbox::table.find(id))
                                .set((outbox::state.eq(SENT), outbox::finished_at.eq(at)))
                                .returning(outbox::id),
                        )
                        .load::<i64>(conn)?
                        .is_empty())
                    })
                    .collect::<Result<Vec<bool>, Failure>>()
            };
            if marks.len() > 1 {
                write_tx(conn, mark_all)
            } else {
                mark_all(conn)
            }
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

        /// Runs a claim's statement, kept prepared, with its binds: `$1`
        /// the end of the lease, `$2` now, `$3` how many rows at most.
        fn claim<R>(
            conn: &mut Conn,
            sql: &'static str,
            now: i64,
            until: i64,
            limit: i64,
        ) -> Result<Vec<R>, Failure>
        where
            R: diesel::deserialize::QueryableByName<<Conn as diesel::Connection>::Backend>
                + 'static,
        {
            claim_tx(conn, |conn| {
                Ok(KeepPrepared(
                    diesel::sql_query(sql)
                        .bind::<diesel::sql_types::BigInt, _>(until)
                        .bind::<diesel::sql_types::BigInt, _>(now)
                        .bind::<diesel::sql_types::BigInt, _>(limit),
                )
                .load(conn)?)
            })
        }

        /// Leases due reminders: select and lease in one statement, so
        /// that no other claimer picks the same rows in between.
        const CLAIM_REMINDERS: &str = concat!(
            "UPDATE reminders SET not_before = $1 \
             WHERE id IN (SELECT id FROM reminders \
                          WHERE state = 'PENDING' AND due_at <= $2 AND not_before <= $2 \
                          ORDER BY not_before, id LIMIT $3 ",
            $lock,
            ") RETURNING id, meeting_id, recipient_id, offset_minutes, due_at, state, attempts"
        );

        /// As [`CLAIM_REMINDERS`], for the calendar outbox.
        const CLAIM_JOBS: &str = concat!(
            "UPDATE calendar_jobs SET not_before = $1 \
             WHERE id IN (SELECT id FROM calendar_jobs \
                          WHERE not_before <= $2 \
                          ORDER BY not_before, id LIMIT $3 ",
            $lock,
            ") RETURNING id, meeting_id, kind, attempts, not_before, last_error"
        );

        /// As [`CLAIM_REMINDERS`], for the message outbox: only the first
        /// waiting message of each recipient, so that a person's messages
        /// go out in order.
        const CLAIM_OUTBOX: &str = concat!(
            "UPDATE outbox SET not_before = $1 \
             WHERE id IN (SELECT o.id FROM outbox o \
                          WHERE o.state = 'PENDING' AND o.not_before <= $2 \
                            AND NOT EXISTS (SELECT 1 FROM outbox e \
                                            WHERE e.state = 'PENDING' \
                                              AND e.recipient = o.recipient AND e.id < o.id) \
                          ORDER BY o.id LIMIT $3 ",
            $lock,
            ") RETURNING id, message, attempts, queued_at"
        );

        // Lookups by key read with `get_result`, never `first`: `first`
        // binds its `LIMIT 1`, and SQLite, peeking at a bound limit when it
        // plans, prepares such a statement again at every run instead of
        // reusing the cached one.
        fn load_user(conn: &mut Conn, id: i64) -> Result<Option<User>, Failure> {
            let row = users::table
                .find(id)
                .select(UserRow::as_select())
                .get_result(conn)
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
                            .get_result(conn)
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
                        .get_result(conn)
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

        /// Reads the meeting, lets the domain decide, and writes the new
        /// status only if nobody changed it since the read.
        fn mark_no_show(
            conn: &mut Conn,
            id: i64,
            no_show: bool,
            now: DateTime<Utc>,
        ) -> Result<Meeting, Failure> {
            let row = meetings::table
                .find(id)
                .select(MeetingRow::as_select())
                .get_result(conn)
                .optional()?
                .ok_or(StoreError::NotFound)?;
            let before = row.status.clone();
            let mut meeting = Meeting::try_from(row)?;
            let marked = if no_show {
                meeting.mark_no_show(now)
            } else {
                meeting.mark_held(now)
            };
            marked.map_err(|e| StoreError::Conflict(e.to_string()))?;
            let changed = diesel::update(meetings::table.find(id))
                .filter(meetings::status.eq(&before))
                .set((
                    meetings::status.eq(meeting.status.as_str()),
                    meetings::updated_at.eq(micros(now)),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::Conflict("the meeting changed meanwhile".into()).into());
            }
            Ok(meeting)
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
            // Kept prepared: its text takes one form per set of filters.
            let rows =
                KeepPrepared(select.order((meetings::starts_at, meetings::id))).load(conn)?;
            Ok(convert_all(rows)?)
        }

        /// The audit events of a query; a page after a `NewerThan` cursor is
        /// read oldest first from the cursor, then turned newest first.
        fn find_audit(conn: &mut Conn, query: AuditQuery) -> Result<Vec<AuditEntry>, Failure> {
            let mut select = audit_log::table.select(AuditRow::as_select()).into_boxed();
            if let Some(person) = query.person {
                let on_people: Vec<&str> = AuditAction::on_people()
                    .iter()
                    .map(|a| a.as_str())
                    .collect();
                select = select.filter(
                    audit_log::actor_id.eq(person.0).or(audit_log::target
                        .eq(person.0.to_string())
                        .and(audit_log::action.eq_any(on_people))),
                );
            }
            if !query.actions.is_empty() {
                let names: Vec<&str> = query.actions.iter().map(|a| a.as_str()).collect();
                select = select.filter(audit_log::action.eq_any(names));
            }
            if let Some(during) = query.during {
                select = select
                    .filter(audit_log::happened_at.ge(micros(during.start())))
                    .filter(audit_log::happened_at.lt(micros(during.end())));
            }
            select = match query.cursor {
                AuditCursor::Newest => select.order(audit_log::id.desc()),
                AuditCursor::OlderThan(id) => select
                    .filter(audit_log::id.lt(id.0))
                    .order(audit_log::id.desc()),
                AuditCursor::NewerThan(id) => select
                    .filter(audit_log::id.gt(id.0))
                    .order(audit_log::id.asc()),
            };
            let mut rows = select.limit(as_limit(query.limit)).load(conn)?;
            rows.sort_by_key(|row: &AuditRow| std::cmp::Reverse(row.id));
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

        /// Stores received updates in one transaction; the primary key makes
        /// a redelivery insert nothing.
        fn receive_updates(conn: &mut Conn, rows: &[InboxRow]) -> Result<Vec<bool>, Failure> {
            write_tx(conn, |conn| {
                rows.iter()
                    .map(|row| {
                        let inserted = diesel::insert_into(inbox::table)
                            .values(row)
                            .on_conflict_do_nothing()
                            .execute(conn)?;
                        Ok(inserted == 1)
                    })
                    .collect()
            })
        }

        fn prune_delivered(conn: &mut Conn, before: i64) -> Result<u64, Failure> {
            write_tx(conn, |conn| {
                let updates = diesel::delete(inbox::table)
                    .filter(inbox::handled_at.lt(before))
                    .execute(conn)?;
                let messages = diesel::delete(outbox::table)
                    .filter(outbox::state.ne(PENDING))
                    .filter(outbox::finished_at.lt(before))
                    .execute(conn)?;
                Ok(u64::try_from(updates + messages).unwrap_or(u64::MAX))
            })
        }

        /// Queues messages in order. With a `lease`, a message is claimed
        /// when nothing of its recipient was waiting before this call and
        /// every earlier one of this call to them was claimed too, so that
        /// claimed messages never overtake waiting ones.
        fn queue_messages(
            conn: &mut Conn,
            rows: Vec<NewOutboxRow>,
            lease: Option<i64>,
        ) -> Result<Vec<QueuedMessage>, Failure> {
            in_any_tx(conn, |conn| {
                let mut claimed = Vec::new();
                let mut claimable: std::collections::HashMap<i64, bool> =
                    std::collections::HashMap::new();
                for mut row in rows {
                    let first = match (lease, claimable.get(&row.recipient)) {
                        (None, _) => false,
                        (Some(_), Some(earlier_claimed)) => *earlier_claimed,
                        (Some(_), None) => {
                            let waiting: i64 = outbox::table
                                .filter(outbox::state.eq(PENDING))
                                .filter(outbox::recipient.eq(row.recipient))
                                .count()
                                .get_result(conn)?;
                            waiting == 0
                        }
                    };
                    claimable.insert(row.recipient, first);
                    if let (true, Some(until)) = (first, lease) {
                        row.not_before = until;
                    }
                    let stored: OutboxRow = diesel::insert_into(outbox::table)
                        .values(&row)
                        .returning(OutboxRow::as_returning())
                        .get_result(conn)?;
                    if first {
                        claimed.push(QueuedMessage::try_from(stored)?);
                    }
                }
                Ok(claimed)
            })
        }

        /// A multi-statement write that no constraint can refuse: inside
        /// a transaction already (a unit of work's), part of it, which
        /// fails as a whole if it fails; else in a transaction of its own.
        fn in_any_tx<T, F>(conn: &mut Conn, work: F) -> Result<T, Failure>
        where
            F: FnOnce(&mut Conn) -> Result<T, Failure>,
        {
            if in_transaction(conn)? {
                work(conn)
            } else {
                write_tx(conn, work)
            }
        }

        /// Whether `conn` is inside a transaction (a unit of work's).
        fn in_transaction(conn: &mut Conn) -> diesel::QueryResult<bool> {
            use diesel::connection::{AnsiTransactionManager, TransactionManager as _};
            Ok(AnsiTransactionManager::transaction_manager_status_mut(conn)
                .transaction_depth()?
                .is_some())
        }

        fn as_limit(limit: u32) -> i64 {
            i64::from(limit)
        }

        impl $store {
            async fn access<T, F>(
                &self,
                access: $crate::shared::Access,
                work: F,
            ) -> Result<T, Failure>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                $crate::shared::timed(access, self.run(access, work)).await
            }

            async fn run<T, F>(&self, access: $crate::shared::Access, work: F) -> Result<T, Failure>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                use $crate::shared::Access;
                match access {
                    Access::Lookup if self.transactions.on_the_worker => {
                        $crate::shared::inline(&self.pool, &self.outage, work).await
                    }
                    Access::Write | Access::Unrefusable if self.transactions.on_the_worker => {
                        // This process's one writer: see `TxSettings::on_the_worker`.
                        // Waiting is bounded as SQLite's busy timeout bounds it.
                        let _writer = tokio::time::timeout(
                            $crate::shared::WRITER_WAIT,
                            self.transactions.open_at_once.acquire(),
                        )
                        .await
                        .map_err(|_| StoreError::Unexpected("the database is busy".to_owned()))?
                        .map_err(|e| StoreError::Unexpected(format!("writes are closed: {e}")))?;
                        $crate::shared::inline(&self.pool, &self.outage, work).await
                    }
                    _ => blocking(&self.pool, &self.outage, work).await,
                }
            }

            /// Checks that the database answers.
            pub async fn ping(&self) -> Result<(), StoreError> {
                self.read(|conn| {
                    diesel::sql_query("SELECT 1").execute(conn)?;
                    Ok(())
                })
                .await
            }

            /// Outside a unit of work every read is fresh.
            fn keep_person_read_first(&self, _id: i64, _person: &Option<User>) {}

            fn person_read_first(&self, _id: i64) -> Option<Option<User>> {
                None
            }

            fn keep_owners(&self, _owners: &[User]) {}

            fn owners_kept(&self) -> Option<Vec<User>> {
                None
            }

            fn forget_people_read(&self) {}

            /// Marks of messages sent wait here to be committed together.
            fn sent_marks(&self) -> Option<&$crate::sent_marks::SentMarks> {
                Some(&self.sent_marks)
            }

            fn begin_tx(&self) -> Result<std::sync::Arc<dyn Transaction>, StoreError> {
                Ok(std::sync::Arc::new($crate::transaction::Tx::new(
                    self.pool.clone(),
                    self.outage.clone(),
                    self.transactions.clone(),
                )))
            }
        }

        impl $crate::transaction::Tx<diesel::r2d2::ConnectionManager<Conn>> {
            fn begin_tx(&self) -> Result<std::sync::Arc<dyn Transaction>, StoreError> {
                Err(StoreError::Unexpected(
                    "a transaction cannot begin another".to_owned(),
                ))
            }
        }

        $crate::statistics::statistics_queries!();

        $crate::store_impl::store_impl!($store);
        $crate::store_impl::store_impl!(
            $crate::transaction::Tx<diesel::r2d2::ConnectionManager<Conn>>
        );
    };
}

pub(crate) use shared_store;
