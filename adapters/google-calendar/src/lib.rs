//! The owner's Google Calendar as meetbot's [`Calendar`] port, through
//! google-calendar3.
//!
//! Busy time comes from `freebusy.query` (events marked "free" do not
//! block); meetings are written with `events.insert` / `events.patch` /
//! `events.delete` under an event id derived from the meeting id
//! ([`event_id`]), so a retried insert that finds its event already there
//! (409) becomes an update and can never make a second event.
//!
//! Credentials: a service-account key (for a calendar shared with the
//! service account, optionally impersonating a user of the domain through
//! domain-wide delegation), or OAuth user credentials with a refresh token.
//! The API base URL and the OAuth token URL are configuration, so tests run
//! the adapter against a fake server on 127.0.0.1.
//!
//! Every non-2xx answer is mapped to a [`CalendarError`] case the outbox
//! can act on (retry, alert the owner, or give up). TLS is rustls with the
//! aws-lc-rs provider, the one provider of the whole binary.
//!
//! Depends on the ports and the domain; never on the use cases, a database
//! or a chat library. Keys and tokens are never logged and are redacted in
//! `Debug` output.

pub mod config;
mod error;
mod token;

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use google_calendar3::api::{
    ConferenceData, ConferenceSolutionKey, CreateConferenceRequest, Event, EventAttendee,
    EventDateTime, EventExtendedProperties, FreeBusyRequest, FreeBusyRequestItem, Scope,
};
use google_calendar3::hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use google_calendar3::hyper_util::client::legacy::Client;
use google_calendar3::hyper_util::client::legacy::connect::HttpConnector;
use google_calendar3::hyper_util::rt::TokioExecutor;
use google_calendar3::{CalendarHub, yup_oauth2};
use meetbot_domain::{Interval, Zone};
use meetbot_ports::{
    Calendar, CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, EventKey,
};
use secrecy::{ExposeSecret, SecretString};

pub use config::GoogleCalendarConfig;
pub use error::map_error;

/// Google's Calendar API, unless configured otherwise.
pub const DEFAULT_API_BASE_URL: &str = "https://www.googleapis.com/calendar/v3/";

/// Google's OAuth token endpoint, unless configured otherwise (a service
/// account key names its own, which is used when this is not configured).
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";

/// How long one call to Google may take before it counts as unavailable.
const CALL_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// How far the free/busy query reaches beyond the asked range, so events
/// sticking out of it come back whole: Google clips busy periods to the
/// query's bounds.
const FREEBUSY_MARGIN: Duration = Duration::days(1);

/// How meetbot signs in to Google.
#[derive(Clone)]
pub enum GoogleCredentials {
    /// A service account's JSON key. The calendar must be shared with the
    /// service account's e-mail ("make changes to events"), or `subject`
    /// names the user to impersonate through domain-wide delegation.
    ServiceAccount {
        /// The key file's JSON content.
        key_json: SecretString,
        /// The user to act as (domain-wide delegation), if any.
        subject: Option<String>,
    },
    /// OAuth credentials of a user who granted meetbot access once.
    AuthorizedUser {
        /// The OAuth client's id.
        client_id: String,
        /// The OAuth client's secret.
        client_secret: SecretString,
        /// The long-lived refresh token from the user's consent.
        refresh_token: SecretString,
    },
}

impl std::fmt::Debug for GoogleCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ServiceAccount { subject, .. } => f
                .debug_struct("ServiceAccount")
                .field("key_json", &"[redacted]")
                .field("subject", subject)
                .finish(),
            Self::AuthorizedUser { client_id, .. } => f
                .debug_struct("AuthorizedUser")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .field("refresh_token", &"[redacted]")
                .finish(),
        }
    }
}

