//! Sending due reminders.
//!
//! Reminder rows are written PENDING with their meeting, in the booking's
//! own transaction. [`send_due`] claims a batch with a short lease, sends
//! its reminders, several at once, and marks each finished; the app calls it in a loop
//! that sleeps until the next one falls due. Telegram takes no idempotency
//! key, so the honest promise is: none lost (a claimer that dies leaves a
//! lease that runs out, and the reminder is claimed again) and at most one
//! duplicate per message that was in flight when a process died.
//!
//! A reminder ends in exactly one state: SENT; CANCELLED when its meeting
//! is no longer SCHEDULED; SKIPPED when its recipient is not reachable
//! (on vacation, sick, travelling, inactive or unsubscribed); MISSED when it
//! is found only after its meeting started (downtime); FAILED after the
//! allowed retries, which the owners are told about and the audit log shows.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt as _;
use meetbot_domain::{
    AuditAction, AuditDetails, AuditEvent, LateDelivery, Meeting, MeetingStatus, User,
};
use meetbot_ports::{MessengerError, Reminder, ReminderState, Screen, Text, TextArg};

use crate::calendar_sync::backoff_delay;
use crate::callback::Callback;
use crate::error::UseCaseError;
use crate::screens::{button, slot_text};
use crate::services::Services;

/// How many reminders of a batch are on their way at once. The sender
/// paces them to Telegram's limits; sent one after another, each would
/// wait for the answer to the one before, and a batch would go out at the
/// pace of round trips rather than of the limits.
const SENT_AT_ONCE: usize = 16;

/// How the dispatcher claims, paces and retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dispatch {
    /// How long a claimed batch stays ours. Short, so that the reminders of
    /// a process that died are sent by another (or the restarted one) soon.
    pub lease: Duration,
    /// How many reminders one claim takes.
    pub batch: u32,
    /// How many sends are tried before a reminder is FAILED.
    pub max_attempts: u32,
    /// The first retry waits up to this long; each further one up to twice as long.
    pub retry_base: Duration,
    /// No retry waits longer than this.
    pub retry_cap: Duration,
}

impl Default for Dispatch {
    /// A 60 s lease, batches of 50, 5 attempts, retries from 30 s up to 10 min.
    fn default() -> Self {
        Self {
            lease: Duration::seconds(60),
            batch: 50,
            max_attempts: 5,
            retry_base: Duration::seconds(30),
            retry_cap: Duration::minutes(10),
        }
    }
}

/// What one call of [`send_due`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Reminders claimed.
    pub claimed: u32,
    /// Delivered.
    pub sent: u32,
    /// Their meeting was cancelled or moved.
    pub cancelled: u32,
    /// Their recipient was not reachable.
    pub skipped: u32,
    /// Found after their meeting had started.
    pub missed: u32,
    /// Put back to be tried again later.
    pub retried: u32,
    /// Given up.
    pub failed: u32,
    /// Whether the batch was left unfinished because half the lease had
    /// passed: what is left is claimed again when the lease runs out.
    pub cut_short: bool,
}

impl DispatchReport {
    /// Whether the claim took a full batch, so more may be waiting.
    pub fn was_full(&self, dispatch: &Dispatch) -> bool {
        self.claimed >= dispatch.batch
    }
}

/// Claims one batch of reminders due at `now` and deals with each (see the
/// module documentation), with the default [`Dispatch`].
pub async fn send_due(s: &Services, now: DateTime<Utc>) -> Result<DispatchReport, UseCaseError> {
    send_due_with(s, now, &Dispatch::default()).await
}

