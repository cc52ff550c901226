//! The outbox of messages: everything the bot tells people is queued in the
//! store, in the transaction of the change it reports, and delivered from
//! there, so that a message is never lost to a crash or an outage of the
//! transport, and never sent for a change that did not happen.
//!
//! Delivery has two paths over the same code. The fast one: the answer to
//! what a person just did is queued already claimed and sent right after
//! the commit ([`deliver`]). The patient one: [`run`] claims whatever is due
//! (notices to others, anything whose fast delivery failed), the first
//! waiting message of each person at a time so that their messages keep
//! their order, and tries again with backoff, honouring the transport's
//! `retry_after`, for up to [`GIVE_UP_AFTER`]. A message is dropped, with
//! the reason logged and kept, only when trying again cannot help: the
//! person blocked the bot, the chat does not exist, or it waited too long.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use meetbot_ports::{Delivery, MessageRef, MessengerError, Outgoing, QueuedMessage};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::callback;
use crate::services::Services;

/// How long a claimed message is reserved for its sender; a sender that
/// died lets it go to another after this.
pub const LEASE: Duration = Duration::seconds(60);

/// How many messages one round of the sender claims.
const BATCH: u32 = 64;

/// The longest wait between two tries of one message.
pub const BACKOFF_CAP: Duration = Duration::seconds(30);

/// A message still undelivered this long after it was queued is dropped:
/// by then it is news of a day gone by.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);

/// The longest the sender sleeps when nothing is due and nothing rings.
const IDLE: StdDuration = StdDuration::from_secs(30);

/// The services' link to the outbox: the bell that wakes its sender, and,
/// inside a unit of work, the messages the work wants queued: they go to
/// the store together with the answer, in one call at the end of the unit
/// (one round trip instead of one per notice).
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    bell: Arc<Notify>,
    unit: Option<Arc<Mutex<Vec<Outgoing>>>>,
}

impl Outbox {
    /// The link for a unit of work: the same bell, and its own claims.
    pub fn for_unit(&self) -> Self {
        Self {
            bell: self.bell.clone(),
            unit: Some(Arc::default()),
        }
    }

    /// Wakes the sender: messages were queued.
    pub fn ring(&self) {
        self.bell.notify_one();
    }

    /// Keeps messages to be queued at the end of the unit of work; `false`
    /// outside one, where they are the caller's to queue now.
    fn keep(&self, messages: &[Outgoing]) -> bool {
        match &self.unit {
            Some(unit) => {
                unit.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend_from_slice(messages);
                true
            }
            None => false,
        }
    }

    /// The messages the unit of work wants queued, in order.
    pub fn take_kept(&self) -> Vec<Outgoing> {
        self.unit.as_ref().map_or_else(Vec::new, |unit| {
            std::mem::take(
                &mut *unit
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            )
        })
    }
}

/// Queues messages, claimed where they may go at once, and delivers those;
/// the rest wait for the sender, which is rung. Inside a unit of work they
/// are only kept, to be queued with its answer when it ends, and delivered
/// after it commits.
pub async fn queue(s: &Services, messages: &[Outgoing]) -> Result<(), meetbot_ports::StoreError> {
    if messages.is_empty() || s.outbox.keep(messages) {
        return Ok(());
    }
    let claimed = s
        .store
        .queue_messages(messages, s.clock.now(), Some(LEASE))
        .await?;
    deliver_claimed(s, messages.len(), claimed).await;
    Ok(())
}

/// Delivers the `claimed` part of `queued` messages just committed, and
/// wakes the sender only when it has work: messages that had to wait
/// behind earlier ones of their recipient, or that must be tried again.
/// An answer that went out at once costs the sender nothing.
pub async fn deliver_claimed(s: &Services, queued: usize, claimed: Vec<QueuedMessage>) {
    let waiting = queued > claimed.len();
    if waiting {
        s.outbox.ring();
    }
    let outcomes = deliver(s, claimed).await;
    if !waiting && outcomes.contains(&Outcome::Retried) {
        s.outbox.ring();
    }
}

/// How one message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered.
    Sent,
    /// Put back to be tried again.
    Retried,
    /// Given up for good.
    Dropped,
}

/// Delivers claimed messages, each person's in order: after a person's
/// message is put back, their later ones in `claimed` are put back untried,
/// so none overtakes it. Returns how each went, in order.
pub async fn deliver(s: &Services, claimed: Vec<QueuedMessage>) -> Vec<Outcome> {
    let mut held_back = std::collections::HashSet::new();
    let mut outcomes = Vec::with_capacity(claimed.len());
    for queued in claimed {
        let to = queued.message.to;
        let outcome = if held_back.contains(&to) {
            release(s, &queued).await;
            Outcome::Retried
        } else {
            deliver_one(s, &queued).await
        };
        if outcome == Outcome::Retried {
            held_back.insert(to);
        }
        outcomes.push(outcome);
    }
    outcomes
}

