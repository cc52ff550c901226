//! The `[database]` section of meetbot's configuration: where the data lives.
//!
//! The URL may hold a password, so neither `Debug`, `Display` nor
//! `Serialize` show it; only [`DatabaseUrl::expose`] gives the whole URL, for
//! opening the connection.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize, Serializer};

/// The default database: an SQLite file next to where the bot runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/meetbot.sqlite3";

/// Well-known variable names other tools use too, and the key of this
/// section each one sets.
pub const COMMON_ENV_NAMES: [(&str, &str); 1] = [("DATABASE_URL", "url")];

/// `[database]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// `database.url`: `sqlite://PATH` or `postgres://...`.
    pub url: DatabaseUrl,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            url: DatabaseUrl(DEFAULT_DATABASE_URL.to_owned()),
        }
    }
}

/// A database URL whose `Display`, `Debug` and `Serialize` hide the password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
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
    /// Checks the scheme; the error says what is expected and shows the
    /// value without its password.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = raw.trim();
        let known = ["sqlite://", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| url.starts_with(scheme)) {
            return Err(format!(
                "start with sqlite:// or postgres://, got {:?}",
                redact_url(url)
            ));
        }
        if url == "sqlite://" {
            return Err(
                "name a file after sqlite://, such as sqlite://data/meetbot.sqlite3".to_owned(),
            );
        }
        Ok(Self(url.to_owned()))
    }

    /// The full URL, password included: for opening the connection only.
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

    /// The file an SQLite URL names (`data/meetbot.sqlite3` of
    /// `sqlite://data/meetbot.sqlite3`); none for Postgres.
    pub fn sqlite_file(&self) -> Option<&Path> {
        self.0.strip_prefix("sqlite://").map(Path::new)
    }

    /// The password in the URL, if any (so the log layer can redact it).
    pub fn password(&self) -> Option<&str> {
        let (start, end) = password_span(&self.0)?;
        Some(&self.0[start..end])
    }
}

impl TryFrom<String> for DatabaseUrl {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&redact_url(&self.0))
    }
}

/// Byte range of the password in `scheme://user:password@host`, if there is
/// one. Written by hand because an SQLite "URL" names a path, not a host,
/// and general URL parsers read its first folder as a host.
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
pub fn redact_url(url: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_scheme_is_refused_with_the_value() {
        let message = DatabaseUrl::parse("mysql://x").unwrap_err();

        assert_eq!(
            message,
            "start with sqlite:// or postgres://, got \"mysql://x\""
        );
    }

    #[test]
    fn a_refused_url_does_not_show_its_password() {
        let message = DatabaseUrl::parse("mysql://root:hunter2@db/x").unwrap_err();

        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("mysql://root:***@db/x"), "{message}");
    }

    #[test]
    fn the_password_is_hidden_wherever_the_url_is_shown() {
        let url =
            DatabaseUrl::parse("postgres://meetbot:CANARY@db/meetbot?password=CANARY").unwrap();

        assert_eq!(url.password(), Some("CANARY"));
        assert_eq!(url.backend(), DatabaseBackend::Postgres);
        for shown in [format!("{url}"), format!("{url:?}")] {
            assert!(!shown.contains("CANARY"), "{shown}");
        }
        assert_eq!(
            url.to_string(),
            "postgres://meetbot:***@db/meetbot?password=***"
        );
    }

    #[test]
    fn an_sqlite_url_names_its_file_and_a_postgres_url_none() {
        let file = |url: &str| {
            DatabaseUrl::parse(url)
                .unwrap()
                .sqlite_file()
                .map(Path::to_path_buf)
        };

        assert_eq!(
            file("sqlite://data/meetbot.sqlite3"),
            Some("data/meetbot.sqlite3".into())
        );
        assert_eq!(
            file("sqlite:///var/lib/meetbot/m.sqlite3"),
            Some("/var/lib/meetbot/m.sqlite3".into())
        );
        assert_eq!(file("postgres://meetbot@db/meetbot"), None);
    }
}
