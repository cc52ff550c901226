//! The HTTP server under `/health` and Telegram's webhook, built so that
//! no client can starve it: not by idling, not by stalling, not by numbers.
//!
//! It is a small accept loop on hyper rather than `axum::serve`, which
//! can set neither a header read timeout nor a cap on connections:
//! - a connection that has not sent a whole request head within
//!   [`HEADER_READ_TIMEOUT`] is closed; so is a kept-alive one that sends
//!   no next request in that time;
//! - at most [`ServerLimits::max_connections`] connections are served at
//!   once, below the limit on open files so that the database and the
//!   outgoing HTTP clients always get theirs; a connection beyond the cap
//!   is closed as soon as it is accepted, not left waiting;
//! - a request head is at most [`MAX_HEAD`] bytes, so a connection's
//!   buffer stays small.
//!
//! Only HTTP/1.1 (and 1.0) is spoken: an HTTP/2 connection carries many
//! requests and has no header read timeout. Bodies are the routes' own
//! business: the webhook checks its secret before reading one, and reads
//! it up to a limit and within a timeout.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// How long a client has to send a whole request head, from its connection
/// or its previous answer. Telegram and monitors send theirs at once; a
/// flood of idle connections is gone after this long.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest request head read (hyper's buffer for it; it also caps each
/// read of a body). Telegram's heads are well under 1 KB.
pub const MAX_HEAD: usize = 16 * 1024;

/// The most connections served at once, whatever the limit on open files:
/// each costs some memory (up to [`MAX_HEAD`] of buffer), and Telegram
/// opens at most 100 to a webhook.
pub const MAX_CONNECTIONS: usize = 4096;

/// Open files kept for everything but incoming connections: the
/// database's, the outgoing HTTP clients' (Telegram, the calendar,
/// speech), the log's and the runtime's own.
const RESERVED_FILES: u64 = 256;

/// How many connections the kernel may hold before they are accepted
/// (Linux caps it at `net.core.somaxconn`, 4,096 by default). Above tokio's
/// 1,024: in a burst, a connection that finds the queue full is dropped and
/// its client tries again only a second later, while one in the queue is
/// accepted (and served, or closed beyond the cap) within milliseconds.
const BACKLOG: u32 = 4096;

/// How long open connections may take to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How long accepting pauses after a failure that is not the client's
/// (out of files, out of memory): trying again at once would spin.
const ACCEPT_PAUSE: Duration = Duration::from_secs(1);

/// How often, at most, refused connections are reported: a flood must not
/// turn into a flood of log lines.
const REFUSALS_REPORTED_EVERY: Duration = Duration::from_secs(60);

/// What the server allows each client.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    /// The most connections served at once; more are closed on arrival.
    pub max_connections: usize,
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
}

impl ServerLimits {
    /// The limits for this process. Raises its soft limit on open files
    /// to the hard one first: services are often started with a soft limit
    /// of 1,024 and a hard one far above, and the cap is derived from it.
    pub fn for_this_process() -> Self {
        let open_files = match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => limit,
            Err(error) => {
                let limit = 1024;
                tracing::warn!(%error, limit, "cannot read or raise the limit on open files; assuming it");
                limit
            }
        };
        Self {
            max_connections: connection_cap(open_files),
            header_read_timeout: HEADER_READ_TIMEOUT,
        }
    }
}

/// A listener on `address` with room for a burst of connections (see
/// [`BACKLOG`]). Needs a tokio runtime.
pub fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    // As tokio's own `bind` does: a restarted bot can listen again at once
    // while its old connections linger in TIME_WAIT. Not on Windows, where
    // the option lets another process take the port.
    #[cfg(not(windows))]
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(BACKLOG)
}

/// The connection cap under a limit of `open_files`: what is left after
/// [`RESERVED_FILES`] (half of a very small limit), at most [`MAX_CONNECTIONS`].
pub fn connection_cap(open_files: u64) -> usize {
    let reserved = RESERVED_FILES.min(open_files / 2);
    usize::try_from(open_files - reserved).map_or(MAX_CONNECTIONS, |cap| cap.min(MAX_CONNECTIONS))
}

