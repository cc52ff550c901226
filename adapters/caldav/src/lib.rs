//! A CalDAV calendar (Nextcloud, Radicale, Fastmail, iCloud and the like)
//! as meetbot's [`Calendar`] port.
//!
//! - Discovery: from the server's URL, `current-user-principal` →
//!   `calendar-home-set` → the first calendar collection that holds events;
//!   or a configured collection URL, used as it is.
//! - Busy time: a `REPORT calendar-query` with a time range, asking the
//!   server to expand recurring events into instances; events marked
//!   TRANSPARENT (free) or CANCELLED do not block.
//! - Writes: each meeting is one resource, `meetbot-<install>-<id>.ics`,
//!   whose UID is the same name (see `EventKey`), written with `PUT` (a
//!   second write replaces it, so retries never duplicate) and removed with
//!   `DELETE` (a 404 is success). Events of before install ids keep their
//!   `meetbot-meeting-<id>` names.
//! - HTTP Basic authentication; reqwest over rustls with the aws-lc-rs
//!   provider.
//!
//! Depends on the ports and the domain; never on the use cases, a database
//! or a chat library. The password is never logged and is redacted in
//! `Debug` output.

pub mod config;
mod ical;
mod xml;

use std::time::Duration as StdDuration;

use async_trait::async_trait;
use meetbot_domain::{Interval, Zone};
use meetbot_ports::{
    Calendar, CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, EventKey,
};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

pub use config::CalDavCalendarConfig;

/// How long one request may take before it counts as unavailable.
const REQUEST_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// Where and as whom meetbot reaches the CalDAV server.
#[derive(Clone)]
pub struct CalDavConfig {
    /// The server's URL (discovery starts there), or the calendar
    /// collection's own URL when `discover` is false.
    pub url: String,
    /// Whether `url` is the server (find the calendar) or the collection.
    pub discover: bool,
    /// The user name for Basic authentication.
    pub username: String,
    /// The password (an app password, for servers that have them).
    pub password: SecretString,
    /// The zone of times the calendar gives without one (floating times
    /// and all-day events): the owner's zone.
    pub zone: Zone,
}

impl std::fmt::Debug for CalDavConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalDavConfig")
            .field("url", &self.url)
            .field("discover", &self.discover)
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("zone", &self.zone)
            .finish()
    }
}

/// Why the adapter could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalDavSetupError {
    /// The URL does not parse.
    #[error("the CalDAV URL {0:?} is not a valid URL: {1}")]
    BadUrl(String, String),
    /// The HTTP client could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

/// A calendar on a CalDAV server.
pub struct CalDavCalendar {
    http: reqwest::Client,
    url: Url,
    username: String,
    password: SecretString,
    zone: Zone,
    collection: OnceCell<Url>,
}

impl std::fmt::Debug for CalDavCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalDavCalendar")
            .field("url", &self.url.as_str())
            .field("username", &self.username)
            .field("collection", &self.collection.get().map(Url::as_str))
            .finish_non_exhaustive()
    }
}

/// The resource name of a meeting's event in the collection.
pub fn resource_name(key: &EventKey) -> String {
    format!("{}.ics", ical::uid(key))
}

fn status_error(status: StatusCode, what: &str) -> CalendarError {
    let message = format!("{what}: HTTP {}", status.as_u16());
    match status.as_u16() {
        401 | 403 => CalendarError::Unauthorised(message),
        404 => CalendarError::NotFound,
        410 => CalendarError::Gone,
        409 | 412 => CalendarError::Conflict(message),
        429 => CalendarError::RateLimited,
        500..=599 => CalendarError::Unavailable(message),
        _ => CalendarError::Unexpected(message),
    }
}

fn network_error(error: &reqwest::Error) -> CalendarError {
    // reqwest's messages carry the URL, which holds no secret here
    // (credentials travel in a header, never in the URL).
    CalendarError::Unavailable(format!("cannot reach the CalDAV server: {error}"))
}

const PROPFIND_PRINCIPAL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"#;

const PROPFIND_HOME: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/></d:prop></d:propfind>"#;

const PROPFIND_COLLECTIONS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><c:supported-calendar-component-set/></d:prop></d:propfind>"#;

const MKCALENDAR: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
<d:displayname>meetbot</d:displayname>
<c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>
</d:prop></d:set></c:mkcalendar>"#;

