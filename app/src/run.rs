//! Serving: wires the adapters into the use cases and runs the loops until
//! shutdown is requested.
//!
//! With a bot token the bot talks to Telegram (long polling or a webhook);
//! without one it runs the console transport in this terminal, as the owner.
//! Either way `/health` is served on `http.listen`, the calendar outbox
//! is drained into the configured calendar (none, Google or CalDAV) and the
//! scheduler (reminders, cadence, group meeting) runs in the background.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use meetbot_caldav::CalDavCalendar;
use meetbot_calendar_none::NoCalendar;
use meetbot_domain::{Settings, UserId};
use meetbot_google_calendar::GoogleCalendar;
use meetbot_i18n::Translator;
use meetbot_ports::{Calendar, Clock, MenuCommand, Store, Text};
use meetbot_telegram::dispatch::{DEFAULT_BACKLOG, DEFAULT_CONCURRENCY};
use meetbot_telegram::{BotApi, CallError, Dispatcher, Limits, Sender, TelegramMessenger};
use meetbot_usecases::Services;
use meetbot_usecases::registration::Profile;
use meetbot_usecases::{calendar_sync, chat};
use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::clock::SystemClock;
use crate::config::{CalendarConfig, Config, TelegramMode};
use crate::http::{self, Health};
use crate::scheduler::{self, SchedulerConfig};

/// The console user's id when no owner id is configured.
pub const LOCAL_OWNER: UserId = UserId(1);

/// How often the calendar outbox is drained.
const OUTBOX_EVERY: Duration = Duration::from_secs(5);

/// How often processed update ids older than a day are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How long updates already accepted may take to finish at shutdown.
const DRAIN_AT_SHUTDOWN: Duration = Duration::from_secs(10);

/// Serves with `config` over `store` until Ctrl-C or SIGTERM.
pub async fn run(config: Config, store: Arc<dyn Store>) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        match crate::shutdown::requested().await {
            Ok(()) => {
                tracing::info!("shutdown requested, stopping");
                on_signal.cancel();
            }
            // Without signal handlers the process can still be killed;
            // stopping at once instead would make the bot unusable.
            Err(error) => tracing::error!(%error, "cannot listen for shutdown signals"),
        }
    });
    serve(config, store, shutdown).await
}

/// Serves until `shutdown` is cancelled (or, on the console, the input ends).
pub async fn serve(
    config: Config,
    store: Arc<dyn Store>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let translator = Arc::new(Translator::new());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    let calendar = calendar(&config).await?;
    let mut default_settings = Settings::default();
    default_settings
        .availability
        .set_zone(config.organisation.time_zone);
    default_settings
        .departments
        .clone_from(&config.organisation.departments);
    config.meetings.apply(&mut default_settings);
    let owner_ids = config.telegram.owner_ids.clone();
    match config.telegram.token.clone() {
        None => {
            console(
                &config,
                store,
                calendar,
                clock,
                owner_ids,
                default_settings,
                translator,
                shutdown,
            )
            .await
        }
        Some(token) => {
            let api = BotApi::new(&config.telegram.api_url, &token)?;
            let sender = Arc::new(Sender::new(Limits::default()));
            let messenger = Arc::new(TelegramMessenger::new(api.clone(), sender, translator));
            let services = Services {
                store,
                calendar,
                messenger: messenger.clone(),
                clock,
                owner_ids,
                default_settings,
            };
            telegram(&config, services, api, messenger, shutdown).await
        }
    }
}

