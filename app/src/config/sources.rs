//! Where the configuration comes from and how it is read: one figment
//! provider per file and per environment variable, so every value keeps
//! its origin, then one section at a time into the adapters' types.
//!
//! A bad value is reported, left out and the section read again, so that
//! every problem is found in one run instead of one per restart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::DeserializeOwned;

use super::calendar::{self, CalendarConfig};
use super::meetings::MeetingsConfig;
use super::{Config, ConfigError, ConfigErrors, Got, Origin};

/// The file read when `--config` is not given; it may be absent.
pub const DEFAULT_CONFIG_FILE: &str = "meetbot.toml";

/// Environment variables that start with this set a key:
/// `MEETBOT__DATABASE__URL` sets `database.url`.
pub const ENV_PREFIX: &str = "MEETBOT__";

/// The separator between section and key in an environment variable name.
const ENV_SEPARATOR: &str = "__";

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

/// Well-known variable names that other tools use too, and the key each
/// sets. A `MEETBOT__...` variable for the same key wins over these,
/// because it can only have been meant for meetbot.
fn common_env_names() -> Vec<(&'static str, String)> {
    let database = meetbot_storage::config::COMMON_ENV_NAMES
        .iter()
        .map(|(name, key)| (*name, format!("database.{key}")));
    let telegram = meetbot_telegram::config::COMMON_ENV_NAMES
        .iter()
        .map(|(name, key)| (*name, format!("telegram.{key}")));
    let calendar = calendar::common_env_names()
        .into_iter()
        .map(|(_, name, key)| (name, format!("calendar.{key}")));
    database.chain(telegram).chain(calendar).collect()
}

/// The subsections (`section.subsection`) whose keys the environment sets
/// as `MEETBOT__SECTION__SUBSECTION__KEY`.
fn subsections() -> Vec<String> {
    meetbot_telegram::config::SUBSECTIONS
        .iter()
        .map(|sub| format!("telegram.{sub}"))
        .collect()
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
        let common = common_env_names();
        // Only the variables we read are kept; a non-UTF-8 value becomes a
        // lossy string and then fails validation with a readable message.
        let env = std::env::vars_os().filter_map(|(name, value)| {
            let name = name.into_string().ok()?;
            let ours = name.starts_with(ENV_PREFIX) || common.iter().any(|(c, _)| *c == name);
            ours.then(|| (name, value.to_string_lossy().into_owned()))
        });
        Self::new(file, env)
    }
}

/// Values from one origin, as a figment provider.
#[derive(Debug, Clone)]
struct Layer {
    origin: Origin,
    data: Dict,
}

impl Layer {
    /// A layer that sets one key to a string; `path` is its section and
    /// the key within (`["telegram", "token"]`), or a subsection's key
    /// (`["telegram", "limits", "retries"]`).
    fn single(origin: Origin, path: &[&str], value: &str) -> Self {
        let mut value = Value::from(value.to_owned());
        for name in path.iter().rev() {
            let mut dict = Dict::new();
            dict.insert((*name).to_owned(), value);
            value = Value::from(dict);
        }
        let data = value.into_dict().unwrap_or_default();
        Self { origin, data }
    }

    /// Leaves out `key` of `section`, where `key` may be a subsection's
    /// (`limits.retries`).
    fn remove(&mut self, section: &str, key: &str) {
        let mut dict = &mut self.data;
        let mut names = std::iter::once(section).chain(key.split('.')).peekable();
        while let Some(name) = names.next() {
            if names.peek().is_none() {
                dict.remove(name);
                return;
            }
            match dict.get_mut(name) {
                Some(Value::Dict(_, inner)) => dict = inner,
                _ => return,
            }
        }
    }
}

/// Every key `dict` sets, dotted after `prefix`, the keys of subsections
/// included.
fn dotted_keys(prefix: &str, dict: &Dict, keys: &mut Vec<String>) {
    for (name, value) in dict {
        let key = join(prefix, name);
        match value.as_dict() {
            Some(inner) => dotted_keys(&key, inner, keys),
            None => keys.push(key),
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.origin.note())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Map::from([(Profile::Default, self.data.clone())]))
    }
}

