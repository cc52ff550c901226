//! meetbot's configuration: defaults, an optional `meetbot.toml`, and the
//! environment, merged in that order and checked before anything starts.
//!
//! Every value is validated here, so a bad setting stops start-up with one
//! line that names the key, says what is expected and where the bad value
//! came from, instead of failing later in the middle of a conversation.
//! Secrets (the bot token, the webhook secret, a database password, calendar
//! credentials) are held so that neither `Debug` nor [`Config::render`] can
//! print them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use config::{Format as _, Map, Source, Value, ValueKind};
use meetbot_domain::{
    Cadence, CronSchedule, Department, GroupMeeting, ReminderOffsets, Settings, UserId, Zone,
};
use secrecy::{ExposeSecret as _, SecretString};
use tracing_subscriber::EnvFilter;

/// The file read when `--config` is not given; it may be absent.
pub const DEFAULT_CONFIG_FILE: &str = "meetbot.toml";

/// Environment variables that start with this set a key:
/// `MEETBOT__DATABASE__URL` sets `database.url`.
pub const ENV_PREFIX: &str = "MEETBOT__";

/// The separator between section and key in an environment variable name.
const ENV_SEPARATOR: &str = "__";

/// Well-known variable names that other tools use too, and the key each sets.
/// A `MEETBOT__...` variable for the same key wins over these, because it can
/// only have been meant for meetbot.
pub const COMMON_ENV_NAMES: [(&str, &str); 4] = [
    ("DATABASE_URL", "database.url"),
    (
        "GOOGLE_SERVICE_ACCOUNT_JSON",
        "calendar.service_account_json",
    ),
    ("TELEGRAM_BOT_TOKEN", "telegram.token"),
    ("WEBHOOK_URL", "telegram.webhook_url"),
];

/// Every key meetbot knows; anything else in the file or the environment is a
/// typo, and a typo that silently falls back to a default is worse than an error.
const KNOWN_KEYS: &[&str] = &[
    "database.url",
    "telegram.token",
    "telegram.api_url",
    "telegram.owner_ids",
    "telegram.mode",
    "telegram.webhook_url",
    "telegram.webhook_secret",
    "http.listen",
    "organisation.time_zone",
    "organisation.departments",
    "reminders.offsets",
    "cadence.every_days",
    "cadence.nudge_days",
    "group_meeting.enabled",
    "group_meeting.title",
    "group_meeting.when",
    "group_meeting.minutes",
    "group_meeting.time_zone",
    "group_meeting.invitation",
    "group_meeting.reminders",
    "calendar.kind",
    "calendar.calendar_id",
    "calendar.service_account_key",
    "calendar.service_account_json",
    "calendar.subject",
    "calendar.client_id",
    "calendar.client_secret",
    "calendar.refresh_token",
    "calendar.api_url",
    "calendar.token_url",
    "calendar.meet_links",
    "calendar.url",
    "calendar.discover",
    "calendar.username",
    "calendar.password",
    "log.format",
    "log.level",
];

/// The default database: an SQLite file next to where the bot runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/meetbot.sqlite3";
/// The public Telegram Bot API.
pub const DEFAULT_TELEGRAM_API_URL: &str = "https://api.telegram.org";
/// Where the HTTP endpoints listen unless told otherwise.
pub const DEFAULT_HTTP_LISTEN: &str = "127.0.0.1:8080";
/// The organisation's default time zone.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";
/// The default log filter.
pub const DEFAULT_LOG_LEVEL: &str = "info";

/// Where the configuration is read from. Built from the process by
/// [`Sources::from_process`], or by hand in tests so that they never touch the
/// real environment.
#[derive(Debug, Clone)]
pub struct Sources {
    file: ConfigFile,
    env: BTreeMap<String, String>,
}

/// The configuration file and whether it must exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// Read it when it exists (the default `meetbot.toml`).
    Optional(PathBuf),
    /// It must exist and be readable (named with `--config`).
    Required(PathBuf),
    /// No file at all.
    None,
}

impl Sources {
    /// Sources made of a file and an environment given as name/value pairs.
    pub fn new<K, V>(file: ConfigFile, env: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let env = env.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Self { file, env }
    }

    /// The sources of this process: `explicit` (from `--config`) or the
    /// optional `meetbot.toml`, and the process environment.
    pub fn from_process(explicit: Option<PathBuf>) -> Self {
        let file = match explicit {
            Some(path) => ConfigFile::Required(path),
            None => ConfigFile::Optional(PathBuf::from(DEFAULT_CONFIG_FILE)),
        };
        // Only the variables we read are kept; a non-UTF-8 value becomes a
        // lossy string and then fails validation with a readable message.
        let env = std::env::vars_os().filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            let ours = name.starts_with(ENV_PREFIX)
                || COMMON_ENV_NAMES.iter().any(|(common, _)| *common == name);
            ours.then(|| (name, value.to_string_lossy().into_owned()))
        });
        Self::new(file, env)
    }
}

/// A configuration that cannot be used. Its `Display` is one line that names
/// the key and says what is expected; secrets are never part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file cannot be read.
    #[error("cannot read the configuration file {path}: {reason}")]
    Unreadable {
        /// The file.
        path: String,
        /// What the operating system said.
        reason: String,
    },
    /// The configuration file is not TOML.
    #[error("{path} is not valid TOML: {reason}")]
    Syntax {
        /// The file.
        path: String,
        /// What the parser said, on one line.
        reason: String,
    },
    /// A key meetbot does not know (most often a typo).
    #[error("unknown configuration key {key}{origin}; known keys are {known}")]
    UnknownKey {
        /// The key as written, `section.key`.
        key: String,
        /// Where it came from, ready to append.
        origin: Origin,
        /// The known keys, comma-separated.
        known: String,
    },
    /// A value that does not fit its key.
    #[error("{key} must {expected}{got}{origin}")]
    Invalid {
        /// The key, `section.key`.
        key: String,
        /// What would have been accepted.
        expected: String,
        /// The bad value, ready to append (empty for secrets).
        got: Got,
        /// Where it came from, ready to append.
        origin: Origin,
    },
    /// A value needed because of another one is missing.
    #[error("{key} is required when {because}")]
    Missing {
        /// The missing key.
        key: String,
        /// Why it is needed.
        because: String,
    },
}

/// The bad value in a [`ConfigError::Invalid`], shown as `, got "..."`
/// unless it is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Got(Option<String>);

impl Got {
    /// The value will be shown.
    pub fn shown(value: &str) -> Self {
        Got(Some(value.to_owned()))
    }

    /// The value is a secret and will not be shown.
    pub fn hidden() -> Self {
        Got(None)
    }
}

impl fmt::Display for Got {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(value) => write!(f, ", got {value:?}"),
            None => Ok(()),
        }
    }
}

/// Where a value came from: the default, a file, or an environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// meetbot's built-in default.
    #[default]
    Default,
    /// A configuration file.
    File(String),
    /// An environment variable, by name.
    Env(String),
}

impl Origin {
    fn of(value: &Value) -> Self {
        match value.origin() {
            Some(origin) => match origin.strip_prefix(ENV_ORIGIN) {
                Some(name) => Origin::Env(name.to_owned()),
                None => Origin::File(origin.to_owned()),
            },
            None => Origin::Default,
        }
    }

    /// A short note for `meetbot config`: `default`, `meetbot.toml`, `env DATABASE_URL`.
    pub fn note(&self) -> String {
        match self {
            Origin::Default => "default".to_owned(),
            Origin::File(path) => path.clone(),
            Origin::Env(name) => format!("env {name}"),
        }
    }
}

/// Appended to a message: ` (in meetbot.toml)`, ` (from environment variable X)`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => Ok(()),
            Origin::File(path) => write!(f, " (in {path})"),
            Origin::Env(name) => write!(f, " (from environment variable {name})"),
        }
    }
}

/// The origin marker our environment sources put on their values.
const ENV_ORIGIN: &str = "env:";

/// The whole, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `[database]`
    pub database: DatabaseConfig,
    /// `[telegram]`
    pub telegram: TelegramConfig,
    /// `[http]`
    pub http: HttpConfig,
    /// `[organisation]`
    pub organisation: OrganisationConfig,
    /// `[reminders]`, `[cadence]` and `[group_meeting]`: the defaults of
    /// the meeting settings (the owner's saved settings win over them).
    pub meetings: MeetingsConfig,
    /// `[calendar]`
    pub calendar: CalendarConfig,
    /// `[log]`
    pub log: LogConfig,
    /// Where each key's value came from, for `meetbot config`.
    origins: BTreeMap<&'static str, Origin>,
}

/// `[database]`
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `database.url`: `sqlite://PATH` or `postgres://...`.
    pub url: DatabaseUrl,
}

/// A database URL whose `Display` and `Debug` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

/// The database engines meetbot can store its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseBackend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl DatabaseUrl {
    /// Checks the scheme.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = raw.trim();
        let known = ["sqlite://", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| url.starts_with(scheme)) {
            return Err("start with sqlite:// or postgres://".to_owned());
        }
        if url == "sqlite://" {
            return Err(
                "name a file after sqlite://, such as sqlite://data/meetbot.sqlite3".to_owned(),
            );
        }
        Ok(Self(url.to_owned()))
    }

    /// The full URL, password included: for the storage adapter only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Which engine the URL points at.
    pub fn backend(&self) -> DatabaseBackend {
        if self.0.starts_with("sqlite://") {
            DatabaseBackend::Sqlite
        } else {
            DatabaseBackend::Postgres
        }
    }

    /// The password in the URL, if any (so the log layer can redact it).
    pub fn password(&self) -> Option<&str> {
        let (start, end) = password_span(&self.0)?;
        Some(&self.0[start..end])
    }
}

/// Byte range of the password in `scheme://user:password@host`, if there is one.
fn password_span(url: &str) -> Option<(usize, usize)> {
    let authority_start = url.find("://")? + 3;
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    Some((authority_start + colon + 1, authority_start + at))
}

/// Replaces the password in the user-info part and in a `password=` query
/// parameter with `***`.
fn redact_url(url: &str) -> String {
    let mut shown = match password_span(url) {
        Some((start, end)) => format!("{}***{}", &url[..start], &url[end..]),
        None => url.to_owned(),
    };
    if let Some(query_start) = shown.find('?') {
        let (head, query) = shown.split_at(query_start + 1);
        let query = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&");
        shown = format!("{head}{query}");
    }
    shown
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", redact_url(&self.0))
    }
}

/// `[telegram]`
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// `telegram.token`: the bot token from @BotFather; without it the bot
    /// talks on the console instead of Telegram.
    pub token: Option<SecretString>,
    /// `telegram.api_url`: the Bot API base URL (a local Bot API server or a
    /// test fake can stand in for Telegram).
    pub api_url: String,
    /// `telegram.owner_ids`: people who are OWNER from their first message.
    pub owner_ids: Vec<UserId>,
    /// `telegram.mode`: how updates arrive.
    pub mode: TelegramMode,
    /// `telegram.webhook_url`: the public HTTPS URL Telegram posts updates to.
    pub webhook_url: Option<String>,
    /// `telegram.webhook_secret`: the secret token Telegram sends back in a
    /// header with every webhook call.
    pub webhook_secret: Option<SecretString>,
}

