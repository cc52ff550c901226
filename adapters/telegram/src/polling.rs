//! Long polling: `getUpdates` in a loop, the offset (last update_id + 1)
//! kept in the store so that a restart asks only for what is new. Updates
//! are stored in the inbox before the offset moves past them, so none is
//! lost; one asked for again after a restart is in the inbox already and
//! skipped, so none is handled twice.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Age;
use meetbot_ports::{Clock, Store};
use tokio_util::sync::CancellationToken;

use crate::api::{BotApi, CallError};
use crate::dispatch::Dispatcher;

/// The store key of the next `getUpdates` offset.
pub const OFFSET_KEY: &str = "telegram.offset";

/// How long handled updates are remembered: Telegram redelivers within
/// hours, never after a day. Sent messages are kept as long.
pub const REMEMBER_UPDATES: Age = Age::hours(24);

/// How often the offset is saved while updates keep coming; it is also
/// saved whenever a poll comes back empty. The inbox, not the saved
/// offset, keeps updates from being handled twice, so an offset a second
/// old only means a second of updates asked for again after a restart;
/// saving it with every batch would cost a commit per batch.
const SAVE_OFFSET_EVERY: Duration = Duration::from_secs(1);

/// The longest wait between two failed polls.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Polls until `shutdown` is cancelled, handing every update to `dispatcher`.
/// The webhook must be off (see [`BotApi::delete_webhook`]).
pub async fn poll(
    api: &BotApi,
    store: Arc<dyn Store>,
    dispatcher: &Dispatcher,
    shutdown: CancellationToken,
) {
    let mut offset = match store.value(OFFSET_KEY).await {
        Ok(saved) => saved.and_then(|s| s.parse::<i64>().ok()),
        Err(error) => {
            tracing::error!(%error, "could not read the saved offset; starting from Telegram's");
            None
        }
    };
    let mut saved_offset = offset;
    let mut saved_at = tokio::time::Instant::now();
    let mut backoff = Duration::from_secs(1);
    tracing::info!(?offset, "polling Telegram for updates");
    loop {
        let updates = tokio::select! {
            () = shutdown.cancelled() => break,
            updates = api.get_updates(offset) => updates,
        };
        let updates = match updates {
            Ok(updates) => {
                backoff = Duration::from_secs(1);
                updates
            }
            Err(error) => {
                match &error {
                    CallError::Refused { code: 409, .. } => tracing::error!(
                        %error,
                        "another instance polls with this token, or a webhook is set"
                    ),
                    CallError::Refused {
                        code: 401 | 404, ..
                    } => {
                        tracing::error!(%error, "Telegram does not accept the bot token")
                    }
                    _ => tracing::warn!(%error, ?backoff, "polling failed; trying again"),
                }
                let sleep = tokio::time::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    () = sleep => continue,
                }
            }
        };
        let Some(last) = updates
            .iter()
            .filter_map(|update| update.get("update_id").and_then(serde_json::Value::as_i64))
            .max()
        else {
            // A quiet moment: the offset catches up.
            saved_offset = save_offset(store.as_ref(), offset, saved_offset).await;
            continue;
        };
        // Stored before the offset moves past them: from here on a crash
        // loses none of them.
        if let Err(error) = dispatcher.accept_all(updates).await {
            // Not stored, so not confirmed: Telegram sends them again.
            tracing::error!(%error, "could not store received updates");
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = tokio::time::sleep(backoff) => continue,
            }
        }
        offset = Some(last + 1);
        if saved_at.elapsed() >= SAVE_OFFSET_EVERY {
            saved_offset = save_offset(store.as_ref(), offset, saved_offset).await;
            saved_at = tokio::time::Instant::now();
        }
    }
    save_offset(store.as_ref(), offset, saved_offset).await;
    tracing::info!("polling stopped");
}

/// Saves `offset` unless it is the one `saved` already; returns the one
/// saved now.
async fn save_offset(store: &dyn Store, offset: Option<i64>, saved: Option<i64>) -> Option<i64> {
    let Some(next) = offset.filter(|next| Some(*next) != saved) else {
        return saved;
    };
    match store.set_value(OFFSET_KEY, &next.to_string()).await {
        Ok(()) => Some(next),
        Err(error) => {
            // The inbox still keeps a restart from handling them twice.
            tracing::warn!(%error, "could not save the polling offset");
            saved
        }
    }
}

/// Forgets handled updates and finished messages older than
/// [`REMEMBER_UPDATES`], now and then every `every`, until `shutdown` is
/// cancelled.
pub async fn prune_delivered(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    every: Duration,
    shutdown: CancellationToken,
) {
    loop {
        match store.prune_delivered(clock.now() - REMEMBER_UPDATES).await {
            Ok(0) => {}
            Ok(pruned) => tracing::debug!(pruned, "forgot old handled updates and sent messages"),
            Err(error) => tracing::warn!(%error, "could not prune old updates and messages"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {},
        }
    }
}
