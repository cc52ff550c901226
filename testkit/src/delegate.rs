//! One delegating `Store` implementation for the test kit's wrappers: each
//! method tells the wrapper its name (to count it, or to step in), then
//! passes the call on. `begin` is the wrapper's own, so that it can wrap
//! the transaction too.

/// Implements `Store` for `$ty` by passing every call to its field
/// `$inner`, after `$note(self, "method_name")` (not for `heartbeat`, which
/// health checks call on their own schedule); `begin` is `$begin(self)`.
macro_rules! delegate_store {
    ($ty:ty, $inner:ident, $note:path, $begin:path) => {
        #[async_trait::async_trait]
        impl Store for $ty {
            async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
                $note(self, "insert_user");
                self.$inner.insert_user(user).await
            }
            async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
                $note(self, "user");
                self.$inner.user(id).await
            }
            async fn update_user(&self, user: &User) -> Result<(), StoreError> {
                $note(self, "update_user");
                self.$inner.update_user(user).await
            }
            async fn change_role(
                &self,
                id: UserId,
                from: Role,
                to: Role,
            ) -> Result<User, StoreError> {
                $note(self, "change_role");
                self.$inner.change_role(id, from, to).await
            }
            async fn users(&self, query: UserQuery) -> Result<Vec<User>, StoreError> {
                $note(self, "users");
                self.$inner.users(query).await
            }
            async fn book(&self, request: BookingRequest) -> Result<Meeting, BookingError> {
                $note(self, "book");
                self.$inner.book(request).await
            }
            async fn cancel_meeting(
                &self,
                id: MeetingId,
                by: UserId,
                now: DateTime<Utc>,
            ) -> Result<Meeting, StoreError> {
                $note(self, "cancel_meeting");
                self.$inner.cancel_meeting(id, by, now).await
            }
            async fn mark_no_show(
                &self,
                id: MeetingId,
                no_show: bool,
                now: DateTime<Utc>,
            ) -> Result<Meeting, StoreError> {
                $note(self, "mark_no_show");
                self.$inner.mark_no_show(id, no_show, now).await
            }
            async fn set_video_link(&self, id: MeetingId, link: &str) -> Result<(), StoreError> {
                $note(self, "set_video_link");
                self.$inner.set_video_link(id, link).await
            }
            async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
                $note(self, "meeting");
                self.$inner.meeting(id).await
            }
            async fn meetings(&self, query: MeetingQuery) -> Result<Vec<Meeting>, StoreError> {
                $note(self, "meetings");
                self.$inner.meetings(query).await
            }
            async fn complete_ended_meetings(
                &self,
                now: DateTime<Utc>,
            ) -> Result<Vec<Meeting>, StoreError> {
                $note(self, "complete_ended_meetings");
                self.$inner.complete_ended_meetings(now).await
            }
            async fn reminders_of(&self, meeting: MeetingId) -> Result<Vec<Reminder>, StoreError> {
                $note(self, "reminders_of");
                self.$inner.reminders_of(meeting).await
            }
            async fn claim_due_reminders(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<Reminder>, StoreError> {
                $note(self, "claim_due_reminders");
                self.$inner.claim_due_reminders(now, lease, limit).await
            }
            async fn finish_reminder(
                &self,
                id: ReminderId,
                state: ReminderState,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                $note(self, "finish_reminder");
                self.$inner.finish_reminder(id, state, at).await
            }
            async fn retry_reminder(
                &self,
                id: ReminderId,
                not_before: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                $note(self, "retry_reminder");
                self.$inner.retry_reminder(id, not_before).await
            }
            async fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
                $note(self, "next_reminder_at");
                self.$inner.next_reminder_at().await
            }
            async fn claim_calendar_jobs(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<CalendarJob>, StoreError> {
                $note(self, "claim_calendar_jobs");
                self.$inner.claim_calendar_jobs(now, lease, limit).await
            }
            async fn finish_calendar_job(&self, id: JobId) -> Result<(), StoreError> {
                $note(self, "finish_calendar_job");
                self.$inner.finish_calendar_job(id).await
            }
            async fn retry_calendar_job(
                &self,
                id: JobId,
                not_before: DateTime<Utc>,
                error: &str,
            ) -> Result<(), StoreError> {
                $note(self, "retry_calendar_job");
                self.$inner.retry_calendar_job(id, not_before, error).await
            }
            async fn dialog(&self, user: UserId) -> Result<Option<String>, StoreError> {
                $note(self, "dialog");
                self.$inner.dialog(user).await
            }
            async fn first_read(
                &self,
                id: UserId,
                value_key: &str,
            ) -> Result<meetbot_ports::FirstRead, StoreError> {
                $note(self, "first_read");
                self.$inner.first_read(id, value_key).await
            }
            async fn save_dialog(
                &self,
                user: UserId,
                state: Option<String>,
            ) -> Result<(), StoreError> {
                $note(self, "save_dialog");
                self.$inner.save_dialog(user, state).await
            }
            async fn receive_updates(
                &self,
                updates: &[InboxUpdate],
            ) -> Result<Vec<bool>, StoreError> {
                $note(self, "receive_updates");
                self.$inner.receive_updates(updates).await
            }
            async fn unhandled_updates(
                &self,
                after: Option<i64>,
                limit: u32,
            ) -> Result<Vec<InboxUpdate>, StoreError> {
                $note(self, "unhandled_updates");
                self.$inner.unhandled_updates(after, limit).await
            }
            async fn update_handled(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
                $note(self, "update_handled");
                self.$inner.update_handled(id, at).await
            }
            async fn prune_delivered(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
                $note(self, "prune_delivered");
                self.$inner.prune_delivered(before).await
            }
            async fn queue_messages(
                &self,
                messages: &[Outgoing],
                now: DateTime<Utc>,
                claim: Option<Duration>,
            ) -> Result<Vec<QueuedMessage>, StoreError> {
                $note(self, "queue_messages");
                self.$inner.queue_messages(messages, now, claim).await
            }
            async fn claim_messages(
                &self,
                now: DateTime<Utc>,
                lease: Duration,
                limit: u32,
            ) -> Result<Vec<QueuedMessage>, StoreError> {
                $note(self, "claim_messages");
                self.$inner.claim_messages(now, lease, limit).await
            }
            async fn message_sent(
                &self,
                id: OutgoingId,
                at: DateTime<Utc>,
            ) -> Result<(), StoreError> {
                $note(self, "message_sent");
                self.$inner.message_sent(id, at).await
            }
            async fn retry_message(
                &self,
                id: OutgoingId,
                not_before: DateTime<Utc>,
                error: Option<String>,
            ) -> Result<(), StoreError> {
                $note(self, "retry_message");
                self.$inner.retry_message(id, not_before, error).await
            }
            async fn drop_message(
                &self,
                id: OutgoingId,
                at: DateTime<Utc>,
                reason: &str,
            ) -> Result<(), StoreError> {
                $note(self, "drop_message");
                self.$inner.drop_message(id, at, reason).await
            }
            async fn next_message_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
                $note(self, "next_message_at");
                self.$inner.next_message_at().await
            }
            async fn backlog(
                &self,
                since: DateTime<Utc>,
                now: DateTime<Utc>,
                lateness: Duration,
            ) -> Result<meetbot_ports::Backlog, StoreError> {
                $note(self, "backlog");
                self.$inner.backlog(since, now, lateness).await
            }
            async fn begin(&self) -> Result<Arc<dyn Transaction>, StoreError> {
                $note(self, "begin");
                $begin(self).await
            }
            async fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
                $note(self, "value");
                self.$inner.value(key).await
            }
            async fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
                $note(self, "set_value");
                self.$inner.set_value(key, value).await
            }
            async fn heartbeat(
                &self,
                at: DateTime<Utc>,
            ) -> Result<Option<DateTime<Utc>>, StoreError> {
                self.$inner.heartbeat(at).await
            }
            async fn record_once(&self, key: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
                $note(self, "record_once");
                self.$inner.record_once(key, at).await
            }
            async fn save_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
                $note(self, "save_feedback");
                self.$inner.save_feedback(feedback).await
            }
            async fn feedback_of(
                &self,
                meeting: MeetingId,
            ) -> Result<Option<Feedback>, StoreError> {
                $note(self, "feedback_of");
                self.$inner.feedback_of(meeting).await
            }
            async fn feedbacks(&self, author: Option<UserId>) -> Result<Vec<Feedback>, StoreError> {
                $note(self, "feedbacks");
                self.$inner.feedbacks(author).await
            }
            async fn save_rsvp(&self, rsvp: &Rsvp) -> Result<(), StoreError> {
                $note(self, "save_rsvp");
                self.$inner.save_rsvp(rsvp).await
            }
            async fn rsvps(&self, occurrence: &str) -> Result<Vec<Rsvp>, StoreError> {
                $note(self, "rsvps");
                self.$inner.rsvps(occurrence).await
            }
            async fn meeting_figures(
                &self,
                query: &StatisticsQuery,
            ) -> Result<MeetingFigures, StoreError> {
                $note(self, "meeting_figures");
                self.$inner.meeting_figures(query).await
            }
            async fn people_figures(
                &self,
                joined_within: Interval,
            ) -> Result<PeopleFigures, StoreError> {
                $note(self, "people_figures");
                self.$inner.people_figures(joined_within).await
            }
            async fn booker_summaries(
                &self,
                booker: Option<UserId>,
                now: DateTime<Utc>,
            ) -> Result<Vec<BookerSummary>, StoreError> {
                $note(self, "booker_summaries");
                self.$inner.booker_summaries(booker, now).await
            }
            async fn rsvp_counts(
                &self,
                occurrences: &[String],
            ) -> Result<Vec<RsvpCount>, StoreError> {
                $note(self, "rsvp_counts");
                self.$inner.rsvp_counts(occurrences).await
            }
            async fn count_done_once(&self, prefix: &str) -> Result<u64, StoreError> {
                $note(self, "count_done_once");
                self.$inner.count_done_once(prefix).await
            }
            async fn append_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
                $note(self, "append_audit");
                self.$inner.append_audit(event).await
            }
            async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
                $note(self, "audit_log");
                self.$inner.audit_log(query).await
            }
        }
    };
}

pub(crate) use delegate_store;
