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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use meetbot_google_calendar::config::GoogleAccess;
    use secrecy::ExposeSecret as _;

    use super::*;
    use crate::config::tests::{error_of, load_env, with_file};
    use crate::config::{Config, Origin};

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
        assert_eq!(google.access(), Ok(GoogleAccess::KeyFile));
        assert_eq!(
            google.service_account_key.as_deref(),
            Some(Path::new("secrets/google-key.json"))
        );
        assert_eq!(google.subject.as_deref(), Some("owner@example.org"));
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
        assert_eq!(google.access(), Ok(GoogleAccess::KeyJson));
        let json = google.service_account_json.as_ref().unwrap();
        assert_eq!(json.expose_secret(), KEY_JSON);
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
        assert_eq!(google.access(), Ok(GoogleAccess::User));
        let client_id = google.client_id.as_deref().unwrap();
        let client_secret = google.client_secret.as_ref().unwrap();
        let refresh_token = google.refresh_token.as_ref().unwrap();
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
    fn malformed_calendar_values_are_all_refused_at_once_with_their_key() {
        let caldav = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "caldav"),
            ("MEETBOT__CALENDAR__URL", "dav.example.org"),
            ("MEETBOT__CALENDAR__DISCOVER", "maybe"),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
            ("MEETBOT__CALENDAR__PASSWORD", "pw"),
        ]));
        let (_dir, google) = with_file(
            "[calendar]\nkind = \"google\"\ncalendar_id = \"primary\"\n\
             service_account_key = \"key.json\"\nmeet_links = 2\n",
            &[
                ("MEETBOT__CALENDAR__API_URL", "ftp://x"),
                ("MEETBOT__CALENDAR__TOKEN_URL", "token"),
                ("MEETBOT__CALENDAR__SUBJECT", "owner"),
            ],
        );
        let google = error_of(google);
        let google: Vec<&str> = google.lines().collect();
        let caldav: Vec<&str> = caldav.lines().collect();

        assert_eq!(
            caldav[0],
            "calendar.discover must be a boolean, got string \"maybe\" \
             (from environment variable MEETBOT__CALENDAR__DISCOVER)"
        );
        assert_eq!(
            caldav[1],
            "calendar.url must be an http:// or https:// URL, such as \
             https://cloud.example.org/remote.php/dav, got \"dav.example.org\" \
             (from environment variable MEETBOT__CALENDAR__URL)"
        );
        assert_eq!(google.len(), 4, "{google:?}");
        let starts = [
            "calendar.api_url must be an http:// or https:// URL",
            "calendar.meet_links must be a boolean, got signed int `2` (in ",
            "calendar.subject must be the e-mail address",
            "calendar.token_url must be an http:// or https:// URL",
        ];
        for (line, start) in google.iter().zip(starts) {
            assert!(line.starts_with(start), "{line}");
        }
    }

    #[test]
    fn a_caldav_url_with_credentials_in_it_is_refused_without_showing_the_password() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "caldav"),
            (
                "MEETBOT__CALENDAR__URL",
                "https://owner:CANARYPW@dav.example.org/",
            ),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
            ("MEETBOT__CALENDAR__PASSWORD", "pw"),
        ]));

        assert!(
            message.starts_with("calendar.url must not hold a user name or password"),
            "{message}"
        );
        assert!(!message.contains("CANARY"), "{message}");
    }

    #[test]
    fn an_inline_key_that_is_not_a_service_account_key_is_refused_unseen() {
        let message = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            (
                "GOOGLE_SERVICE_ACCOUNT_JSON",
                r#"{"type": "authorized_user", "client_secret": "CANARY"}"#,
            ),
        ]));

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
        let CalendarConfig::Google(google) = reloaded.calendar else {
            panic!("expected Google, got {:?}", reloaded.calendar);
        };
        assert_eq!(google.access(), Ok(GoogleAccess::KeyFile));
        assert_eq!(
            google.service_account_key.as_deref(),
            Some(Path::new("/etc/meetbot/key.json"))
        );
        assert!(google.meet_links);
    }

    #[test]
    fn a_calendar_key_of_another_kind_is_refused_but_a_common_name_only_warned_about() {
        let none = load_env(&[("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON)]).unwrap();
        let google = error_of(load_env(&[
            ("MEETBOT__CALENDAR__KIND", "google"),
            ("MEETBOT__CALENDAR__CALENDAR_ID", "primary"),
            ("GOOGLE_SERVICE_ACCOUNT_JSON", KEY_JSON),
            ("MEETBOT__CALENDAR__USERNAME", "owner"),
        ]));

        assert_eq!(
            none.warnings(),
            [
                "calendar.service_account_json is set (from environment variable \
              GOOGLE_SERVICE_ACCOUNT_JSON) but calendar.kind is none, so it is not used"
            ]
        );
        assert!(
            google.starts_with(
                "unknown configuration key calendar.username \
                 (from environment variable MEETBOT__CALENDAR__USERNAME); known keys are \
                 calendar.kind, calendar.calendar_id"
            ),
            "{google}"
        );
    }
}
