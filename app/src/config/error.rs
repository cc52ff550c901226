//! What is wrong with a configuration, and where the wrong value came from.

use std::fmt;

/// Every problem of a configuration that cannot be used, in the order they
/// were found. `Display` puts one problem on each line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for ConfigErrors {}

/// One problem of a configuration. Its `Display` is one line that names the
/// key and says what is expected; secrets are never part of it.
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
    #[error("{key} is required{because}")]
    Missing {
        /// The missing key.
        key: String,
        /// Why it is needed, ready to append: ` when ...`, or empty.
        because: String,
    },
    /// A combination of keys an adapter refuses; the message names them.
    #[error("{message}{origin}")]
    Refused {
        /// The adapter's message.
        message: String,
        /// Where the value it is about came from, ready to append.
        origin: Origin,
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

    /// The value is a secret (or already in the message) and is not shown.
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

/// How an environment variable's origin starts in [`Origin::note`].
const ENV_NOTE: &str = "env ";

impl Origin {
    /// A short note for `meetbot config`: `default`, `meetbot.toml`, `env DATABASE_URL`.
    pub fn note(&self) -> String {
        match self {
            Origin::Default => "default".to_owned(),
            Origin::File(path) => path.clone(),
            Origin::Env(name) => format!("{ENV_NOTE}{name}"),
        }
    }

    /// The origin a [`Origin::note`] describes.
    pub(super) fn from_note(note: &str) -> Self {
        match note.strip_prefix(ENV_NOTE) {
            Some(name) => Origin::Env(name.to_owned()),
            None if note == "default" => Origin::Default,
            None => Origin::File(note.to_owned()),
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
