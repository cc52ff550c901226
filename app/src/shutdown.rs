//! The signal that asks the bot to stop.

use std::io;

/// Completes when the process receives Ctrl-C (SIGINT) or, on Unix, SIGTERM
/// (what systemd and container runtimes send).
pub async fn requested() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
