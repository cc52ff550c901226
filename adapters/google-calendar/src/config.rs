//! The `[calendar]` keys of `kind = "google"`: which calendar, how meetbot
//! signs in, and where Google's endpoints are.
//!
//! A value that cannot be right on its own is refused while it is read; the
//! one way of signing in the keys must describe is checked by
//! [`GoogleCalendarConfig::validate`]. Secrets serialise as `"[redacted]"`.

use std::path::PathBuf;

use secrecy::{ExposeSecret as _, SecretString};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use url::Url;

use meetbot_ports::config::{http_url, redacted_if_set};

use crate::{GoogleConfig, GoogleCredentials, GoogleSetupError};

/// Well-known variable names other tools use too, and the key of
/// `[calendar]` each one sets.
pub const COMMON_ENV_NAMES: [(&str, &str); 1] =
    [("GOOGLE_SERVICE_ACCOUNT_JSON", "service_account_json")];

/// The `[calendar]` keys of `kind = "google"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleCalendarConfig {
    /// `calendar_id`: `primary` or an address such as
    /// `…@group.calendar.google.com`.
    #[serde(deserialize_with = "calendar_id")]
    pub calendar_id: String,
    /// `service_account_key`: a service account key file, read at start-up
    /// (so `meetbot config` works without it).
    #[serde(
        default,
        deserialize_with = "key_file",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_account_key: Option<PathBuf>,
    /// `service_account_json` (or `GOOGLE_SERVICE_ACCOUNT_JSON`): the key's
    /// JSON itself.
    #[serde(
        default,
        deserialize_with = "key_json",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_account_json: Option<SecretString>,
    /// `subject`: the user a service account acts as (domain-wide delegation).
    #[serde(
        default,
        deserialize_with = "subject",
        skip_serializing_if = "Option::is_none"
    )]
    pub subject: Option<String>,
    /// `client_id`: the OAuth client's id (user credentials).
    #[serde(
        default,
        deserialize_with = "client_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    /// `client_secret`: the OAuth client's secret (user credentials).
    #[serde(
        default,
        deserialize_with = "filled_secret",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_secret: Option<SecretString>,
    /// `refresh_token`: the refresh token from the user's consent.
    #[serde(
        default,
        deserialize_with = "filled_secret",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_token: Option<SecretString>,
    /// `api_url`: the Calendar API's base URL; `None` is Google's.
    #[serde(
        default,
        deserialize_with = "api_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_url: Option<String>,
    /// `token_url`: the OAuth token endpoint; `None` is the one the service
    /// account key names, or Google's for user credentials.
    #[serde(
        default,
        deserialize_with = "token_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub token_url: Option<String>,
    /// `meet_links`: whether new events get a Google Meet link.
    #[serde(default)]
    pub meet_links: bool,
}

/// How meetbot signs in to Google: exactly one of these is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoogleAccess {
    /// `service_account_key`: a key file.
    KeyFile,
    /// `service_account_json`: the key's JSON itself.
    KeyJson,
    /// `client_id`, `client_secret` and `refresh_token` of a user.
    User,
}

/// Keys that do not describe one way of signing in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoogleConfigError {
    /// Two ways of signing in at once.
    #[error("calendar.{key} must not be set together with calendar.{other} ({why})")]
    Conflict {
        /// The key to remove.
        key: &'static str,
        /// The key it conflicts with.
        other: &'static str,
        /// Why they cannot go together.
        why: &'static str,
    },
    /// A subject with user credentials, which always act as their own user.
    #[error(
        "calendar.subject must be set only with a service account key (OAuth user \
         credentials always act as their own user)"
    )]
    SubjectWithUser,
    /// Part of the user credentials.
    #[error("calendar.{key} is required when calendar.{because} is set")]
    IncompleteUser {
        /// The missing key.
        key: &'static str,
        /// The key that is set.
        because: &'static str,
    },
    /// No credentials at all.
    #[error(
        "calendar.service_account_key is required when calendar.kind is google (or the \
         key's JSON in GOOGLE_SERVICE_ACCOUNT_JSON, or OAuth user credentials: \
         calendar.client_id, calendar.client_secret and calendar.refresh_token)"
    )]
    NoCredentials,
}