impl GoogleCredentials {
    /// A service account whose JSON key is in a file of at most
    /// [`MAX_KEY_FILE_BYTES`].
    pub fn service_account_file(
        path: &std::path::Path,
        subject: Option<String>,
    ) -> Result<Self, GoogleSetupError> {
        use std::io::Read as _;

        let unreadable = |e: std::io::Error| {
            GoogleSetupError::KeyFile(path.display().to_string(), e.to_string())
        };
        // Read one byte more than allowed, and no more: a path pointing at
        // /dev/zero or a huge file must not fill the memory (the file's
        // size in its metadata is 0 for a device, so it is not asked).
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .map_err(unreadable)?
            .take(MAX_KEY_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
            return Err(GoogleSetupError::KeyFileTooLarge(
                path.display().to_string(),
            ));
        }
        let json = String::from_utf8(bytes).map_err(|_| {
            GoogleSetupError::BadKey(format!("{} is not UTF-8 text", path.display()))
        })?;
        Ok(Self::ServiceAccount {
            key_json: SecretString::from(json),
            subject,
        })
    }
}

/// Everything the adapter needs to reach the owner's calendar.
#[derive(Clone, Debug)]
pub struct GoogleConfig {
    /// The calendar's id (`primary` for the authorised user's own, or an
    /// address such as `…@group.calendar.google.com`).
    pub calendar_id: String,
    /// How to sign in.
    pub credentials: GoogleCredentials,
    /// The Calendar API's base URL, ending in `/`.
    pub api_base_url: String,
    /// The OAuth token endpoint; `None` uses the service account key's own
    /// `token_uri`, or [`DEFAULT_TOKEN_URL`] for user credentials.
    pub token_url: Option<String>,
    /// Whether new events get a Google Meet link.
    pub meet_links: bool,
    /// Whether Google e-mails attendees about changes (`sendUpdates=all`).
    pub send_updates: bool,
}

impl GoogleConfig {
    /// A configuration with Google's own URLs, no Meet links and no e-mails.
    pub fn new(calendar_id: impl Into<String>, credentials: GoogleCredentials) -> Self {
        Self {
            calendar_id: calendar_id.into(),
            credentials,
            api_base_url: DEFAULT_API_BASE_URL.to_owned(),
            token_url: None,
            meet_links: false,
            send_updates: false,
        }
    }
}

/// The largest service account key file read. Google's keys are about
/// 2.4 KB; anything near this limit is not a key.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Why the adapter could not be set up; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoogleSetupError {
    /// The service account key file could not be read.
    #[error("cannot read the Google service account key file {0}: {1}")]
    KeyFile(String, String),
    /// The service account key file is larger than [`MAX_KEY_FILE_BYTES`].
    #[error("the Google service account key file {0} is larger than 64 KB, so it is not a key")]
    KeyFileTooLarge(String),
    /// The service account key is not a valid key JSON.
    #[error("the Google service account key is not valid JSON of a service account key: {0}")]
    BadKey(String),
    /// No trusted root certificates were found for TLS.
    #[error("no TLS root certificates found (install ca-certificates): {0}")]
    Tls(String),
    /// The authenticator could not be built.
    #[error("cannot set up Google sign-in: {0}")]
    Auth(String),
}

type Connector = HttpsConnector<HttpConnector>;

/// The owner's Google Calendar.
pub struct GoogleCalendar {
    hub: CalendarHub<Connector>,
    calendar_id: String,
    meet_links: bool,
    send_updates: bool,
    /// Service accounts without domain-wide delegation may not invite
    /// attendees (Google answers 403 forbiddenForServiceAccounts), which
    /// would pause the sync for nothing; their attendees go into the
    /// description instead.
    may_invite: bool,
    /// How we get in, for the owner's alerts.
    access: CalendarAccess,
}

impl std::fmt::Debug for GoogleCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleCalendar")
            .field("calendar_id", &self.calendar_id)
            .field("meet_links", &self.meet_links)
            .finish_non_exhaustive()
    }
}

fn connector() -> Result<Connector, GoogleSetupError> {
    Ok(HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| GoogleSetupError::Tls(e.to_string()))?
        // Plain http only ever reaches a configured local URL (a test fake);
        // Google's own URLs are https.
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build())
}