/// How Telegram updates reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelegramMode {
    /// The bot asks for updates (`getUpdates`); works behind any firewall.
    Polling,
    /// Telegram posts updates to `telegram.webhook_url`.
    Webhook,
}

impl TelegramMode {
    /// The name used in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            TelegramMode::Polling => "polling",
            TelegramMode::Webhook => "webhook",
        }
    }
}

/// `[http]`
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// `http.listen`: the address the HTTP endpoints listen on.
    pub listen: SocketAddr,
}

/// `[organisation]`
#[derive(Debug, Clone)]
pub struct OrganisationConfig {
    /// `organisation.time_zone`: the owner's IANA time zone.
    pub time_zone: Zone,
    /// `organisation.departments`: the departments people can pick from.
    pub departments: Vec<Department>,
}

/// `[reminders]`, `[cadence]` and `[group_meeting]`.
#[derive(Debug, Clone)]
pub struct MeetingsConfig {
    /// `reminders.offsets`: minutes before a meeting its reminders go out.
    pub reminders: ReminderOffsets,
    /// `cadence.every_days` and `cadence.nudge_days`.
    pub cadence: Cadence,
    /// `group_meeting.*`: the weekly group meeting, when enabled.
    pub group_meeting: Option<GroupMeeting>,
    /// The group meeting as configured, also when not enabled (for `meetbot config`).
    group_definition: GroupMeeting,
}

impl MeetingsConfig {
    /// Puts these defaults into the settings used until the owner saves their own.
    pub fn apply(&self, settings: &mut Settings) {
        settings.reminders = self.reminders.clone();
        settings.cadence = self.cadence.clone();
        settings.group_meeting = self.group_meeting.clone();
    }
}

/// Default group meeting invitation schedule: Monday 10:00.
pub const DEFAULT_GROUP_INVITATION: &str = "0 10 * * mon";
/// Default group meeting reminder schedules: Wednesday 09:00 and 10:40.
pub const DEFAULT_GROUP_REMINDERS: &str = "0 9 * * wed; 40 10 * * wed";

fn schedules(raw: &str) -> Result<Vec<CronSchedule>, (String, Shown)> {
    raw.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            CronSchedule::parse(s).map_err(|err| {
                (
                    format!(
                        "be cron expressions (minute hour day month weekday) separated by ; ({err})"
                    ),
                    Shown::Plain,
                )
            })
        })
        .collect()
}

/// `[calendar]`: the owner's external calendar, if there is one.
#[derive(Debug, Clone)]
pub enum CalendarConfig {
    /// `calendar.kind = "none"`: the bot's own database is the calendar.
    None,
    /// `calendar.kind = "google"`: a Google Calendar.
    Google(GoogleSettings),
    /// `calendar.kind = "caldav"`: a calendar on a CalDAV server.
    CalDav(CalDavSettings),
}

impl CalendarConfig {
    /// The name used in the configuration (`calendar.kind`) and on `/health`.
    pub fn kind(&self) -> &'static str {
        match self {
            CalendarConfig::None => "none",
            CalendarConfig::Google(_) => "google",
            CalendarConfig::CalDav(_) => "caldav",
        }
    }
}

/// The `[calendar]` keys of `kind = "google"`.
#[derive(Debug, Clone)]
pub struct GoogleSettings {
    /// `calendar.calendar_id`: `primary` or an address such as
    /// `…@group.calendar.google.com`.
    pub calendar_id: String,
    /// How meetbot signs in to Google.
    pub access: GoogleAccess,
    /// `calendar.api_url`: the Calendar API's base URL; `None` is Google's.
    pub api_url: Option<String>,
    /// `calendar.token_url`: the OAuth token endpoint; `None` is the one the
    /// service account key names, or Google's for user credentials.
    pub token_url: Option<String>,
    /// `calendar.meet_links`: whether new events get a Google Meet link.
    pub meet_links: bool,
}

/// How meetbot signs in to Google: exactly one of these is configured.
#[derive(Debug, Clone)]
pub enum GoogleAccess {
    /// `calendar.service_account_key`: a service account key file, read at
    /// start-up (so `meetbot config` works without it).
    KeyFile {
        /// The key file's path, relative to the working directory.
        path: PathBuf,
        /// `calendar.subject`: the user to act as (domain-wide delegation).
        subject: Option<String>,
    },
    /// `calendar.service_account_json` (or `GOOGLE_SERVICE_ACCOUNT_JSON`):
    /// the key's JSON itself.
    KeyJson {
        /// The key's JSON.
        json: SecretString,
        /// `calendar.subject`: the user to act as (domain-wide delegation).
        subject: Option<String>,
    },
    /// OAuth credentials of a user who granted meetbot access once.
    User {
        /// `calendar.client_id`: the OAuth client's id.
        client_id: String,
        /// `calendar.client_secret`: the OAuth client's secret.
        client_secret: SecretString,
        /// `calendar.refresh_token`: the refresh token from the user's consent.
        refresh_token: SecretString,
    },
}

/// The `[calendar]` keys of `kind = "caldav"`.
#[derive(Debug, Clone)]
pub struct CalDavSettings {
    /// `calendar.url`: the server (with `discover`) or the calendar
    /// collection itself.
    pub url: String,
    /// `calendar.discover`: whether `url` is the server, where the calendar
    /// is looked up, or the collection.
    pub discover: bool,
    /// `calendar.username`: for HTTP Basic authentication.
    pub username: String,
    /// `calendar.password`: for HTTP Basic authentication (an app password
    /// where the server has them).
    pub password: SecretString,
}

/// The keys only `kind = "google"` uses.
const GOOGLE_KEYS: &[&str] = &[
    "calendar.calendar_id",
    "calendar.service_account_key",
    "calendar.service_account_json",
    "calendar.subject",
    "calendar.client_id",
    "calendar.client_secret",
    "calendar.refresh_token",
    "calendar.api_url",
    "calendar.token_url",
    "calendar.meet_links",
];

/// The keys only `kind = "caldav"` uses.
const CALDAV_KEYS: &[&str] = &[
    "calendar.url",
    "calendar.discover",
    "calendar.username",
    "calendar.password",
];

/// `[log]`
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// `log.format`: human-readable lines or JSON objects.
    pub format: LogFormat,
    /// `log.level`: an `EnvFilter` directive such as `info` or
    /// `meetbot=debug,info`; `RUST_LOG` overrides it.
    pub level: String,
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// The name used in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

/// Which chat transport a configuration selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// No token: chat with the bot in the terminal.
    Console,
    /// A token: Telegram, with updates arriving as configured.
    Telegram(TelegramMode),
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Console => f.write_str("console"),
            Transport::Telegram(mode) => write!(f, "telegram ({})", mode.as_str()),
        }
    }
}

impl Config {
    /// Reads, merges and validates the configuration. Later layers win:
    /// built-in defaults, then the file, then `DATABASE_URL`,
    /// `GOOGLE_SERVICE_ACCOUNT_JSON`, `TELEGRAM_BOT_TOKEN` and `WEBHOOK_URL`,
    /// then `MEETBOT__SECTION__KEY`.
    pub fn load(sources: &Sources) -> Result<Config, ConfigError> {
        let root = merge(sources)?;
        check_known_keys(&root)?;
        let mut reader = Reader {
            root: &root,
            origins: BTreeMap::new(),
        };
        reader.build()
    }

    /// The chat transport this configuration selects.
    pub fn transport(&self) -> Transport {
        match self.telegram.token {
            Some(_) => Transport::Telegram(self.telegram.mode),
            None => Transport::Console,
        }
    }