/// As [`send_due`], with the given claiming and retry rules.
///
/// A store failure stops the batch: the reminders not yet finished keep
/// their lease and are claimed again when it runs out.
pub async fn send_due_with(
    s: &Services,
    now: DateTime<Utc>,
    dispatch: &Dispatch,
) -> Result<DispatchReport, UseCaseError> {
    let claimed = s
        .store
        .claim_due_reminders(now, dispatch.lease, dispatch.batch)
        .await?;
    let mut report = DispatchReport {
        claimed: u32::try_from(claimed.len()).unwrap_or(u32::MAX),
        ..DispatchReport::default()
    };
    // The owner is the other side of most reminders: read once a batch.
    let host = s.host().await?;
    // A send can be slow (a chat's rate limit, Telegram's retry_after).
    // Once half the lease is gone, the rest is left to run out and be
    // claimed again: sending after the lease ended could race another
    // claimer and deliver twice. The same holds after a store failure:
    // nothing more is begun, and the error is returned once the
    // deliveries under way have finished.
    let stop_at = now + dispatch.lease / 2;
    let failed = AtomicBool::new(false);
    let mut deliveries = futures::stream::iter(claimed)
        .map(|reminder| {
            let (host, failed) = (host.as_ref(), &failed);
            async move {
                if failed.load(Ordering::Relaxed) || s.clock.now() >= stop_at {
                    return Ok(None);
                }
                let outcome = deliver(s, &reminder, dispatch, host).await;
                match &outcome {
                    Ok(outcome) => count(*outcome, &reminder, s.clock.now()),
                    Err(_) => failed.store(true, Ordering::Relaxed),
                }
                outcome.map(Some)
            }
        })
        .buffer_unordered(SENT_AT_ONCE);
    let mut first_failure = None;
    while let Some(delivered) = deliveries.next().await {
        match delivered {
            Ok(Some(Outcome::Sent)) => report.sent += 1,
            Ok(Some(Outcome::Cancelled)) => report.cancelled += 1,
            Ok(Some(Outcome::Skipped)) => report.skipped += 1,
            Ok(Some(Outcome::Missed)) => report.missed += 1,
            Ok(Some(Outcome::Retried)) => report.retried += 1,
            Ok(Some(Outcome::Failed)) => report.failed += 1,
            Ok(None) => report.cut_short = true,
            Err(error) => {
                first_failure.get_or_insert(error);
            }
        }
    }
    match first_failure {
        Some(error) => Err(error),
        None => Ok(report),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Sent,
    Cancelled,
    Skipped,
    Missed,
    Retried,
    Failed,
}

/// A reminder sent later than this after it fell due counts as late.
const LATE: Duration = Duration::minutes(5);

/// Counts a reminder's outcome (`meetbot_reminders_total`) and, for one
/// sent, how late it went out (`meetbot_reminder_lateness_seconds`, and
/// `meetbot_reminders_late_total` past [`LATE`]).
fn count(outcome: Outcome, reminder: &Reminder, now: DateTime<Utc>) {
    let name = match outcome {
        Outcome::Sent => "sent",
        Outcome::Cancelled => "cancelled",
        Outcome::Skipped => "skipped",
        Outcome::Missed => "missed",
        Outcome::Retried => "retried",
        Outcome::Failed => "failed",
    };
    metrics::counter!("meetbot_reminders_total", "outcome" => name).increment(1);
    if outcome == Outcome::Sent {
        let lateness = (now - reminder.due_at).max(Duration::zero());
        metrics::histogram!("meetbot_reminder_lateness_seconds").record(lateness.as_seconds_f64());
        if lateness > LATE {
            metrics::counter!("meetbot_reminders_late_total").increment(1);
        }
    }
}

async fn finish(
    s: &Services,
    reminder: &Reminder,
    state: ReminderState,
) -> Result<(), UseCaseError> {
    s.store
        .finish_reminder(reminder.id, state, s.clock.now())
        .await?;
    Ok(())
}

async fn deliver(
    s: &Services,
    reminder: &Reminder,
    dispatch: &Dispatch,
    host: Option<&User>,
) -> Result<Outcome, UseCaseError> {
    let meeting = s.store.meeting(reminder.meeting_id).await?;
    let Some(meeting) = meeting.filter(|m| m.status == MeetingStatus::Scheduled) else {
        finish(s, reminder, ReminderState::Cancelled).await?;
        return Ok(Outcome::Cancelled);
    };
    let recipient = s.store.user(reminder.recipient).await?;
    let Some(recipient) = recipient.filter(User::is_reachable) else {
        finish(s, reminder, ReminderState::Skipped).await?;
        return Ok(Outcome::Skipped);
    };
    // Decided at the moment of sending: after downtime a reminder is still
    // worth sending, however late, until the meeting starts.
    if LateDelivery::decide(meeting.interval.start(), s.clock.now()) == LateDelivery::Missed {
        finish(s, reminder, ReminderState::Missed).await?;
        return Ok(Outcome::Missed);
    }
    let other = other_side(s, &meeting, &recipient, host).await?;
    let screen = reminder_screen(&meeting, &recipient, other.as_ref());
    match s
        .messenger
        .send(recipient.id, recipient.language, &screen)
        .await
    {
        Ok(_) => {
            finish(s, reminder, ReminderState::Sent).await?;
            Ok(Outcome::Sent)
        }
        // Retrying cannot help a person who blocked the bot.
        Err(error @ MessengerError::Unreachable) => {
            give_up(s, reminder, &meeting, &recipient, &error).await?;
            Ok(Outcome::Failed)
        }
        Err(error) if reminder.attempts + 1 >= dispatch.max_attempts => {
            give_up(s, reminder, &meeting, &recipient, &error).await?;
            Ok(Outcome::Failed)
        }
        Err(error) => {
            let mut delay = backoff_delay(
                reminder.attempts,
                dispatch.retry_base,
                dispatch.retry_cap,
                &mut rand::rng(),
            );
            if let MessengerError::RateLimited(seconds) = error {
                delay = delay.max(Duration::seconds(
                    i64::try_from(seconds).unwrap_or(i64::MAX),
                ));
            }
            tracing::warn!(
                reminder = reminder.id.0,
                recipient = %recipient.id,
                %error,
                attempts = reminder.attempts + 1,
                "a reminder was not delivered; trying again later"
            );
            s.store
                .retry_reminder(reminder.id, s.clock.now() + delay)
                .await?;
            Ok(Outcome::Retried)
        }
    }
}

/// Who the recipient meets: the booker for the owner, the owner for the booker.
async fn other_side(
    s: &Services,
    meeting: &Meeting,
    recipient: &User,
    host: Option<&User>,
) -> Result<Option<User>, UseCaseError> {
    if recipient.id == meeting.booker {
        Ok(host.filter(|h| h.id != recipient.id).cloned())
    } else {
        Ok(s.store.user(meeting.booker).await?)
    }
}

/// Records the failure where the owners see it: the audit log and a message.
async fn give_up(
    s: &Services,
    reminder: &Reminder,
    meeting: &Meeting,
    recipient: &User,
    error: &MessengerError,
) -> Result<(), UseCaseError> {
    finish(s, reminder, ReminderState::Failed).await?;
    tracing::error!(
        reminder = reminder.id.0,
        recipient = %recipient.id,
        %error,
        "a reminder could not be delivered; giving up"
    );
    s.audit(
        AuditEvent::new(s.clock.now(), None, AuditAction::ReminderFailed)
            .on(meeting.id)
            .detailed(&AuditDetails::ReminderFailed {
                recipient: recipient.id,
                error: error.to_string(),
            }),
    )
    .await?;
    // A person who blocked the bot is marked, and nothing of theirs
    // alerts the owner: the owner sees the mark on their card instead.
    if matches!(error, MessengerError::Unreachable) {
        return crate::members::mark_unreachable(s, recipient.id, s.clock.now()).await;
    }
    s.tell_owners(
        |owner| reminder_failed_screen(meeting, recipient, owner),
        Some(recipient.id),
    )
    .await
}

/// The reminder as its recipient reads it: the time in their zone, the
/// topic, who they meet, and a button that opens the meeting.
pub fn reminder_screen(meeting: &Meeting, recipient: &User, other: Option<&User>) -> Screen {
    let topic = meeting.topic.as_ref().map(|t| t.as_str());
    let text = slot_text("reminder", meeting.interval, topic, recipient.zone)
        .plain("name", other.map_or("—".to_owned(), |u| u.name.to_string()));
    let mut screen = crate::screens::with_topic(Screen::text(text), topic);
    if let Some(link) = &meeting.video_link {
        screen = screen.then(Text::new("video-link").plain("link", link));
    }
    screen.row(vec![button(
        "button-open-meeting",
        Callback::OpenMeeting(meeting.id),
    )])
}

/// To an owner: a reminder could not be delivered.
pub fn reminder_failed_screen(meeting: &Meeting, recipient: &User, owner: &User) -> Screen {
    Screen::text(
        Text::new("reminder-failed")
            .plain("name", &recipient.name)
            .arg(
                "when",
                TextArg::Time {
                    at: meeting.interval.start(),
                    zone: owner.zone,
                },
            ),
    )
}
