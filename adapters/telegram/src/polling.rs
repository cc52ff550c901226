//! Long polling: `getUpdates` in a loop, the offset (last update_id + 1)
//! kept in the store so that a restart neither loses nor repeats updates.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Age;
use meetbot_ports::{Clock, Store};
use tokio_util::sync::CancellationToken;

use crate::api::{BotApi, CallError};
use crate::dispatch::Dispatcher;

/// The store key of the next `getUpdates` offset.
pub const OFFSET_KEY: &str = "telegram.offset";

/// How long processed update ids are remembered: Telegram redelivers within
/// hours, never after a day.
pub const REMEMBER_UPDATES: Age = Age::hours(24);

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
        let before = offset;
        for update in updates {
            let Some(id) = update.get("update_id").and_then(serde_json::Value::as_i64) else {
                continue;
            };
            match dispatcher.accept(update).await {
                Ok(_) => offset = Some(id + 1),
                Err(error) => {
                    // Not recorded, so not handled: ask for it again later.
                    tracing::error!(%error, update_id = id, "could not record an update");
                    tokio::select! {
                        () = shutdown.cancelled() => {},
                        () = tokio::time::sleep(backoff) => {},
                    }
                    break;
                }
            }
        }
        if offset != before
            && let Some(next) = offset
            && let Err(error) = store.set_value(OFFSET_KEY, &next.to_string()).await
        {
            // The processed set still keeps a restart from repeating them.
            tracing::warn!(%error, "could not save the polling offset");
        }
    }
    tracing::info!("polling stopped");
}

/// Forgets processed update ids older than [`REMEMBER_UPDATES`], now and
/// then every `every`, until `shutdown` is cancelled.
pub async fn prune_processed_updates(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    every: Duration,
    shutdown: CancellationToken,
) {
    loop {
        match store.prune_updates(clock.now() - REMEMBER_UPDATES).await {
            Ok(0) => {}
            Ok(pruned) => tracing::debug!(pruned, "forgot old processed updates"),
            Err(error) => tracing::warn!(%error, "could not prune processed updates"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {},
        }
    }
}