    /// Where a key's value came from (`Origin::Default` for unknown keys).
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or_default()
    }

    /// Settings that are valid but probably not what was meant, one sentence
    /// each, for the start-up log.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.telegram.mode == TelegramMode::Polling && self.telegram.webhook_url.is_some() {
            warnings.push(
                "telegram.webhook_url is set but telegram.mode is polling, so the webhook URL is not used".to_owned(),
            );
        }
        if self.telegram.token.is_none() && self.telegram.mode == TelegramMode::Webhook {
            warnings.push("telegram.mode is webhook but there is no telegram.token".to_owned());
        }
        // Keys of another calendar kind are most often a forgotten
        // `calendar.kind`; GOOGLE_SERVICE_ACCOUNT_JSON may also be there for
        // another tool.
        let kind = self.calendar.kind();
        let unused = match self.calendar {
            CalendarConfig::None => [GOOGLE_KEYS, CALDAV_KEYS].concat(),
            CalendarConfig::Google(_) => CALDAV_KEYS.to_vec(),
            CalendarConfig::CalDav(_) => GOOGLE_KEYS.to_vec(),
        };
        for key in unused {
            if let Some(origin) = self.origins.get(key) {
                warnings.push(format!(
                    "{key} is set{origin} but calendar.kind is {kind}, so it is not used"
                ));
            }
        }
        warnings
    }

    /// The secrets in this configuration, for the log layer to redact.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = self
            .telegram
            .token
            .iter()
            .chain(self.telegram.webhook_secret.iter())
            .cloned()
            .collect();
        if let Some(password) = self.database.url.password() {
            secrets.push(SecretString::from(password.to_owned()));
        }
        match &self.calendar {
            CalendarConfig::None => {}
            CalendarConfig::Google(google) => match &google.access {
                // The file's key is read at start-up, after logging is set up;
                // the adapter never logs it.
                GoogleAccess::KeyFile { .. } => {}
                GoogleAccess::KeyJson { json, .. } => {
                    secrets.push(json.clone());
                    secrets.extend(private_key_lines(json.expose_secret()));
                }
                GoogleAccess::User {
                    client_secret,
                    refresh_token,
                    ..
                } => secrets.extend([client_secret.clone(), refresh_token.clone()]),
            },
            CalendarConfig::CalDav(caldav) => secrets.push(caldav.password.clone()),
        }
        secrets
    }

    /// The `[calendar]` keys of the configured kind, for [`Config::render`].
    fn calendar_keys(&self) -> Vec<(&'static str, Option<String>)> {
        let redacted = |_: &SecretString| quote(REDACTED);
        let mut keys = vec![("kind", Some(quote(self.calendar.kind())))];
        match &self.calendar {
            CalendarConfig::None => {}
            CalendarConfig::Google(google) => {
                let (key_file, key_json, subject, user) = match &google.access {
                    GoogleAccess::KeyFile { path, subject } => {
                        (Some(path), None, subject.as_deref(), None)
                    }
                    GoogleAccess::KeyJson { json, subject } => {
                        (None, Some(json), subject.as_deref(), None)
                    }
                    GoogleAccess::User {
                        client_id,
                        client_secret,
                        refresh_token,
                    } => (
                        None,
                        None,
                        None,
                        Some((client_id, client_secret, refresh_token)),
                    ),
                };
                keys.extend([
                    ("calendar_id", Some(quote(&google.calendar_id))),
                    (
                        "service_account_key",
                        key_file.map(|path| quote(&path.display().to_string())),
                    ),
                    ("service_account_json", key_json.map(redacted)),
                    ("subject", subject.map(quote)),
                    ("client_id", user.map(|(id, _, _)| quote(id))),
                    ("client_secret", user.map(|(_, secret, _)| redacted(secret))),
                    ("refresh_token", user.map(|(_, _, token)| redacted(token))),
                    ("api_url", google.api_url.as_deref().map(quote)),
                    ("token_url", google.token_url.as_deref().map(quote)),
                    ("meet_links", Some(google.meet_links.to_string())),
                ]);
            }
            CalendarConfig::CalDav(caldav) => keys.extend([
                ("url", Some(quote(&caldav.url))),
                ("discover", Some(caldav.discover.to_string())),
                ("username", Some(quote(&caldav.username))),
                ("password", Some(redacted(&caldav.password))),
            ]),
        }
        keys
    }

    /// The effective configuration as TOML, secrets replaced by `"[redacted]"`,
    /// each line commented with where its value came from.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# meetbot's effective configuration; secrets are shown as \"[redacted]\".\n",
        );
        let t = &self.telegram;
        let m = &self.meetings;
        let numbers = |values: Vec<u32>| list(values.into_iter().map(|v| v.to_string()));
        let joined = |schedules: &[CronSchedule]| {
            quote(
                &schedules
                    .iter()
                    .map(CronSchedule::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        };
        let group = &m.group_definition;
        let sections: [Section<'_>; 9] = [
            (
                "database",
                vec![("url", Some(quote(&self.database.url.to_string())))],
            ),
            (
                "telegram",
                vec![
                    ("token", t.token.as_ref().map(|_| quote(REDACTED))),
                    ("api_url", Some(quote(&t.api_url))),
                    (
                        "owner_ids",
                        Some(list(t.owner_ids.iter().map(|id| id.0.to_string()))),
                    ),
                    ("mode", Some(quote(t.mode.as_str()))),
                    ("webhook_url", t.webhook_url.as_deref().map(quote)),
                    (
                        "webhook_secret",
                        t.webhook_secret.as_ref().map(|_| quote(REDACTED)),
                    ),
                ],
            ),
            (
                "http",
                vec![("listen", Some(quote(&self.http.listen.to_string())))],
            ),
            (
                "organisation",
                vec![
                    ("time_zone", Some(quote(self.organisation.time_zone.name()))),
                    (
                        "departments",
                        Some(list(
                            self.organisation
                                .departments
                                .iter()
                                .map(|d| quote(d.as_str())),
                        )),
                    ),
                ],
            ),
            (
                "reminders",
                vec![("offsets", Some(numbers(m.reminders.minutes().to_vec())))],
            ),
            (
                "cadence",
                vec![
                    ("every_days", Some(m.cadence.every_days().to_string())),
                    (
                        "nudge_days",
                        Some(numbers(m.cadence.nudge_days_before().to_vec())),
                    ),
                ],
            ),
            (
                "group_meeting",
                vec![
                    ("enabled", Some(m.group_meeting.is_some().to_string())),
                    ("title", Some(quote(group.title()))),
                    ("when", Some(quote(&group.when()))),
                    ("minutes", Some(group.minutes().to_string())),
                    ("time_zone", Some(quote(group.zone().name()))),
                    ("invitation", Some(joined(group.invitations()))),
                    ("reminders", Some(joined(group.reminders()))),
                ],
            ),
            ("calendar", self.calendar_keys()),
            (
                "log",
                vec![
                    ("format", Some(quote(self.log.format.as_str()))),
                    ("level", Some(quote(&self.log.level))),
                ],
            ),
        ];
        for (section, keys) in sections {
            let _ = write!(out, "\n[{section}]\n");
            for (key, value) in keys {
                let origin = self.origin(&format!("{section}.{key}")).note();
                let _ = match value {
                    Some(value) => writeln!(out, "{key} = {value}  # {origin}"),
                    None => writeln!(out, "# {key} is not set"),
                };
            }
        }
        out
    }
}

/// A `[section]` of the rendered configuration: its keys and their values
/// as TOML (`None` when unset).
type Section<'a> = (&'a str, Vec<(&'a str, Option<String>)>);

/// What secrets are replaced with wherever they would be shown.
pub const REDACTED: &str = "[redacted]";

/// A TOML basic string. JSON's string escapes are a subset of TOML's.
fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// A layer of already-collected values, so that our own parsing and our own
/// environment handling feed the `config` crate's merge.
#[derive(Debug, Clone)]
struct Layer(Map<String, Value>);

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
        Ok(self.0.clone())
    }
}

fn merge(sources: &Sources) -> Result<Map<String, Value>, ConfigError> {
    let mut builder = config::Config::builder();
    if let Some(file) = file_layer(&sources.file)? {
        builder = builder.add_source(file);
    }
    let mut common = Map::new();
    let mut prefixed = Map::new();
    for (name, value) in &sources.env {
        // An empty variable is unset: `FOO=` is how shells and compose files
        // say "nothing here".
        if value.is_empty() {
            continue;
        }
        let origin = Some(format!("{ENV_ORIGIN}{name}"));
        let value = Value::new(origin.as_ref(), ValueKind::String(value.clone()));
        if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
            let key = rest.to_lowercase().replace(ENV_SEPARATOR, ".");
            prefixed.insert(key, value);
        } else if let Some((_, key)) = COMMON_ENV_NAMES.iter().find(|(common, _)| common == name) {
            common.insert((*key).to_owned(), value);
        }
    }
    let built = builder
        .add_source(Layer(common))
        .add_source(Layer(prefixed))
        .build()
        .and_then(|merged| merged.collect());
    built.map_err(|err| ConfigError::Syntax {
        path: "the configuration".to_owned(),
        reason: one_line(&err.to_string()),
    })
}

fn file_layer(file: &ConfigFile) -> Result<Option<Layer>, ConfigError> {
    let (path, required) = match file {
        ConfigFile::Optional(path) => (path, false),
        ConfigFile::Required(path) => (path, true),
        ConfigFile::None => return Ok(None),
    };
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if !required && err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(ConfigError::Unreadable {
                path: shown,
                reason: io_reason(path, &err),
            });
        }
    };
    let values = config::FileFormat::Toml
        .parse(Some(&shown), &text)
        .map_err(|err| ConfigError::Syntax {
            path: shown.clone(),
            reason: one_line(&err.to_string()),
        })?;
    Ok(Some(Layer(values)))
}

fn io_reason(path: &Path, err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        _ if path.is_dir() => "it is a directory".to_owned(),
        _ => err.to_string(),
    }
}

/// Folds a multi-line parser message (with its source excerpt and caret)
/// into one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty() && !line.starts_with('|') && !line.contains(" | ") && *line != "^"
        })
        .filter(|line| {
            !line
                .chars()
                .all(|c| c == '^' || c == '|' || c.is_whitespace())
        })
        .collect::<Vec<_>>()
        .join(": ")
}

fn check_known_keys(root: &Map<String, Value>) -> Result<(), ConfigError> {
    let known: BTreeSet<&str> = KNOWN_KEYS.iter().copied().collect();
    let sections: BTreeSet<&str> = known
        .iter()
        .filter_map(|k| k.split_once('.'))
        .map(|(s, _)| s)
        .collect();
    let unknown = |key: String, value: &Value| ConfigError::UnknownKey {
        key,
        origin: Origin::of(value),
        known: known.iter().copied().collect::<Vec<_>>().join(", "),
    };
    // Sorted, so that the error names the same key every time.
    let mut entries: Vec<_> = root.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (section, value) in entries {
        if !sections.contains(section.as_str()) {
            return Err(unknown(section.clone(), value));
        }
        let ValueKind::Table(table) = &value.kind else {
            return Err(ConfigError::Invalid {
                key: section.clone(),
                expected: format!("be a section ([{section}]) with keys inside"),
                got: Got(None),
                origin: Origin::of(value),
            });
        };
        let mut keys: Vec<_> = table.iter().collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        for (key, value) in keys {
            let full = format!("{section}.{key}");
            if !known.contains(full.as_str()) {
                return Err(unknown(full, value));
            }
        }
    }
    Ok(())
}

/// Reads typed values out of the merged tree, remembering their origins.
struct Reader<'a> {
    root: &'a Map<String, Value>,
    origins: BTreeMap<&'static str, Origin>,
}

/// A raw value read from the tree, with where it came from.
struct Raw {
    text: String,
    origin: Origin,
}

