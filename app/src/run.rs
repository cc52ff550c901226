//! Serving: wires the adapters into the use cases and runs them until
//! shutdown is requested.
//!
//! With a bot token the bot talks to Telegram (long polling or a webhook);
//! without one it runs the console transport in this terminal, as the owner.
//! Either way the same background set runs beside the transport
//! ([`Background`]): `/health` served on `http.listen`, the calendar outbox
//! drained into the configured calendar (none, Google or CalDAV) and the
//! scheduler (reminders, cadence, group meeting).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use meetbot_caldav::CalDavCalendar;
use meetbot_calendar_none::NoCalendar;
use meetbot_console::Console;
use meetbot_domain::{Email, Settings, UserId};
use meetbot_google_calendar::{GoogleCalendar, GoogleSetupError, MAX_KEY_FILE_BYTES};
use meetbot_i18n::Translator;
use meetbot_interpreter::OfflineInterpreter;
use meetbot_ports::interpreter::Interpreter;
use meetbot_ports::{Calendar, Clock, InstallIds, Messenger, Store};
use meetbot_speech::OpenAiSpeech;
use meetbot_storage::DatabaseUrl;
use meetbot_telegram::{BotApi, Sender, TelegramMessenger, TelegramTransport};
use meetbot_usecases::Services;
use meetbot_usecases::outbox::Outbox;
use meetbot_usecases::scheduler::SchedulerConfig;
use tokio_util::sync::CancellationToken;

use crate::background::{Background, HttpEndpoints};
use crate::clock::SystemClock;
use crate::config::{CalendarConfig, Config, ConfigError, Got};
use crate::http_server;
use crate::supervise::Backoff;

/// Serves with `config` over `store` and `calendar` (see [`calendar`])
/// until Ctrl-C or SIGTERM.
pub async fn run(
    config: Config,
    store: Arc<dyn Store>,
    calendar: Arc<dyn Calendar>,
) -> anyhow::Result<()> {
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
    serve(config, store, calendar, shutdown).await
}

/// Serves until `shutdown` is cancelled (or, on the console, the input ends).
pub async fn serve(
    config: Config,
    store: Arc<dyn Store>,
    calendar: Arc<dyn Calendar>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    // Installed before anything is recorded.
    crate::metrics::recorder();
    let calendar: Arc<dyn Calendar> = Arc::new(crate::metrics::MeteredCalendar(calendar));
    let translator = Arc::new(Translator::new());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    let mut default_settings = Settings::default();
    default_settings
        .availability
        .set_zone(config.organisation.time_zone);
    default_settings
        .departments
        .clone_from(&config.organisation.departments);
    config.meetings.apply(&mut default_settings);
    let install = meetbot_usecases::calendar_sync::install_ids(store.as_ref()).await?;
    let core = Core {
        store,
        install,
        owner_email: config.organisation.owner_email.clone(),
        feed_base: config.http.public_url.clone(),
        calendar,
        clock,
        interpreter: Arc::new(OfflineInterpreter::new()),
        owner_ids: config.telegram.owner_ids.clone(),
        default_settings,
    };
    match config.telegram.token.clone() {
        None => console(&config, core, translator, shutdown).await,
        Some(token) => {
            let api = BotApi::new(&config.telegram.api_url, &token)?;
            telegram(&config, core, api, translator, shutdown).await
        }
    }
}

/// The parts of [`Services`] that do not depend on the transport.
struct Core {
    store: Arc<dyn Store>,
    calendar: Arc<dyn Calendar>,
    clock: Arc<dyn Clock>,
    interpreter: Arc<dyn Interpreter>,
    owner_ids: Vec<UserId>,
    default_settings: Settings,
    install: InstallIds,
    owner_email: Option<Email>,
    feed_base: Option<String>,
}

impl Core {
    /// The services, telling people things through `messenger`.
    fn with(self, messenger: Arc<dyn Messenger>) -> Services {
        Services {
            store: self.store,
            calendar: self.calendar,
            messenger,
            clock: self.clock,
            interpreter: self.interpreter,
            owner_ids: self.owner_ids,
            default_settings: self.default_settings,
            install: self.install,
            owner_email: self.owner_email,
            busy_reads: Arc::default(),
            refusals: Arc::default(),
            feed_base: self.feed_base,
            settings_read: None,
            outbox: Outbox::default(),
        }
    }
}

