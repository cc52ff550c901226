//! The HTTP endpoints: `GET /health` and people's calendar feeds
//! (`GET /feed/<secret>.ics`) in every mode, and Telegram's webhook route
//! when the bot runs in webhook mode.

use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use meetbot_domain::Language;
use meetbot_i18n::Translator;
use meetbot_telegram::BotApi;
use meetbot_usecases::Services;
use meetbot_usecases::calendar_sync::{self, CalendarHealth};
use meetbot_usecases::feed;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::supervise::{TaskState, TaskStates};

/// How long the database may take to answer a health check.
const DATABASE_CHECK: Duration = Duration::from_secs(3);

/// How long the calendar may take to answer a health check. The adapters
/// wait up to 30 s for a call; a health checker gives up long before that.
const CALENDAR_CHECK: Duration = Duration::from_secs(5);

/// What `/health` looks at.
#[derive(Clone)]
pub struct Health {
    /// The Bot API client, for the time of its last successful call (none
    /// in console mode).
    pub telegram: Option<BotApi>,
    /// The configured calendar's kind, as `calendar.kind` names it.
    pub calendar_kind: &'static str,
    /// The database, asked for a small value and given a heartbeat to
    /// write, and what the calendar's health is read through: its probe,
    /// and the pause flag the outbox keeps in the store.
    pub services: Services,
    /// The supervised background tasks: one that is not running fails the check.
    pub tasks: TaskStates,
    /// The bearer token `/metrics` asks for (`http.metrics_token`), if any.
    pub metrics_token: Option<SecretString>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health")
            .field("telegram", &self.telegram)
            .field("calendar_kind", &self.calendar_kind)
            .field("tasks", &self.tasks)
            .finish_non_exhaustive()
    }
}

/// The `/health` route.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/health", get(health_check))
        .route("/metrics", get(metrics))
        .route("/feed/{file}", get(calendar_feed))
        .with_state(health)
}

/// The Prometheus metrics; with `http.metrics_token` set, only for a
/// request with `Authorization: Bearer <token>` (else 401).
async fn metrics(State(health): State<Health>, headers: HeaderMap) -> Response {
    if let Some(token) = &health.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        let expected = token.expose_secret().as_bytes();
        if !bool::from(given.as_bytes().ct_eq(expected)) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "a bearer token is required\n",
            )
                .into_response();
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::metrics::render(
            &health.tasks,
            health.services.store.as_ref(),
            health.services.clock.now(),
        )
        .await,
    )
        .into_response()
}

