//! Serving: runs the bot until shutdown is requested.

use std::sync::Arc;

use meetbot_ports::Store;

use crate::config::Config;

/// Serves with `config` over `store` until Ctrl-C or SIGTERM.
pub async fn run(_config: Config, _store: Arc<dyn Store>) -> anyhow::Result<()> {
    crate::shutdown::requested().await?;
    tracing::info!("shutdown requested, stopping");
    Ok(())
}
