//! A fake Bot API's HTTP server on a free port of 127.0.0.1, stopped when
//! dropped: what both fakes of the suite share.

use anyhow::Context as _;
use axum::Router;
use tokio::task::JoinHandle;

/// A running server.
#[derive(Debug)]
pub struct Served {
    /// The base URL to configure as `telegram.api_url`.
    url: String,
    task: JoinHandle<()>,
}

impl Served {
    /// Serves `app`; `stopped` is told why, should the server stop.
    pub async fn start(
        app: Router,
        stopped: impl FnOnce(std::io::Error) + Send + 'static,
    ) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the fake Bot API")?;
        let url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                stopped(error);
            }
        });
        Ok(Self { url, task })
    }

    /// The base URL to configure as `telegram.api_url`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}
