//! A fake Google Calendar API and OAuth token endpoint on 127.0.0.1, for
//! running the Google adapter offline.
//!
//! It keeps events per id the way Google does (a deleted event stays as
//! `cancelled`, so inserting its id again is a 409), answers
//! `freeBusy` from the events that block time (clipped to the query like
//! Google), checks bearer tokens it issued itself, and verifies the
//! service-account JWT with the public half of a key made at test time.
//! Failures are injected per request: a queue of statuses to answer next,
//! or one status for every call until cleared.

#![expect(
    clippy::unwrap_used,
    reason = "test support: a panic reports a broken set-up"
)]

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use meetbot_google_calendar::{GoogleConfig, GoogleCredentials};
use secrecy::SecretString;
use serde_json::{Value, json};

/// The calendar the fake holds.
pub const CALENDAR_ID: &str = "owner@example.com";
/// The service account's e-mail in the test key.
pub const CLIENT_EMAIL: &str = "meetbot-test@fake-project.iam.gserviceaccount.com";

/// One event as the fake stores it.
#[derive(Clone, Debug)]
pub struct FakeEvent {
    pub id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: String,
    pub transparent: bool,
    pub body: Value,
}

#[derive(Debug, Default)]
struct Inner {
    events: BTreeMap<String, FakeEvent>,
    tokens: Vec<String>,
    token_requests: Vec<Value>,
    queued_failures: VecDeque<u16>,
    queued_write_failures: VecDeque<u16>,
    failing_with: Option<u16>,
    inserts: u32,
    writes_attempted: u32,
    public_key: Vec<u8>,
    next_external: u32,
    hanging_reads: bool,
    failing_writes_with: Option<u16>,
    cancelled_stay_cancelled: bool,
}

/// The fake server: its address and its state.
#[derive(Clone, Debug)]
pub struct FakeGoogle {
    /// Where it listens.
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    key_pem: Arc<String>,
}

fn google_error(code: u16, reason: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap();
    (
        status,
        axum::Json(json!({"error": {
            "errors": [{"domain": "global", "reason": reason, "message": message}],
            "code": code,
            "message": message,
        }})),
    )
        .into_response()
}

fn reason_for(code: u16) -> &'static str {
    match code {
        401 => "authError",
        403 => "forbidden",
        404 => "notFound",
        429 => "rateLimitExceeded",
        500..=599 => "backendError",
        _ => "invalid",
    }
}

