//! meetbot's configuration: defaults, an optional `meetbot.toml`, and the
//! environment, merged in that order and checked before anything starts.
//!
//! Each adapter owns the type of its section and checks it; this module
//! only holds the sections that belong to no adapter (`[http]`,
//! `[organisation]`, the meeting defaults, `[backup]`, `[log]`) and puts the whole
//! together. A bad setting stops start-up with every problem listed at
//! once, each naming its key, what is expected and where the bad value came
//! from. Secrets serialise as `"[redacted]"`, so neither `Debug` nor
//! [`Config::render`] can print them.

mod backup;
mod calendar;
mod error;
mod lists;
mod meetings;
mod render;
mod sources;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;

use meetbot_domain::{Department, Email, Zone};
use secrecy::SecretString;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

pub use backup::BackupConfig;
pub use calendar::CalendarConfig;
pub use error::{ConfigError, ConfigErrors, Got, Origin};
pub use meetbot_speech::SpeechConfig;
pub use meetbot_storage::StorageConfig;
pub use meetbot_storage::config::{DEFAULT_DATABASE_URL, DatabaseBackend, DatabaseUrl};
pub use meetbot_telegram::config::{
    DEFAULT_API_URL as DEFAULT_TELEGRAM_API_URL, TelegramConfig, TelegramMode,
};
pub use meetings::{CadenceConfig, GroupMeetingConfig, MeetingsConfig, RemindersConfig};
pub use sources::{ConfigFile, DEFAULT_CONFIG_FILE, ENV_PREFIX, Sources};

/// Where the HTTP endpoints listen unless told otherwise.
pub const DEFAULT_HTTP_LISTEN: &str = "127.0.0.1:8080";
/// The organisation's default time zone.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";
/// The default log filter.
pub const DEFAULT_LOG_LEVEL: &str = "info";
/// What secrets are replaced with wherever they would be shown.
pub use meetbot_ports::config::REDACTED;

/// The whole, validated configuration. Its sections serialise in the order
/// `meetbot config` shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// `[database]`
    pub database: StorageConfig,
    /// `[telegram]`
    pub telegram: TelegramConfig,
    /// `[http]`
    pub http: HttpConfig,
    /// `[organisation]`
    pub organisation: OrganisationConfig,
    /// `[reminders]`
    pub reminders: RemindersConfig,
    /// `[cadence]`
    pub cadence: CadenceConfig,
    /// `[group_meeting]`
    pub group_meeting: GroupMeetingConfig,
    /// `[calendar]`
    pub calendar: CalendarConfig,
    /// `[speech]`: voice messages are transcribed when its URL is set.
    pub speech: SpeechConfig,
    /// `[backup]`: scheduled copies of the SQLite database.
    pub backup: BackupConfig,
    /// `[log]`
    pub log: LogConfig,
    /// `[reminders]`, `[cadence]` and `[group_meeting]` as the domain's
    /// values: the defaults of the meeting settings (the owner's saved
    /// settings win over them).
    #[serde(skip)]
    pub meetings: MeetingsConfig,
    /// Where each key's value came from, for `meetbot config`.
    #[serde(skip)]
    origins: BTreeMap<String, Origin>,
    /// Values read but not used, one sentence each.
    #[serde(skip)]
    unused: Vec<String>,
}

/// `[http]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// `http.listen`: the address the HTTP endpoints listen on.
    #[serde(deserialize_with = "listen")]
    pub listen: SocketAddr,
    /// `http.public_url`: where the HTTP endpoints are reached from outside
    /// (`https://bot.example.org`), for the addresses of calendar feeds;
    /// without it, `/feed` says feeds are not set up.
    #[serde(default, deserialize_with = "public_url")]
    pub public_url: Option<String>,
    /// `http.metrics_token`: when set, `/metrics` answers only requests
    /// that carry `Authorization: Bearer <token>`.
    #[serde(
        default,
        deserialize_with = "metrics_token",
        serialize_with = "meetbot_ports::config::redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub metrics_token: Option<SecretString>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            metrics_token: None,
        }
    }
}

/// A bearer token: 16 to 256 visible ASCII characters, so that it fits an
/// HTTP header and is not guessed.
fn metrics_token<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    let ok = (16..=256).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(Some(SecretString::from(raw)))
    } else {
        Err(de::Error::custom(
            "be 16 to 256 visible ASCII characters without spaces (the value is not shown)",
        ))
    }
}