impl GoogleCalendar {
    /// Sets up the adapter. No request is made yet; [`Calendar::probe`]
    /// checks the credentials and the calendar.
    pub async fn new(config: GoogleConfig) -> Result<Self, GoogleSetupError> {
        let connector = connector()?;
        let client = Client::builder(TokioExecutor::new()).build(connector.clone());
        let (mut hub, may_invite, access) = match &config.credentials {
            GoogleCredentials::ServiceAccount { key_json, subject } => {
                let mut key = yup_oauth2::parse_service_account_key(key_json.expose_secret())
                    .map_err(|e| GoogleSetupError::BadKey(e.to_string()))?;
                if let Some(url) = &config.token_url {
                    key.token_uri.clone_from(url);
                }
                let access = CalendarAccess::GoogleServiceAccount {
                    account: key.client_email.clone(),
                };
                let token_client = yup_oauth2::CustomHyperClientBuilder::from(
                    Client::builder(TokioExecutor::new()).build(connector),
                );
                let mut builder =
                    yup_oauth2::ServiceAccountAuthenticator::with_client(key, token_client);
                if let Some(subject) = subject {
                    builder = builder.subject(subject.clone());
                }
                let auth = builder
                    .build()
                    .await
                    .map_err(|e| GoogleSetupError::Auth(e.to_string()))?;
                (CalendarHub::new(client, auth), subject.is_some(), access)
            }
            GoogleCredentials::AuthorizedUser {
                client_id,
                client_secret,
                refresh_token,
            } => {
                // yup-oauth2's own flow for user credentials has Google's
                // token URL built in; this one takes it from configuration.
                let auth = token::RefreshTokenAuth::new(
                    client.clone(),
                    config
                        .token_url
                        .clone()
                        .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_owned()),
                    client_id.clone(),
                    client_secret.clone(),
                    refresh_token.clone(),
                );
                (
                    CalendarHub::new(client, auth),
                    true,
                    CalendarAccess::GoogleUser,
                )
            }
        };
        let mut base = config.api_base_url.clone();
        if !base.ends_with('/') {
            base.push('/');
        }
        hub.base_url(base);
        hub.user_agent(concat!("meetbot/", env!("CARGO_PKG_VERSION")).to_owned());
        Ok(Self {
            hub,
            calendar_id: config.calendar_id,
            meet_links: config.meet_links,
            send_updates: config.send_updates,
            may_invite,
            access,
        })
    }

    fn send_updates(&self) -> &'static str {
        if self.send_updates { "all" } else { "none" }
    }

    fn event_body(&self, event: &CalendarEvent) -> Event {
        let mut description = event.description.clone();
        let attendees = if self.may_invite {
            Some(
                event
                    .attendees
                    .iter()
                    .map(|email| EventAttendee {
                        email: Some(email.clone()),
                        ..EventAttendee::default()
                    })
                    .collect(),
            )
        } else {
            if !event.attendees.is_empty() {
                description.push_str("\n\n");
                description.push_str(&event.attendees.join(", "));
            }
            None
        };
        Event {
            id: Some(event_id(&event.key)),
            summary: Some(event.title.clone()),
            description: Some(description),
            start: Some(zoned(event.interval.start(), event.zone)),
            end: Some(zoned(event.interval.end(), event.zone)),
            attendees,
            // A patch of a cancelled (deleted) event brings it back.
            status: Some("confirmed".to_owned()),
            transparency: Some("opaque".to_owned()),
            extended_properties: Some(EventExtendedProperties {
                private: Some(HashMap::from([
                    ("meetbotMeetingId".to_owned(), event.key.meeting.to_string()),
                    (
                        "meetbotInstall".to_owned(),
                        event.key.install.clone().unwrap_or_default(),
                    ),
                ])),
                shared: None,
            }),
            conference_data: self.meet_links.then(|| ConferenceData {
                create_request: Some(CreateConferenceRequest {
                    // Stable per meeting: asking again never makes a second conference.
                    request_id: Some(event_id(&event.key)),
                    conference_solution_key: Some(ConferenceSolutionKey {
                        type_: Some("hangoutsMeet".to_owned()),
                    }),
                    status: None,
                }),
                ..ConferenceData::default()
            }),
            ..Event::default()
        }
    }

    // Every call asks for the one full-calendar scope (google-calendar3
    // picks the narrowest per method otherwise), so one cached token
    // serves them all instead of one token request per scope.
    async fn insert(&self, body: Event) -> Result<Option<String>, CalendarError> {
        let call = self
            .hub
            .events()
            .insert(body, &self.calendar_id)
            .add_scope(Scope::Full)
            .send_updates(self.send_updates())
            .conference_data_version(i32::from(self.meet_links));
        let (_, event) = timed(call.doit()).await?;
        Ok(video_link(&event))
    }

    /// Updates the event `id`, and checks that the answer shows it as
    /// written: an event that stays cancelled is not a meeting in the
    /// calendar, whatever the status code said.
    async fn patch(&self, body: Event, id: &str) -> Result<Option<String>, CalendarError> {
        let call = self
            .hub
            .events()
            .patch(body, &self.calendar_id, id)
            .add_scope(Scope::Full)
            .send_updates(self.send_updates())
            .conference_data_version(i32::from(self.meet_links));
        let (_, event) = timed(call.doit()).await?;
        match event.status.as_deref() {
            Some("cancelled") => Err(CalendarError::Conflict(format!(
                "the event {id} stays cancelled after it was updated"
            ))),
            _ => Ok(video_link(&event)),
        }
    }
}