/// Reads, merges and validates `sources`.
pub(super) fn load(sources: &Sources) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let mut layers = Vec::new();
    if let Some(file) = file_layer(&sources.file).map_err(|e| ConfigErrors(vec![e]))? {
        layers.push(file);
    }
    let (env_layers, unused) = env_layers(sources, &layers, &mut errors);
    layers.extend(env_layers);
    let mut reader = Reader {
        layers,
        removed: BTreeSet::new(),
        errors,
    };
    let origins = reader.origins();
    let sections = Sections::read(&mut reader);
    let mut errors = std::mem::take(&mut reader.errors);
    let Some(sections) = sections else {
        return Err(ConfigErrors(errors));
    };
    errors.extend(sections.combination_problems(&reader, &origins));
    let meetings = match sections.meetings(&origins) {
        Ok(meetings) => Some(meetings),
        Err(problems) => {
            errors.extend(problems);
            None
        }
    };
    match meetings {
        Some(meetings) if errors.is_empty() => Ok(sections.into_config(meetings, origins, unused)),
        _ => Err(ConfigErrors(errors)),
    }
}

/// Every section, each read on its own so that the problems of all of them
/// are found in one run.
struct Sections {
    database: meetbot_storage::config::StorageConfig,
    telegram: meetbot_telegram::TelegramConfig,
    http: super::HttpConfig,
    organisation: super::OrganisationConfig,
    reminders: super::meetings::RemindersConfig,
    cadence: super::meetings::CadenceConfig,
    group_meeting: super::meetings::GroupMeetingConfig,
    calendar: CalendarConfig,
    speech: meetbot_speech::SpeechConfig,
    backup: super::BackupConfig,
    log: super::LogConfig,
}

impl Sections {
    /// Every section, or `None` when one could not be read (its problems
    /// are then in the reader's errors).
    fn read(reader: &mut Reader) -> Option<Self> {
        let database = reader.section("database", "");
        let telegram = reader.section("telegram", "");
        let http = reader.section("http", "");
        let organisation = reader.section("organisation", "");
        let reminders = reader.section("reminders", "");
        let cadence = reader.section("cadence", "");
        let group_meeting = reader.section("group_meeting", "");
        let speech = reader.section("speech", "");
        let backup = reader.section("backup", "");
        let log = reader.section("log", "");
        let calendar = reader.calendar_kind().and_then(|kind| {
            reader.remove("calendar", "kind");
            CalendarConfig::read(&kind, reader)
        });
        Some(Self {
            database: database?,
            telegram: telegram?,
            http: http?,
            organisation: organisation?,
            reminders: reminders?,
            cadence: cadence?,
            group_meeting: group_meeting?,
            calendar: calendar?,
            speech: speech?,
            backup: backup?,
            log: log?,
        })
    }

    /// What the adapters refuse in a combination of keys (webhook mode
    /// without its secret, a calendar without its credentials). A section
    /// with a refused value is skipped: what its other keys lack follows
    /// from that refusal, which is reported already.
    fn combination_problems(
        &self,
        reader: &Reader,
        origins: &BTreeMap<String, Origin>,
    ) -> Vec<ConfigError> {
        let intact = |section: &str| {
            !reader
                .removed
                .iter()
                .any(|key| key.split_once('.').is_some_and(|(s, _)| s == section))
        };
        let mut problems = Vec::new();
        if intact("telegram") {
            problems.extend(
                self.telegram
                    .validate()
                    .iter()
                    .map(|problem| ConfigError::Refused {
                        message: problem.to_string(),
                        origin: Origin::Default,
                    }),
            );
        }
        if intact("calendar") {
            problems.extend(self.calendar.problems().into_iter().map(|(key, message)| {
                ConfigError::Refused {
                    message,
                    origin: origin_of(origins, &format!("calendar.{key}")),
                }
            }));
        }
        problems
    }

    /// The meeting defaults as the domain's values, each problem naming
    /// where its value came from.
    fn meetings(
        &self,
        origins: &BTreeMap<String, Origin>,
    ) -> Result<MeetingsConfig, Vec<ConfigError>> {
        MeetingsConfig::from_sections(
            &self.reminders,
            &self.cadence,
            &self.group_meeting,
            self.organisation.time_zone,
        )
        .map_err(|problems| {
            problems
                .into_iter()
                .map(|problem| match problem {
                    ConfigError::Invalid {
                        key, expected, got, ..
                    } => ConfigError::Invalid {
                        origin: origin_of(origins, &key),
                        key,
                        expected,
                        got,
                    },
                    other => other,
                })
                .collect()
        })
    }

    fn into_config(
        self,
        meetings: MeetingsConfig,
        origins: BTreeMap<String, Origin>,
        unused: Vec<String>,
    ) -> Config {
        Config {
            database: self.database,
            telegram: self.telegram,
            http: self.http,
            organisation: self.organisation,
            reminders: self.reminders,
            cadence: self.cadence,
            group_meeting: self.group_meeting,
            calendar: self.calendar,
            speech: self.speech,
            backup: self.backup,
            log: self.log,
            meetings,
            origins,
            unused,
        }
    }
}