impl Reader<'_> {
    fn build(&mut self) -> Result<Config, ConfigError> {
        let database = DatabaseConfig {
            url: self.parsed("database.url", DEFAULT_DATABASE_URL, |raw| {
                DatabaseUrl::parse(raw).map_err(|expected| (expected, Shown::Url))
            })?,
        };
        let token = self.secret("telegram.token", check_token)?;
        let api_url = self.parsed("telegram.api_url", DEFAULT_TELEGRAM_API_URL, |raw| {
            http_url(raw, false).map_err(|expected| (expected, Shown::Plain))
        })?;
        let owner_ids = self.list("telegram.owner_ids", |item| {
            item.parse::<i64>().map(UserId).map_err(|_| {
                "be a list of Telegram user ids (whole numbers), such as [123456789]".to_owned()
            })
        })?;
        let mode = self.parsed("telegram.mode", "polling", |raw| {
            match raw.to_lowercase().as_str() {
                "polling" => Ok(TelegramMode::Polling),
                "webhook" => Ok(TelegramMode::Webhook),
                _ => Err(("be polling or webhook".to_owned(), Shown::Plain)),
            }
        })?;
        let webhook_url = self.optional("telegram.webhook_url", |raw| {
            http_url(raw, true).map_err(|expected| (expected, Shown::Plain))
        })?;
        let webhook_secret = self.secret("telegram.webhook_secret", check_webhook_secret)?;
        if mode == TelegramMode::Webhook {
            let because = "telegram.mode is webhook".to_owned();
            if token.is_none() {
                return Err(ConfigError::Missing {
                    key: "telegram.token".to_owned(),
                    because,
                });
            }
            if webhook_url.is_none() {
                return Err(ConfigError::Missing {
                    key: "telegram.webhook_url".to_owned(),
                    because,
                });
            }
            if webhook_secret.is_none() {
                // Without the secret anyone who learns the URL can post
                // forged updates, so webhook mode refuses to start.
                return Err(ConfigError::Missing {
                    key: "telegram.webhook_secret".to_owned(),
                    because,
                });
            }
        }
        let telegram = TelegramConfig {
            token,
            api_url,
            owner_ids,
            mode,
            webhook_url,
            webhook_secret,
        };
        let http = HttpConfig {
            listen: self.parsed("http.listen", DEFAULT_HTTP_LISTEN, |raw| {
                raw.parse::<SocketAddr>().map_err(|_| {
                    (
                        "be an IP address and port, such as 127.0.0.1:8080 or [::]:8080".to_owned(),
                        Shown::Plain,
                    )
                })
            })?,
        };
        let organisation = OrganisationConfig {
            time_zone: self.parsed("organisation.time_zone", DEFAULT_TIME_ZONE, |raw| {
                Zone::parse(raw).map_err(|_| {
                    (
                        "be an IANA time zone name, such as Europe/Moscow or America/New_York"
                            .to_owned(),
                        Shown::Plain,
                    )
                })
            })?,
            departments: self.list("organisation.departments", |item| {
                Department::new(item).map_err(|err| {
                    format!(
                        "be a list of department names of at most {} characters ({err})",
                        Department::MAX_CHARS
                    )
                })
            })?,
        };
        let meetings = self.meetings(organisation.time_zone)?;
        let calendar = self.calendar()?;
        let log = LogConfig {
            format: self.parsed("log.format", "text", |raw| {
                match raw.to_lowercase().as_str() {
                    "text" => Ok(LogFormat::Text),
                    "json" => Ok(LogFormat::Json),
                    _ => Err(("be text or json".to_owned(), Shown::Plain)),
                }
            })?,
            level: self.parsed("log.level", DEFAULT_LOG_LEVEL, |raw| {
                check_filter(raw)
                    .map(|()| raw.to_owned())
                    .map_err(|expected| (expected, Shown::Plain))
            })?,
        };
        Ok(Config {
            database,
            telegram,
            http,
            organisation,
            meetings,
            calendar,
            log,
            origins: std::mem::take(&mut self.origins),
        })
    }

    fn meetings(&mut self, organisation_zone: Zone) -> Result<MeetingsConfig, ConfigError> {
        fn whole(what: &'static str) -> impl Fn(&str) -> Result<i64, String> {
            move |item| {
                item.parse::<i64>()
                    .map_err(|_| format!("be a list of whole numbers ({what})"))
            }
        }
        let mut offsets = self.list("reminders.offsets", whole("minutes"))?;
        if offsets.is_empty() && self.lookup("reminders.offsets").is_none() {
            offsets = vec![24 * 60, 120, 60];
        }
        let reminders =
            ReminderOffsets::from_minutes(&offsets).map_err(|err| ConfigError::Invalid {
                key: "reminders.offsets".to_owned(),
                expected: format!("be minutes before the meeting, each from 1 to 20160 ({err})"),
                got: Got(None),
                origin: self.origin_of("reminders.offsets"),
            })?;
        let every = self.parsed("cadence.every_days", "14", |raw| {
            raw.parse::<i64>()
                .map_err(|_| ("be a whole number of days".to_owned(), Shown::Plain))
        })?;
        let mut nudges = self.list("cadence.nudge_days", whole("days"))?;
        if nudges.is_empty() && self.lookup("cadence.nudge_days").is_none() {
            nudges = vec![7, 3, 1];
        }
        let cadence = Cadence::new(every, &nudges).map_err(|err| ConfigError::Invalid {
            key: "cadence".to_owned(),
            expected: format!("have every_days from 1 to 365 and nudge_days within it ({err})"),
            got: Got(None),
            origin: self.origin_of("cadence.every_days"),
        })?;
        let enabled = self.parsed("group_meeting.enabled", "false", boolean)?;
        let title = self.parsed("group_meeting.title", "Weekly meeting", |raw| {
            Ok::<_, (String, Shown)>(raw.to_owned())
        })?;
        let (weekday, time) = self.parsed("group_meeting.when", "wed 11:00", |raw| {
            meetbot_domain::group::parse_when(raw).map_err(|_| {
                (
                    "be a weekday and a 24-hour time, such as \"wed 11:00\"".to_owned(),
                    Shown::Plain,
                )
            })
        })?;
        let minutes = self.parsed("group_meeting.minutes", "60", |raw| {
            raw.parse::<i64>()
                .map_err(|_| ("be a whole number of minutes".to_owned(), Shown::Plain))
        })?;
        let zone = self
            .optional("group_meeting.time_zone", |raw| {
                Zone::parse(raw).map_err(|_| {
                    (
                        "be an IANA time zone name, such as Europe/Moscow".to_owned(),
                        Shown::Plain,
                    )
                })
            })?
            .unwrap_or(organisation_zone);
        let invitations = self.parsed(
            "group_meeting.invitation",
            DEFAULT_GROUP_INVITATION,
            schedules,
        )?;
        let group_reminders = self.parsed(
            "group_meeting.reminders",
            DEFAULT_GROUP_REMINDERS,
            schedules,
        )?;
        let group_definition = GroupMeeting::new(
            &title,
            weekday,
            time,
            minutes,
            zone,
            invitations,
            group_reminders,
        )
        .map_err(|err| ConfigError::Invalid {
            key: "group_meeting".to_owned(),
            expected: format!("describe a weekly meeting ({err})"),
            got: Got(None),
            origin: self.origin_of("group_meeting.title"),
        })?;
        Ok(MeetingsConfig {
            reminders,
            cadence,
            group_meeting: enabled.then(|| group_definition.clone()),
            group_definition,
        })
    }

    fn calendar(&mut self) -> Result<CalendarConfig, ConfigError> {
        let kind = self.parsed("calendar.kind", "none", |raw| {
            match raw.to_lowercase().as_str() {
                "none" => Ok("none"),
                "google" => Ok("google"),
                "caldav" => Ok("caldav"),
                _ => Err(("be none, google or caldav".to_owned(), Shown::Plain)),
            }
        })?;
        // Every key is checked whatever the kind, so that a value which is
        // wrong today does not surface only when the kind is switched.
        let calendar_id = self.optional("calendar.calendar_id", |raw| {
            filled(
                raw,
                "be a calendar id, such as primary or team@group.calendar.google.com",
            )
        })?;
        let google_keys = GoogleKeys {
            key_file: self.optional("calendar.service_account_key", |raw| {
                filled(raw, "be the path of a service account key file (JSON)").map(PathBuf::from)
            })?,
            key_json: self.secret("calendar.service_account_json", check_service_account_json)?,
            subject: self.optional("calendar.subject", |raw| {
                email(raw).map_err(|expected| (expected, Shown::Plain))
            })?,
            client_id: self.optional("calendar.client_id", |raw| {
                filled(raw, "be an OAuth client id")
            })?,
            client_secret: self.secret("calendar.client_secret", check_filled)?,
            refresh_token: self.secret("calendar.refresh_token", check_filled)?,
        };
        let api_url = self.optional("calendar.api_url", |raw| {
            any_url(raw, "https://www.googleapis.com/calendar/v3/")
        })?;
        let token_url = self.optional("calendar.token_url", |raw| {
            any_url(raw, "https://oauth2.googleapis.com/token")
        })?;
        let meet_links = self.parsed("calendar.meet_links", "false", boolean)?;
        let url = self.optional("calendar.url", caldav_url)?;
        let discover = self.parsed("calendar.discover", "true", boolean)?;
        let username = self.optional("calendar.username", |raw| {
            filled(raw, "be the user name on the CalDAV server")
        })?;
        let password = self.secret("calendar.password", check_filled)?;
        match kind {
            "google" => {
                let because = "calendar.kind is google";
                let calendar_id =
                    calendar_id.ok_or_else(|| missing("calendar.calendar_id", because))?;
                let access = self.google_access(google_keys)?;
                Ok(CalendarConfig::Google(GoogleSettings {
                    calendar_id,
                    access,
                    api_url,
                    token_url,
                    meet_links,
                }))
            }
            "caldav" => {
                let because = "calendar.kind is caldav";
                Ok(CalendarConfig::CalDav(CalDavSettings {
                    url: url.ok_or_else(|| missing("calendar.url", because))?,
                    discover,
                    username: username.ok_or_else(|| missing("calendar.username", because))?,
                    password: password.ok_or_else(|| missing("calendar.password", because))?,
                }))
            }
            _ => Ok(CalendarConfig::None),
        }
    }

    /// The one way of signing in to Google that the keys describe.
    fn google_access(&self, keys: GoogleKeys) -> Result<GoogleAccess, ConfigError> {
        let conflict = |key: &str, other: &str, choice: &str| ConfigError::Invalid {
            key: key.to_owned(),
            expected: format!("not be set together with {other} ({choice})"),
            got: Got(None),
            origin: self.origin_of(key),
        };
        let either = "sign in with a service account key or with OAuth user credentials, not both";
        let user_key = [
            ("calendar.client_id", keys.client_id.is_some()),
            ("calendar.client_secret", keys.client_secret.is_some()),
            ("calendar.refresh_token", keys.refresh_token.is_some()),
        ]
        .into_iter()
        .find_map(|(key, set)| set.then_some(key));
        match (keys.key_file, keys.key_json, user_key) {
            (Some(_), Some(_), _) => Err(conflict(
                "calendar.service_account_json",
                "calendar.service_account_key",
                "one service account key, from a file or inline",
            )),
            (Some(_), None, Some(user)) => {
                Err(conflict(user, "calendar.service_account_key", either))
            }
            (None, Some(_), Some(user)) => {
                Err(conflict(user, "calendar.service_account_json", either))
            }
            (Some(path), None, None) => Ok(GoogleAccess::KeyFile {
                path,
                subject: keys.subject,
            }),
            (None, Some(json), None) => Ok(GoogleAccess::KeyJson {
                json,
                subject: keys.subject,
            }),
            (None, None, Some(user)) => {
                if keys.subject.is_some() {
                    return Err(ConfigError::Invalid {
                        key: "calendar.subject".to_owned(),
                        expected: "be set only with a service account key (OAuth user \
                                   credentials always act as their own user)"
                            .to_owned(),
                        got: Got(None),
                        origin: self.origin_of("calendar.subject"),
                    });
                }
                let because = format!("{user} is set");
                Ok(GoogleAccess::User {
                    client_id: keys
                        .client_id
                        .ok_or_else(|| missing("calendar.client_id", &because))?,
                    client_secret: keys
                        .client_secret
                        .ok_or_else(|| missing("calendar.client_secret", &because))?,
                    refresh_token: keys
                        .refresh_token
                        .ok_or_else(|| missing("calendar.refresh_token", &because))?,
                })
            }
            (None, None, None) => Err(missing(
                "calendar.service_account_key",
                "calendar.kind is google (or the key's JSON in GOOGLE_SERVICE_ACCOUNT_JSON, \
                 or OAuth user credentials: calendar.client_id, calendar.client_secret and \
                 calendar.refresh_token)",
            )),
        }
    }

    fn origin_of(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or_default()
    }

    fn lookup(&self, key: &str) -> Option<&Value> {
        let (section, name) = key.split_once('.')?;
        match &self.root.get(section)?.kind {
            ValueKind::Table(table) => table.get(name),
            _ => None,
        }
    }

    /// A single value as text; `None` when unset.
    fn raw(&mut self, key: &'static str) -> Result<Option<Raw>, ConfigError> {
        let Some(value) = self.lookup(key) else {
            return Ok(None);
        };
        let origin = Origin::of(value);
        let text = match &value.kind {
            ValueKind::Nil => return Ok(None),
            ValueKind::String(text) => text.clone(),
            ValueKind::Boolean(v) => v.to_string(),
            ValueKind::I64(v) => v.to_string(),
            ValueKind::I128(v) => v.to_string(),
            ValueKind::U64(v) => v.to_string(),
            ValueKind::U128(v) => v.to_string(),
            ValueKind::Float(v) => v.to_string(),
            ValueKind::Table(_) | ValueKind::Array(_) => {
                return Err(ConfigError::Invalid {
                    key: key.to_owned(),
                    expected: "be a single value, not a list or a table".to_owned(),
                    got: Got(None),
                    origin,
                });
            }
        };
        self.origins.insert(key, origin.clone());
        Ok(Some(Raw { text, origin }))
    }

    fn optional<T>(
        &mut self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, (String, Shown)>,
    ) -> Result<Option<T>, ConfigError> {
        let Some(raw) = self.raw(key)? else {
            return Ok(None);
        };
        parse(raw.text.trim())
            .map(Some)
            .map_err(|(expected, shown)| ConfigError::Invalid {
                key: key.to_owned(),
                expected,
                got: shown.show(&raw.text),
                origin: raw.origin,
            })
    }

    fn parsed<T>(
        &mut self,
        key: &'static str,
        default: &str,
        parse: impl Fn(&str) -> Result<T, (String, Shown)>,
    ) -> Result<T, ConfigError> {
        match self.optional(key, &parse)? {
            Some(value) => Ok(value),
            // The defaults are constants that pass their own checks (a test
            // loads an empty configuration to prove it).
            None => parse(default).map_err(|(expected, _)| ConfigError::Invalid {
                key: key.to_owned(),
                expected,
                got: Got(Some(default.to_owned())),
                origin: Origin::Default,
            }),
        }
    }

    fn secret(
        &mut self,
        key: &'static str,
        check: fn(&str) -> Result<(), String>,
    ) -> Result<Option<SecretString>, ConfigError> {
        self.optional(key, |raw| {
            check(raw)
                .map(|()| SecretString::from(raw.to_owned()))
                .map_err(|expected| (expected, Shown::Hidden))
        })
    }

    fn list<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Vec<T>, ConfigError> {
        let Some(value) = self.lookup(key) else {
            return Ok(Vec::new());
        };
        let origin = Origin::of(value);
        let items: Vec<String> = match &value.kind {
            ValueKind::Nil => Vec::new(),
            // From the environment a list is comma-separated: `1,2`.
            ValueKind::String(text) => text.split(',').map(|item| item.trim().to_owned()).collect(),
            ValueKind::Array(items) => items.iter().map(|item| scalar_text(&item.kind)).collect(),
            other => vec![scalar_text(other)],
        };
        self.origins.insert(key, origin.clone());
        items
            .iter()
            .filter(|item| !item.is_empty())
            .map(|item| {
                parse(item).map_err(|expected| ConfigError::Invalid {
                    key: key.to_owned(),
                    expected,
                    got: Got(Some(item.clone())),
                    origin: origin.clone(),
                })
            })
            .collect()
    }
}

