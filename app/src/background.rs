//! The background set every transport shares: the HTTP server (`/health`
//! and the transport's routes), the calendar outbox's drain and the
//! scheduler, each supervised (see [`crate::supervise`]).

use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use meetbot_telegram::BotApi;
use meetbot_usecases::scheduler::{self, SchedulerConfig};
use meetbot_usecases::{Services, outbox};
use secrecy::SecretString;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::http::{self, Health};
use crate::http_server::{self, ServerLimits};
use crate::supervise::{Backoff, TaskStates, supervise};

/// What the HTTP server serves, and where.
#[derive(Debug)]
pub struct HttpEndpoints {
    /// Where to listen, bound already so that a busy port is known at once.
    pub listener: tokio::net::TcpListener,
    /// The Bot API client, for `/health`'s last successful call (none on
    /// the console).
    pub telegram: Option<BotApi>,
    /// The configured calendar's kind, for `/health`.
    pub calendar_kind: &'static str,
    /// The bearer token `/metrics` asks for (`http.metrics_token`), if any.
    pub metrics_token: Option<SecretString>,
    /// The transport's own routes (Telegram's webhook), served beside `/health`.
    pub routes: Router,
}

/// The running background tasks.
#[derive(Debug)]
pub struct Background {
    handles: Vec<JoinHandle<()>>,
    tasks: TaskStates,
    backoff: Backoff,
    shutdown: CancellationToken,
}

impl Background {
    /// Starts the scheduler, the calendar outbox's drain, the sender of the
    /// message outbox and, when `http` is given, the HTTP server, until
    /// `shutdown` is cancelled.
    pub fn start(
        services: &Services,
        http: Option<HttpEndpoints>,
        scheduler: SchedulerConfig,
        backoff: Backoff,
        shutdown: &CancellationToken,
    ) -> anyhow::Result<Self> {
        let tasks = TaskStates::default();
        let mut handles = Vec::new();
        if let Some(http) = http {
            let (listener, app, limits) = http_server(http, services, &tasks)?;
            let stop = shutdown.clone();
            handles.push(supervise(
                "http",
                move || serve_http(listener.clone(), app.clone(), limits, stop.clone()),
                tasks.clone(),
                backoff,
                shutdown.clone(),
            ));
        }
        let (for_outbox, stop) = (services.clone(), shutdown.clone());
        handles.push(supervise(
            "outbox",
            move || scheduler::drain_calendar_outbox(for_outbox.clone(), scheduler, stop.clone()),
            tasks.clone(),
            backoff,
            shutdown.clone(),
        ));
        let (for_messages, stop) = (services.clone(), shutdown.clone());
        handles.push(supervise(
            "messages",
            move || outbox::run(for_messages.clone(), stop.clone()),
            tasks.clone(),
            backoff,
            shutdown.clone(),
        ));
        let (for_scheduler, stop) = (services.clone(), shutdown.clone());
        handles.push(supervise(
            "scheduler",
            move || scheduler::run(for_scheduler.clone(), scheduler, stop.clone()),
            tasks.clone(),
            backoff,
            shutdown.clone(),
        ));
        Ok(Self {
            handles,
            tasks,
            backoff,
            shutdown: shutdown.clone(),
        })
    }

    /// Supervises one more task beside the shared ones (a transport's own,
    /// such as Telegram's pruning of processed updates): `start` makes a
    /// run of it, given the shutdown signal.
    pub fn supervise<F, Fut>(&mut self, name: &'static str, mut start: F)
    where
        F: FnMut(CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stop = self.shutdown.clone();
        self.handles.push(supervise(
            name,
            move || start(stop.clone()),
            self.tasks.clone(),
            self.backoff,
            self.shutdown.clone(),
        ));
    }

    /// Waits for every task to stop; call once shutdown is cancelled.
    pub async fn stopped(self) {
        for handle in self.handles {
            if let Err(error) = handle.await {
                tracing::error!(%error, "a task supervisor failed");
            }
        }
    }
}

/// The listener, kept so that a restarted server listens on the same
/// socket, the routes, and the limits (the limit on open files raised).
fn http_server(
    http: HttpEndpoints,
    services: &Services,
    tasks: &TaskStates,
) -> anyhow::Result<(Arc<std::net::TcpListener>, Router, ServerLimits)> {
    let address = http
        .listener
        .local_addr()
        .context("the HTTP listener has no address")?;
    let listener = http
        .listener
        .into_std()
        .context("the HTTP listener cannot be shared")?;
    let limits = ServerLimits::for_this_process();
    tracing::info!(
        %address,
        max_connections = limits.max_connections,
        "HTTP endpoints listening"
    );
    let app = http::router(Health {
        telegram: http.telegram,
        calendar_kind: http.calendar_kind,
        services: services.clone(),
        tasks: tasks.clone(),
        metrics_token: http.metrics_token,
    })
    .merge(http.routes);
    Ok((Arc::new(listener), app, limits))
}

/// Serves `app` on (a handle to) `listener` within `limits` until shutdown.
async fn serve_http(
    listener: Arc<std::net::TcpListener>,
    app: Router,
    limits: ServerLimits,
    shutdown: CancellationToken,
) {
    let listener = match listener
        .try_clone()
        .and_then(tokio::net::TcpListener::from_std)
    {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, "cannot serve HTTP on the listener");
            return;
        }
    };
    http_server::serve(listener, app, limits, shutdown).await;
}
