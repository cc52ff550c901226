//! The `Store` implementation both backends share, expanded by
//! [`store_impl!`] for a store and for its transaction alike: each type
//! provides `access(kind, work)`, running `work` on a connection (the
//! store on its pool, a transaction on its own once it wrote), and
//! `begin_tx`. Whether a call writes is said here, once per method. A
//! method that writes the users table first calls `forget_people_read`:
//! a unit of work answers its later reads of the acting person and of the
//! owners from what it read, until it writes a person.

/// Expands `impl Store` for `$ty` in a backend module that has expanded
/// [`crate::shared::shared_store!`].
macro_rules! store_impl {
    ($ty:ty) => {
        impl $ty {
            async fn lookup<T, F>(&self, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                self.access($crate::shared::Access::Lookup, work)
                    .await
                    .map_err(StoreError::from)
            }

            async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                self.access($crate::shared::Access::Read, work)
                    .await
                    .map_err(StoreError::from)
            }

            /// A read of a few rows by index when `few`, else [`read`](Self::read).
            async fn lookup_if<T, F>(&self, few: bool, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                if few {
                    self.lookup(work).await
                } else {
                    self.read(work).await
                }
            }

            async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                self.access($crate::shared::Access::Write, work)
                    .await
                    .map_err(StoreError::from)
            }

            async fn write_unrefusable<T, F>(&self, work: F) -> Result<T, StoreError>
            where
                F: FnOnce(&mut Conn) -> Result<T, Failure> + Send + 'static,
                T: Send + 'static,
            {
                self.access($crate::shared::Access::Unrefusable, work)
                    .await
                    .map_err(StoreError::from)
            }
        }

        #[async_trait::async_trait]
        impl Store for $ty {
            async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
                self.forget_people_read();
                let row = UserRow::from(user);
                self.write(move |conn| {
                    diesel::insert_into(users::table)
                        .values(&row)
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
                if let Some(person) = self.person_read_first(id.0) {
                    return Ok(person);
                }
                self.lookup(move |conn| load_user(conn, id.0)).await
            }

            async fn update_user(&self, user: &User) -> Result<(), StoreError> {
                self.forget_people_read();
                let row = UserRow::from(user);
                self.write(move |conn| {
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
                self.forget_people_read();
                self.write(move |conn| change_role(conn, id.0, from, to))
                    .await
            }

            async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
                let owners = query.role == Some(Role::Owner);
                if owners && let Some(kept) = self.owners_kept() {
                    return Ok(kept);
                }
                // The owners are a few rows by index; any other list may be long.
                let read = self
                    .lookup_if(owners, move |conn| {
                        let mut select = users::table.select(UserRow::as_select()).into_boxed();
                        if let Some(role) = query.role {
                            select = select.filter(users::role.eq(role.as_str()));
                        }
                        let rows = select.order((users::registered_at, users::id)).load(conn)?;
                        Ok(convert_all(rows)?)
                    })
                    .await?;
                if owners {
                    self.keep_owners(&read);
                }
                Ok(read)
            }

            async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
                self.access($crate::shared::Access::Write, move |conn| {
                    book(conn, request)
                })
                .await
                .map_err(BookingError::from)
            }

            async fn cancel_meeting(
                &self,
                id: MeetingId,
                by: UserId,
                now: DateTime<Utc>,
            ) -> Result<Meeting, StoreError> {
                self.write(move |conn| cancel_meeting(conn, id.0, by.0, micros(now)))
                    .await
            }

            async fn mark_no_show(
                &self,
                id: MeetingId,
                no_show: bool,
                now: DateTime<Utc>,
            ) -> Result<Meeting, StoreError> {
                self.write(move |conn| mark_no_show(conn, id.0, no_show, now))
                    .await
            }

            async fn set_video_link(&self, id: MeetingId, link: &str) -> Result<(), StoreError> {
                let link = link.to_owned();
                self.write(move |conn| {
                    one_row(
                        diesel::update(meetings::table.find(id.0))
                            .set(meetings::video_link.eq(link))
                            .execute(conn)?,
                    )
                })
                .await
            }

            async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
                self.lookup(move |conn| {
                    let row = meetings::table
                        .find(id.0)
                        .select(MeetingRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    Ok(row.map(Meeting::try_from).transpose()?)
                })
                .await
            }

            async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
                // The meetings still ahead are a few rows by index (those
                // past are completed); any other list may be long.
                let few = query.statuses == [MeetingStatus::Scheduled];
                self.lookup_if(few, move |conn| find_meetings(conn, query))
                    .await
            }

            async fn complete_ended_meetings(
                &self,
                now: DateTime<Utc>,
            ) -> Result<Vec<Meeting>, StoreError> {
                self.write(move |conn| complete_ended_meetings(conn, micros(now)))
                    .await
            }

            async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
                self.lookup(move |conn| {
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
                self.write(move |conn| {
                    claimed_reminders(claim(conn, CLAIM_REMINDERS, micros(now), until, limit)?)
                })
                .await
            }

            async fn finish_reminder(
                &self,
                id: ReminderId,
                state: ReminderState,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let at = micros(at);
                self.write(move |conn| {
                    one_row(
                        KeepPrepared(
                            diesel::update(reminders::table.find(id.0))
                                .set((
                                    reminders::state.eq(state.as_str()),
                                    reminders::finished_at.eq(Some(at)),
                                ))
                                .returning(reminders::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                    )
                })
                .await
            }

            async fn retry_reminder(
                &self,
                id: ReminderId,
                not_before: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                self.write(move |conn| {
                    one_row(
                        KeepPrepared(
                            diesel::update(reminders::table.find(id.0))
                                .set((
                                    reminders::state.eq(PENDING),
                                    reminders::not_before.eq(micros(not_before)),
                                    reminders::attempts.eq(reminders::attempts + 1),
                                ))
                                .returning(reminders::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                    )
                })
                .await
            }

            async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.lookup(|conn| {
                    let next: Option<i64> = reminders::table
                        .filter(reminders::state.eq(PENDING))
                        .select(diesel::dsl::min(reminders::not_before))
                        .get_result(conn)?;
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
                self.write(move |conn| {
                    claimed_jobs(claim(conn, CLAIM_JOBS, micros(now), until, limit)?)
                })
                .await
            }

            async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
                self.write(move |conn| {
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
                self.write(move |conn| {
                    one_row(
                        KeepPrepared(
                            diesel::update(calendar_jobs::table.find(id.0))
                                .set((
                                    calendar_jobs::not_before.eq(micros(not_before)),
                                    calendar_jobs::last_error.eq(error),
                                    calendar_jobs::attempts.eq(calendar_jobs::attempts + 1),
                                ))
                                .returning(calendar_jobs::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                    )
                })
                .await
            }

            async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
                self.lookup(move |conn| {
                    Ok(dialogs::table
                        .find(user.0)
                        .select(dialogs::state)
                        .get_result(conn)
                        .optional()?)
                })
                .await
            }

            async fn first_read(
                &self,
                id: UserId,
                value_key: &str,
            ) -> Result<meetbot_ports::FirstRead, StoreError> {
                let value_key = value_key.to_owned();
                // One connection for all three; on Postgres one round trip
                // for the dialog and the value, joined to a one-row select.
                self.lookup(move |conn| {
                    let person = load_user(conn, id.0)?;
                    let (dialog, value) = diesel::select((
                        dialogs::table
                            .find(id.0)
                            .select(dialogs::state)
                            .single_value(),
                        key_values::table
                            .find(value_key)
                            .select(key_values::value)
                            .single_value(),
                    ))
                    .get_result::<(Option<String>, Option<String>)>(conn)?;
                    Ok(meetbot_ports::FirstRead {
                        person,
                        dialog,
                        value,
                    })
                })
                .await
                .inspect(|read| self.keep_person_read_first(id.0, &read.person))
            }

            async fn save_dialog(
                &self,
                user: UserId,
                state: Option<String>,
            ) -> Result<(), StoreError> {
                self.write_unrefusable(move |conn| {
                    match state {
                        Some(state) => KeepPrepared(
                            diesel::insert_into(dialogs::table)
                                .values((dialogs::user_id.eq(user.0), dialogs::state.eq(&state)))
                                .on_conflict(dialogs::user_id)
                                .do_update()
                                .set(dialogs::state.eq(&state))
                                .returning(dialogs::user_id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                        None => diesel::delete(dialogs::table.find(user.0)).execute(conn)?,
                    };
                    Ok(())
                })
                .await
            }

            async fn receive_updates(
                &self,
                updates: &[InboxUpdate],
            ) -> Result<Vec<bool>, StoreError> {
                let rows: Vec<InboxRow> = updates.iter().map(InboxRow::from).collect();
                self.write(move |conn| receive_updates(conn, &rows)).await
            }

            async fn unhandled_updates(
                &self,
                after: Option<i64>,
                limit: u32,
            ) -> Result<Vec<InboxUpdate>, StoreError> {
                let limit = as_limit(limit);
                self.read(move |conn| {
                    let rows = inbox::table
                        .filter(inbox::handled_at.is_null())
                        .filter(inbox::update_id.gt(after.unwrap_or(i64::MIN)))
                        .order(inbox::update_id)
                        .limit(limit)
                        .select(InboxRow::as_select())
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn update_handled(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
                self.write_unrefusable(move |conn| {
                    // Compare-and-set: of two instances handling one update
                    // (a restart's recovery beside a redelivery), one marks it.
                    let marked = KeepPrepared(
                        diesel::update(inbox::table.find(id))
                            .filter(inbox::handled_at.is_null())
                            .set(inbox::handled_at.eq(micros(at)))
                            .returning(inbox::update_id),
                    )
                    .load::<i64>(conn)?
                    .len();
                    if marked == 1 {
                        return Ok(());
                    }
                    let known: i64 = inbox::table.find(id).count().get_result(conn)?;
                    Err(if known == 0 {
                        StoreError::NotFound
                    } else {
                        StoreError::Conflict(format!("update {id} was handled already"))
                    }
                    .into())
                })
                .await
            }

            async fn prune_delivered(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
                self.write(move |conn| prune_delivered(conn, micros(before)))
                    .await
            }

            async fn queue_messages(
                &self,
                messages: &[Outgoing],
                now: DateTime<Utc>,
                claim: Option<Duration>,
            ) -> Result<Vec<QueuedMessage>, StoreError> {
                let rows = messages
                    .iter()
                    .map(|message| NewOutboxRow::queued(message, micros(now)))
                    .collect::<Result<Vec<_>, _>>()?;
                let lease = claim.map(|claim| lease_end(now, claim)).transpose()?;
                self.write_unrefusable(move |conn| queue_messages(conn, rows, lease))
                    .await
            }

            async fn claim_messages(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<QueuedMessage>, StoreError> {
                let until = lease_end(now, lease)?;
                let limit = as_limit(limit);
                self.write(move |conn| {
                    let mut rows: Vec<OutboxRow> =
                        claim(conn, CLAIM_OUTBOX, micros(now), until, limit)?;
                    rows.sort_by_key(|r| r.id);
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn message_sent(
                &self,
                id: OutgoingId,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                let mark = (id.0, micros(at));
                let commit =
                    |batch: Vec<_>| self.write_unrefusable(move |conn| mark_sent(conn, &batch));
                match self.sent_marks() {
                    Some(marks) => marks.store(mark, commit).await,
                    None => $crate::sent_marks::outcome(&commit(vec![mark]).await, 0),
                }
            }

            async fn retry_message(
                &self,
                id: OutgoingId,
                not_before: DateTime<Utc>,
                error: Option<String>,
            ) -> Result<(), StoreError> {
                self.write(move |conn| {
                    let row = outbox::table.find(id.0);
                    let changed = match error {
                        Some(error) => KeepPrepared(
                            diesel::update(row)
                                .set((
                                    outbox::not_before.eq(micros(not_before)),
                                    outbox::attempts.eq(outbox::attempts + 1),
                                    outbox::last_error.eq(error),
                                ))
                                .returning(outbox::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                        None => KeepPrepared(
                            diesel::update(row)
                                .set(outbox::not_before.eq(micros(not_before)))
                                .returning(outbox::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                    };
                    one_row(changed)
                })
                .await
            }

            async fn drop_message(
                &self,
                id: OutgoingId,
                at: DateTime<Utc>,
                reason: &str,
            ) -> Result<(), StoreError> {
                let reason = reason.to_owned();
                self.write(move |conn| {
                    one_row(
                        KeepPrepared(
                            diesel::update(outbox::table.find(id.0))
                                .set((
                                    outbox::state.eq(DROPPED),
                                    outbox::finished_at.eq(micros(at)),
                                    outbox::last_error.eq(reason),
                                ))
                                .returning(outbox::id),
                        )
                        .load::<i64>(conn)?
                        .len(),
                    )
                })
                .await
            }

            async fn next_message_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.lookup(|conn| {
                    let next: Option<i64> = outbox::table
                        .filter(outbox::state.eq(PENDING))
                        .select(diesel::dsl::min(outbox::not_before))
                        .get_result(conn)?;
                    Ok(next.map($crate::rows::instant).transpose()?)
                })
                .await
            }

            async fn backlog(
                &self,
                since: DateTime<Utc>,
                now: DateTime<Utc>,
                lateness: Duration,
            ) -> Result<Backlog, StoreError> {
                let since = micros(since);
                let late_before = micros(now - lateness);
                let lateness = lateness.num_microseconds().unwrap_or(i64::MAX);
                self.read(move |conn| backlog(conn, since, late_before, lateness))
                    .await
            }

            async fn begin(&self) -> Result<std::sync::Arc<dyn Transaction>, StoreError> {
                self.begin_tx()
            }

            async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
                let key = key.to_owned();
                self.lookup(move |conn| {
                    Ok(key_values::table
                        .find(key)
                        .select(key_values::value)
                        .get_result(conn)
                        .optional()?)
                })
                .await
            }

            async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
                let (key, value) = (key.to_owned(), value.to_owned());
                self.write_unrefusable(move |conn| {
                    KeepPrepared(
                        diesel::insert_into(key_values::table)
                            .values((key_values::key.eq(&key), key_values::value.eq(&value)))
                            .on_conflict(key_values::key)
                            .do_update()
                            .set(key_values::value.eq(&value))
                            .returning(key_values::key),
                    )
                    .load::<String>(conn)?;
                    Ok(())
                })
                .await
            }

            async fn heartbeat(
                &self,
                at: DateTime<Utc>,
            ) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.write(move |conn| {
                    write_tx(conn, |conn| {
                        let before: Option<i64> = heartbeat::table
                            .find(1)
                            .select(heartbeat::beat_at)
                            .get_result(conn)
                            .optional()?;
                        KeepPrepared(
                            diesel::insert_into(heartbeat::table)
                                .values((heartbeat::id.eq(1), heartbeat::beat_at.eq(micros(at))))
                                .on_conflict(heartbeat::id)
                                .do_update()
                                .set(heartbeat::beat_at.eq(micros(at)))
                                .returning(heartbeat::id),
                        )
                        .load::<i32>(conn)?;
                        Ok(before.map(instant).transpose()?)
                    })
                })
                .await
            }

            async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                let key = key.to_owned();
                self.write(move |conn| {
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
                self.write(move |conn| {
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
                self.lookup(move |conn| {
                    let row = feedback::table
                        .find(meeting.0)
                        .select(FeedbackRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    Ok(row.map(Feedback::try_from).transpose()?)
                })
                .await
            }

            async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
                self.read(move |conn| {
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
                self.write(move |conn| {
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
                self.read(move |conn| {
                    let rows = rsvps::table
                        .filter(rsvps::occurrence.eq(&occurrence))
                        .select(RsvpRow::as_select())
                        .order(rsvps::user_id)
                        .load(conn)?;
                    Ok(convert_all(rows)?)
                })
                .await
            }

            async fn meeting_figures(
                &self,
                query: &StatisticsQuery,
            ) -> Result<MeetingFigures, StoreError> {
                let query = *query;
                self.read(move |conn| meeting_figures(conn, query)).await
            }

            async fn people_figures(
                &self,
                joined_within: StatsInterval,
            ) -> Result<PeopleFigures, StoreError> {
                self.read(move |conn| people_figures(conn, joined_within))
                    .await
            }

            async fn booker_summaries(
                &self,
                booker: Option<UserId>,
                now: DateTime<Utc>,
            ) -> Result<Vec<BookerSummary>, StoreError> {
                let now = micros(now);
                self.read(move |conn| booker_summaries(conn, booker, now))
                    .await
            }

            async fn rsvp_counts(
                &self,
                occurrences: &[String],
            ) -> Result<Vec<RsvpCount>, StoreError> {
                let occurrences = occurrences.to_vec();
                self.read(move |conn| rsvp_counts(conn, occurrences)).await
            }

            async fn count_done_once(&self, prefix: &str) -> Result<u64, StoreError> {
                let prefix = prefix.to_owned();
                self.read(move |conn| count_done_once(conn, prefix)).await
            }

            async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
                let row = NewAuditRow::from(event);
                self.write_unrefusable(move |conn| {
                    diesel::insert_into(audit_log::table)
                        .values(&row)
                        .execute(conn)?;
                    Ok(())
                })
                .await
            }

            async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
                self.read(move |conn| find_audit(conn, query)).await
            }
        }
    };
}

pub(crate) use store_impl;