impl GoogleConfigError {
    /// The key within `[calendar]` the error is about.
    pub fn key(&self) -> &'static str {
        match self {
            GoogleConfigError::Conflict { key, .. }
            | GoogleConfigError::IncompleteUser { key, .. } => key,
            GoogleConfigError::SubjectWithUser => "subject",
            GoogleConfigError::NoCredentials => "service_account_key",
        }
    }
}

impl GoogleCalendarConfig {
    /// Every way the keys fail to describe one way of signing in.
    pub fn validate(&self) -> Vec<GoogleConfigError> {
        match self.access() {
            Ok(_) => Vec::new(),
            Err(error) => vec![error],
        }
    }

    /// The one way of signing in the keys describe.
    pub fn access(&self) -> Result<GoogleAccess, GoogleConfigError> {
        let either = "sign in with a service account key or with OAuth user credentials, not both";
        let user_key = [
            ("client_id", self.client_id.is_some()),
            ("client_secret", self.client_secret.is_some()),
            ("refresh_token", self.refresh_token.is_some()),
        ]
        .into_iter()
        .find_map(|(key, set)| set.then_some(key));
        let conflict = |key, other, why| GoogleConfigError::Conflict { key, other, why };
        match (
            self.service_account_key.is_some(),
            self.service_account_json.is_some(),
            user_key,
        ) {
            (true, true, _) => Err(conflict(
                "service_account_json",
                "service_account_key",
                "one service account key, from a file or inline",
            )),
            (true, false, Some(user)) => Err(conflict(user, "service_account_key", either)),
            (false, true, Some(user)) => Err(conflict(user, "service_account_json", either)),
            (true, false, None) => Ok(GoogleAccess::KeyFile),
            (false, true, None) => Ok(GoogleAccess::KeyJson),
            (false, false, Some(user)) => {
                if self.subject.is_some() {
                    return Err(GoogleConfigError::SubjectWithUser);
                }
                let missing = [
                    ("client_id", self.client_id.is_none()),
                    ("client_secret", self.client_secret.is_none()),
                    ("refresh_token", self.refresh_token.is_none()),
                ]
                .into_iter()
                .find_map(|(key, missing)| missing.then_some(key));
                match missing {
                    Some(key) => Err(GoogleConfigError::IncompleteUser { key, because: user }),
                    None => Ok(GoogleAccess::User),
                }
            }
            (false, false, None) => Err(GoogleConfigError::NoCredentials),
        }
    }

    /// The key that names the credentials, for messages about them.
    pub fn access_key(&self) -> &'static str {
        match self.access() {
            Ok(GoogleAccess::KeyJson) => "service_account_json",
            Ok(GoogleAccess::User) => "client_id",
            Ok(GoogleAccess::KeyFile) | Err(_) => "service_account_key",
        }
    }

    /// The secrets in these keys, for the log layer to redact: the key's
    /// JSON and each line of its private key (a message may quote the key
    /// with its newlines escaped or not, but never without its base64
    /// lines). A key file is read after logging is set up and never logged.
    pub fn secrets(&self) -> Vec<SecretString> {
        let mut secrets: Vec<SecretString> = Vec::new();
        if let Some(json) = &self.service_account_json {
            secrets.push(json.clone());
            secrets.extend(private_key_lines(json.expose_secret()));
        }
        secrets.extend(self.client_secret.iter().cloned());
        secrets.extend(self.refresh_token.iter().cloned());
        secrets
    }

    /// The adapter's settings: the key file, if there is one, is read here.
    pub fn settings(&self) -> Result<GoogleConfig, GoogleSetupError> {
        let credentials = match (
            &self.service_account_key,
            &self.service_account_json,
            &self.client_id,
            &self.client_secret,
            &self.refresh_token,
        ) {
            (Some(path), _, _, _, _) => {
                GoogleCredentials::service_account_file(path, self.subject.clone())?
            }
            (None, Some(json), _, _, _) => GoogleCredentials::ServiceAccount {
                key_json: json.clone(),
                subject: self.subject.clone(),
            },
            (None, None, Some(client_id), Some(client_secret), Some(refresh_token)) => {
                GoogleCredentials::AuthorizedUser {
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    refresh_token: refresh_token.clone(),
                }
            }
            _ => {
                return Err(GoogleSetupError::Auth(
                    GoogleConfigError::NoCredentials.to_string(),
                ));
            }
        };
        let mut settings = GoogleConfig::new(self.calendar_id.clone(), credentials);
        if let Some(url) = &self.api_url {
            settings.api_base_url.clone_from(url);
        }
        settings.token_url.clone_from(&self.token_url);
        settings.meet_links = self.meet_links;
        Ok(settings)
    }
}