/// An event's start or end: the instant, and the zone Google shows it in.
fn zoned(at: DateTime<Utc>, zone: Zone) -> EventDateTime {
    EventDateTime {
        date_time: Some(at),
        time_zone: Some(zone.name().to_owned()),
        ..EventDateTime::default()
    }
}

/// The video link Google made for an event: its Meet link, or the first
/// video entry point of its conference.
fn video_link(event: &Event) -> Option<String> {
    event.hangout_link.clone().or_else(|| {
        event
            .conference_data
            .as_ref()?
            .entry_points
            .as_ref()?
            .iter()
            .find(|entry| entry.entry_point_type.as_deref() == Some("video"))?
            .uri
            .clone()
    })
}

/// Runs a call with a time limit and maps its failure to the port's error.
async fn timed<T>(
    call: impl Future<Output = google_calendar3::Result<T>>,
) -> Result<T, CalendarError> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(|e| map_error(&e)),
        Err(_) => Err(CalendarError::Unavailable(
            "Google Calendar did not answer in time".to_owned(),
        )),
    }
}

/// The Google event id of a meeting: `meetbot`, the install id and the
/// meeting id as 16 hex digits (an event of before install ids: without
/// the install id, as it was written).
///
/// Google allows 5–1024 characters of base32hex (`a`–`v`, `0`–`9`); every
/// character here is in that set, and the same meeting always gives the
/// same id, which is what makes a retried insert harmless.
pub fn event_id(key: &EventKey) -> String {
    // The bits of the i64 as they are: distinct ids stay distinct, negative ones too.
    let meeting = key.meeting.0 as u64;
    match &key.install {
        Some(install) => format!("meetbot{install}{meeting:016x}"),
        None => format!("meetbot{meeting:016x}"),
    }
}