/// The calendar `config` selects. A Google key file is read here, at
/// start-up, so a missing or unreadable key stops the bot at once, naming
/// the key, instead of pausing the calendar sync at the first booking.
/// Nothing is asked of the calendar yet: an unreachable one shows on
/// `/health` and must not keep the bot from starting.
pub async fn calendar(config: &Config) -> anyhow::Result<Arc<dyn Calendar>> {
    // The key, and where its value came from, that the operator has to fix.
    let named = |key: &str| format!("{key}{}", config.origin(key));
    match &config.calendar {
        CalendarConfig::None(_) => Ok(Arc::new(NoCalendar::new())),
        CalendarConfig::Google(google) => {
            let key = format!("calendar.{}", google.access_key());
            let settings = google.settings().with_context(|| named(&key))?;
            let calendar = GoogleCalendar::new(settings)
                .await
                .with_context(|| named(&key))?;
            Ok(Arc::new(calendar))
        }
        // Floating times and all-day events on the calendar are read in the
        // owner's zone.
        CalendarConfig::CalDav(caldav) => {
            let calendar = CalDavCalendar::from_config(caldav, config.organisation.time_zone)
                .with_context(|| named("calendar.url"))?;
            Ok(Arc::new(calendar))
        }
    }
}

/// The terminal chat, as the owner.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of Services, built here once"
)]
async fn console(
    config: &Config,
    store: Arc<dyn Store>,
    calendar: Arc<dyn Calendar>,
    clock: Arc<dyn Clock>,
    mut owner_ids: Vec<UserId>,
    default_settings: Settings,
    translator: Arc<Translator>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    // The person at the keyboard is the owner: the first configured owner,
    // else a fixed local id made an owner here.
    let owner = owner_ids.first().copied().unwrap_or(LOCAL_OWNER);
    if !owner_ids.contains(&owner) {
        owner_ids.push(owner);
    }
    let owner_profile = Profile {
        id: owner,
        first_name: "Owner".to_owned(),
        last_name: None,
        username: None,
        language_code: None,
    };
    let console = meetbot_console::Console::new(translator.clone());
    let services = Services {
        store,
        calendar,
        messenger: console.clone(),
        clock,
        owner_ids,
        default_settings,
    };
    let health = Health {
        telegram: None,
        calendar_kind: config.calendar.kind(),
        services: services.clone(),
    };
    // A busy port must not spoil a local try-out: /health is then skipped.
    let server = match TcpListener::bind(config.http.listen).await {
        Ok(listener) => Some(spawn_server(listener, http::router(health), &shutdown)?),
        Err(error) => {
            tracing::warn!(listen = %config.http.listen, %error, "/health is not served");
            None
        }
    };
    let outbox = tokio::spawn(drain_outbox(services.clone(), shutdown.clone()));
    let scheduler = tokio::spawn(scheduler::run(
        services.clone(),
        SchedulerConfig::default(),
        shutdown.clone(),
    ));
    tokio::select! {
        ended = console.run(
            services,
            owner_profile,
            tokio::io::BufReader::new(tokio::io::stdin()),
            tokio::io::stdout(),
        ) => ended.context("the console failed")?,
        () = shutdown.cancelled() => {}
    }
    shutdown.cancel();
    let _ = tokio::join!(outbox, scheduler);
    if let Some(server) = server {
        let _ = server.await;
    }
    Ok(())
}