/// A value that must not be empty (`key = ""` in the file).
fn filled<'de, D: Deserializer<'de>>(de: D, expected: &str) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    if raw.trim().is_empty() {
        Err(de::Error::custom(format!("be {expected}")))
    } else {
        Ok(raw.trim().to_owned())
    }
}

fn calendar_id<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    filled(
        de,
        "a calendar id, such as primary or team@group.calendar.google.com",
    )
}

fn key_file<'de, D: Deserializer<'de>>(de: D) -> Result<Option<PathBuf>, D::Error> {
    filled(de, "the path of a service account key file (JSON)").map(|path| Some(path.into()))
}

fn client_id<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    filled(de, "an OAuth client id").map(Some)
}

fn filled_secret<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    if raw.is_empty() {
        Err(de::Error::custom("not be empty"))
    } else {
        Ok(Some(SecretString::from(raw)))
    }
}

fn subject<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    let raw = raw.trim();
    let ok = raw.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.contains('@')
    }) && !raw.contains(char::is_whitespace);
    if ok {
        Ok(Some(raw.to_owned()))
    } else {
        Err(de::Error::custom(format!(
            "be the e-mail address of the user to act as, such as owner@example.org, got {raw:?}"
        )))
    }
}

/// A service account key is a JSON object with these fields; checking them
/// here catches a pasted file name or a truncated key at start-up.
fn key_json<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    let key: Option<serde_json::Value> = serde_json::from_str(&raw).ok();
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
        Ok(Some(SecretString::from(raw)))
    } else {
        Err(de::Error::custom(
            "be the JSON of a Google service account key (type service_account, with \
             client_email and private_key; the value is not shown)",
        ))
    }
}

/// An http(s) URL such as `example`, without its trailing `/`; a password in
/// it is not shown in the error.
fn endpoint<'de, D: Deserializer<'de>>(de: D, example: &str) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    let raw = raw.trim();
    if http_url(raw).is_some() {
        return Ok(Some(raw.trim_end_matches('/').to_owned()));
    }
    let shown = match Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    };
    Err(de::Error::custom(format!(
        "be an http:// or https:// URL, such as {example}, got {shown:?}"
    )))
}

fn api_url<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    endpoint(de, "https://www.googleapis.com/calendar/v3/")
}