/// How a bad value may be shown in an error.
#[derive(Debug, Clone, Copy)]
enum Shown {
    /// As it is.
    Plain,
    /// With any password replaced.
    Url,
    /// Not at all: it is a secret.
    Hidden,
}

impl Shown {
    fn show(self, raw: &str) -> Got {
        match self {
            Shown::Plain => Got(Some(raw.to_owned())),
            Shown::Url => Got(Some(redact_url(raw))),
            Shown::Hidden => Got(None),
        }
    }
}

fn scalar_text(kind: &ValueKind) -> String {
    match kind {
        ValueKind::String(text) => text.trim().to_owned(),
        ValueKind::Nil => String::new(),
        ValueKind::Boolean(v) => v.to_string(),
        ValueKind::I64(v) => v.to_string(),
        ValueKind::I128(v) => v.to_string(),
        ValueKind::U64(v) => v.to_string(),
        ValueKind::U128(v) => v.to_string(),
        ValueKind::Float(v) => v.to_string(),
        // Shown as-is so the error can say what was there instead of an item.
        ValueKind::Table(_) => "a table".to_owned(),
        ValueKind::Array(_) => "a list".to_owned(),
    }
}

fn http_url(raw: &str, https_only: bool) -> Result<String, String> {
    let has_host = |rest: &str| !rest.is_empty() && !rest.starts_with('/');
    if let Some(rest) = raw.strip_prefix("https://") {
        if has_host(rest) {
            return Ok(raw.trim_end_matches('/').to_owned());
        }
    } else if let Some(rest) = raw.strip_prefix("http://")
        && has_host(rest)
        && !https_only
    {
        return Ok(raw.trim_end_matches('/').to_owned());
    }
    Err(if https_only {
        "be an https:// URL (Telegram only calls HTTPS webhooks), such as https://bot.example.org/telegram".to_owned()
    } else {
        "be an http:// or https:// URL, such as https://api.telegram.org".to_owned()
    })
}

/// A bot token is `<bot id>:<secret>`; checking the shape catches a pasted
/// chat id or a truncated token at start-up instead of at the first request.
fn check_token(raw: &str) -> Result<(), String> {
    let shape_ok = raw.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if shape_ok {
        Ok(())
    } else {
        Err(
            "be a bot token as @BotFather gives it, digits:letters (the value is not shown)"
                .to_owned(),
        )
    }
}

/// Telegram accepts 1–256 characters from `A-Z a-z 0-9 _ -` as a secret token.
fn check_webhook_secret(raw: &str) -> Result<(), String> {
    let ok = (1..=256).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(
            "be 1 to 256 characters from A-Z, a-z, 0-9, _ and - (the value is not shown)"
                .to_owned(),
        )
    }
}

fn check_filter(raw: &str) -> Result<(), String> {
    EnvFilter::builder()
        .parse(raw)
        .map(drop)
        .map_err(|_| "be a log filter such as info, debug or meetbot=debug,info".to_owned())
}

/// The Google credential keys of `[calendar]` as read, before it is known
/// which one way of signing in they describe.
struct GoogleKeys {
    key_file: Option<PathBuf>,
    key_json: Option<SecretString>,
    subject: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    refresh_token: Option<SecretString>,
}

fn missing(key: &str, because: &str) -> ConfigError {
    ConfigError::Missing {
        key: key.to_owned(),
        because: because.to_owned(),
    }
}

/// A value that must not be empty (`key = ""` in the file).
fn filled(raw: &str, expected: &str) -> Result<String, (String, Shown)> {
    if raw.is_empty() {
        Err((expected.to_owned(), Shown::Plain))
    } else {
        Ok(raw.to_owned())
    }
}

/// A secret that must not be empty.
fn check_filled(raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        Err("not be empty".to_owned())
    } else {
        Ok(())
    }
}

/// A yes/no value: `true`, `yes`, `on`, `1` or `false`, `no`, `off`, `0`.
fn boolean(raw: &str) -> Result<bool, (String, Shown)> {
    match raw.to_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok(true),
        "false" | "no" | "off" | "0" => Ok(false),
        _ => Err(("be true or false".to_owned(), Shown::Plain)),
    }
}

fn email(raw: &str) -> Result<String, String> {
    let ok = raw.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.contains('@')
    }) && !raw.contains(char::is_whitespace);
    if ok {
        Ok(raw.to_owned())
    } else {
        Err("be the e-mail address of the user to act as, such as owner@example.org".to_owned())
    }
}

/// An http(s) URL such as `example`; a password in it is not shown.
fn any_url(raw: &str, example: &str) -> Result<String, (String, Shown)> {
    http_url(raw, false).map_err(|_| {
        (
            format!("be an http:// or https:// URL, such as {example}"),
            Shown::Url,
        )
    })
}

