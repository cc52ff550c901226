//! Serving Telegram from start to shutdown: the default command menu, the
//! way updates come in (long polling, or a webhook registered with
//! `setWebhook`), the updates the last run left unhandled, and at shutdown
//! the drain of the updates in hand. The pruning of old handled updates and
//! sent messages ([`polling::prune_delivered`], every [`PRUNE_EVERY`]) is a
//! background task the app supervises with its others.
//!
//! In webhook mode the route is served by the app's HTTP server next to
//! `/health`: [`TelegramTransport::routes`] hands it over before
//! [`TelegramTransport::serve`] tells Telegram where to post.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use meetbot_ports::speech::SpeechToText;
use meetbot_ports::{MenuCommand, Text};
use meetbot_usecases::{Services, chat};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use crate::api::{BotApi, CallError};
use crate::dispatch::{DEFAULT_BACKLOG, DEFAULT_CONCURRENCY, Dispatcher};
use crate::messenger::TelegramMessenger;
use crate::{TelegramError, polling, webhook};

/// How often handled updates and sent messages older than a day are forgotten.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How long the updates in hand may take to finish at shutdown; the queued
/// ones stay in the inbox for the next start.
const DRAIN_AT_SHUTDOWN: Duration = Duration::from_secs(10);

/// How many times a passing `setWebhook` failure is tried again.
const SET_WEBHOOK_RETRIES: u64 = 3;

/// How updates come in.
#[derive(Debug, Clone)]
pub enum Mode {
    /// `getUpdates` in a loop; any webhook is removed first.
    Polling,
    /// Telegram posts to `url` with `secret` in a header. There is no
    /// webhook without a secret: an unauthenticated one accepts forged
    /// updates.
    Webhook {
        /// The public URL Telegram posts to; its path is our route.
        url: String,
        /// The secret Telegram sends back with every update.
        secret: SecretString,
    },
}

/// The Telegram transport, built once its parts exist.
#[derive(Debug)]
pub struct TelegramTransport {
    api: BotApi,
    messenger: Arc<TelegramMessenger>,
    services: Services,
    dispatcher: Dispatcher,
    mode: Mode,
}

impl TelegramTransport {
    /// The transport over `services`, whose messenger must be `messenger`.
    pub fn new(
        services: Services,
        api: BotApi,
        messenger: Arc<TelegramMessenger>,
        mode: Mode,
    ) -> Self {
        let dispatcher = Dispatcher::new(
            services.clone(),
            api.clone(),
            DEFAULT_CONCURRENCY,
            DEFAULT_BACKLOG,
        )
        .recovering_first();
        Self {
            api,
            messenger,
            services,
            dispatcher,
            mode,
        }
    }

    /// The same transport, transcribing voice messages with `speech`. Must
    /// be called before [`routes`](Self::routes).
    pub fn with_speech(self, speech: Arc<dyn SpeechToText>) -> Self {
        let dispatcher = Dispatcher::with_speech(
            self.services.clone(),
            self.api.clone(),
            Some(speech),
            DEFAULT_CONCURRENCY,
            DEFAULT_BACKLOG,
        )
        .recovering_first();
        Self { dispatcher, ..self }
    }

    /// The routes the HTTP server must serve for this transport: the
    /// webhook's in webhook mode, none when polling. They must be served
    /// before [`serve`](Self::serve) registers the webhook.
    pub fn routes(&self) -> Router {
        match &self.mode {
            Mode::Polling => Router::new(),
            Mode::Webhook { url, secret } => {
                webhook::router(&webhook_path(url), secret.clone(), self.dispatcher.clone())
            }
        }
    }

    /// Receives updates until `shutdown` is cancelled, then waits a while
    /// for those already accepted. Fails only when the webhook cannot be
    /// registered; `shutdown` is cancelled then too.
    pub async fn serve(self, shutdown: CancellationToken) -> Result<(), TelegramError> {
        set_default_menu_in_background(self.messenger.clone());
        let recovery = tokio::spawn({
            let dispatcher = self.dispatcher.clone();
            async move { dispatcher.recover().await }
        });
        let outcome = match &self.mode {
            Mode::Polling => {
                self.poll(shutdown.clone()).await;
                Ok(())
            }
            Mode::Webhook { url, secret } => match set_webhook(&self.api, url, secret).await {
                Ok(()) => {
                    tracing::info!(path = %webhook_path(url), "receiving updates by webhook");
                    shutdown.cancelled().await;
                    Ok(())
                }
                Err(error) => Err(TelegramError::Call {
                    method: "setWebhook",
                    error,
                }),
            },
        };
        shutdown.cancel();
        self.dispatcher.stop();
        recovery.abort();
        if !self.dispatcher.drain(DRAIN_AT_SHUTDOWN).await {
            tracing::warn!(
                "some updates were still being handled at shutdown; they are handled again at the next start"
            );
        }
        outcome
    }

    async fn poll(&self, shutdown: CancellationToken) {
        if let Err(error) = self.api.delete_webhook().await {
            tracing::warn!(%error, "could not remove a webhook; polling may be refused");
        }
        polling::poll(
            &self.api,
            self.services.store.clone(),
            &self.dispatcher,
            shutdown,
        )
        .await;
    }
}

/// Sets the guests' command menu. In the background: an unreachable Bot API
/// must not hold up start-up (and /health) while the menu calls are retried.
fn set_default_menu_in_background(messenger: Arc<TelegramMessenger>) {
    let guest: Vec<MenuCommand> = chat::commands_for(None)
        .into_iter()
        .map(|(name, key)| MenuCommand {
            name: name.to_owned(),
            description: Text::new(key),
        })
        .collect();
    tokio::spawn(async move {
        if let Err(error) = messenger.set_default_menu(&guest).await {
            tracing::warn!(%error, "the default command menu was not set");
        }
    });
}

/// `setWebhook`, with a few tries over passing failures.
async fn set_webhook(api: &BotApi, url: &str, secret: &SecretString) -> Result<(), CallError> {
    let mut tries = 0;
    loop {
        match api.set_webhook(url, secret).await {
            Err(CallError::Transient(reason)) if tries < SET_WEBHOOK_RETRIES => {
                tries += 1;
                tracing::warn!(%reason, "setWebhook failed; trying again");
                tokio::time::sleep(Duration::from_secs(tries)).await;
            }
            Err(CallError::RateLimited(seconds)) if tries < SET_WEBHOOK_RETRIES => {
                tries += 1;
                tokio::time::sleep(Duration::from_secs(seconds)).await;
            }
            other => return other,
        }
    }
}

/// The route of the webhook: the path of the webhook URL (a reverse proxy
/// forwards it unchanged), or `/telegram` when the URL has none.
pub fn webhook_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |at| &after_scheme[at..])
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if path.is_empty() {
        "/telegram".to_owned()
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_webhook_route_is_the_path_of_the_webhook_url() {
        assert_eq!(
            webhook_path("https://bot.example.org/telegram/hook"),
            "/telegram/hook"
        );
        assert_eq!(webhook_path("https://bot.example.org/hook/?x=1"), "/hook");
        assert_eq!(webhook_path("https://bot.example.org"), "/telegram");
        assert_eq!(webhook_path("https://bot.example.org/"), "/telegram");
    }
}