/// Serves `app` on `listener` within `limits` until `shutdown` is
/// cancelled, then gives open connections [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: CancellationToken,
) {
    // A permit per connection served: the cap, without a count to keep.
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD);
    let mut refusals = Refusals::default();
    loop {
        let stream = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Closed at once: a client told "no" can try again, one left
            // waiting would hold a file and wait in vain.
            drop(stream);
            refusals.note(limits.max_connections);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                // A client that went away, was too slow or sent garbage:
                // common, and nothing to do about it.
                tracing::debug!(%error, "an HTTP connection ended with an error");
            }
            drop(slot);
        });
    }
    // No new connection waits in the queue while the open ones finish.
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some HTTP connections were still open at shutdown");
    }
}

/// After a failed accept: nothing when the client gave up before it was
/// accepted, a pause when the process is out of something.
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(%error, "cannot accept an HTTP connection");
    tokio::time::sleep(ACCEPT_PAUSE).await;
}

/// Connections refused since they were last reported.
#[derive(Debug, Default)]
struct Refusals {
    unreported: u64,
    reported_at: Option<Instant>,
}

impl Refusals {
    fn note(&mut self, cap: usize) {
        self.unreported += 1;
        if self
            .reported_at
            .is_none_or(|at| at.elapsed() >= REFUSALS_REPORTED_EVERY)
        {
            tracing::warn!(
                refused = self.unreported,
                cap,
                "HTTP connections beyond the cap were closed"
            );
            self.unreported = 0;
            self.reported_at = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::net::TcpStream;

    use super::*;

    #[test]
    fn the_cap_leaves_files_for_the_rest_and_stays_within_memory() {
        assert_eq!(connection_cap(1024), 768);
        assert_eq!(connection_cap(4096), 3840);
        assert_eq!(connection_cap(20_000), MAX_CONNECTIONS);
        assert_eq!(connection_cap(u64::MAX), MAX_CONNECTIONS);
        assert_eq!(connection_cap(100), 50);
    }

    /// Serves a `/ping` route within `limits` on a free port.
    async fn ping_server(limits: ServerLimits) -> (std::net::SocketAddr, CancellationToken) {
        let app = Router::new().route("/ping", get(|| async { "pong" }));
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let address = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        tokio::spawn(serve(listener, app, limits, shutdown.clone()));
        (address, shutdown)
    }

    /// Everything the server sends until it closes the connection, or
    /// `None` if it has not closed it within `limit`.
    async fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
        let mut received = Vec::new();
        match tokio::time::timeout(limit, stream.read_to_end(&mut received)).await {
            Ok(Ok(_) | Err(_)) => Some(String::from_utf8_lossy(&received).into_owned()),
            Err(_) => None,
        }
    }

    async fn ping(address: std::net::SocketAddr) -> String {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET /ping HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        until_closed(&mut stream, Duration::from_secs(5))
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connections_beyond_the_cap_are_closed_at_once_and_idle_ones_after_the_header_timeout()
    {
        let header_read_timeout = Duration::from_secs(1);
        let (address, shutdown) = ping_server(ServerLimits {
            max_connections: 2,
            header_read_timeout,
        })
        .await;
        let opened = Instant::now();
        let mut idle = [
            TcpStream::connect(address).await.unwrap(),
            TcpStream::connect(address).await.unwrap(),
        ];

        // Accepted after the two idle ones, which hold both places.
        let mut third = TcpStream::connect(address).await.unwrap();
        let closed = until_closed(&mut third, Duration::from_millis(500)).await;
        assert_eq!(closed.as_deref(), Some(""), "closed at once, unanswered");

        for stream in &mut idle {
            let closed = until_closed(stream, Duration::from_secs(5)).await;
            assert!(closed.is_some(), "an idle connection was kept");
        }
        assert!(opened.elapsed() >= header_read_timeout);
        let answer = ping(address).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("pong"), "{answer}");
        shutdown.cancel();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_kept_alive_connection_is_closed_when_no_next_request_comes_in_time() {
        let (address, shutdown) = ping_server(ServerLimits {
            max_connections: 8,
            header_read_timeout: Duration::from_millis(500),
        })
        .await;
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET /ping HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();

        let answer = until_closed(&mut stream, Duration::from_secs(5))
            .await
            .expect("closed after the answer and the timeout");

        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        shutdown.cancel();
    }
}