fn calendar_query(range: Interval) -> String {
    let start = xml::escape(&ical::utc_text(range.start()));
    let end = xml::escape(&ical::utc_text(range.end()));
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-data><c:expand start="{start}" end="{end}"/></c:calendar-data></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
<c:time-range start="{start}" end="{end}"/>
</c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"#
    )
}

impl CalDavCalendar {
    /// Sets up the adapter; nothing is requested until the first call.
    pub fn new(config: CalDavConfig) -> Result<Self, CalDavSetupError> {
        let mut text = config.url.clone();
        // Collections are folders: a relative join must land inside them.
        if !text.ends_with('/') {
            text.push('/');
        }
        let url = Url::parse(&text)
            .map_err(|e| CalDavSetupError::BadUrl(config.url.clone(), e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("meetbot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CalDavSetupError::Client(e.to_string()))?;
        let collection = OnceCell::new();
        if !config.discover {
            // A configured collection needs no discovery.
            let _ = collection.set(url.clone());
        }
        Ok(Self {
            http,
            url,
            username: config.username,
            password: config.password,
            zone: config.zone,
            collection,
        })
    }

    fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        self.http
            .request(method, url)
            .basic_auth(&self.username, Some(self.password.expose_secret()))
    }

    async fn dav(
        &self,
        method: &str,
        url: Url,
        depth: &str,
        body: String,
    ) -> Result<xml::Node, CalendarError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|e| CalendarError::Unexpected(e.to_string()))?;
        let what = format!("{method} {}", url.path());
        let response = self
            .request(method, url)
            .header("Depth", depth)
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(body)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(status_error(status, &what));
        }
        let text = response.text().await.map_err(|e| network_error(&e))?;
        xml::parse(&text).map_err(|e| CalendarError::Unexpected(format!("{what}: bad XML: {e}")))
    }

    fn join(&self, base: &Url, href: &str) -> Result<Url, CalendarError> {
        base.join(href)
            .map_err(|e| CalendarError::Unexpected(format!("bad href {href:?}: {e}")))
    }

    /// The calendar collection: configured, or discovered once and kept.
    pub async fn collection(&self) -> Result<Url, CalendarError> {
        self.collection
            .get_or_try_init(|| self.discover_collection())
            .await
            .cloned()
    }

    async fn discover_collection(&self) -> Result<Url, CalendarError> {
        let answer = self
            .dav("PROPFIND", self.url.clone(), "0", PROPFIND_PRINCIPAL.into())
            .await;
        let principal = match answer {
            Ok(node) => node.href_in("current-user-principal"),
            Err(CalendarError::NotFound) => None,
            Err(e) => return Err(e),
        };
        let principal = match principal {
            Some(href) => self.join(&self.url, &href)?,
            None => {
                // RFC 6764: the well-known URL redirects to the context path.
                let well_known = self.join(&self.url, "/.well-known/caldav")?;
                let node = self
                    .dav(
                        "PROPFIND",
                        well_known.clone(),
                        "0",
                        PROPFIND_PRINCIPAL.into(),
                    )
                    .await?;
                let href = node
                    .href_in("current-user-principal")
                    .ok_or(CalendarError::NotFound)?;
                self.join(&well_known, &href)?
            }
        };
        let node = self
            .dav("PROPFIND", principal.clone(), "0", PROPFIND_HOME.into())
            .await?;
        let home = match node.href_in("calendar-home-set") {
            Some(href) => self.join(&principal, &href)?,
            None => principal,
        };
        let node = self
            .dav("PROPFIND", home.clone(), "1", PROPFIND_COLLECTIONS.into())
            .await?;
        for response in node.children("response") {
            let Some(href) = response.find("href").map(|h| h.text.trim().to_owned()) else {
                continue;
            };
            let is_calendar = response
                .find("resourcetype")
                .is_some_and(|t| t.find("calendar").is_some());
            let comps = response.descendants("comp");
            // No component set means "any component".
            let holds_events = comps.is_empty()
                || comps.iter().any(|c| {
                    c.attribute("name")
                        .is_some_and(|n| n.eq_ignore_ascii_case("VEVENT"))
                });
            if is_calendar && holds_events {
                let url = self.join(&home, &href)?;
                tracing::info!(collection = %url, "CalDAV calendar discovered");
                return Ok(url);
            }
        }
        Err(CalendarError::NotFound)
    }

    /// Creates the calendar collection at the configured URL (`MKCALENDAR`),
    /// for servers where meetbot should keep its own calendar. An existing
    /// collection is left as it is.
    pub async fn create_collection(&self) -> Result<(), CalendarError> {
        let url = self.url.clone();
        let method = Method::from_bytes(b"MKCALENDAR")
            .map_err(|e| CalendarError::Unexpected(e.to_string()))?;
        let response = self
            .request(method, url)
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(MKCALENDAR)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        match response.status() {
            s if s.is_success() => Ok(()),
            // 405: the collection exists already.
            StatusCode::METHOD_NOT_ALLOWED => Ok(()),
            s => Err(status_error(s, "MKCALENDAR")),
        }
    }
}

