//! meetbot's composition root: it reads the configuration, sets up logging,
//! opens the database, picks the adapters and starts the loops.
//!
//! This is the only crate that may depend on everything (domain, ports, use
//! cases and every adapter), and the only one that uses `anyhow`. It holds no
//! business rule: anything a user could notice besides start-up and shutdown
//! belongs in the domain or the use cases.

// Functions stay short enough to read at once (the threshold is in clippy.toml).
#![warn(clippy::too_many_lines)]

pub mod background;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod doctor;
pub mod http;
pub mod http_server;
pub mod logging;
pub mod metrics;
pub mod run;
pub mod shutdown;
pub mod supervise;