/// Claims and delivers what is due now; returns how many were claimed.
pub async fn deliver_due(s: &Services) -> usize {
    let claimed = match s.store.claim_messages(s.clock.now(), LEASE, BATCH).await {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::warn!(%error, "could not claim messages to send");
            return 0;
        }
    };
    let count = claimed.len();
    deliver(s, claimed).await;
    count
}

/// Sends what is due until `shutdown`: at once when rung
/// ([`Outbox::ring`]), else when the next message falls due.
pub async fn run(s: Services, shutdown: CancellationToken) {
    loop {
        while deliver_due(&s).await > 0 {
            if shutdown.is_cancelled() {
                return;
            }
        }
        let wait = match s.store.next_message_at().await {
            Ok(Some(at)) => (at - s.clock.now())
                .to_std()
                .unwrap_or(StdDuration::ZERO)
                .min(IDLE),
            Ok(None) => IDLE,
            Err(error) => {
                tracing::warn!(%error, "could not read when the next message is due");
                IDLE
            }
        };
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = s.outbox.bell.notified() => {}
            () = tokio::time::sleep(wait.max(StdDuration::from_millis(50))) => {}
        }
    }
}

async fn deliver_one(s: &Services, queued: &QueuedMessage) -> Outcome {
    let message = &queued.message;
    // Every button says when it was sent, so that a press days later is
    // known to be on an old screen.
    let issued = queued.queued_at;
    let result = match &message.delivery {
        Delivery::Send(screen) => s
            .messenger
            .send(
                message.to,
                message.language,
                &callback::stamp_buttons(screen, issued),
            )
            .await
            .map(drop),
        Delivery::Edit { message_id, screen } => {
            let screen = &callback::stamp_buttons(screen, issued);
            let target = MessageRef {
                chat: message.to,
                message_id: *message_id,
            };
            match s.messenger.edit(target, message.language, screen).await {
                // The message is gone or too old to edit: the screen comes
                // as a new message instead.
                Err(MessengerError::Unexpected(reason)) => {
                    tracing::debug!(%reason, "edit refused; sending anew");
                    s.messenger
                        .send(message.to, message.language, screen)
                        .await
                        .map(drop)
                }
                other => other,
            }
        }
        Delivery::Menu(commands) => {
            s.messenger
                .set_menu(message.to, message.language, commands)
                .await
        }
    };
    let now = s.clock.now();
    let counted = match &result {
        Ok(()) => "sent",
        Err(_) => "failed",
    };
    metrics::counter!("meetbot_messages_total", "outcome" => counted).increment(1);
    let (outcome, stored) = match result {
        Ok(()) => (Outcome::Sent, s.store.message_sent(queued.id, now).await),
        Err(error) => match retry_at(queued, &error, now) {
            Ok(at) => {
                tracing::warn!(recipient = %message.to, attempts = queued.attempts + 1, %error, "a message was not delivered; trying again");
                (
                    Outcome::Retried,
                    s.store
                        .retry_message(queued.id, at, Some(error.to_string()))
                        .await,
                )
            }
            Err(reason) => {
                if matches!(error, MessengerError::Unreachable)
                    && let Err(error) = crate::members::mark_unreachable(s, message.to, now).await
                {
                    tracing::warn!(%error, "could not mark a person unreachable");
                }
                tracing::warn!(recipient = %message.to, %reason, "a message was dropped");
                (
                    Outcome::Dropped,
                    s.store.drop_message(queued.id, now, &reason).await,
                )
            }
        },
    };
    if let Err(error) = stored {
        // The lease runs out and the message is tried again: at worst it
        // arrives twice, never not at all.
        tracing::warn!(%error, "could not record how a message went");
    }
    outcome
}

/// When to try again, or why to give up.
fn retry_at(
    queued: &QueuedMessage,
    error: &MessengerError,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    if now - queued.queued_at >= GIVE_UP_AFTER {
        return Err(format!("undelivered for a day: {error}"));
    }
    match error {
        MessengerError::Unreachable | MessengerError::Unexpected(_) => Err(error.to_string()),
        MessengerError::RateLimited(seconds) => {
            Ok(now + Duration::seconds(i64::try_from(*seconds).unwrap_or(i64::MAX).min(3600)))
        }
        MessengerError::Unavailable(_) => Ok(now + backoff(queued.attempts)),
    }
}

/// One second, doubling with each failed attempt, up to [`BACKOFF_CAP`].
pub fn backoff(attempts: u32) -> Duration {
    Duration::seconds(1_i64 << attempts.min(16)).min(BACKOFF_CAP)
}

/// Puts back a message that was not tried, for the sender.
async fn release(s: &Services, queued: &QueuedMessage) {
    if let Err(error) = s.store.retry_message(queued.id, s.clock.now(), None).await {
        tracing::warn!(%error, "could not put a message back");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_second_up_to_the_cap() {
        assert_eq!(backoff(0), Duration::seconds(1));
        assert_eq!(backoff(3), Duration::seconds(8));
        assert_eq!(backoff(5), BACKOFF_CAP);
        assert_eq!(backoff(u32::MAX), BACKOFF_CAP);
    }
}