/// A person's calendar feed (see `meetbot_usecases::feed`): 200 with
/// the iCalendar text, 404 for an address that is not (or no longer)
/// anybody's, 503 when the database cannot be read.
async fn calendar_feed(State(health): State<Health>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feed::feed(&health.services, token).await {
        Ok(Some(ics)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                // Calendar programs poll; a few minutes old is fresh enough.
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            ics,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::warn!(%error, "a calendar feed could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// 200 when the database answers and accepts a write, the calendar works
/// and every background task runs, else 503, with a JSON body: `{"status",
/// "database": {"reachable", "writable"}, "telegram": {"last_success"},
/// "calendar": {"kind", "name", "status", "reason", "fix"}, "tasks": {name: "running" or
/// "restarting: why"}, "version"}`.
///
/// A read alone would pass on a database that can no longer be written (a
/// read-only file, a full disk), so the check also writes a heartbeat row.
///
/// The calendar is probed live on every call (no cached answer), so a
/// monitor should poll every few seconds at most, not in a tight loop.
async fn health_check(State(health): State<Health>) -> impl IntoResponse {
    let store = &health.services.store;
    let now = health.services.clock.now();
    let (database, heartbeat, calendar) = tokio::join!(
        tokio::time::timeout(DATABASE_CHECK, store.value("health.check")),
        tokio::time::timeout(DATABASE_CHECK, store.heartbeat(now)),
        tokio::time::timeout(
            CALENDAR_CHECK,
            calendar_sync::calendar_health(&health.services)
        ),
    );
    let reachable = matches!(database, Ok(Ok(_)));
    // Not logged: a monitor polls every few seconds, and the answer itself
    // says that the write failed.
    let writable = matches!(heartbeat, Ok(Ok(_)));
    let about = health.services.calendar.about();
    let (failure, fix) = match calendar {
        Ok(Ok(state)) => (calendar_failure(&state), state.fix(&about)),
        Ok(Err(error)) => (
            Some(format!("cannot read the calendar's state: {error}")),
            None,
        ),
        Err(_) => (
            Some(format!("no answer within {} s", CALENDAR_CHECK.as_secs())),
            None,
        ),
    };
    let tasks = health.tasks.snapshot();
    let tasks_run = tasks.values().all(|state| *state == TaskState::Running);
    let healthy = reachable && writable && failure.is_none() && tasks_run;
    let telegram = health
        .telegram
        .as_ref()
        .map(|api| json!({ "last_success": api.last_success().map(|at| at.to_rfc3339()) }));
    let calendar = match &failure {
        None => json!({ "kind": health.calendar_kind, "name": about.name, "status": "ok" }),
        Some(reason) => json!({
            "kind": health.calendar_kind,
            "name": about.name,
            "status": "failing",
            "reason": reason,
            // In English, for whoever runs the bot.
            "fix": fix.map(|fix| Translator::shared().text(Language::En, &fix)),
        }),
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": { "reachable": reachable, "writable": writable },
        "telegram": telegram,
        "calendar": calendar,
        "tasks": tasks
            .iter()
            .map(|(name, state)| (*name, state.to_string()))
            .collect::<std::collections::BTreeMap<_, _>>(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    (status, Json(body))
}

/// Why the calendar is failing, if it is. A pause outranks the probe: it
/// means writes were refused, which a person has to fix, even when the
/// probe happens to pass.
fn calendar_failure(state: &CalendarHealth) -> Option<String> {
    if let Some(failure) = &state.auth_failure {
        return Some(format!(
            "sync paused since {}: {}",
            failure.since.to_rfc3339(),
            failure.error
        ));
    }
    state.probe.as_ref().err().map(ToString::to_string)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use meetbot_memory::{InMemoryCalendar, InMemoryStore};
    use meetbot_ports::{Calendar, CalendarError, Store};
    use meetbot_usecases::calendar_sync::AUTH_FAILED_KEY;
    use serde_json::Value;

    use super::*;
    use crate::clock::SystemClock;

    /// Serves `/health` over `calendar` on a free port; returns its status
    /// and body.
    async fn health_of(store: Arc<InMemoryStore>, calendar: Arc<dyn Calendar>) -> (u16, Value) {
        let services = meetbot_testkit::services()
            .store(store)
            .calendar(calendar)
            .clock(Arc::new(SystemClock::new()))
            .owner_ids(Vec::new())
            .build();
        let app = router(Health {
            telegram: None,
            calendar_kind: "remote",
            services,
            tasks: TaskStates::default(),
            metrics_token: None,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let answer = reqwest::get(format!("http://{address}/health"))
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body = answer.json().await.unwrap();
        server.abort();
        (status, body)
    }

    #[tokio::test]
    async fn health_is_ok_when_the_database_answers_and_the_calendar_works() {
        let (status, body) = health_of(
            Arc::new(InMemoryStore::new()),
            Arc::new(InMemoryCalendar::new()),
        )
        .await;

        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "ok", "{body}");
        assert_eq!(body["database"]["reachable"], true, "{body}");
        assert_eq!(
            body["calendar"],
            json!({ "kind": "remote", "name": "memory", "status": "ok" })
        );
    }

    #[tokio::test]
    async fn health_is_503_with_the_reason_when_the_calendar_cannot_be_reached() {
        let calendar = Arc::new(InMemoryCalendar::new());
        calendar.fail_with(Some(CalendarError::Unavailable(
            "cannot reach the calendar server".to_owned(),
        )));

        let (status, body) = health_of(Arc::new(InMemoryStore::new()), calendar).await;

        assert_eq!(status, 503, "{body}");
        assert_eq!(body["status"], "unavailable", "{body}");
        assert_eq!(body["database"]["reachable"], true, "{body}");
        assert_eq!(
            body["calendar"],
            json!({
                "kind": "remote",
                "name": "memory",
                "status": "failing",
                "reason": "unavailable: cannot reach the calendar server",
                "fix": null,
            })
        );
    }

    #[tokio::test]
    async fn health_is_503_while_the_calendar_sync_is_paused_even_if_the_probe_passes() {
        let store = Arc::new(InMemoryStore::new());
        store
            .set_value(
                AUTH_FAILED_KEY,
                r#"{"since": "2025-03-01T09:00:00Z", "error": "HTTP 401"}"#,
            )
            .await
            .unwrap();

        let (status, body) = health_of(store, Arc::new(InMemoryCalendar::new())).await;

        assert_eq!(status, 503, "{body}");
        assert_eq!(body["calendar"]["status"], "failing", "{body}");
        assert_eq!(
            body["calendar"]["reason"], "sync paused since 2025-03-01T09:00:00+00:00: HTTP 401",
            "{body}"
        );
    }

    #[tokio::test]
    async fn ics_feed_serves_a_persons_meetings_only_and_a_wrong_or_revoked_address_is_not_found() {
        use meetbot_domain::UserId;
        use meetbot_testkit::{OWNER, World, moscow};
        use meetbot_usecases::feed;

        let (anna, boris) = (UserId(1), UserId(2));
        let world = World::with_managers(&[anna, boris]).await;
        let annas = world
            .book(anna, moscow(9, 10, 0), "m60", None)
            .await
            .unwrap();
        world
            .book(boris, moscow(9, 14, 0), "m60", None)
            .await
            .unwrap();
        let annas_token = feed::token(&world.services, anna).await.unwrap();
        let owners_token = feed::token(&world.services, OWNER).await.unwrap();
        assert_eq!(
            feed::token(&world.services, anna).await.unwrap(),
            annas_token
        );

        let app = router(Health {
            telegram: None,
            calendar_kind: "none",
            services: world.services.clone(),
            tasks: TaskStates::default(),
            metrics_token: None,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let get = |path: String| async move {
            let answer = reqwest::get(format!("http://{address}{path}"))
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let kind = answer
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, kind, answer.text().await.unwrap())
        };

        let (status, kind, body) = get(format!("/feed/{annas_token}.ics")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(kind.as_deref(), Some("text/calendar; charset=utf-8"));
        let uids: Vec<&str> = body
            .lines()
            .filter_map(|line| line.strip_prefix("UID:"))
            .collect();
        assert_eq!(uids, [world.services.event_uid(annas.id)], "{body}");

        let (status, _, body) = get(format!("/feed/{owners_token}.ics")).await;
        assert_eq!(status, 200);
        assert_eq!(body.matches("BEGIN:VEVENT").count(), 2, "{body}");

        for wrong in [
            format!("/feed/{annas_token}"),
            format!("/feed/{}.ics", annas_token.to_lowercase().replace('a', "b")),
            "/feed/short.ics".to_owned(),
            "/feed/..%2F..%2Fetc%2Fpasswd.ics".to_owned(),
        ] {
            assert_eq!(get(wrong.clone()).await.0, 404, "{wrong}");
        }

        feed::revoke(&world.services, anna).await.unwrap();
        assert_eq!(get(format!("/feed/{annas_token}.ics")).await.0, 404);
        let renewed = feed::token(&world.services, anna).await.unwrap();
        assert_ne!(renewed, annas_token);
        assert_eq!(get(format!("/feed/{renewed}.ics")).await.0, 200);
        server.abort();
    }
}
