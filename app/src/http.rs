//! The HTTP endpoints: `GET /health` in every mode, and Telegram's webhook
//! route when the bot runs in webhook mode.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use meetbot_ports::Store;
use meetbot_telegram::BotApi;
use serde_json::json;

/// How long the database may take to answer a health check.
const DATABASE_CHECK: Duration = Duration::from_secs(3);

/// What `/health` looks at.
#[derive(Clone)]
pub struct Health {
    /// The database, asked for a small value.
    pub store: Arc<dyn Store>,
    /// The Bot API client, for the time of its last successful call (none
    /// in console mode).
    pub telegram: Option<BotApi>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health")
            .field("telegram", &self.telegram)
            .finish_non_exhaustive()
    }
}

/// The `/health` route.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/health", get(health_check))
        .with_state(health)
}

/// 200 when the database answers, else 503, with a JSON body:
/// `{"status", "database": {"reachable"}, "telegram": {"last_success"}, "version"}`.
async fn health_check(State(health): State<Health>) -> impl IntoResponse {
    let reachable = matches!(
        tokio::time::timeout(DATABASE_CHECK, health.store.value("health.check")).await,
        Ok(Ok(_))
    );
    let telegram = health
        .telegram
        .as_ref()
        .map(|api| json!({ "last_success": api.last_success().map(|at| at.to_rfc3339()) }));
    let status = if reachable {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if reachable { "ok" } else { "unavailable" },
        "database": { "reachable": reachable },
        "telegram": telegram,
        "version": env!("CARGO_PKG_VERSION"),
    });
    (status, Json(body))
}