impl FakeGoogle {
    /// Starts the fake on a free port of 127.0.0.1, with a fresh RSA key
    /// for the service account.
    pub async fn start() -> Self {
        let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&key).unwrap();
        let body = STANDARD.encode(pkcs8.as_ref());
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let key_pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        );
        let inner = Arc::new(Mutex::new(Inner {
            public_key: key.public_key().as_ref().to_vec(),
            ..Inner::default()
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = Self {
            addr,
            inner,
            key_pem: Arc::new(key_pem),
        };
        let app = Router::new()
            .route("/token", post(token))
            .route("/calendar/v3/freeBusy", post(freebusy))
            .route("/calendar/v3/calendars/{cal}", get(calendar))
            .route("/calendar/v3/calendars/{cal}/events", post(insert))
            .route(
                "/calendar/v3/calendars/{cal}/events/{id}",
                patch(patch_event).delete(delete_event),
            )
            .with_state(fake.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        fake
    }

    /// The API base URL to configure.
    pub fn api_base_url(&self) -> String {
        format!("http://{}/calendar/v3/", self.addr)
    }

    /// The token URL to configure.
    pub fn token_url(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    /// A service-account key JSON whose key the fake can verify.
    pub fn service_account_json(&self) -> String {
        json!({
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": "test-only-key",
            "private_key": *self.key_pem,
            "client_email": CLIENT_EMAIL,
            "client_id": "1234567890",
            "auth_uri": "http://127.0.0.1:1/unused",
            "token_uri": self.token_url(),
        })
        .to_string()
    }

    /// The fake's service account, acting as `subject` (domain-wide
    /// delegation) when one is given.
    pub fn service_account(&self, subject: Option<&str>) -> GoogleCredentials {
        GoogleCredentials::ServiceAccount {
            key_json: SecretString::from(self.service_account_json()),
            subject: subject.map(str::to_owned),
        }
    }

    /// The adapter's configuration for `calendar_id`, signed in with
    /// `credentials` and pointed at this fake.
    pub fn config(&self, calendar_id: &str, credentials: GoogleCredentials) -> GoogleConfig {
        let mut config = GoogleConfig::new(calendar_id, credentials);
        config.api_base_url = self.api_base_url();
        config.token_url = Some(self.token_url());
        config
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap()
    }

    /// The next `n` API calls answer `status`.
    pub fn fail_next(&self, n: usize, status: u16) {
        let mut inner = self.lock();
        inner.queued_failures.extend(std::iter::repeat_n(status, n));
    }

    /// The next `n` event writes (insert, patch, delete) answer `status`;
    /// reads are not affected.
    pub fn fail_next_writes(&self, n: usize, status: u16) {
        let mut inner = self.lock();
        inner
            .queued_write_failures
            .extend(std::iter::repeat_n(status, n));
    }

    /// Free/busy queries are taken and never answered, while `hanging` is set.
    pub fn hang_reads(&self, hanging: bool) {
        self.lock().hanging_reads = hanging;
    }

    /// A patch of a cancelled event answers 200 and leaves it cancelled, as
    /// a calendar may for an event whose id another writer cancelled.
    pub fn keep_cancelled_events_cancelled(&self) {
        self.lock().cancelled_stay_cancelled = true;
    }

    /// Every event write answers `status` until `None` is set, while
    /// free/busy queries are answered: a calendar shared read-only.
    pub fn fail_writes_always(&self, status: Option<u16>) {
        self.lock().failing_writes_with = status;
    }

    /// Every API call answers `status` until `None` is set.
    pub fn fail_always(&self, status: Option<u16>) {
        self.lock().failing_with = status;
    }

    /// Live (not cancelled) events, by id.
    pub fn events(&self) -> Vec<FakeEvent> {
        self.lock()
            .events
            .values()
            .filter(|e| e.status != "cancelled")
            .cloned()
            .collect()
    }

    /// How many inserts succeeded.
    pub fn inserts(&self) -> u32 {
        self.lock().inserts
    }

    /// How many event writes (insert, patch, delete) reached the fake,
    /// failed or not.
    pub fn writes_attempted(&self) -> u32 {
        self.lock().writes_attempted
    }

    /// The token requests' form fields (as JSON), in order.
    pub fn token_requests(&self) -> Vec<Value> {
        self.lock().token_requests.clone()
    }

    /// An appointment the owner made in Google itself.
    pub fn add_external_event(&self, start: DateTime<Utc>, end: DateTime<Utc>, transparent: bool) {
        let mut inner = self.lock();
        inner.next_external += 1;
        let id = format!("external{}", inner.next_external);
        inner.events.insert(
            id.clone(),
            FakeEvent {
                id,
                start,
                end,
                status: "confirmed".into(),
                transparent,
                body: json!({}),
            },
        );
    }

    /// Counts an event write and the failure queued for it, if any.
    fn write_injected(&self) -> Option<Response> {
        let mut inner = self.lock();
        inner.writes_attempted += 1;
        let code = inner
            .queued_write_failures
            .pop_front()
            .or(inner.failing_writes_with)?;
        Some(google_error(code, reason_for(code), "injected failure"))
    }

    /// What an event write is answered with before it is looked at: an
    /// injected failure, a bad token or an unknown calendar; `None` when
    /// it may go ahead.
    fn refuse_write(&self, headers: &HeaderMap, cal: &str) -> Option<Response> {
        self.write_injected()
            .or_else(|| self.injected(headers))
            .or_else(|| (cal != CALENDAR_ID).then(|| google_error(404, "notFound", "Not Found")))
    }

    /// The failure to answer this API call with, if any.
    fn injected(&self, headers: &HeaderMap) -> Option<Response> {
        let mut inner = self.lock();
        if let Some(code) = inner.queued_failures.pop_front().or(inner.failing_with) {
            return Some(google_error(code, reason_for(code), "injected failure"));
        }
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match token {
            Some(t) if inner.tokens.iter().any(|known| known == t) => None,
            _ => Some(google_error(401, "authError", "Invalid Credentials")),
        }
    }
}

/// base64url with or without padding (yup-oauth2 pads its JWT parts).
pub fn b64url(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).unwrap()
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&b64url(part)).unwrap()
}

/// The token endpoint's refusal: 400 with the OAuth error code.
fn oauth_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": error })),
    )
        .into_response()
}