/// `[organisation]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrganisationConfig {
    /// `organisation.time_zone`: the owner's IANA time zone.
    #[serde(deserialize_with = "zone", serialize_with = "zone_name")]
    pub time_zone: Zone,
    /// `organisation.departments`: the departments people can pick from.
    #[serde(deserialize_with = "departments")]
    pub departments: Vec<Department>,
    /// `organisation.owner_email`: the owner's address as the organizer of
    /// the invitations (.ics) people get; without it, the one in the
    /// owner's profile.
    pub owner_email: Option<Email>,
}

impl Default for OrganisationConfig {
    fn default() -> Self {
        Self {
            time_zone: Zone::moscow(),
            departments: Vec::new(),
            owner_email: None,
        }
    }
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `log.format`: human-readable lines or JSON objects.
    pub format: LogFormat,
    /// `log.level`: an `EnvFilter` directive such as `info` or
    /// `meetbot=debug,info`; `RUST_LOG` overrides it.
    #[serde(deserialize_with = "log_level")]
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            level: DEFAULT_LOG_LEVEL.to_owned(),
        }
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
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

impl TryFrom<String> for LogFormat {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.trim().to_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("be text or json, got {raw:?}")),
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
    /// built-in defaults, then the file, then the common variables
    /// (`DATABASE_URL`, `TELEGRAM_BOT_TOKEN` ...), then
    /// `MEETBOT__SECTION__KEY`. Every problem found is returned at once.
    pub fn load(sources: &Sources) -> Result<Config, ConfigErrors> {
        sources::load(sources)
    }

    /// The chat transport this configuration selects.
    pub fn transport(&self) -> Transport {
        match self.telegram.token {
            Some(_) => Transport::Telegram(self.telegram.mode),
            None => Transport::Console,
        }
    }

    /// Where a key's value came from (`Origin::Default` for unset keys).
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or_default()
    }

    /// Settings that are valid but probably not what was meant, one sentence
    /// each, for the start-up log.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.telegram.warnings();
        warnings.extend(self.unused.iter().cloned());
        warnings
    }

    /// The secrets in this configuration, for the log layer to redact.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = self
            .telegram
            .token
            .iter()
            .chain(self.telegram.webhook_secret.iter())
            .chain(self.http.metrics_token.iter())
            .cloned()
            .collect();
        if let Some(password) = self.database.url.password() {
            secrets.push(SecretString::from(password.to_owned()));
        }
        secrets.extend(self.calendar.secrets());
        secrets.extend(self.speech.api_key.iter().cloned());
        secrets
    }
}

fn public_url<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    meetbot_ports::config::http_url(&raw)
        .filter(|url| url.query().is_none() && url.fragment().is_none())
        .map(|url| Some(url.as_str().trim_end_matches('/').to_owned()))
        .ok_or_else(|| {
            de::Error::custom(format!(
                "be an http:// or https:// URL, such as https://bot.example.org, got {raw:?}"
            ))
        })
}

fn listen<'de, D: Deserializer<'de>>(de: D) -> Result<SocketAddr, D::Error> {
    let raw = String::deserialize(de)?;
    raw.trim().parse().map_err(|_| {
        de::Error::custom(format!(
            "be an IP address and port, such as 127.0.0.1:8080 or [::]:8080, got {raw:?}"
        ))
    })
}

fn zone<'de, D: Deserializer<'de>>(de: D) -> Result<Zone, D::Error> {
    let raw = String::deserialize(de)?;
    Zone::parse(raw.trim()).map_err(|_| {
        de::Error::custom(format!(
            "be an IANA time zone name, such as Europe/Moscow or America/New_York, got {raw:?}"
        ))
    })
}

fn zone_name<S: serde::Serializer>(zone: &Zone, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(zone.name())
}

fn departments<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Department>, D::Error> {
    meetbot_ports::config::text_list_items(de)?
        .iter()
        .map(|item| {
            Department::new(item).map_err(|err| {
                de::Error::custom(format!(
                    "be a list of department names of at most {} characters ({err}), got {item:?}",
                    Department::MAX_CHARS
                ))
            })
        })
        .collect()
}

fn log_level<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    match EnvFilter::builder().parse(&raw) {
        Ok(_) => Ok(raw),
        Err(_) => Err(de::Error::custom(format!(
            "be a log filter such as info, debug or meetbot=debug,info, got {raw:?}"
        ))),
    }
}