#[async_trait]
impl Calendar for CalDavCalendar {
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError> {
        let collection = self.collection().await?;
        let node = self
            .dav("REPORT", collection, "1", calendar_query(range))
            .await?;
        let mut busy = Vec::new();
        for data in node.descendants("calendar-data") {
            match ical::busy_intervals(&data.text, self.zone) {
                Ok(intervals) => busy.extend(intervals.into_iter().filter(|i| i.overlaps(&range))),
                // One unreadable event must not hide all the others' busy time.
                Err(error) => tracing::warn!(%error, "a CalDAV event could not be read; ignored"),
            }
        }
        busy.sort();
        busy.dedup();
        Ok(busy)
    }

    async fn upsert_event(&self, event: &CalendarEvent) -> Result<Option<String>, CalendarError> {
        let collection = self.collection().await?;
        let url = self.join(&collection, &resource_name(&event.key))?;
        let body = ical::event_ics(event, chrono::Utc::now());
        let response = self
            .request(Method::PUT, url)
            .header("Content-Type", "text/calendar; charset=utf-8")
            .body(body)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        match response.status() {
            s if s.is_success() => Ok(None),
            // A PUT without preconditions conflicts only with a missing
            // parent (RFC 4918, 9.7.1): the collection is not there.
            StatusCode::CONFLICT => Err(CalendarError::NotFound),
            s => Err(status_error(s, "PUT event")),
        }
    }

    async fn cancel_event(&self, key: &EventKey) -> Result<(), CalendarError> {
        let collection = self.collection().await?;
        let url = self.join(&collection, &resource_name(key))?;
        let response = self
            .request(Method::DELETE, url)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        match response.status() {
            // Not there (any more) is what a cancel wants.
            s if s.is_success() || s == StatusCode::NOT_FOUND || s == StatusCode::GONE => Ok(()),
            s => Err(status_error(s, "DELETE event")),
        }
    }

    async fn probe(&self) -> Result<(), CalendarError> {
        let collection = self.collection().await?;
        let node = self
            .dav("PROPFIND", collection, "0", PROPFIND_COLLECTIONS.into())
            .await?;
        if node.find("calendar").is_some() {
            Ok(())
        } else {
            Err(CalendarError::NotFound)
        }
    }

    fn about(&self) -> CalendarAbout {
        CalendarAbout {
            name: self.url.to_string(),
            access: CalendarAccess::CalDav,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let config = CalDavConfig {
            url: "https://dav.example.com/".into(),
            discover: true,
            username: "owner".into(),
            password: SecretString::from("canary-password"),
            zone: Zone::utc(),
        };
        assert!(!format!("{config:?}").contains("canary"));
        let calendar = CalDavCalendar::new(config).unwrap();
        assert!(!format!("{calendar:?}").contains("canary"));
    }

    #[test]
    fn status_codes_map_to_the_port_errors() {
        assert!(matches!(
            status_error(StatusCode::UNAUTHORIZED, "x"),
            CalendarError::Unauthorised(_)
        ));
        assert!(matches!(
            status_error(StatusCode::FORBIDDEN, "x"),
            CalendarError::Unauthorised(_)
        ));
        assert_eq!(
            status_error(StatusCode::NOT_FOUND, "x"),
            CalendarError::NotFound
        );
        assert_eq!(status_error(StatusCode::GONE, "x"), CalendarError::Gone);
        assert_eq!(
            status_error(StatusCode::TOO_MANY_REQUESTS, "x"),
            CalendarError::RateLimited
        );
        assert!(matches!(
            status_error(StatusCode::BAD_GATEWAY, "x"),
            CalendarError::Unavailable(_)
        ));
        assert!(matches!(
            status_error(StatusCode::PRECONDITION_FAILED, "x"),
            CalendarError::Conflict(_)
        ));
    }
}