async fn token(State(fake): State<FakeGoogle>, body: String) -> Response {
    let form: BTreeMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let v = v.replace('+', " ");
            let mut out = Vec::new();
            let bytes = v.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' && i + 2 < bytes.len() {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            (k.to_owned(), String::from_utf8(out).unwrap())
        })
        .collect();
    fake.lock().token_requests.push(json!(form));
    match form.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => {
            let assertion = form.get("assertion").cloned().unwrap_or_default();
            let parts: Vec<&str> = assertion.split('.').collect();
            if parts.len() != 3 {
                return oauth_error("invalid_grant");
            }
            let header = b64_json(parts[0]);
            let claims = b64_json(parts[1]);
            let signature_ok = signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                fake.lock().public_key.clone(),
            )
            .verify(
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &b64url(parts[2]),
            )
            .is_ok();
            let fits = header["alg"] == "RS256"
                && claims["iss"] == CLIENT_EMAIL
                && claims["aud"] == fake.token_url()
                && claims["scope"]
                    .as_str()
                    .is_some_and(|s| s.contains("auth/calendar"));
            if !(signature_ok && fits) {
                return oauth_error("invalid_grant");
            }
        }
        Some("refresh_token") => {
            if form.get("refresh_token").map(String::as_str) != Some("test-refresh-token") {
                return oauth_error("invalid_grant");
            }
        }
        _ => {
            return oauth_error("unsupported_grant_type");
        }
    }
    let mut inner = fake.lock();
    let token = format!("fake-access-token-{}", inner.tokens.len() + 1);
    inner.tokens.push(token.clone());
    axum::Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn calendar(
    State(fake): State<FakeGoogle>,
    headers: HeaderMap,
    Path(cal): Path<String>,
) -> Response {
    if let Some(failure) = fake.injected(&headers) {
        return failure;
    }
    if cal != CALENDAR_ID {
        return google_error(404, "notFound", "Not Found");
    }
    axum::Json(json!({"kind": "calendar#calendar", "id": cal, "summary": "Owner", "timeZone": "Europe/Berlin"}))
        .into_response()
}

fn instant(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

async fn freebusy(
    State(fake): State<FakeGoogle>,
    headers: HeaderMap,
    axum::Json(request): axum::Json<Value>,
) -> Response {
    if let Some(failure) = fake.injected(&headers) {
        return failure;
    }
    if fake.lock().hanging_reads {
        // A calendar that takes the request and never answers.
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
    let (Some(min), Some(max)) = (instant(&request["timeMin"]), instant(&request["timeMax"]))
    else {
        return google_error(400, "badRequest", "timeMin and timeMax are required");
    };
    let mut calendars = serde_json::Map::new();
    for item in request["items"].as_array().cloned().unwrap_or_default() {
        let id = item["id"].as_str().unwrap_or_default().to_owned();
        if id != CALENDAR_ID {
            calendars.insert(
                id,
                json!({"errors": [{"domain": "global", "reason": "notFound"}]}),
            );
            continue;
        }
        let mut periods: Vec<(DateTime<Utc>, DateTime<Utc>)> = fake
            .lock()
            .events
            .values()
            .filter(|e| e.status != "cancelled" && !e.transparent)
            .filter(|e| e.start < max && min < e.end)
            // Google clips busy periods to the query's bounds.
            .map(|e| (e.start.max(min), e.end.min(max)))
            .collect();
        periods.sort();
        // ... and merges overlapping ones.
        let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (s, e) in periods {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let busy: Vec<Value> = merged
            .into_iter()
            .map(|(s, e)| json!({"start": s.to_rfc3339(), "end": e.to_rfc3339()}))
            .collect();
        calendars.insert(id, json!({"busy": busy}));
    }
    axum::Json(json!({
        "kind": "calendar#freeBusy",
        "timeMin": min.to_rfc3339(),
        "timeMax": max.to_rfc3339(),
        "calendars": calendars,
    }))
    .into_response()
}

fn legal_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c))
}

