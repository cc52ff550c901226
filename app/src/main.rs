//! The `meetbot` binary: reads the command line and the configuration, then
//! runs the chosen command.
//!
//! Exit codes: 0 done, 1 failed while running (database unreachable, ...),
//! 2 bad command line or bad configuration (fix the input, then retry);
//! `doctor` has its own: 0 to 3 by its worst finding.

// Functions stay short enough to read at once (the threshold is in clippy.toml).
#![warn(clippy::too_many_lines)]

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use meetbot::cli::{Cli, Command};
use meetbot::config::{Config, ConfigError, Sources};
use meetbot::logging::{self, Redactor};
use meetbot_ports::Clock as _;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the configuration is loaded: doctor reports a bad one as a
    // finding, with its own exit code.
    if let Some(Command::Doctor { json }) = cli.command {
        return ExitCode::from(meetbot::doctor::main(cli.config.clone(), json));
    }
    let config = match Config::load(&Sources::from_process(cli.config.clone())) {
        Ok(config) => config,
        Err(errors) => {
            // Every problem at once, so one edit fixes them all.
            for err in &errors.0 {
                eprintln!("meetbot: configuration error: {err}");
            }
            return ExitCode::from(2);
        }
    };
    let command = cli.subcommand();
    let config_file = cli.config.clone();
    if command == Command::Config {
        print!("{}", config.render());
        return ExitCode::SUCCESS;
    }
    // Error messages from below (a driver's, say) may quote a URL with a
    // password in it; they pass through the same redaction as the logs.
    let redactor = Redactor::new(config.secrets());
    let rust_log = std::env::var("RUST_LOG").ok();
    if let Err(err) = logging::init(&config.log, rust_log.as_deref(), redactor.clone()) {
        return configuration_error(&err);
    }
    // One TLS provider for the whole process: with more than one linked in
    // (another crate may bring ring), rustls refuses to pick and panics.
    // An error means one is installed already, which is all we need.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    // One thread runs every task. An update costs the bot microseconds of
    // work between waits for the network and the database, and handing
    // tasks between worker threads cost more than the work: measured with
    // the benchmark, a worker per core spent a fifth more CPU per update
    // and twice the context switches. SQLite's connections also keep their
    // caches when one thread uses them in turn. What takes longer (a
    // Postgres call, a long read, a chart, a backup) runs on tokio's
    // blocking threads, off this one.
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|runtime| {
            let outcome = runtime.block_on(async {
                match command {
                    Command::Migrate => migrate(config).await,
                    Command::Backup { path } => meetbot::commands::backup(&config, path).await,
                    Command::Restore { path } => meetbot::commands::restore(&config, path).await,
                    Command::Health => meetbot::commands::health(&config).await,
                    Command::Run | Command::Config | Command::Doctor { .. } => {
                        serve(config, config_file).await
                    }
                }
            });
            // The console's read of the terminal cannot be cancelled; do not
            // wait for a line that may never come.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
            outcome
        });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast::<ConfigError>() {
            // Found only when a file the configuration names was read.
            Ok(config_error) => configuration_error(&config_error),
            Err(err) => {
                // Some drivers add a hint on a second line; keep it, on this one.
                let message = format!("{err:#}");
                let message: Vec<&str> = message
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                eprintln!("meetbot: error: {}", redactor.redact(&message.join(" ")));
                ExitCode::FAILURE
            }
        },
    }
}

fn configuration_error(err: &ConfigError) -> ExitCode {
    eprintln!("meetbot: configuration error: {err}");
    ExitCode::from(2)
}

/// `meetbot migrate`: applies pending migrations, one line per migration.
async fn migrate(config: Config) -> anyhow::Result<()> {
    let url = &config.database.url;
    let _in_use = meetbot::commands::hold_database(&config)?;
    let applied = meetbot_storage::migrate(url.expose())
        .await
        .with_context(|| format!("database {url}"))?;
    if applied.is_empty() {
        println!("database is up to date");
    }
    for name in applied {
        println!("applied {name}");
    }
    Ok(())
}

/// `meetbot run`: sets up the calendar (reading its key file), opens the
/// database (migrating it) after checking that an SQLite file is intact,
/// checks that it accepts a write, and serves.
async fn serve(config: Config, config_file: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    // Held while the bot runs: a restore refuses to replace the file under it.
    let _in_use = meetbot::commands::hold_database(&config)?;
    if let Some(file) = config.database.url.sqlite_file() {
        let (file, backups) = (file.to_path_buf(), config.backup.clone());
        tokio::task::spawn_blocking(move || {
            meetbot::backup::check_at_start(&file, &backups, config_file.as_deref())
        })
        .await??;
    }
    // Before the database: a bad key file is fixed and retried without a
    // migration having run against the wrong database meanwhile.
    let calendar = meetbot::run::calendar(&config).await?;
    let url = &config.database.url;
    let store = meetbot_storage::connect(url.expose())
        .await
        .with_context(|| format!("database {url}"))?;
    // Opening and migrating an up-to-date database only reads; a read-only
    // file would pass and the bot would then fail on every change.
    let now = meetbot::clock::SystemClock::new().now();
    store
        .heartbeat(now)
        .await
        .with_context(|| format!("database {url} does not accept writes"))?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        database = %url,
        transport = %config.transport(),
        calendar = config.calendar.kind(),
        time_zone = %config.organisation.time_zone,
        "meetbot started"
    );
    meetbot::run::run(config, store, calendar).await
}
