//! The layering, provenance and rendering of the whole configuration;
//! each adapter tests its own section next to its type.

use secrecy::ExposeSecret as _;

use meetbot_domain::{Cadence, Settings, UserId};

use super::*;

pub(super) fn env(pairs: &[(&str, &str)]) -> Sources {
    Sources::new(ConfigFile::None, pairs.iter().map(|(k, v)| (*k, *v)))
}

pub(super) fn load_env(pairs: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
    Config::load(&env(pairs))
}

pub(super) fn with_file(
    toml: &str,
    pairs: &[(&str, &str)],
) -> (tempfile::TempDir, Result<Config, ConfigErrors>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meetbot.toml");
    std::fs::write(&path, toml).unwrap();
    let sources = Sources::new(
        ConfigFile::Required(path),
        pairs.iter().map(|(k, v)| (*k, *v)),
    );
    let loaded = Config::load(&sources);
    (dir, loaded)
}

pub(super) fn error_of(result: Result<Config, ConfigErrors>) -> String {
    match result {
        Ok(config) => panic!("expected a configuration error, got {config:?}"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn an_empty_configuration_gives_the_documented_defaults() {
    let config = load_env(&[]).unwrap();

    assert_eq!(
        config.database.url.expose(),
        "sqlite://data/meetbot.sqlite3"
    );
    assert_eq!(config.database.url.backend(), DatabaseBackend::Sqlite);
    assert!(config.telegram.token.is_none());
    assert_eq!(config.telegram.api_url, "https://api.telegram.org");
    assert!(config.telegram.owner_ids.is_empty());
    assert_eq!(config.telegram.mode, TelegramMode::Polling);
    assert_eq!(config.telegram.limits, meetbot_telegram::Limits::default());
    assert!(config.telegram.webhook_url.is_none());
    assert!(config.telegram.webhook_secret.is_none());
    assert_eq!(config.http.listen, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(config.organisation.time_zone.name(), "Europe/Moscow");
    assert!(config.organisation.departments.is_empty());
    assert_eq!(config.log.format, LogFormat::Text);
    assert_eq!(config.log.level, "info");
    assert_eq!(config.transport(), Transport::Console);
    assert_eq!(config.origin("database.url"), Origin::Default);
    assert_eq!(config.meetings.reminders.minutes(), [1440, 120, 60]);
    assert_eq!(config.meetings.cadence, Cadence::default());
    assert!(config.meetings.group_meeting.is_none());
    assert!(matches!(config.calendar, CalendarConfig::None(_)));
}

#[test]
fn the_group_meeting_and_cadence_are_read_and_rendered_back() {
    let config = load_env(&[
        ("MEETBOT__GROUP_MEETING__ENABLED", "true"),
        ("MEETBOT__GROUP_MEETING__WHEN", "thu 15:30"),
        (
            "MEETBOT__GROUP_MEETING__LINK",
            "https://meet.example.org/weekly",
        ),
        (
            "MEETBOT__GROUP_MEETING__REMINDERS",
            "0 9 * * thu;0 15 * * thu",
        ),
        ("MEETBOT__CADENCE__EVERY_DAYS", "21"),
        ("MEETBOT__CADENCE__NUDGE_DAYS", "10,2"),
        ("MEETBOT__REMINDERS__OFFSETS", "15,1440"),
    ])
    .unwrap();
    let group = config.meetings.group_meeting.clone().unwrap();
    assert_eq!(group.when(), "thu 15:30");
    assert_eq!(group.zone().name(), "Europe/Moscow");
    assert_eq!(group.reminders().len(), 2);
    assert_eq!(group.link(), Some("https://meet.example.org/weekly"));
    assert_eq!(config.meetings.cadence.every_days(), 21);
    assert_eq!(config.meetings.reminders.minutes(), [1440, 15]);
    let mut settings = Settings::default();
    config.meetings.apply(&mut settings);
    assert_eq!(settings.group_meeting, Some(group.clone()));

    let (_dir, reloaded) = with_file(&config.render(), &[]);
    let reloaded = reloaded.unwrap();
    assert_eq!(reloaded.meetings.group_meeting, Some(group));
    assert_eq!(reloaded.meetings.cadence, config.meetings.cadence);
    assert_eq!(reloaded.meetings.reminders, config.meetings.reminders);
}

#[test]
fn a_bad_cron_expression_names_its_key() {
    let err = error_of(load_env(&[(
        "MEETBOT__GROUP_MEETING__INVITATION",
        "every monday",
    )]));
    assert!(
        err.starts_with("group_meeting.invitation must be cron"),
        "{err}"
    );
    assert!(err.contains("every monday"), "{err}");
}

#[test]
fn a_missing_default_file_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources::new(
        ConfigFile::Optional(dir.path().join("meetbot.toml")),
        Vec::<(String, String)>::new(),
    );

    assert!(Config::load(&sources).is_ok());
}

#[test]
fn a_missing_file_named_with_dash_dash_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.toml");
    let sources = Sources::new(
        ConfigFile::Required(path.clone()),
        Vec::<(String, String)>::new(),
    );

    let message = error_of(Config::load(&sources));

    assert_eq!(
        message,
        format!(
            "cannot read the configuration file {}: no such file",
            path.display()
        )
    );
}

#[test]
fn a_directory_given_as_the_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources::new(
        ConfigFile::Required(dir.path().to_path_buf()),
        Vec::<(String, String)>::new(),
    );

    let message = error_of(Config::load(&sources));

    assert!(
        message.starts_with("cannot read the configuration file"),
        "{message}"
    );
}

#[test]
fn a_file_that_is_not_toml_is_an_error_on_one_line() {
    let (_dir, loaded) = with_file("[database\nurl = ", &[]);

    let message = error_of(loaded);

    assert!(message.contains("is not valid TOML"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn the_file_sets_every_key() {
    let toml = r#"
        [database]
        url = "postgres://meetbot:hunter2@db.internal:5432/meetbot"
        [telegram]
        token = "123456:ABC-def_ghi"
        api_url = "http://127.0.0.1:9000/"
        owner_ids = [111, 222]
        mode = "webhook"
        webhook_url = "https://bot.example.org/telegram"
        webhook_secret = "s3cr3t-token"
        [http]
        listen = "0.0.0.0:9090"
        [organisation]
        time_zone = "Europe/Berlin"
        departments = ["Sales", "R&D"]
        [log]
        format = "json"
        level = "meetbot=debug,info"
    "#;

    let (_dir, loaded) = with_file(toml, &[]);
    let config = loaded.unwrap();

    assert_eq!(config.database.url.backend(), DatabaseBackend::Postgres);
    assert_eq!(config.database.url.password(), Some("hunter2"));
    assert_eq!(
        config.telegram.token.as_ref().unwrap().expose_secret(),
        "123456:ABC-def_ghi"
    );
    assert_eq!(config.telegram.api_url, "http://127.0.0.1:9000");
    assert_eq!(config.telegram.owner_ids, vec![UserId(111), UserId(222)]);
    assert_eq!(
        config.transport(),
        Transport::Telegram(TelegramMode::Webhook)
    );
    assert_eq!(
        config.telegram.webhook_url.as_deref(),
        Some("https://bot.example.org/telegram")
    );
    assert_eq!(config.http.listen, "0.0.0.0:9090".parse().unwrap());
    assert_eq!(config.organisation.time_zone.name(), "Europe/Berlin");
    let departments: Vec<_> = config
        .organisation
        .departments
        .iter()
        .map(|d| d.as_str())
        .collect();
    assert_eq!(departments, ["Sales", "R&D"]);
    assert_eq!(config.log.format, LogFormat::Json);
    assert_eq!(config.log.level, "meetbot=debug,info");
    assert!(matches!(config.origin("http.listen"), Origin::File(_)));
}

#[test]
fn meetbot_variables_override_the_file() {
    let toml = "[database]\nurl = \"sqlite://from-file.sqlite3\"\n[log]\nlevel = \"debug\"\n";

    let (_dir, loaded) = with_file(
        toml,
        &[("MEETBOT__DATABASE__URL", "sqlite://from-env.sqlite3")],
    );
    let config = loaded.unwrap();

    assert_eq!(config.database.url.expose(), "sqlite://from-env.sqlite3");
    assert_eq!(
        config.origin("database.url"),
        Origin::Env("MEETBOT__DATABASE__URL".into())
    );
    assert_eq!(
        config.log.level, "debug",
        "keys the environment does not set keep the file's value"
    );
}

#[test]
fn common_names_override_the_file() {
    let toml = "[database]\nurl = \"sqlite://from-file.sqlite3\"\n";

    let (_dir, loaded) = with_file(
        toml,
        &[
            ("DATABASE_URL", "postgresql://localhost/meetbot"),
            ("TELEGRAM_BOT_TOKEN", "42:token"),
            ("WEBHOOK_URL", "https://bot.example.org/hook"),
        ],
    );
    let config = loaded.unwrap();

    assert_eq!(
        config.database.url.expose(),
        "postgresql://localhost/meetbot"
    );
    assert_eq!(
        config.telegram.token.as_ref().unwrap().expose_secret(),
        "42:token"
    );
    assert_eq!(
        config.telegram.webhook_url.as_deref(),
        Some("https://bot.example.org/hook")
    );
    assert_eq!(
        config.origin("telegram.token"),
        Origin::Env("TELEGRAM_BOT_TOKEN".into())
    );
}

#[test]
fn a_meetbot_variable_wins_over_the_common_name_for_the_same_key() {
    let config = load_env(&[
        ("DATABASE_URL", "postgres://elsewhere/other"),
        ("MEETBOT__DATABASE__URL", "sqlite://mine.sqlite3"),
        ("TELEGRAM_BOT_TOKEN", "1:generic"),
        ("MEETBOT__TELEGRAM__TOKEN", "2:specific"),
    ])
    .unwrap();

    assert_eq!(config.database.url.expose(), "sqlite://mine.sqlite3");
    assert_eq!(config.telegram.token.unwrap().expose_secret(), "2:specific");
}

#[test]
fn an_empty_variable_counts_as_unset() {
    let config = load_env(&[("TELEGRAM_BOT_TOKEN", ""), ("DATABASE_URL", "")]).unwrap();

    assert!(config.telegram.token.is_none());
    assert_eq!(config.database.url.expose(), DEFAULT_DATABASE_URL);
}

#[test]
fn owner_ids_come_from_the_environment_comma_separated() {
    let config = load_env(&[("MEETBOT__TELEGRAM__OWNER_IDS", "1, 2,1003")]).unwrap();

    assert_eq!(
        config.telegram.owner_ids,
        vec![UserId(1), UserId(2), UserId(1003)]
    );
}

#[test]
fn departments_come_from_the_environment_comma_separated() {
    let config = load_env(&[("MEETBOT__ORGANISATION__DEPARTMENTS", "Sales,Support")]).unwrap();

    let departments: Vec<_> = config
        .organisation
        .departments
        .iter()
        .map(|d| d.as_str())
        .collect();
    assert_eq!(departments, ["Sales", "Support"]);
}

#[test]
fn an_unknown_database_scheme_is_refused_with_the_key_and_the_value() {
    let message = error_of(load_env(&[("MEETBOT__DATABASE__URL", "mysql://x")]));

    assert_eq!(
        message,
        "database.url must start with sqlite:// or postgres://, got \"mysql://x\" \
         (from environment variable MEETBOT__DATABASE__URL)"
    );
}

#[test]
fn a_refused_database_url_does_not_show_its_password() {
    let message = error_of(load_env(&[("DATABASE_URL", "mysql://root:hunter2@db/x")]));

    assert!(!message.contains("hunter2"), "{message}");
    assert!(message.contains("mysql://root:***@db/x"), "{message}");
}

#[test]
fn a_listen_address_that_is_not_one_is_refused() {
    let (_dir, loaded) = with_file("[http]\nlisten = \"nope\"\n", &[]);

    let message = error_of(loaded);

    assert!(
        message.starts_with("http.listen must be an IP address and port, such as 127.0.0.1:8080"),
        "{message}"
    );
    assert!(message.contains("got \"nope\""), "{message}");
    assert!(message.contains("(in "), "{message}");
}

#[test]
fn an_unknown_time_zone_is_refused() {
    let message = error_of(load_env(&[(
        "MEETBOT__ORGANISATION__TIME_ZONE",
        "Mars/Base",
    )]));

    assert!(
        message.starts_with("organisation.time_zone must be an IANA time zone name"),
        "{message}"
    );
    assert!(message.contains("got \"Mars/Base\""), "{message}");
}

#[test]
fn an_unknown_telegram_mode_is_refused() {
    let message = error_of(load_env(&[("MEETBOT__TELEGRAM__MODE", "carrier-pigeon")]));

    assert_eq!(
        message,
        "telegram.mode must be polling or webhook, got \"carrier-pigeon\" \
         (from environment variable MEETBOT__TELEGRAM__MODE)"
    );
}

#[test]
fn owner_ids_that_are_not_integers_are_refused() {
    let from_env = error_of(load_env(&[("MEETBOT__TELEGRAM__OWNER_IDS", "1,alice")]));
    let (_dir, from_file) = with_file("[telegram]\nowner_ids = [1, 2.5]\n", &[]);
    let from_file = error_of(from_file);

    assert!(
        from_env.starts_with("telegram.owner_ids must be a list of Telegram user ids"),
        "{from_env}"
    );
    assert!(from_env.contains("got \"alice\""), "{from_env}");
    assert!(from_file.contains("got \"2.5\""), "{from_file}");
}

#[test]
fn departments_that_are_not_text_are_refused_not_turned_into_text() {
    let (_dir, numbers) = with_file("[organisation]\ndepartments = [1, \"Sales\"]\n", &[]);
    let (_dir2, tables) = with_file("[organisation]\ndepartments = [\"Sales\", {a = 2}]\n", &[]);

    for message in [error_of(numbers), error_of(tables)] {
        assert!(
            message.starts_with("organisation.departments "),
            "{message}"
        );
    }
}

#[test]
fn webhook_mode_without_a_secret_is_refused() {
    let message = error_of(load_env(&[
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("MEETBOT__TELEGRAM__MODE", "webhook"),
        ("WEBHOOK_URL", "https://bot.example.org/hook"),
    ]));

    assert_eq!(
        message,
        "telegram.webhook_secret is required when telegram.mode is webhook"
    );
}

#[test]
fn webhook_mode_without_a_url_or_a_token_is_refused() {
    let no_url = error_of(load_env(&[
        ("TELEGRAM_BOT_TOKEN", "1:abc"),
        ("MEETBOT__TELEGRAM__MODE", "webhook"),
        ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", "abc"),
    ]));
    let no_token = error_of(load_env(&[("MEETBOT__TELEGRAM__MODE", "webhook")]));

    assert_eq!(
        no_url,
        "telegram.webhook_url is required when telegram.mode is webhook"
    );
    assert_eq!(
        no_token,
        "telegram.token is required when telegram.mode is webhook\n\
         telegram.webhook_url is required when telegram.mode is webhook\n\
         telegram.webhook_secret is required when telegram.mode is webhook"
    );
}

#[test]
fn a_webhook_url_must_be_https() {
    let message = error_of(load_env(&[("WEBHOOK_URL", "http://bot.example.org/hook")]));

    assert!(
        message.starts_with("telegram.webhook_url must be an https:// URL"),
        "{message}"
    );
}

#[test]
fn a_malformed_token_is_refused_without_being_shown() {
    let message = error_of(load_env(&[("TELEGRAM_BOT_TOKEN", "not a token canary-77")]));

    assert!(
        message.starts_with("telegram.token must be a bot token"),
        "{message}"
    );
    assert!(!message.contains("canary-77"), "{message}");
}

#[test]
fn a_malformed_webhook_secret_is_refused_without_being_shown() {
    let message = error_of(load_env(&[(
        "MEETBOT__TELEGRAM__WEBHOOK_SECRET",
        "has spaces canary-78",
    )]));

    assert!(
        message.starts_with("telegram.webhook_secret must be"),
        "{message}"
    );
    assert!(!message.contains("canary-78"), "{message}");
}

#[test]
fn an_unknown_log_format_or_level_is_refused() {
    let format = error_of(load_env(&[("MEETBOT__LOG__FORMAT", "xml")]));
    let level = error_of(load_env(&[("MEETBOT__LOG__LEVEL", "meetbot=loud")]));

    assert!(
        format.starts_with("log.format must be text or json, got \"xml\""),
        "{format}"
    );
    assert!(
        level.starts_with("log.level must be a log filter"),
        "{level}"
    );
}

#[test]
fn an_unknown_key_is_refused_with_its_origin() {
    let from_env = error_of(load_env(&[("MEETBOT__DATABASE__URLL", "sqlite://x")]));
    let (_dir, from_file) = with_file("[telegram]\ntoken = \"1:a\"\nowners = [1]\n", &[]);
    let from_file = error_of(from_file);

    assert!(
        from_env.starts_with(
            "unknown configuration key database.urll (from environment variable MEETBOT__DATABASE__URLL)"
        ),
        "{from_env}"
    );
    assert!(
        from_file.starts_with("unknown configuration key telegram.owners (in "),
        "{from_file}"
    );
}

#[test]
fn a_section_that_is_not_a_table_is_refused() {
    let (_dir, loaded) = with_file("database = \"sqlite://x\"\n", &[]);

    let message = error_of(loaded);

    assert!(
        message.starts_with("database must be a section"),
        "{message}"
    );
}

#[test]
fn a_list_where_a_single_value_belongs_is_refused() {
    let (_dir, loaded) = with_file("[http]\nlisten = [\"127.0.0.1:1\"]\n", &[]);

    let message = error_of(loaded);

    assert!(
        message.starts_with("http.listen must be a string, got sequence"),
        "{message}"
    );
}

#[test]
fn secrets_never_appear_in_debug_or_render() {
    let config = load_env(&[
        ("TELEGRAM_BOT_TOKEN", "123456:CANARYTOKENCANARYTOKEN"),
        ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", "CANARYSECRET"),
        (
            "DATABASE_URL",
            "postgres://meetbot:CANARYPASSWORD@db/meetbot?password=CANARYPASSWORD",
        ),
    ])
    .unwrap();

    let debug = format!("{config:?}");
    let rendered = config.render();

    for shown in [&debug, &rendered] {
        assert!(!shown.contains("CANARY"), "{shown}");
    }
    assert!(
        rendered.contains("token = \"[redacted]\"  # env TELEGRAM_BOT_TOKEN"),
        "{rendered}"
    );
    assert!(
        rendered.contains("url = \"postgres://meetbot:***@db/meetbot?password=***\""),
        "{rendered}"
    );
    assert_eq!(config.secrets().len(), 3);
}

#[test]
fn the_rendered_configuration_is_toml_that_loads_back() {
    let config = load_env(&[
        ("MEETBOT__TELEGRAM__OWNER_IDS", "7,8"),
        ("MEETBOT__ORGANISATION__DEPARTMENTS", "Sales \"North\""),
    ])
    .unwrap();

    let (_dir, reloaded) = with_file(&config.render(), &[]);
    let reloaded = reloaded.unwrap();

    assert_eq!(reloaded.telegram.owner_ids, config.telegram.owner_ids);
    assert_eq!(
        reloaded.organisation.departments,
        config.organisation.departments
    );
    assert_eq!(reloaded.http.listen, config.http.listen);
}

#[test]
fn a_polling_bot_with_a_webhook_url_gets_a_warning() {
    let config = load_env(&[("WEBHOOK_URL", "https://bot.example.org/hook")]).unwrap();

    assert_eq!(config.warnings().len(), 1);
}

#[test]
fn sender_limits_come_from_the_file_and_the_environment_with_their_origins() {
    let (_dir, loaded) = with_file(
        "[telegram]\nowner_ids = [7]\n\n[telegram.limits]\noverall_per_second = 100\nretries = 5\n",
        &[
            ("MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND", "1000"),
            ("MEETBOT__TELEGRAM__LIMITS__PER_CHAT_PER_SECOND", "0.5"),
        ],
    );
    let config = loaded.unwrap();

    let limits = config.telegram.limits;
    assert_eq!(limits.overall_per_second, 1000.0);
    assert_eq!(limits.per_chat_per_second, 0.5);
    assert_eq!(limits.retries, 5);
    assert_eq!(limits.per_group_per_minute, 20.0);
    assert_eq!(
        config.origin("telegram.limits.overall_per_second"),
        Origin::Env("MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND".to_owned())
    );
    assert!(matches!(
        config.origin("telegram.limits.retries"),
        Origin::File(_)
    ));
    let rendered = config.render();
    assert!(rendered.contains("\n[telegram.limits]\n"), "{rendered}");
    assert!(
        rendered.contains(
            "overall_per_second = 1000.0  # env MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND"
        ),
        "{rendered}"
    );
    let (_dir, reloaded) = with_file(&rendered, &[]);
    assert_eq!(reloaded.unwrap().telegram.limits, limits);
}

#[test]
fn sender_limits_of_zero_or_absurd_are_refused_all_at_once_naming_each_key_and_its_source() {
    let (_dir, loaded) = with_file(
        "[telegram.limits]\nper_chat_burst = 0\n",
        &[
            ("MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND", "0"),
            ("MEETBOT__TELEGRAM__LIMITS__PER_GROUP_PER_MINUTE", "1000000"),
        ],
    );

    let message = error_of(loaded);

    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert!(
        lines.contains(
            &"telegram.limits.overall_per_second must be a number of messages a second \
              from 0.01 to 100000, got 0 \
              (from environment variable MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND)"
        ),
        "{message}"
    );
    assert!(
        lines.contains(
            &"telegram.limits.per_group_per_minute must be a number of messages a minute \
              from 0.01 to 60000, got 1000000 \
              (from environment variable MEETBOT__TELEGRAM__LIMITS__PER_GROUP_PER_MINUTE)"
        ),
        "{message}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with(
            "telegram.limits.per_chat_burst must be a whole number of messages from 1 to 100, \
             got 0 (in "
        )),
        "{message}"
    );
}

#[test]
fn an_unknown_sender_limit_is_refused_with_the_known_ones() {
    let message = error_of(load_env(&[("MEETBOT__TELEGRAM__LIMITS__PER_SECOND", "5")]));

    assert!(
        message.starts_with(
            "unknown configuration key telegram.limits.per_second \
             (from environment variable MEETBOT__TELEGRAM__LIMITS__PER_SECOND); \
             known keys are telegram.limits.overall_per_second, telegram.limits.per_chat_per_second"
        ),
        "{message}"
    );
}

#[test]
fn a_variable_nested_deeper_than_a_key_is_an_unknown_key_unless_in_a_subsection() {
    let message = error_of(load_env(&[
        ("MEETBOT__TELEGRAM__TOKEN__X", "5"),
        ("MEETBOT__TELEGRAM__LIMITS__RETRIES__X", "5"),
    ]));

    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 2, "{message}");
    for line in lines {
        assert!(
            line.starts_with("unknown configuration key telegram.")
                && line.ends_with("and the keys of telegram.limits"),
            "{line}"
        );
    }
}
