//! `[backup]`: how often the running bot copies its SQLite database, how
//! long the copies are kept, and where they go.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The shortest interval: more often would only wear the disk.
const SHORTEST: Duration = Duration::from_secs(60);
/// The longest interval and the longest a copy can be kept, in days.
const MOST_DAYS: u64 = 3650;

/// `[backup]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// `backup.every`: the time between scheduled backups; `None` is off.
    #[serde(deserialize_with = "every", serialize_with = "every_text")]
    pub every: Option<Duration>,
    /// `backup.keep_days`: scheduled backups older than this are removed.
    #[serde(deserialize_with = "keep_days")]
    pub keep_days: u32,
    /// `backup.dir`: where backups go; `None` is a `backups` folder beside
    /// the SQLite file.
    #[serde(deserialize_with = "dir", skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self {
            every: Some(Duration::from_secs(24 * 3600)),
            keep_days: 30,
            dir: None,
        }
    }
}

impl BackupConfig {
    /// Where the backups of the SQLite file `database` go.
    pub fn folder(&self, database: &Path) -> PathBuf {
        match &self.dir {
            Some(dir) => dir.clone(),
            None => match database.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.join("backups"),
                _ => PathBuf::from("backups"),
            },
        }
    }
}

/// `30m`, `24h`, `7d`, or `off`.
fn every<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Duration>, D::Error> {
    struct Every;
    fn refused<E: de::Error>(got: &dyn fmt::Debug) -> E {
        E::custom(format!(
            "be a duration from 1m to {MOST_DAYS}d such as 30m, 24h or 7d, or off, got {got:?}"
        ))
    }
    impl Visitor<'_> for Every {
        type Value = Option<Duration>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration such as 24h, or off")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            parse_every(v).map_err(|()| refused(&v))
        }
        // The environment's `off` may arrive read as a boolean.
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v { Err(refused(&v)) } else { Ok(None) }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(refused(&v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Err(refused(&v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(refused(&v))
        }
    }
    de.deserialize_any(Every)
}

fn parse_every(raw: &str) -> Result<Option<Duration>, ()> {
    let text = raw.trim().to_ascii_lowercase();
    if text == "off" {
        return Ok(None);
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or(())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| ())?;
    let seconds = match unit.trim() {
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(()),
    };
    let every = Duration::from_secs(number.checked_mul(seconds).ok_or(())?);
    if every < SHORTEST || every > Duration::from_secs(MOST_DAYS * 86_400) {
        return Err(());
    }
    Ok(Some(every))
}

/// Shown back in the shortest whole unit, as it is written.
fn every_text<S: Serializer>(every: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
    let text = match every {
        None => "off".to_owned(),
        Some(every) => {
            let seconds = every.as_secs();
            if seconds % 86_400 == 0 {
                format!("{}d", seconds / 86_400)
            } else if seconds % 3600 == 0 {
                format!("{}h", seconds / 3600)
            } else {
                format!("{}m", seconds / 60)
            }
        }
    };
    serializer.serialize_str(&text)
}

fn keep_days<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    struct Days;
    impl Visitor<'_> for Days {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a whole number of days from 1 to {MOST_DAYS}")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v)
                .ok()
                .filter(|d| (1..=MOST_DAYS).contains(&u64::from(*d)))
                .ok_or_else(|| {
                    E::custom(format!(
                        "be a whole number of days from 1 to {MOST_DAYS}, got {v}"
                    ))
                })
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
        }
        // Environment variables arrive as text.
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
            match v.trim().parse::<i64>() {
                Ok(days) => self.visit_i64(days),
                Err(_) => Err(E::custom(format!(
                    "be a whole number of days from 1 to {MOST_DAYS}, got {v:?}"
                ))),
            }
        }
    }
    de.deserialize_any(Days)
}

fn dir<'de, D: Deserializer<'de>>(de: D) -> Result<Option<PathBuf>, D::Error> {
    let raw = String::deserialize(de)?;
    if raw.trim().is_empty() || raw.chars().any(char::is_control) {
        return Err(de::Error::custom(format!(
            "be a folder such as /var/lib/meetbot/backups, got {raw:?}"
        )));
    }
    Ok(Some(PathBuf::from(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_intervals_are_read_in_minutes_hours_or_days_or_off() {
        assert_eq!(parse_every("24h"), Ok(Some(Duration::from_secs(86_400))));
        assert_eq!(parse_every(" 30M "), Ok(Some(Duration::from_secs(1800))));
        assert_eq!(parse_every("7d"), Ok(Some(Duration::from_secs(604_800))));
        assert_eq!(parse_every("off"), Ok(None));
        for bad in [
            "",
            "24",
            "h",
            "0m",
            "30s",
            "-1h",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert_eq!(parse_every(bad), Err(()), "{bad:?}");
        }
    }

    #[test]
    fn backups_go_beside_the_sqlite_file_unless_a_folder_is_set() {
        let mut config = BackupConfig::default();
        assert_eq!(
            config.folder(Path::new("data/meetbot.sqlite3")),
            PathBuf::from("data/backups")
        );
        assert_eq!(
            config.folder(Path::new("meetbot.sqlite3")),
            PathBuf::from("backups")
        );
        config.dir = Some(PathBuf::from("/srv/copies"));
        assert_eq!(
            config.folder(Path::new("data/meetbot.sqlite3")),
            PathBuf::from("/srv/copies")
        );
    }
}