/// Where `key`'s value came from: the default when no layer set it.
fn origin_of(origins: &BTreeMap<String, Origin>, key: &str) -> Origin {
    origins.get(key).cloned().unwrap_or_default()
}

/// The layers of the environment: the common names, then `MEETBOT__`
/// variables. A calendar's common name applies only when its kind is the
/// configured one; otherwise it is reported as unused.
fn env_layers(
    sources: &Sources,
    file: &[Layer],
    errors: &mut Vec<ConfigError>,
) -> (Vec<Layer>, Vec<String>) {
    let mut common = Vec::new();
    let mut prefixed = Vec::new();
    let common_names = common_env_names();
    let subsections = subsections();
    for (name, value) in &sources.env {
        // An empty variable is unset: `FOO=` is how shells and compose files
        // say "nothing here".
        if value.is_empty() {
            continue;
        }
        let origin = Origin::Env(name.clone());
        if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
            let lowered = rest.to_lowercase();
            // SECTION__KEY, or SECTION__SUBSECTION__KEY for a subsection
            // (MEETBOT__TELEGRAM__LIMITS__RETRIES).
            let path: Vec<&str> = lowered.split(ENV_SEPARATOR).collect();
            let known = match path.as_slice() {
                [section, key] => !section.is_empty() && !key.is_empty(),
                [section, sub, key] => {
                    !key.is_empty() && subsections.contains(&format!("{section}.{sub}"))
                }
                _ => false,
            };
            if known {
                prefixed.push(Layer::single(origin, &path, value));
            } else {
                errors.push(ConfigError::UnknownKey {
                    key: lowered.replace(ENV_SEPARATOR, "."),
                    origin,
                    known: format!(
                        "section.key, as MEETBOT__SECTION__KEY, and the keys of {}",
                        subsections.join(", ")
                    ),
                });
            }
        } else if let Some((_, key)) = common_names.iter().find(|(common, _)| common == name) {
            let path: Vec<&str> = key.split('.').collect();
            common.push(Layer::single(origin, &path, value));
        }
    }
    // The kind decides which calendar's common names apply.
    let so_far: Vec<&Layer> = file.iter().chain(&prefixed).collect();
    let kind = so_far
        .iter()
        .rev()
        .find_map(|layer| match layer.data.get("calendar") {
            Some(Value::Dict(_, inner)) => inner.get("kind").and_then(Value::as_str),
            _ => None,
        })
        .map_or_else(|| calendar::KINDS[0].to_lowercase(), str::to_lowercase);
    let mut unused = Vec::new();
    common.retain(|layer| {
        let Origin::Env(name) = &layer.origin else {
            return true;
        };
        match calendar::common_env_names()
            .into_iter()
            .find(|(_, common, _)| common == name)
        {
            Some((owner, _, key)) if owner != kind => {
                unused.push(format!(
                    "calendar.{key} is set{} but calendar.kind is {kind}, so it is not used",
                    layer.origin
                ));
                false
            }
            _ => true,
        }
    });
    common.extend(prefixed);
    (common, unused)
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
    let data: Dict = toml::from_str(&text).map_err(|err| ConfigError::Syntax {
        path: shown.clone(),
        reason: err.message().trim().replace('\n', " "),
    })?;
    if let Some((section, _)) = data.iter().find(|(_, value)| value.as_dict().is_none()) {
        return Err(ConfigError::Invalid {
            key: section.clone(),
            expected: format!("be a section ([{section}]) with keys inside"),
            got: Got::hidden(),
            origin: Origin::File(shown),
        });
    }
    Ok(Some(Layer {
        origin: Origin::File(shown),
        data,
    }))
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

/// Reads sections out of the layers, collecting every problem.
pub(super) struct Reader {
    layers: Vec<Layer>,
    /// Keys left out because their value was refused.
    removed: BTreeSet<String>,
    errors: Vec<ConfigError>,
}

impl Reader {
    fn figment(&self) -> Figment {
        self.layers.iter().fold(Figment::new(), |figment, layer| {
            figment.merge(layer.clone())
        })
    }

    fn remove(&mut self, section: &str, key: &str) {
        for layer in &mut self.layers {
            layer.remove(section, key);
        }
    }

    /// Where each `section.key` (and `section.subsection.key`) that is set
    /// came from.
    fn origins(&self) -> BTreeMap<String, Origin> {
        let figment = self.figment();
        let mut origins = BTreeMap::new();
        let mut keys = Vec::new();
        for layer in &self.layers {
            for (section, value) in &layer.data {
                if let Some(inner) = value.as_dict() {
                    dotted_keys(section, inner, &mut keys);
                }
            }
        }
        for key in keys {
            if let Some(metadata) = figment.find_metadata(&key) {
                origins.insert(key, Origin::from_note(&metadata.name));
            }
        }
        origins
    }

