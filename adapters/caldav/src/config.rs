//! The `[calendar]` keys of `kind = "caldav"`: where the calendar is and as
//! whom meetbot signs in. Values are checked as they are read; the password
//! serialises as `"[redacted]"`.

use meetbot_domain::Zone;
use secrecy::SecretString;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use meetbot_ports::config::{http_url, redacted};

use crate::{CalDavCalendar, CalDavConfig, CalDavSetupError};

/// The `[calendar]` keys of `kind = "caldav"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalDavCalendarConfig {
    /// `url`: the server (with `discover`) or the calendar collection itself.
    #[serde(deserialize_with = "caldav_url")]
    pub url: String,
    /// `discover`: whether `url` is the server, where the calendar is looked
    /// up, or the collection.
    #[serde(default = "discover_by_default")]
    pub discover: bool,
    /// `username`: for HTTP Basic authentication.
    #[serde(deserialize_with = "username")]
    pub username: String,
    /// `password`: for HTTP Basic authentication (an app password where the
    /// server has them).
    #[serde(deserialize_with = "password", serialize_with = "redacted")]
    pub password: SecretString,
}

fn discover_by_default() -> bool {
    true
}

impl CalDavCalendarConfig {
    /// The secrets in these keys, for the log layer to redact.
    pub fn secrets(&self) -> Vec<SecretString> {
        vec![self.password.clone()]
    }
}

impl CalDavCalendar {
    /// Sets the adapter up from its configuration; floating times and all-day
    /// events on the calendar are read in `zone`, the owner's.
    pub fn from_config(
        config: &CalDavCalendarConfig,
        zone: Zone,
    ) -> Result<Self, CalDavSetupError> {
        Self::new(CalDavConfig {
            url: config.url.clone(),
            discover: config.discover,
            username: config.username.clone(),
            password: config.password.clone(),
            zone,
        })
    }
}

/// The CalDAV URL, without its trailing `/`. Credentials belong in
/// `username` and `password`: in the URL they would be shown by
/// `meetbot config` and quoted in error messages and on `/health`.
fn caldav_url<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    let raw = raw.trim();
    match http_url(raw) {
        Some(url) if url.username().is_empty() && url.password().is_none() => {
            Ok(raw.trim_end_matches('/').to_owned())
        }
        Some(_) => Err(de::Error::custom(
            "not hold a user name or password (set calendar.username and calendar.password)",
        )),
        None => Err(de::Error::custom(format!(
            "be an http:// or https:// URL, such as https://cloud.example.org/remote.php/dav, \
             got {raw:?}"
        ))),
    }
}

fn username<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    if raw.is_empty() {
        Err(de::Error::custom("be the user name on the CalDAV server"))
    } else {
        Ok(raw)
    }
}

fn password<'de, D: Deserializer<'de>>(de: D) -> Result<SecretString, D::Error> {
    let raw = String::deserialize(de)?;
    if raw.is_empty() {
        Err(de::Error::custom("not be empty"))
    } else {
        Ok(SecretString::from(raw))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

    use super::*;

    fn from_toml(text: &str) -> Result<CalDavCalendarConfig, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn a_full_configuration_loads() {
        let config = from_toml(
            r#"
            url = "https://cloud.example.org/remote.php/dav/calendars/owner/work/"
            discover = false
            username = "owner"
            password = "app-password"
            "#,
        )
        .unwrap();

        assert_eq!(
            config.url,
            "https://cloud.example.org/remote.php/dav/calendars/owner/work"
        );
        assert!(!config.discover);
        assert_eq!(config.username, "owner");
        assert_eq!(config.password.expose_secret(), "app-password");
    }

    #[test]
    fn the_calendar_is_discovered_unless_told_otherwise() {
        let config =
            from_toml("url = \"http://127.0.0.1:5232\"\nusername = \"o\"\npassword = \"p\"")
                .unwrap();

        assert!(config.discover);
    }

    #[test]
    fn a_url_that_is_not_http_is_refused_with_the_value() {
        let message = from_toml("url = \"dav.example.org\"").unwrap_err();

        assert_eq!(
            message,
            "be an http:// or https:// URL, such as https://cloud.example.org/remote.php/dav, \
             got \"dav.example.org\""
        );
    }

    #[test]
    fn a_url_with_credentials_in_it_is_refused_without_showing_the_password() {
        let message = from_toml("url = \"https://owner:CANARYPW@dav.example.org/\"").unwrap_err();

        assert!(
            message.starts_with("not hold a user name or password"),
            "{message}"
        );
        assert!(!message.contains("CANARY"), "{message}");
    }

    #[test]
    fn the_password_never_shows() {
        let config = from_toml(
            "url = \"https://dav.example.org/\"\nusername = \"o\"\npassword = \"CANARYPASSWORD\"",
        )
        .unwrap();

        let shown = format!("{config:?}{}", toml::to_string(&config).unwrap());

        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(shown.contains("password = \"[redacted]\""), "{shown}");
    }
}