/// Telegram, by long polling or a webhook.
async fn telegram(
    config: &Config,
    services: Services,
    api: BotApi,
    messenger: Arc<TelegramMessenger>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let guest: Vec<MenuCommand> = chat::commands_for(None)
        .into_iter()
        .map(|(name, key)| MenuCommand {
            name: name.to_owned(),
            description: Text::new(key),
        })
        .collect();
    // In the background: an unreachable Bot API must not hold up start-up
    // (and /health) while the menu calls are retried.
    tokio::spawn(async move {
        if let Err(error) = messenger.set_default_menu(&guest).await {
            tracing::warn!(%error, "the default command menu was not set");
        }
    });
    let dispatcher = Dispatcher::new(
        services.clone(),
        api.clone(),
        DEFAULT_CONCURRENCY,
        DEFAULT_BACKLOG,
    );
    let mut app = http::router(Health {
        telegram: Some(api.clone()),
        calendar_kind: config.calendar.kind(),
        services: services.clone(),
    });
    let webhook = match config.telegram.mode {
        TelegramMode::Polling => None,
        TelegramMode::Webhook => {
            // The configuration refuses webhook mode without these; checked
            // again because an unauthenticated webhook accepts forged updates.
            let (Some(url), Some(secret)) = (
                config.telegram.webhook_url.clone(),
                config.telegram.webhook_secret.clone(),
            ) else {
                anyhow::bail!(
                    "webhook mode needs telegram.webhook_url and telegram.webhook_secret"
                );
            };
            let path = webhook_path(&url);
            app = app.merge(meetbot_telegram::webhook::router(
                &path,
                secret.clone(),
                dispatcher.clone(),
            ));
            Some((url, secret, path))
        }
    };
    let listener = TcpListener::bind(config.http.listen)
        .await
        .with_context(|| format!("cannot listen on {} (http.listen)", config.http.listen))?;
    let server = spawn_server(listener, app, &shutdown)?;
    let outbox = tokio::spawn(drain_outbox(services.clone(), shutdown.clone()));
    let scheduler = tokio::spawn(scheduler::run(
        services.clone(),
        SchedulerConfig::default(),
        shutdown.clone(),
    ));
    let prune = tokio::spawn(meetbot_telegram::polling::prune_processed_updates(
        services.store.clone(),
        services.clock.clone(),
        PRUNE_EVERY,
        shutdown.clone(),
    ));
    let outcome = match webhook {
        None => {
            if let Err(error) = api.delete_webhook().await {
                tracing::warn!(%error, "could not remove a webhook; polling may be refused");
            }
            meetbot_telegram::polling::poll(
                &api,
                services.store.clone(),
                &dispatcher,
                shutdown.clone(),
            )
            .await;
            Ok(())
        }
        Some((url, secret, path)) => match set_webhook(&api, &url, &secret).await {
            Ok(()) => {
                tracing::info!(%path, "receiving updates by webhook");
                shutdown.cancelled().await;
                Ok(())
            }
            Err(error) => Err(anyhow::Error::new(meetbot_telegram::TelegramError::Call {
                method: "setWebhook",
                error,
            })),
        },
    };
    shutdown.cancel();
    if !dispatcher.drain(DRAIN_AT_SHUTDOWN).await {
        tracing::warn!("some updates were still being handled at shutdown");
    }
    let _ = tokio::join!(server, outbox, scheduler, prune);
    outcome
}

/// `setWebhook`, with a few tries over passing failures.
async fn set_webhook(api: &BotApi, url: &str, secret: &SecretString) -> Result<(), CallError> {
    let mut tries = 0;
    loop {
        match api.set_webhook(url, secret).await {
            Err(CallError::Transient(reason)) if tries < 3 => {
                tries += 1;
                tracing::warn!(%reason, "setWebhook failed; trying again");
                tokio::time::sleep(Duration::from_secs(tries)).await;
            }
            Err(CallError::RateLimited(seconds)) if tries < 3 => {
                tries += 1;
                tokio::time::sleep(Duration::from_secs(seconds)).await;
            }
            other => return other,
        }
    }
}

/// The route of the webhook: the path of `telegram.webhook_url` (a reverse
/// proxy forwards it unchanged), or `/telegram` when the URL has none.
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

fn spawn_server(
    listener: TcpListener,
    app: axum::Router,
    shutdown: &CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let address = listener
        .local_addr()
        .context("the HTTP listener has no address")?;
    tracing::info!(%address, "HTTP endpoints listening");
    let stop = shutdown.clone();
    Ok(tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the HTTP server stopped");
        }
    }))
}

/// Drains the calendar outbox every few seconds until shutdown.
async fn drain_outbox(services: Services, shutdown: CancellationToken) {
    loop {
        match calendar_sync::drain_once(&services, services.clock.now()).await {
            Ok(report) if report != calendar_sync::DrainReport::default() => {
                tracing::debug!(?report, "calendar outbox drained");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not drain the calendar outbox"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(OUTBOX_EVERY) => {}
        }
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