fn apply(event: &mut FakeEvent, body: &Value, conference_version: Option<&String>) {
    if let Some(start) = instant(&body["start"]["dateTime"]) {
        event.start = start;
    }
    if let Some(end) = instant(&body["end"]["dateTime"]) {
        event.end = end;
    }
    if let Some(status) = body["status"].as_str() {
        event.status = status.to_owned();
    }
    if let Some(t) = body["transparency"].as_str() {
        event.transparent = t == "transparent";
    }
    let mut merged = event.body.as_object().cloned().unwrap_or_default();
    for (k, v) in body.as_object().cloned().unwrap_or_default() {
        merged.insert(k, v);
    }
    if conference_version.map(String::as_str) == Some("1")
        && body["conferenceData"]["createRequest"]["requestId"].is_string()
    {
        merged.insert(
            "hangoutLink".into(),
            json!(format!("https://meet.google.com/fake-{}", event.id)),
        );
    }
    event.body = Value::Object(merged);
}

async fn insert(
    State(fake): State<FakeGoogle>,
    headers: HeaderMap,
    Path(cal): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Some(refusal) = fake.refuse_write(&headers, &cal) {
        return refusal;
    }
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    if !legal_event_id(&id) {
        return google_error(400, "invalid", "Invalid resource id value.");
    }
    let (Some(start), Some(end)) = (
        instant(&body["start"]["dateTime"]),
        instant(&body["end"]["dateTime"]),
    ) else {
        return google_error(400, "required", "Missing time");
    };
    let mut inner = fake.lock();
    if inner.events.contains_key(&id) {
        return google_error(409, "duplicate", "The requested identifier already exists.");
    }
    let mut event = FakeEvent {
        id: id.clone(),
        start,
        end,
        status: "confirmed".into(),
        transparent: false,
        body: json!({}),
    };
    apply(&mut event, &body, query.get("conferenceDataVersion"));
    // As Google does: an event created under an id gets the UID `<id>@google.com`.
    if let Some(fields) = event.body.as_object_mut() {
        fields.insert("iCalUID".into(), json!(format!("{id}@google.com")));
    }
    let answer = event.body.clone();
    inner.events.insert(id, event);
    inner.inserts += 1;
    axum::Json(answer).into_response()
}

async fn patch_event(
    State(fake): State<FakeGoogle>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Some(refusal) = fake.refuse_write(&headers, &cal) {
        return refusal;
    }
    let mut inner = fake.lock();
    let stay_cancelled = inner.cancelled_stay_cancelled;
    let Some(event) = inner.events.get_mut(&id) else {
        return google_error(404, "notFound", "Not Found");
    };
    let was_cancelled = event.status == "cancelled";
    apply(event, &body, query.get("conferenceDataVersion"));
    if was_cancelled && stay_cancelled {
        event.status = "cancelled".into();
        if let Some(fields) = event.body.as_object_mut() {
            fields.insert("status".into(), json!("cancelled"));
        }
    }
    axum::Json(event.body.clone()).into_response()
}

async fn delete_event(
    State(fake): State<FakeGoogle>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
) -> Response {
    if let Some(refusal) = fake.refuse_write(&headers, &cal) {
        return refusal;
    }
    let mut inner = fake.lock();
    match inner.events.get_mut(&id) {
        None => google_error(404, "notFound", "Not Found"),
        Some(e) if e.status == "cancelled" => {
            google_error(410, "deleted", "Resource has been deleted")
        }
        Some(e) => {
            e.status = "cancelled".into();
            StatusCode::NO_CONTENT.into_response()
        }
    }
}