    /// `calendar.kind`, lower-cased, if it is one meetbot knows.
    fn calendar_kind(&mut self) -> Option<String> {
        let figment = self.figment();
        let Ok(value) = figment.find_value("calendar.kind") else {
            return Some(calendar::KINDS[0].to_owned());
        };
        let origin = figment
            .find_metadata("calendar.kind")
            .map(|metadata| Origin::from_note(&metadata.name))
            .unwrap_or_default();
        let raw = value.as_str().unwrap_or_default();
        let kind = raw.trim().to_lowercase();
        if calendar::KINDS.contains(&kind.as_str()) {
            return Some(kind);
        }
        self.errors.push(ConfigError::Invalid {
            key: "calendar.kind".to_owned(),
            expected: format!(
                "be {} or {}",
                calendar::KINDS[..calendar::KINDS.len() - 1].join(", "),
                calendar::KINDS[calendar::KINDS.len() - 1]
            ),
            got: Got::shown(raw),
            origin,
        });
        None
    }

    /// Reads `section` into `T`. A refused value is reported and left out,
    /// and the section read again, until it reads or a problem cannot be
    /// left out; `because` is appended to "is required".
    pub(super) fn section<T: DeserializeOwned>(
        &mut self,
        section: &str,
        because: &str,
    ) -> Option<T> {
        // Each round leaves one key out, so this ends.
        loop {
            let figment = self.figment();
            let error = match figment.focus(section).extract_lossy::<T>() {
                Ok(value) => return Some(value),
                Err(error) => error,
            };
            let origin_of = |key: &str| {
                figment
                    .find_metadata(key)
                    .map(|metadata| Origin::from_note(&metadata.name))
                    .unwrap_or_default()
            };
            let path = error.path.join(".");
            let (key, problem) = match &error.kind {
                figment::error::Kind::UnknownField(field, known) => {
                    // figment's path ends with the unknown field already.
                    let key = join(section, if path.is_empty() { field } else { &path });
                    // The (sub)section the field is unknown in.
                    let within = key.rsplit_once('.').map_or(section, |(within, _)| within);
                    // The calendar's kind is read before its other keys.
                    let kind = (within == "calendar").then(|| "kind".to_owned());
                    let known: Vec<String> = kind
                        .into_iter()
                        .chain(known.iter().map(|k| (*k).to_owned()))
                        .map(|k| format!("{within}.{k}"))
                        .collect();
                    let problem = ConfigError::UnknownKey {
                        origin: origin_of(&key),
                        key: key.clone(),
                        known: known.join(", "),
                    };
                    (Some(key), problem)
                }
                figment::error::Kind::MissingField(field) => {
                    let key = join(section, if path.is_empty() { field } else { &path });
                    if self.removed.contains(&key) {
                        // Its value was refused, which is reported already.
                        return None;
                    }
                    let problem = ConfigError::Missing {
                        key,
                        because: because.to_owned(),
                    };
                    (None, problem)
                }
                kind => {
                    let key = join(section, &path);
                    let problem = ConfigError::Invalid {
                        origin: origin_of(&key),
                        key: key.clone(),
                        expected: expected(kind),
                        got: Got::hidden(),
                    };
                    (Some(key), problem)
                }
            };
            self.errors.push(problem);
            match key.and_then(|key| {
                key.split_once('.')
                    .map(|(s, k)| (s.to_owned(), k.to_owned()))
            }) {
                Some((section_name, field))
                    if !self.removed.contains(&format!("{section_name}.{field}")) =>
                {
                    self.removed.insert(format!("{section_name}.{field}"));
                    self.remove(&section_name, &field);
                }
                _ => return None,
            }
        }
    }
}

fn join(head: &str, tail: &str) -> String {
    match (head.is_empty(), tail.is_empty()) {
        (true, _) => tail.to_owned(),
        (_, true) => head.to_owned(),
        _ => format!("{head}.{tail}"),
    }
}

/// What a refused value should have been, in the words of "KEY must ...".
/// Our own checks already say it that way (with the value, unless secret).
fn expected(kind: &figment::error::Kind) -> String {
    use figment::error::Kind;
    match kind {
        Kind::Message(message) => message.clone(),
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            format!("be {expected}, got {actual}")
        }
        Kind::UnknownVariant(actual, known) => {
            format!("be {}, got {actual:?}", known.join(", "))
        }
        other => format!("be something else ({other})"),
    }
}