fn token_url<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    endpoint(de, "https://oauth2.googleapis.com/token")
}

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
    use super::*;

    /// A service account key's shape, with a private key that is only a canary.
    const KEY_JSON: &str = r#"{"type": "service_account", "client_email": "meetbot@project.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\nCANARYKEYLINECANARYKEYLINECANARYKEYLINE\n-----END PRIVATE KEY-----\n"}"#;

    fn from_toml(text: &str) -> Result<GoogleCalendarConfig, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }

    fn error_of(text: &str) -> String {
        let config = from_toml(text).unwrap();
        config.validate()[0].to_string()
    }

    #[test]
    fn a_full_configuration_with_a_key_file_loads() {
        let config = from_toml(
            r#"
            calendar_id = "team@group.calendar.google.com"
            service_account_key = "secrets/google-key.json"
            subject = "owner@example.org"
            api_url = "http://127.0.0.1:9001/calendar/v3/"
            token_url = "http://127.0.0.1:9001/token"
            meet_links = true
            "#,
        )
        .unwrap();

        assert_eq!(config.access(), Ok(GoogleAccess::KeyFile));
        assert_eq!(
            config.api_url.as_deref(),
            Some("http://127.0.0.1:9001/calendar/v3")
        );
        assert_eq!(
            config.token_url.as_deref(),
            Some("http://127.0.0.1:9001/token")
        );
        assert!(config.meet_links);
    }

    #[test]
    fn oauth_user_credentials_are_the_user_access() {
        let config = from_toml(
            "calendar_id = \"primary\"\nclient_id = \"123.apps.googleusercontent.com\"\n\
             client_secret = \"CANARYCLIENTSECRET\"\nrefresh_token = \"CANARYREFRESHTOKEN\"",
        )
        .unwrap();

        let shown = format!("{config:?}{}", toml::to_string(&config).unwrap());

        assert_eq!(config.access(), Ok(GoogleAccess::User));
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(shown.contains("refresh_token = \"[redacted]\""), "{shown}");
        assert_eq!(config.secrets().len(), 2);
    }

    #[test]
    fn an_inline_key_gives_its_private_key_lines_as_secrets() {
        let config = GoogleCalendarConfig {
            service_account_json: Some(SecretString::from(KEY_JSON)),
            ..from_toml("calendar_id = \"primary\"\nservice_account_key = \"k\"").unwrap()
        };

        let secrets: Vec<_> = config
            .secrets()
            .iter()
            .map(|s| s.expose_secret().to_owned())
            .collect();

        assert!(secrets.contains(&KEY_JSON.to_owned()));
        assert!(secrets.contains(&"CANARYKEYLINECANARYKEYLINECANARYKEYLINE".to_owned()));
    }

    #[test]
    fn no_credentials_at_all_is_refused() {
        let message = error_of("calendar_id = \"primary\"");

        assert!(
            message.starts_with(
                "calendar.service_account_key is required when calendar.kind is google (or"
            ),
            "{message}"
        );
        assert!(message.contains("GOOGLE_SERVICE_ACCOUNT_JSON"), "{message}");
    }

    #[test]
    fn a_key_and_user_credentials_together_are_refused() {
        let message =
            error_of("calendar_id = \"p\"\nservice_account_key = \"k\"\nrefresh_token = \"t\"");

        assert_eq!(
            message,
            "calendar.refresh_token must not be set together with calendar.service_account_key \
             (sign in with a service account key or with OAuth user credentials, not both)"
        );
    }

    #[test]
    fn incomplete_user_credentials_name_the_missing_key() {
        let message = error_of("calendar_id = \"p\"\nclient_id = \"c\"\nrefresh_token = \"t\"");

        assert_eq!(
            message,
            "calendar.client_secret is required when calendar.client_id is set"
        );
    }

    #[test]
    fn a_subject_with_user_credentials_is_refused() {
        let message = error_of(
            "calendar_id = \"p\"\nclient_id = \"c\"\nclient_secret = \"s\"\n\
             refresh_token = \"t\"\nsubject = \"owner@example.org\"",
        );

        assert!(
            message.starts_with("calendar.subject must be set only with a service account key"),
            "{message}"
        );
    }

    #[test]
    fn malformed_values_are_refused_as_they_are_read() {
        let api_url = from_toml("calendar_id = \"p\"\napi_url = \"ftp://x\"").unwrap_err();
        let subject = from_toml("calendar_id = \"p\"\nsubject = \"owner\"").unwrap_err();
        let json = from_toml(
            "calendar_id = \"p\"\nservice_account_json = '{\"type\": \"authorized_user\", \"client_secret\": \"CANARY\"}'",
        )
        .unwrap_err();

        assert!(
            api_url.starts_with("be an http:// or https:// URL"),
            "{api_url}"
        );
        assert!(subject.starts_with("be the e-mail address"), "{subject}");
        assert!(
            json.starts_with("be the JSON of a Google service account key"),
            "{json}"
        );
        assert!(!json.contains("CANARY"), "{json}");
    }
}
