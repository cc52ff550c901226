//! The `meetbot` binary as an operator meets it: exit codes, the one-line
//! configuration errors, `config` and `migrate` output.

use std::process::Output;

use super::run_meetbot as meetbot;

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_bad_database_url_stops_start_up_with_exit_code_2_and_one_line() {
    let dir = tempfile::tempdir().unwrap();

    let output = meetbot(dir.path(), &[], &[("DATABASE_URL", "mysql://x")]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_lines(&output),
        [
            "meetbot: configuration error: database.url must start with sqlite:// or postgres://, \
          got \"mysql://x\" (from environment variable DATABASE_URL)"
        ]
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_missing_config_file_named_on_the_command_line_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();

    let output = meetbot(dir.path(), &["--config", "absent.toml", "migrate"], &[]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_lines(&output),
        [
            "meetbot: configuration error: cannot read the configuration file absent.toml: no such file"
        ]
    );
}

#[test]
fn a_bad_value_in_meetbot_toml_names_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("meetbot.toml"),
        "[organisation]\ntime_zone = \"Mars/Base\"\n",
    )
    .unwrap();

    let output = meetbot(dir.path(), &["run"], &[]);

    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "meetbot: configuration error: organisation.time_zone must be an IANA time zone name"
        ),
        "{lines:?}"
    );
    assert!(
        lines[0].ends_with("got \"Mars/Base\" (in meetbot.toml)"),
        "{lines:?}"
    );
}

#[test]
fn a_malformed_rust_log_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();

    let output = meetbot(dir.path(), &["migrate"], &[("RUST_LOG", "meetbot=loud")]);

    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr_lines(&output).len(), 1);
}

#[test]
fn an_unknown_subcommand_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();

    let output = meetbot(dir.path(), &["launch"], &[]);

    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn config_prints_the_effective_configuration_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let token = "123456789:AAcanaryCANARYcanaryCANARYcanary1234";

    let output = meetbot(
        dir.path(),
        &["config"],
        &[
            ("TELEGRAM_BOT_TOKEN", token),
            ("MEETBOT__TELEGRAM__OWNER_IDS", "1,2"),
            ("DATABASE_URL", "postgres://meetbot:canarypw@db/meetbot"),
        ],
    );

    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.to_lowercase().contains("canary"), "{stdout}");
    assert!(
        stdout.contains("token = \"[redacted]\"  # env TELEGRAM_BOT_TOKEN"),
        "{stdout}"
    );
    assert!(
        stdout.contains("owner_ids = [1, 2]  # env MEETBOT__TELEGRAM__OWNER_IDS"),
        "{stdout}"
    );
    assert!(
        stdout.contains("url = \"postgres://meetbot:***@db/meetbot\""),
        "{stdout}"
    );
}

#[test]
fn migrate_applies_the_migrations_once_then_reports_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("DATABASE_URL", "sqlite://data/test.sqlite3")];

    let first = meetbot(dir.path(), &["migrate"], &env);
    let second = meetbot(dir.path(), &["migrate"], &env);

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let applied = String::from_utf8_lossy(&first.stdout);
    assert!(applied.lines().count() >= 1, "{applied}");
    assert!(
        applied.lines().all(|line| line.starts_with("applied ")),
        "{applied}"
    );
    assert!(dir.path().join("data/test.sqlite3").exists());
    assert!(second.status.success());
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "database is up to date\n"
    );
}

#[test]
fn an_unreachable_database_is_a_runtime_error_with_exit_code_1_and_no_password() {
    let dir = tempfile::tempdir().unwrap();

    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let output = meetbot(
        dir.path(),
        &["migrate"],
        &[(
            "DATABASE_URL",
            "postgres://meetbot:canarypw@127.0.0.1:1/meetbot?connect_timeout=2",
        )],
    );

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("meetbot: error: database postgres://meetbot:***@127.0.0.1:1/"),
        "{stderr}"
    );
    assert!(!stderr.contains("canarypw"), "{stderr}");
}