/// The calendar `config` selects. A Google key file is read and checked
/// here, at start-up and before the database is opened, so a missing,
/// oversized or malformed key stops the bot at once, naming the key,
/// instead of pausing the calendar sync at the first booking. An oversized
/// key file is a [`ConfigError`] (the caller exits as for any bad
/// configuration). Nothing is asked of the calendar yet: an unreachable
/// one shows on `/health` and must not keep the bot from starting.
pub async fn calendar(config: &Config) -> anyhow::Result<Arc<dyn Calendar>> {
    // The key, and where its value came from, that the operator has to fix.
    let named = |key: &str| format!("{key}{}", config.origin(key));
    match &config.calendar {
        CalendarConfig::None(_) => Ok(Arc::new(NoCalendar::new())),
        CalendarConfig::Google(google) => {
            let key = format!("calendar.{}", google.access_key());
            let settings = match google.settings() {
                Err(GoogleSetupError::KeyFileTooLarge(path)) => {
                    return Err(ConfigError::Invalid {
                        expected: format!(
                            "name a key file of at most {} KB",
                            MAX_KEY_FILE_BYTES / 1024
                        ),
                        got: Got::shown(&path),
                        origin: config.origin(&key),
                        key,
                    }
                    .into());
                }
                other => other.with_context(|| named(&key))?,
            };
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
async fn console(
    config: &Config,
    mut core: Core,
    translator: Arc<Translator>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let person = meetbot_console::owner_at_keyboard(&mut core.owner_ids);
    let console = Console::new(translator, data_folder(&config.database.url));
    let services = core.with(console.clone());
    // A busy port must not spoil a local try-out: /health is then skipped.
    let http = match http_server::bind(config.http.listen) {
        Ok(listener) => Some(HttpEndpoints {
            listener,
            telegram: None,
            calendar_kind: config.calendar.kind(),
            metrics_token: config.http.metrics_token.clone(),
            routes: axum::Router::new(),
        }),
        Err(error) => {
            tracing::warn!(listen = %config.http.listen, %error, "/health is not served");
            None
        }
    };
    let background = start_background(config, &services, http, &shutdown)?;
    let ended = meetbot_console::serve(console, services, person, shutdown.clone()).await;
    shutdown.cancel();
    background.stopped().await;
    ended.context("the console failed")
}

/// Where the bot keeps files beside its data (the console's charts): the
/// SQLite database's folder, else `data`.
fn data_folder(database: &DatabaseUrl) -> PathBuf {
    match database.sqlite_file() {
        Some(file) => match file.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
            // `sqlite://meetbot.sqlite3`: the working directory.
            _ => PathBuf::from("."),
        },
        None => PathBuf::from("data"),
    }
}

/// Telegram, by long polling or a webhook.
async fn telegram(
    config: &Config,
    core: Core,
    api: BotApi,
    translator: Arc<Translator>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mode = config.telegram.receive_mode()?;
    let sender = Arc::new(Sender::new(config.telegram.limits));
    let messenger = Arc::new(TelegramMessenger::new(api.clone(), sender, translator));
    let services = core.with(messenger.clone());
    let mut transport = TelegramTransport::new(services.clone(), api.clone(), messenger, mode);
    if let Some(speech) =
        OpenAiSpeech::from_config(&config.speech).context("cannot set up speech (speech.url)")?
    {
        transport = transport.with_speech(Arc::new(speech));
    }
    let listener = http_server::bind(config.http.listen)
        .with_context(|| format!("cannot listen on {} (http.listen)", config.http.listen))?;
    let http = HttpEndpoints {
        listener,
        telegram: Some(api),
        calendar_kind: config.calendar.kind(),
        metrics_token: config.http.metrics_token.clone(),
        routes: transport.routes(),
    };
    let mut background = start_background(config, &services, Some(http), &shutdown)?;
    let (store, clock) = (services.store.clone(), services.clock.clone());
    background.supervise("prune_updates", move |stop| {
        meetbot_telegram::polling::prune_delivered(
            store.clone(),
            clock.clone(),
            meetbot_telegram::serve::PRUNE_EVERY,
            stop,
        )
    });
    let served = transport.serve(shutdown.clone()).await;
    shutdown.cancel();
    background.stopped().await;
    Ok(served?)
}

/// The background set with its usual timings, and the scheduled backups
/// of an SQLite database (Postgres is backed up with its own tools).
fn start_background(
    config: &Config,
    services: &Services,
    http: Option<HttpEndpoints>,
    shutdown: &CancellationToken,
) -> anyhow::Result<Background> {
    let mut background = Background::start(
        services,
        http,
        SchedulerConfig::default(),
        Backoff::default(),
        shutdown,
    )?;
    background.supervise("metrics", crate::metrics::upkeep);
    if let (Some(file), Some(every)) = (config.database.url.sqlite_file(), config.backup.every) {
        let (file, backups) = (file.to_path_buf(), config.backup.clone());
        background.supervise("backup", move |stop| {
            crate::backup::run(file.clone(), backups.clone(), every, stop)
        });
    }
    Ok(background)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_folder_is_the_sqlite_databases_folder_else_data() {
        let folder = |url: &str| data_folder(&DatabaseUrl::parse(url).unwrap());

        assert_eq!(
            folder("sqlite://data/meetbot.sqlite3"),
            PathBuf::from("data")
        );
        assert_eq!(
            folder("sqlite:///var/lib/meetbot/meetbot.sqlite3"),
            PathBuf::from("/var/lib/meetbot")
        );
        assert_eq!(folder("sqlite://meetbot.sqlite3"), PathBuf::from("."));
        assert_eq!(
            folder("postgres://meetbot@db/meetbot"),
            PathBuf::from("data")
        );
    }
}
