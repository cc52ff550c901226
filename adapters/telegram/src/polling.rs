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

/// How long handled updates are remembered: Telegram redelivers within
/// hours, never after a day. Sent messages are kept as long.
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
        let Some(last) = updates
            .iter()
            .filter_map(|update| update.get("update_id").and_then(serde_json::Value::as_i64))
            .max()
        else {
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
        if let Err(error) = store.set_value(OFFSET_KEY, &(last + 1).to_string()).await {
            // The inbox still keeps a restart from handling them twice.
            tracing::warn!(%error, "could not save the polling offset");
        }
    }
    tracing::info!("polling stopped");
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
