//! The real `meetbot` binary and its composition root as an operator meets
//! them: exit codes and configuration errors, whole conversations against a
//! fake Telegram Bot API, the console on stdin and stdout, external
//! calendars, the supervision of the background tasks on `/health`, a
//! database that cannot be written, configurations that must be refused,
//! updates and messages that survive kills, stops and a Telegram outage,
//! and the webhook under a flood of connections.

mod backup;
mod bot;
mod calendar;
mod cli;
mod config_reject;
mod console;
mod doctor;
mod health_write;
mod inbox;
mod metrics;
mod outbox_outage;
mod stats;
mod supervision;
mod telegram;
#[cfg(target_os = "linux")]
mod webhook_flood;

use std::path::Path;
use std::process::Stdio;

/// The `meetbot` binary with `args` in `dir` and only `env` set, so that
/// neither the developer's environment nor a `meetbot.toml` lying around
/// changes the outcome.
fn meetbot_command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_meetbot"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    command
}

/// Runs the binary to its end (see [`meetbot_command`]); its exit status and output.
fn run_meetbot(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    meetbot_command(dir, args, env)
        .output()
        .unwrap_or_else(|err| panic!("cannot run meetbot: {err}"))
}

/// The `meetbot` binary to run in `dir` with only the environment a test
/// sets, so that neither the developer's environment nor a `meetbot.toml`
/// lying around changes the outcome; its output is not kept, and it is
/// killed if the test ends before it does.
fn meetbot_in(dir: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_meetbot"));
    command
        .current_dir(dir)
        .env_clear()
        .stdout(Stdio::null())
        .kill_on_drop(true);
    command
}
