//! The real `meetbot` binary and its composition root as an operator meets
//! them: exit codes and configuration errors, whole conversations against a
//! fake Telegram Bot API, the console on stdin and stdout, external
//! calendars, and the supervision of the background tasks on `/health`.

mod calendar;
mod cli;
mod console;
mod supervision;
mod telegram;

use std::path::Path;
use std::process::Stdio;

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