#[async_trait]
impl Calendar for GoogleCalendar {
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError> {
        let request = FreeBusyRequest {
            time_min: Some(range.start() - FREEBUSY_MARGIN),
            time_max: Some(range.end() + FREEBUSY_MARGIN),
            items: Some(vec![FreeBusyRequestItem {
                id: Some(self.calendar_id.clone()),
            }]),
            time_zone: Some("UTC".to_owned()),
            ..FreeBusyRequest::default()
        };
        let (_, answer) = timed(
            self.hub
                .freebusy()
                .query(request)
                .add_scope(Scope::Full)
                .doit(),
        )
        .await?;
        let calendar = answer
            .calendars
            .and_then(|mut c| c.remove(&self.calendar_id))
            .ok_or_else(|| {
                CalendarError::Unexpected("free/busy answer without our calendar".to_owned())
            })?;
        // Google answers 200 with per-calendar errors, e.g. when the
        // calendar is not shared with us.
        if let Some(reason) = calendar
            .errors
            .unwrap_or_default()
            .into_iter()
            .find_map(|e| e.reason)
        {
            return Err(error::from_freebusy_reason(&reason));
        }
        let mut busy = Vec::new();
        for period in calendar.busy.unwrap_or_default() {
            if let (Some(start), Some(end)) = (period.start, period.end)
                && let Ok(interval) = Interval::new(start, end)
                && interval.overlaps(&range)
            {
                busy.push(interval);
            }
        }
        busy.sort();
        Ok(busy)
    }

    async fn upsert_event(&self, event: &CalendarEvent) -> Result<Option<String>, CalendarError> {
        let body = self.event_body(event);
        let id = event_id(&event.key);
        // Insert first: most jobs are new meetings, and Google refuses a
        // second event with the same id (409), which turns a retry after a
        // lost answer, or a move, into a patch of the one event.
        match self.insert(body.clone()).await {
            Err(CalendarError::Conflict(_)) => {
                let mut patch = body;
                patch.id = None;
                self.patch(patch, &id).await
            }
            other => other,
        }
    }

    async fn cancel_event(&self, key: &EventKey) -> Result<(), CalendarError> {
        let call = self
            .hub
            .events()
            .delete(&self.calendar_id, &event_id(key))
            .add_scope(Scope::Full)
            .send_updates(self.send_updates());
        match timed(call.doit()).await {
            // Never written, or deleted already: what a cancel wants.
            Ok(_) | Err(CalendarError::NotFound | CalendarError::Gone) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn about(&self) -> CalendarAbout {
        CalendarAbout {
            name: self.calendar_id.clone(),
            access: self.access.clone(),
        }
    }

    /// Google gives an event written under an id the UID `<id>@google.com`.
    fn event_uid(&self, key: &EventKey) -> String {
        match key.install {
            Some(_) => format!("{}@google.com", event_id(key)),
            None => key.uid(),
        }
    }

    async fn probe(&self) -> Result<(), CalendarError> {
        timed(
            self.hub
                .calendars()
                .get(&self.calendar_id)
                .add_scope(Scope::Full)
                .doit(),
        )
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_legal_base32hex_stable_and_distinct() {
        let installs = [None, Some("0123456789abcdef"), Some("fedcba9876543210")];
        let ids: Vec<String> = [0, 1, 42, i64::MAX, -1, i64::MIN]
            .into_iter()
            .flat_map(|n| {
                installs.iter().map(move |install| {
                    event_id(&EventKey {
                        meeting: meetbot_domain::MeetingId(n),
                        install: install.map(str::to_owned),
                    })
                })
            })
            .collect();
        for id in &ids {
            assert!((5..=1024).contains(&id.len()), "{id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c)),
                "{id}"
            );
        }
        let key = |install: &str| EventKey {
            meeting: meetbot_domain::MeetingId(42),
            install: Some(install.to_owned()),
        };
        assert_eq!(
            event_id(&key("0123456789abcdef")),
            event_id(&key("0123456789abcdef"))
        );
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn credentials_never_show_their_secrets_in_debug_output() {
        let user = GoogleCredentials::AuthorizedUser {
            client_id: "client".into(),
            client_secret: SecretString::from("canary-secret"),
            refresh_token: SecretString::from("canary-refresh"),
        };
        let sa = GoogleCredentials::ServiceAccount {
            key_json: SecretString::from("canary-key"),
            subject: None,
        };
        let text = format!("{user:?} {sa:?}");
        assert!(!text.contains("canary"), "{text}");
    }
}
