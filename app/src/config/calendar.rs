//! `[calendar]`: the owner's external calendar, one variant per calendar
//! adapter, chosen by `calendar.kind`. Adding a calendar is one variant
//! here (and its arm in the wiring that builds it).

use meetbot_caldav::CalDavCalendarConfig;
use meetbot_calendar_none::NoCalendarConfig;
use meetbot_google_calendar::GoogleCalendarConfig;
use secrecy::SecretString;
use serde::Serialize;

use super::sources::Reader;

/// `[calendar]`: the owner's external calendar, if there is one.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum CalendarConfig {
    /// `calendar.kind = "none"`: the bot's own database is the calendar.
    None(NoCalendarConfig),
    /// `calendar.kind = "google"`: a Google Calendar.
    Google(GoogleCalendarConfig),
    /// `calendar.kind = "caldav"`: a calendar on a CalDAV server.
    #[serde(rename = "caldav")]
    CalDav(CalDavCalendarConfig),
}

impl Default for CalendarConfig {
    fn default() -> Self {
        CalendarConfig::None(NoCalendarConfig::default())
    }
}

/// The values `calendar.kind` takes, the default first.
pub(super) const KINDS: [&str; 3] = ["none", "google", "caldav"];

/// Common variable names a calendar adapter reads: the kind it belongs to,
/// the variable and the key of `[calendar]` it sets. Applied only when
/// that kind is configured, since other tools use the names too.
pub(super) fn common_env_names() -> Vec<(&'static str, &'static str, &'static str)> {
    meetbot_google_calendar::config::COMMON_ENV_NAMES
        .iter()
        .map(|(name, key)| ("google", *name, *key))
        .collect()
}

impl CalendarConfig {
    /// The name used in the configuration (`calendar.kind`) and on `/health`.
    pub fn kind(&self) -> &'static str {
        match self {
            CalendarConfig::None(_) => "none",
            CalendarConfig::Google(_) => "google",
            CalendarConfig::CalDav(_) => "caldav",
        }
    }

    /// Reads the `[calendar]` keys of `kind` (one of [`KINDS`]).
    pub(super) fn read(kind: &str, reader: &mut Reader) -> Option<Self> {
        let because = format!(" when calendar.kind is {kind}");
        match kind {
            "google" => reader.section("calendar", &because).map(Self::Google),
            "caldav" => reader.section("calendar", &because).map(Self::CalDav),
            _ => reader.section("calendar", &because).map(Self::None),
        }
    }

    /// What the adapter refuses in a combination of keys: the key (within
    /// `[calendar]`) and the message, for each problem.
    pub(super) fn problems(&self) -> Vec<(&'static str, String)> {
        match self {
            CalendarConfig::Google(google) => google
                .validate()
                .iter()
                .map(|problem| (problem.key(), problem.to_string()))
                .collect(),
            CalendarConfig::None(_) | CalendarConfig::CalDav(_) => Vec::new(),
        }
    }

    /// The secrets of the calendar, for the log layer to redact.
    pub fn secrets(&self) -> Vec<SecretString> {
        match self {
            CalendarConfig::None(_) => Vec::new(),
            CalendarConfig::Google(google) => google.secrets(),
            CalendarConfig::CalDav(caldav) => caldav.secrets(),
        }
    }
}