/// The CalDAV URL. Credentials belong in `calendar.username` and
/// `calendar.password`: in the URL they would be shown by `meetbot config`
/// and quoted in error messages and on `/health`.
fn caldav_url(raw: &str) -> Result<String, (String, Shown)> {
    let url = any_url(raw, "https://cloud.example.org/remote.php/dav")?;
    let after_scheme = url.split_once("://").map_or("", |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if authority.contains('@') {
        return Err((
            "not hold a user name or password (set calendar.username and calendar.password)"
                .to_owned(),
            Shown::Url,
        ));
    }
    Ok(url)
}

/// A service account key is a JSON object with these fields; checking them
/// here catches a pasted file name or a truncated key at start-up.
fn check_service_account_json(raw: &str) -> Result<(), String> {
    let key: Option<serde_json::Value> = serde_json::from_str(raw).ok();
    let field = |name: &str| {
        key.as_ref()
            .and_then(|key| key.get(name))
            .and_then(serde_json::Value::as_str)
            .is_some_and(|value| !value.is_empty())
    };
    let is_service_account = key
        .as_ref()
        .and_then(|key| key.get("type"))
        .is_some_and(|kind| kind == "service_account");
    if is_service_account && field("client_email") && field("private_key") {
        Ok(())
    } else {
        Err(
            "be the JSON of a Google service account key (type service_account, with \
             client_email and private_key; the value is not shown)"
                .to_owned(),
        )
    }
}

/// The lines of the private key in a service account key's JSON, for the
/// log layer: a message may quote the key with its newlines escaped or not,
/// but never without its base64 lines.
fn private_key_lines(json: &str) -> Vec<SecretString> {
    let key: Option<serde_json::Value> = serde_json::from_str(json).ok();
    let private_key = key
        .as_ref()
        .and_then(|key| key.get("private_key"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    private_key
        .lines()
        .map(str::trim)
        .filter(|line| line.len() >= 16 && !line.starts_with("-----"))
        .map(|line| SecretString::from(line.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Sources {
        Sources::new(ConfigFile::None, pairs.iter().map(|(k, v)| (*k, *v)))
    }

    fn load_env(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::load(&env(pairs))
    }

    fn with_file(
        toml: &str,
        pairs: &[(&str, &str)],
    ) -> (tempfile::TempDir, Result<Config, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meetbot.toml");
        std::fs::write(&path, toml).unwrap();
        let sources = Sources::new(
            ConfigFile::Required(path),
            pairs.iter().map(|(k, v)| (*k, *v)),
        );
        let loaded = Config::load(&sources);
        (dir, loaded)
    }

    fn error_of(result: Result<Config, ConfigError>) -> String {
        match result {
            Ok(config) => panic!("expected a configuration error, got {config:?}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn an_empty_configuration_gives_the_documented_defaults() {
        let config = load_env(&[]).unwrap();

        assert_eq!(
            config.database.url.expose(),
            "sqlite://data/meetbot.sqlite3"
        );
        assert_eq!(config.database.url.backend(), DatabaseBackend::Sqlite);
        assert!(config.telegram.token.is_none());
        assert_eq!(config.telegram.api_url, "https://api.telegram.org");
        assert!(config.telegram.owner_ids.is_empty());
        assert_eq!(config.telegram.mode, TelegramMode::Polling);
        assert!(config.telegram.webhook_url.is_none());
        assert!(config.telegram.webhook_secret.is_none());
        assert_eq!(config.http.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.organisation.time_zone.name(), "Europe/Moscow");
        assert!(config.organisation.departments.is_empty());
        assert_eq!(config.log.format, LogFormat::Text);
        assert_eq!(config.log.level, "info");
        assert_eq!(config.transport(), Transport::Console);
        assert_eq!(config.origin("database.url"), Origin::Default);
        assert_eq!(config.meetings.reminders.minutes(), [1440, 120, 60]);
        assert_eq!(config.meetings.cadence, Cadence::default());
        assert!(config.meetings.group_meeting.is_none());
        assert!(matches!(config.calendar, CalendarConfig::None));
    }

    #[test]
    fn the_group_meeting_and_cadence_are_read_and_rendered_back() {
        let config = load_env(&[
            ("MEETBOT__GROUP_MEETING__ENABLED", "true"),
            ("MEETBOT__GROUP_MEETING__WHEN", "thu 15:30"),
            (
                "MEETBOT__GROUP_MEETING__REMINDERS",
                "0 9 * * thu;0 15 * * thu",
            ),
            ("MEETBOT__CADENCE__EVERY_DAYS", "21"),
            ("MEETBOT__CADENCE__NUDGE_DAYS", "10,2"),
            ("MEETBOT__REMINDERS__OFFSETS", "15,1440"),
        ])
        .unwrap();
        let group = config.meetings.group_meeting.clone().unwrap();
        assert_eq!(group.when(), "thu 15:30");
        assert_eq!(group.zone().name(), "Europe/Moscow");
        assert_eq!(group.reminders().len(), 2);
        assert_eq!(config.meetings.cadence.every_days(), 21);
        assert_eq!(config.meetings.reminders.minutes(), [1440, 15]);
        let mut settings = Settings::default();
        config.meetings.apply(&mut settings);
        assert_eq!(settings.group_meeting, Some(group.clone()));

        let (_dir, reloaded) = with_file(&config.render(), &[]);
        let reloaded = reloaded.unwrap();
        assert_eq!(reloaded.meetings.group_meeting, Some(group));
        assert_eq!(reloaded.meetings.cadence, config.meetings.cadence);
        assert_eq!(reloaded.meetings.reminders, config.meetings.reminders);
    }

    #[test]
    fn a_bad_cron_expression_names_its_key() {
        let err = error_of(load_env(&[(
            "MEETBOT__GROUP_MEETING__INVITATION",
            "every monday",
        )]));
        assert!(
            err.starts_with("group_meeting.invitation must be cron"),
            "{err}"
        );
        assert!(err.contains("every monday"), "{err}");
    }

    #[test]
    fn a_missing_default_file_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let sources = Sources::new(
            ConfigFile::Optional(dir.path().join("meetbot.toml")),
            Vec::<(String, String)>::new(),
        );

        assert!(Config::load(&sources).is_ok());
    }

    #[test]
    fn a_missing_file_named_with_dash_dash_config_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere.toml");
        let sources = Sources::new(
            ConfigFile::Required(path.clone()),
            Vec::<(String, String)>::new(),
        );

        let message = error_of(Config::load(&sources));

        assert_eq!(
            message,
            format!(
                "cannot read the configuration file {}: no such file",
                path.display()
            )
        );
    }

    #[test]
    fn a_directory_given_as_the_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let sources = Sources::new(
            ConfigFile::Required(dir.path().to_path_buf()),
            Vec::<(String, String)>::new(),
        );

        let message = error_of(Config::load(&sources));

        assert!(
            message.starts_with("cannot read the configuration file"),
            "{message}"
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_an_error_on_one_line() {
        let (_dir, loaded) = with_file("[database\nurl = ", &[]);

        let message = error_of(loaded);

        assert!(message.contains("is not valid TOML"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    #[test]
    fn the_file_sets_every_key() {
        let toml = r#"
            [database]
            url = "postgres://meetbot:hunter2@db.internal:5432/meetbot"
            [telegram]
            token = "123456:ABC-def_ghi"
            api_url = "http://127.0.0.1:9000/"
            owner_ids = [111, 222]
            mode = "webhook"
            webhook_url = "https://bot.example.org/telegram"
            webhook_secret = "s3cr3t-token"
            [http]
            listen = "0.0.0.0:9090"
            [organisation]
            time_zone = "Europe/Berlin"
            departments = ["Sales", "R&D"]
            [log]
            format = "json"
            level = "meetbot=debug,info"
        "#;

        let (_dir, loaded) = with_file(toml, &[]);
        let config = loaded.unwrap();

        assert_eq!(config.database.url.backend(), DatabaseBackend::Postgres);
        assert_eq!(config.database.url.password(), Some("hunter2"));
        assert_eq!(
            config.telegram.token.as_ref().unwrap().expose_secret(),
            "123456:ABC-def_ghi"
        );
        assert_eq!(config.telegram.api_url, "http://127.0.0.1:9000");
        assert_eq!(config.telegram.owner_ids, vec![UserId(111), UserId(222)]);
        assert_eq!(
            config.transport(),
            Transport::Telegram(TelegramMode::Webhook)
        );
        assert_eq!(
            config.telegram.webhook_url.as_deref(),
            Some("https://bot.example.org/telegram")
        );
        assert_eq!(config.http.listen, "0.0.0.0:9090".parse().unwrap());
        assert_eq!(config.organisation.time_zone.name(), "Europe/Berlin");
        let departments: Vec<_> = config
            .organisation
            .departments
            .iter()
            .map(|d| d.as_str())
            .collect();
        assert_eq!(departments, ["Sales", "R&D"]);
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(config.log.level, "meetbot=debug,info");
        assert!(matches!(config.origin("http.listen"), Origin::File(_)));
    }

    #[test]
    fn meetbot_variables_override_the_file() {
        let toml = "[database]\nurl = \"sqlite://from-file.sqlite3\"\n[log]\nlevel = \"debug\"\n";

        let (_dir, loaded) = with_file(
            toml,
            &[("MEETBOT__DATABASE__URL", "sqlite://from-env.sqlite3")],
        );
        let config = loaded.unwrap();

        assert_eq!(config.database.url.expose(), "sqlite://from-env.sqlite3");
        assert_eq!(
            config.origin("database.url"),
            Origin::Env("MEETBOT__DATABASE__URL".into())
        );
        assert_eq!(
            config.log.level, "debug",
            "keys the environment does not set keep the file's value"
        );
    }

    #[test]
    fn common_names_override_the_file() {
        let toml = "[database]\nurl = \"sqlite://from-file.sqlite3\"\n";

        let (_dir, loaded) = with_file(
            toml,
            &[
                ("DATABASE_URL", "postgresql://localhost/meetbot"),
                ("TELEGRAM_BOT_TOKEN", "42:token"),
                ("WEBHOOK_URL", "https://bot.example.org/hook"),
            ],
        );
        let config = loaded.unwrap();

        assert_eq!(
            config.database.url.expose(),
            "postgresql://localhost/meetbot"
        );
        assert_eq!(
            config.telegram.token.as_ref().unwrap().expose_secret(),
            "42:token"
        );
        assert_eq!(
            config.telegram.webhook_url.as_deref(),
            Some("https://bot.example.org/hook")
        );
        assert_eq!(
            config.origin("telegram.token"),
            Origin::Env("TELEGRAM_BOT_TOKEN".into())
        );
    }

    #[test]
    fn a_meetbot_variable_wins_over_the_common_name_for_the_same_key() {
        let config = load_env(&[
            ("DATABASE_URL", "postgres://elsewhere/other"),
            ("MEETBOT__DATABASE__URL", "sqlite://mine.sqlite3"),
            ("TELEGRAM_BOT_TOKEN", "1:generic"),
            ("MEETBOT__TELEGRAM__TOKEN", "2:specific"),
        ])
        .unwrap();

        assert_eq!(config.database.url.expose(), "sqlite://mine.sqlite3");
        assert_eq!(config.telegram.token.unwrap().expose_secret(), "2:specific");
    }

    #[test]
    fn an_empty_variable_counts_as_unset() {
        let config = load_env(&[("TELEGRAM_BOT_TOKEN", ""), ("DATABASE_URL", "")]).unwrap();

        assert!(config.telegram.token.is_none());
        assert_eq!(config.database.url.expose(), DEFAULT_DATABASE_URL);
    }

    #[test]
    fn owner_ids_come_from_the_environment_comma_separated() {
        let config = load_env(&[("MEETBOT__TELEGRAM__OWNER_IDS", "1, 2,-1003")]).unwrap();

        assert_eq!(
            config.telegram.owner_ids,
            vec![UserId(1), UserId(2), UserId(-1003)]
        );
    }

    #[test]
    fn departments_come_from_the_environment_comma_separated() {
        let config = load_env(&[("MEETBOT__ORGANISATION__DEPARTMENTS", "Sales,Support")]).unwrap();

        let departments: Vec<_> = config
            .organisation
            .departments
            .iter()
            .map(|d| d.as_str())
            .collect();
        assert_eq!(departments, ["Sales", "Support"]);
    }

    #[test]
    fn an_unknown_database_scheme_is_refused_with_the_key_and_the_value() {
        let message = error_of(load_env(&[("MEETBOT__DATABASE__URL", "mysql://x")]));

        assert_eq!(
            message,
            "database.url must start with sqlite:// or postgres://, got \"mysql://x\" \
             (from environment variable MEETBOT__DATABASE__URL)"
        );
    }

    #[test]
    fn a_refused_database_url_does_not_show_its_password() {
        let message = error_of(load_env(&[("DATABASE_URL", "mysql://root:hunter2@db/x")]));

        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("mysql://root:***@db/x"), "{message}");
    }

    #[test]
    fn a_listen_address_that_is_not_one_is_refused() {
        let (_dir, loaded) = with_file("[http]\nlisten = \"nope\"\n", &[]);

        let message = error_of(loaded);

        assert!(
            message
                .starts_with("http.listen must be an IP address and port, such as 127.0.0.1:8080"),
            "{message}"
        );
        assert!(message.contains("got \"nope\""), "{message}");
        assert!(message.contains("(in "), "{message}");
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let message = error_of(load_env(&[(
            "MEETBOT__ORGANISATION__TIME_ZONE",
            "Mars/Base",
        )]));

        assert!(
            message.starts_with("organisation.time_zone must be an IANA time zone name"),
            "{message}"
        );
        assert!(message.contains("got \"Mars/Base\""), "{message}");
    }

    #[test]
    fn an_unknown_telegram_mode_is_refused() {
        let message = error_of(load_env(&[("MEETBOT__TELEGRAM__MODE", "carrier-pigeon")]));

        assert_eq!(
            message,
            "telegram.mode must be polling or webhook, got \"carrier-pigeon\" \
             (from environment variable MEETBOT__TELEGRAM__MODE)"
        );
    }

    #[test]
    fn owner_ids_that_are_not_integers_are_refused() {
        let from_env = error_of(load_env(&[("MEETBOT__TELEGRAM__OWNER_IDS", "1,alice")]));
        let (_dir, from_file) = with_file("[telegram]\nowner_ids = [1, 2.5]\n", &[]);
        let from_file = error_of(from_file);

        assert!(
            from_env.starts_with("telegram.owner_ids must be a list of Telegram user ids"),
            "{from_env}"
        );
        assert!(from_env.contains("got \"alice\""), "{from_env}");
        assert!(from_file.contains("got \"2.5\""), "{from_file}");
    }

    #[test]
    fn webhook_mode_without_a_secret_is_refused() {
        let message = error_of(load_env(&[
            ("TELEGRAM_BOT_TOKEN", "1:abc"),
            ("MEETBOT__TELEGRAM__MODE", "webhook"),
            ("WEBHOOK_URL", "https://bot.example.org/hook"),
        ]));

        assert_eq!(
            message,
            "telegram.webhook_secret is required when telegram.mode is webhook"
        );
    }

    #[test]
    fn webhook_mode_without_a_url_or_a_token_is_refused() {
        let no_url = error_of(load_env(&[
            ("TELEGRAM_BOT_TOKEN", "1:abc"),
            ("MEETBOT__TELEGRAM__MODE", "webhook"),
            ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", "abc"),
        ]));
        let no_token = error_of(load_env(&[("MEETBOT__TELEGRAM__MODE", "webhook")]));

        assert_eq!(
            no_url,
            "telegram.webhook_url is required when telegram.mode is webhook"
        );
        assert_eq!(
            no_token,
            "telegram.token is required when telegram.mode is webhook"
        );
    }

    #[test]
    fn a_webhook_url_must_be_https() {
        let message = error_of(load_env(&[("WEBHOOK_URL", "http://bot.example.org/hook")]));

        assert!(
            message.starts_with("telegram.webhook_url must be an https:// URL"),
            "{message}"
        );
    }

    #[test]
    fn a_malformed_token_is_refused_without_being_shown() {
        let message = error_of(load_env(&[("TELEGRAM_BOT_TOKEN", "not a token canary-77")]));

        assert!(
            message.starts_with("telegram.token must be a bot token"),
            "{message}"
        );
        assert!(!message.contains("canary-77"), "{message}");
    }

    #[test]
    fn a_malformed_webhook_secret_is_refused_without_being_shown() {
        let message = error_of(load_env(&[(
            "MEETBOT__TELEGRAM__WEBHOOK_SECRET",
            "has spaces canary-78",
        )]));

        assert!(
            message.starts_with("telegram.webhook_secret must be"),
            "{message}"
        );
        assert!(!message.contains("canary-78"), "{message}");
    }

    #[test]
    fn an_unknown_log_format_or_level_is_refused() {
        let format = error_of(load_env(&[("MEETBOT__LOG__FORMAT", "xml")]));
        let level = error_of(load_env(&[("MEETBOT__LOG__LEVEL", "meetbot=loud")]));

        assert!(
            format.starts_with("log.format must be text or json, got \"xml\""),
            "{format}"
        );
        assert!(
            level.starts_with("log.level must be a log filter"),
            "{level}"
        );
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_origin() {
        let from_env = error_of(load_env(&[("MEETBOT__DATABASE__URLL", "sqlite://x")]));
        let (_dir, from_file) = with_file("[telegram]\ntoken = \"1:a\"\nowners = [1]\n", &[]);
        let from_file = error_of(from_file);

        assert!(
            from_env.starts_with(
                "unknown configuration key database.urll (from environment variable MEETBOT__DATABASE__URLL)"
            ),
            "{from_env}"
        );
        assert!(
            from_file.starts_with("unknown configuration key telegram.owners (in "),
            "{from_file}"
        );
    }

    #[test]
    fn a_section_that_is_not_a_table_is_refused() {
        let (_dir, loaded) = with_file("database = \"sqlite://x\"\n", &[]);

        let message = error_of(loaded);

        assert!(
            message.starts_with("database must be a section"),
            "{message}"
        );
    }

    #[test]
    fn a_list_where_a_single_value_belongs_is_refused() {
        let (_dir, loaded) = with_file("[http]\nlisten = [\"127.0.0.1:1\"]\n", &[]);

        let message = error_of(loaded);

        assert!(
            message.starts_with("http.listen must be a single value, not a list or a table"),
            "{message}"
        );
    }

    #[test]
    fn secrets_never_appear_in_debug_or_render() {
        let config = load_env(&[
            ("TELEGRAM_BOT_TOKEN", "123456:CANARYTOKENCANARYTOKEN"),
            ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", "CANARYSECRET"),
            (
                "DATABASE_URL",
                "postgres://meetbot:CANARYPASSWORD@db/meetbot?password=CANARYPASSWORD",
            ),
        ])
        .unwrap();

        let debug = format!("{config:?}");
        let rendered = config.render();

        for shown in [&debug, &rendered] {
            assert!(!shown.contains("CANARY"), "{shown}");
        }
        assert!(
            rendered.contains("token = \"[redacted]\"  # env TELEGRAM_BOT_TOKEN"),
            "{rendered}"
        );
        assert!(
            rendered.contains("url = \"postgres://meetbot:***@db/meetbot?password=***\""),
            "{rendered}"
        );
        assert_eq!(config.secrets().len(), 3);
    }

    #[test]
    fn the_rendered_configuration_is_toml_that_loads_back() {
        let config = load_env(&[
            ("MEETBOT__TELEGRAM__OWNER_IDS", "7,8"),
            ("MEETBOT__ORGANISATION__DEPARTMENTS", "Sales \"North\""),
        ])
        .unwrap();

        let (_dir, reloaded) = with_file(&config.render(), &[]);
        let reloaded = reloaded.unwrap();

        assert_eq!(reloaded.telegram.owner_ids, config.telegram.owner_ids);
        assert_eq!(
            reloaded.organisation.departments,
            config.organisation.departments
        );
        assert_eq!(reloaded.http.listen, config.http.listen);
    }

    #[test]
    fn a_polling_bot_with_a_webhook_url_gets_a_warning() {
        let config = load_env(&[("WEBHOOK_URL", "https://bot.example.org/hook")]).unwrap();

        assert_eq!(config.warnings().len(), 1);
    }

    /// A service account key's shape, with a private key that is only a canary.
    const KEY_JSON: &str = r#"{"type": "service_account", "client_email": "meetbot@project.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nCANARYKEYLINECANARYKEYLINECANARYKEYLINE\n-----END PRIVATE KEY-----\n"}"#;

    #[test]
    fn a_full_google_configuration_with_a_key_file_loads_into_the_google_variant() {
        let toml = r#"
            [calendar]
            kind = "google"
            calendar_id = "team@group.calendar.google.com"
            service_account_key = "secrets/google-key.json"
            subject = "owner@example.org"
            api_url = "http://127.0.0.1:9001/calendar/v3/"
            token_url = "http://127.0.0.1:9001/token"
            meet_links = true
        "#;

        let (_dir, loaded) = with_file(toml, &[]);
        let config = loaded.unwrap();

        let CalendarConfig::Google(google) = &config.calendar else {
            panic!("expected Google, got {:?}", config.calendar);
        };
        assert_eq!(google.calendar_id, "team@group.calendar.google.com");
        assert!(matches!(
            &google.access,
            GoogleAccess::KeyFile { path, subject }
                if path == Path::new("secrets/google-key.json")
                    && subject.as_deref() == Some("owner@example.org")
        ));
        assert_eq!(
            google.api_url.as_deref(),
            Some("http://127.0.0.1:9001/calendar/v3")
        );
        assert_eq!(
            google.token_url.as_deref(),
            Some("http://127.0.0.1:9001/token")
        );
        assert!(google.meet_links);
        assert_eq!(config.calendar.kind(), "google");
        assert!(config.warnings().is_empty(), "{:?}", config.warnings());
    }

    #[test]
    fn a_google_key_in_google_service_account_json_is_used_inline() {
        let config = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
        ])
        .unwrap();

        let CalendarConfig::Google(google) = &config.calendar else {
            panic!("expected Google, got {:?}", config.calendar);
        };
        assert!(matches!(
            &google.access,
            GoogleAccess::KeyJson { json, subject: None } if json.expose_secret() == KEY_JSON
        ));
        assert!(google.api_url.is_none() && google.token_url.is_none());
        assert!(!google.meet_links);
        assert_eq!(
            config.origin("calendar.service_account_json"),
            Origin::Env("GOOGLE_SERVICE_ACCOUNT_JSON".into())
        );
    }

    #[test]
    fn google_oauth_user_credentials_load_into_the_user_variant() {
        let config = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "MEETBOT__CALENDAR__CLIENT_ID",
                "123.apps.googleusercontent.com",
            ),
            ("MEETBOT__CALENDAR__CLIENT_SECRET", "client-secret"),
            ("MEETBOT__CALENDAR__REFRESH_TOKEN", "refresh-token"),
        ])
        .unwrap();

        let CalendarConfig::Google(google) = &config.calendar else {
            panic!("expected Google, got {:?}", config.calendar);
        };
        let GoogleAccess::User {
            client_id,
            client_secret,
            refresh_token,
        } = &google.access
        else {
            panic!("expected user credentials, got {:?}", google.access);
        };
        assert_eq!(client_id, "123.apps.googleusercontent.com");
        assert_eq!(client_secret.expose_secret(), "client-secret");
        assert_eq!(refresh_token.expose_secret(), "refresh-token");
    }

    #[test]
    fn a_full_caldav_configuration_loads_into_the_caldav_variant() {
        let toml = r#"
            [calendar]
            kind = "caldav"
            url = "https://cloud.example.org/remote.php/dav/calendars/owner/work/"
            discover = false
            username = "owner"
            password = "app-password"
        "#;

        let (_dir, loaded) = with_file(toml, &[]);
        let config = loaded.unwrap();

        let CalendarConfig::CalDav(caldav) = &config.calendar else {
            panic!("expected CalDAV, got {:?}", config.calendar);
        };
        assert_eq!(
            caldav.url,
            "https://cloud.example.org/remote.php/dav/calendars/owner/work"
        );
        assert!(!caldav.discover);
        assert_eq!(caldav.username, "owner");
        assert_eq!(caldav.password.expose_secret(), "app-password");
        assert_eq!(config.calendar.kind(), "caldav");
    }

    #[test]
    fn caldav_discovers_the_calendar_unless_told_otherwise() {
        let config = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "CalDAV"),
            ("MEETBOT__CALENDAR__URL", "http://127.0.0.1:5232"),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
            ("MEETBOT__CALENDAR__PASSWORD", "pw"),
        ])
        .unwrap();

        assert!(matches!(&config.calendar, CalendarConfig::CalDav(c) if c.discover));
    }

    #[test]
    fn an_unknown_calendar_kind_is_refused() {
        let message = error_of(load_env(&[("MEETBOT__CALENDAR__KIND", "outlook")]));

        assert_eq!(
            message,
            "calendar.kind must be none, google or caldav, got \"outlook\" \
             (from environment variable MEETBOT__CALENDAR__KIND)"
        );
    }

    #[test]
    fn google_without_a_calendar_id_is_refused() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
        ]));

        assert_eq!(
            message,
            "calendar.calendar_id is required when calendar.kind is google"
        );
    }

    #[test]
    fn google_without_any_credentials_is_refused() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
        ]));

        assert!(
            message.starts_with(
                "calendar.service_account_key is required when calendar.kind is google (or"
            ),
            "{message}"
        );
        assert!(message.contains("GOOGLE_SERVICE_ACCOUNT_JSON"), "{message}");
        assert!(message.contains("calendar.refresh_token"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    #[test]
    fn google_with_both_a_key_and_user_credentials_is_refused() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", "key.json"),
            ("MEETBOT__CALENDAR__REFRESH_TOKEN", "CANARYREFRESH"),
        ]));

        assert_eq!(
            message,
            "calendar.refresh_token must not be set together with calendar.service_account_key \
             (sign in with a service account key or with OAuth user credentials, not both) \
             (from environment variable MEETBOT__CALENDAR__REFRESH_TOKEN)"
        );
    }

    #[test]
    fn a_key_file_and_an_inline_key_together_are_refused() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY", "key.json"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
        ]));

        assert!(
            message.starts_with(
                "calendar.service_account_json must not be set together with \
                 calendar.service_account_key"
            ),
            "{message}"
        );
        assert!(
            message.ends_with("(from environment variable GOOGLE_SERVICE_ACCOUNT_JSON)"),
            "{message}"
        );
        assert!(!message.contains("CANARY"), "{message}");
    }

    #[test]
    fn incomplete_user_credentials_name_the_missing_key() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "MEETBOT__CALENDAR__CLIENT_ID",
                "123.apps.googleusercontent.com",
            ),
            ("MEETBOT__CALENDAR__REFRESH_TOKEN", "refresh-token"),
        ]));

        assert_eq!(
            message,
            "calendar.client_secret is required when calendar.client_id is set"
        );
    }

    #[test]
    fn a_subject_with_user_credentials_is_refused() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "MEETBOT__CALENDAR__CLIENT_ID",
                "123.apps.googleusercontent.com",
            ),
            ("MEETBOT__CALENDAR__CLIENT_SECRET", "client-secret"),
            ("MEETBOT__CALENDAR__REFRESH_TOKEN", "refresh-token"),
            ("MEETBOT__CALENDAR__SUBJECT", "owner@example.org"),
        ]));

        assert!(
            message.starts_with("calendar.subject must be set only with a service account key"),
            "{message}"
        );
    }

    #[test]
    fn caldav_without_its_url_user_name_or_password_is_refused() {
        let url = ("MEETBOT__CALENDAR__URL", "https://dav.example.org/");
        let user = ("MEETBOT__CALENDAR__USERNAME", "owner");
        let kind = ("MEETBOT__CALENDAR__KIND", "caldav");

        let no_url = error_of(load_env(&[kind, user]));
        let no_user = error_of(load_env(&[kind, url]));
        let no_password = error_of(load_env(&[kind, url, user]));

        assert_eq!(
            no_url,
            "calendar.url is required when calendar.kind is caldav"
        );
        assert_eq!(
            no_user,
            "calendar.username is required when calendar.kind is caldav"
        );
        assert_eq!(
            no_password,
            "calendar.password is required when calendar.kind is caldav"
        );
    }

    #[test]
    fn malformed_calendar_urls_and_booleans_are_refused_with_their_key() {
        let url = error_of(load_env(&[("MEETBOT__CALENDAR__URL", "dav.example.org")]));
        let api_url = error_of(load_env(&[("MEETBOT__CALENDAR__API_URL", "ftp://x")]));
        let token_url = error_of(load_env(&[("MEETBOT__CALENDAR__TOKEN_URL", "token")]));
        let discover = error_of(load_env(&[("MEETBOT__CALENDAR__DISCOVER", "maybe")]));
        let (_dir, meet_links) = with_file("[calendar]\nmeet_links = 2\n", &[]);
        let meet_links = error_of(meet_links);
        let subject = error_of(load_env(&[("MEETBOT__CALENDAR__SUBJECT", "owner")]));

        assert_eq!(
            url,
            "calendar.url must be an http:// or https:// URL, such as \
             https://cloud.example.org/remote.php/dav, got \"dav.example.org\" \
             (from environment variable MEETBOT__CALENDAR__URL)"
        );
        assert!(
            api_url.starts_with("calendar.api_url must be an http:// or https:// URL"),
            "{api_url}"
        );
        assert!(
            token_url.starts_with("calendar.token_url must be an http:// or https:// URL"),
            "{token_url}"
        );
        assert_eq!(
            discover,
            "calendar.discover must be true or false, got \"maybe\" \
             (from environment variable MEETBOT__CALENDAR__DISCOVER)"
        );
        assert!(
            meet_links.starts_with("calendar.meet_links must be true or false, got \"2\" (in "),
            "{meet_links}"
        );
        assert!(
            subject.starts_with("calendar.subject must be the e-mail address"),
            "{subject}"
        );
    }

    #[test]
    fn a_caldav_url_with_credentials_in_it_is_refused_without_showing_the_password() {
        let message = error_of(load_env(&[(
            "MEETBOT__CALENDAR__URL",
            "https://owner:CANARYPW@dav.example.org/",
        )]));

        assert!(
            message.starts_with("calendar.url must not hold a user name or password"),
            "{message}"
        );
        assert!(!message.contains("CANARY"), "{message}");
    }

    #[test]
    fn an_inline_key_that_is_not_a_service_account_key_is_refused_unseen() {
        let message = error_of(load_env(&[(
            "GOOGLE_SERVICE_ACCOUNT_JSON",
            r#"{"type": "authorized_user", "client_secret": "CANARY"}"#,
        )]));

        assert_eq!(
            message,
            "calendar.service_account_json must be the JSON of a Google service account key \
             (type service_account, with client_email and private_key; the value is not shown) \
             (from environment variable GOOGLE_SERVICE_ACCOUNT_JSON)"
        );
    }

    #[test]
    fn calendar_secrets_never_appear_in_debug_or_render_and_are_redacted_in_logs() {
        let inline = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
        ])
        .unwrap();
        let user = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "MEETBOT__CALENDAR__CLIENT_ID",
                "123.apps.googleusercontent.com",
            ),
            ("MEETBOT__CALENDAR__CLIENT_SECRET", "CANARYCLIENTSECRET"),
            ("MEETBOT__CALENDAR__REFRESH_TOKEN", "CANARYREFRESHTOKEN"),
        ])
        .unwrap();
        let caldav = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "caldav"),
            ("MEETBOT__CALENDAR__URL", "https://dav.example.org/"),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
            ("MEETBOT__CALENDAR__PASSWORD", "CANARYPASSWORD"),
        ])
        .unwrap();

        for config in [&inline, &user, &caldav] {
            let debug = format!("{config:?}");
            let rendered = config.render();
            for shown in [&debug, &rendered] {
                assert!(!shown.contains("CANARY"), "{shown}");
            }
        }
        assert!(
            inline.render().contains(
                "service_account_json = \"[redacted]\"  # env GOOGLE_SERVICE_ACCOUNT_JSON"
            ),
            "{}",
            inline.render()
        );
        assert!(
            user.render()
                .contains("refresh_token = \"[redacted]\"  # env MEETBOT__CALENDAR__REFRESH_TOKEN"),
            "{}",
            user.render()
        );
        assert!(
            caldav.render().contains("password = \"[redacted]\""),
            "{}",
            caldav.render()
        );
        let exposed = |config: &Config| -> Vec<String> {
            config
                .secrets()
                .iter()
                .map(|s| s.expose_secret().to_owned())
                .collect()
        };
        assert!(exposed(&inline).contains(&KEY_JSON.to_owned()));
        assert!(exposed(&inline).contains(&"CANARYKEYLINECANARYKEYLINECANARYKEYLINE".to_owned()));
        assert_eq!(exposed(&user), ["CANARYCLIENTSECRET", "CANARYREFRESHTOKEN"]);
        assert_eq!(exposed(&caldav), ["CANARYPASSWORD"]);
    }

    #[test]
    fn the_rendered_calendar_configuration_loads_back() {
        let config = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "MEETBOT__CALENDAR__SERVICE_ACCOUNT_KEY",
                "/etc/meetbot/key.json",
            ),
            ("MEETBOT__CALENDAR__MEET_LINKS", "yes"),
        ])
        .unwrap();

        let rendered = config.render();
        let (_dir, reloaded) = with_file(&rendered, &[]);
        let reloaded = reloaded.unwrap();

        assert!(
            rendered.contains("\n[calendar]\nkind = \"google\"  # env MEETBOT__CALENDAR__KIND\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains("# client_secret is not set"),
            "{rendered}"
        );
        let CalendarConfig::Google(google) = reloaded.calendar else {
            panic!("expected Google, got {:?}", reloaded.calendar);
        };
        assert!(matches!(
            google.access,
            GoogleAccess::KeyFile { path, subject: None } if path == Path::new("/etc/meetbot/key.json")
        ));
        assert!(google.meet_links);
    }

    #[test]
    fn calendar_keys_of_another_kind_get_a_warning() {
        let none = load_env(&[("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON)]).unwrap();
        let google = load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
        ])
        .unwrap();

        assert_eq!(
            none.warnings(),
            [
                "calendar.service_account_json is set (from environment variable \
              GOOGLE_SERVICE_ACCOUNT_JSON) but calendar.kind is none, so it is not used"
            ]
        );
        assert_eq!(
            google.warnings(),
            [
                "calendar.username is set (from environment variable MEETBOT__CALENDAR__USERNAME) \
              but calendar.kind is google, so it is not used"
            ]
        );
    }
}
