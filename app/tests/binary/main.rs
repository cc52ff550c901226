//! The real `meetbot` binary and its composition root as an operator meets
//! them: exit codes and configuration errors, whole conversations against a
//! fake Telegram Bot API, the console on stdin and stdout, external
//! calendars, and the supervision of the background tasks on `/health`.

mod calendar;
mod cli;
mod console;
mod supervision;
mod telegram;
