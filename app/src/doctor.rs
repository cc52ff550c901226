//! `meetbot doctor [--json]`: checks everything the bot depends on and
//! prints one line per finding, with a priority and a fix; the exit code is
//! that of the worst finding (0 information only, 1 P2, 2 P1, 3 P0), so
//! that it can gate a deploy.
//!
//! The checks of the process (configuration, database, migrations, the
//! SQLite file and its disk, Telegram, the clock, the running bot's tasks,
//! backups) live here; those that need only the ports (calendar, outboxes,
//! reminders, people, counts) are `meetbot_usecases::doctor`'s, shared with
//! the owner's `/doctor`. Doctor changes nothing: no migration runs, no
//! webhook is set. Every line passes through the log's redaction, so no
//! secret is printed even when a driver's error quotes one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use meetbot_domain::Language;
use meetbot_i18n::Translator;
use meetbot_storage::backup::{self as sqlite, BackupError, Check};
use meetbot_telegram::api::CallError;
use meetbot_telegram::{BotApi, TelegramMode};
use meetbot_usecases::doctor::{self, Finding, Priority};
use serde::Serialize;

use crate::config::{Config, Sources};
use crate::logging::Redactor;

/// Less free space than this (or than [`DISK_MIN_SHARE`]) where the SQLite
/// file lives stops writes soon: a P0.
const DISK_MIN_BYTES: u64 = 200 * 1024 * 1024;
/// Less than this share of the disk free is a P0 too.
const DISK_MIN_SHARE: f64 = 0.05;
/// More difference than this between our clock and Telegram's makes
/// reminders and time checks wrong.
const CLOCK_SKEW_LIMIT: chrono::Duration = chrono::Duration::seconds(30);
/// More updates than this waiting at Telegram means the webhook falls behind.
const PENDING_UPDATES_LIMIT: u32 = 100;
/// How long the running bot's `/health` may take.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

/// One finding as printed: the use cases' messages are rendered in English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `P0` ... `P3`.
    pub priority: String,
    /// The check that found it.
    pub check: String,
    /// What was found.
    pub message: String,
    /// What to do; empty for information.
    pub fix: String,
    #[serde(skip)]
    rank: Priority,
}

impl Line {
    fn new(priority: Priority, check: &str, message: impl Into<String>, fix: &str) -> Self {
        Self {
            priority: priority.as_str().to_owned(),
            check: check.to_owned(),
            message: message.into(),
            fix: fix.to_owned(),
            rank: priority,
        }
    }

    fn from_finding(finding: &Finding) -> Self {
        let english = |text| Translator::shared().text(Language::En, text);
        let mut line = Self::new(
            finding.priority,
            finding.check,
            english(&finding.message),
            "",
        );
        line.fix = finding.fix.as_ref().map(english).unwrap_or_default();
        line
    }
}

/// The JSON shape of `--json`: `{"findings":[{"priority","check","message","fix"}]}`.
#[derive(Serialize)]
struct Report<'a> {
    findings: &'a [Line],
}

/// Runs every check and prints the findings; returns the exit code.
pub fn main(config_file: Option<PathBuf>, json: bool) -> u8 {
    let (lines, redactor) = match Config::load(&Sources::from_process(config_file)) {
        // Every problem at once, so one edit fixes them all.
        Err(errors) => (
            errors
                .0
                .iter()
                .map(|e| {
                    Line::new(
                        Priority::P0,
                        "config",
                        e.to_string(),
                        "fix the configuration as the message says (meetbot config shows it)",
                    )
                })
                .collect(),
            Redactor::new(Vec::new()),
        ),
        Ok(config) => {
            let redactor = Redactor::new(config.secrets());
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let lines = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => {
                    let lines = runtime.block_on(checks(&config));
                    runtime.shutdown_timeout(Duration::from_secs(1));
                    lines
                }
                Err(e) => vec![Line::new(
                    Priority::P0,
                    "runtime",
                    format!("cannot start the async runtime: {e}"),
                    "check the process limits (threads, memory)",
                )],
            };
            (lines, redactor)
        }
    };
    let mut lines: Vec<Line> = lines
        .into_iter()
        .map(|mut line| {
            line.message = redactor.redact(&line.message);
            line.fix = redactor.redact(&line.fix);
            line
        })
        .collect();
    lines.sort_by_key(|l| l.rank);
    print(&lines, json);
    lines
        .iter()
        .map(|l| l.rank)
        .min()
        .map_or(0, Priority::exit_code)
}

fn print(lines: &[Line], json: bool) {
    if json {
        match serde_json::to_string(&Report { findings: lines }) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("meetbot: error: cannot write the report: {e}"),
        }
        return;
    }
    for line in lines {
        if line.fix.is_empty() {
            println!("{} {}: {}", line.priority, line.check, line.message);
        } else {
            println!(
                "{} {}: {} — fix: {}",
                line.priority, line.check, line.message, line.fix
            );
        }
    }
    if !lines.iter().any(|l| l.rank < Priority::P3) {
        println!("nothing above P3: the bot can serve");
    }
}

/// Every check of a valid configuration.
async fn checks(config: &Config) -> Vec<Line> {
    let mut lines = vec![Line::new(
        Priority::P3,
        "versions",
        format!("meetbot {}", env!("CARGO_PKG_VERSION")),
        "",
    )];
    let (database_lines, database_ok) = database(config).await;
    lines.extend(database_lines);
    if database_ok {
        lines.extend(inside(config).await);
        lines.extend(backups(config));
    }
    lines.extend(telegram(config).await);
    lines.extend(tasks(config).await);
    lines
}

/// The SQLite file and its disk, reachability, migrations and versions;
/// whether the database can be used for the checks that read it.
async fn database(config: &Config) -> (Vec<Line>, bool) {
    let url = config.database.url.expose();
    let mut lines = Vec::new();
    if let Some(file) = config.database.url.sqlite_file() {
        let (file_lines, usable) = sqlite_file(file, &config.backup.folder(file)).await;
        lines.extend(file_lines);
        if !usable {
            return (lines, false);
        }
    }
    if let Err(error) = meetbot_storage::ping(url).await {
        lines.push(Line::new(
            Priority::P0,
            "database",
            format!("the database does not answer: {error}"),
            "check database.url (DATABASE_URL) and that the database server runs and accepts this user",
        ));
        return (lines, false);
    }
    if let Some(line) = migrations(url).await {
        lines.push(line);
        return (lines, false);
    }
    if let Ok(version) = meetbot_storage::version(url).await {
        lines.push(Line::new(Priority::P3, "versions", version, ""));
    }
    (lines, true)
}

/// The disk, existence, integrity and size of the SQLite file; whether it
/// can be opened.
async fn sqlite_file(file: &Path, backups: &Path) -> (Vec<Line>, bool) {
    let mut lines: Vec<Line> = disk(file).into_iter().collect();
    if !file.exists() {
        lines.push(Line::new(
            Priority::P0,
            "database",
            format!("the SQLite file {} does not exist", file.display()),
            "check database.url, or create the database with meetbot migrate",
        ));
        return (lines, false);
    }
    let path = file.to_path_buf();
    let integrity =
        tokio::task::spawn_blocking(move || sqlite::check_sqlite(&path, Check::Integrity)).await;
    match integrity {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            lines.push(corrupt(file, backups, &error));
            return (lines, false);
        }
        Err(e) => {
            lines.push(Line::new(
                Priority::P0,
                "integrity",
                format!("the integrity check did not finish: {e}"),
                "run meetbot doctor again",
            ));
            return (lines, false);
        }
    }
    if let Ok(meta) = std::fs::metadata(file) {
        lines.push(Line::new(
            Priority::P3,
            "database",
            format!("SQLite file {}, {}", file.display(), size(meta.len())),
            "",
        ));
    }
    (lines, true)
}

/// P0 when migrations are pending, or were applied by a newer binary.
async fn migrations(url: &str) -> Option<Line> {
    let status = match meetbot_storage::migration_status(url).await {
        Ok(status) => status,
        Err(error) => {
            return Some(Line::new(
                Priority::P0,
                "migrations",
                format!("cannot compare the migrations: {error}"),
                "check that database.url names meetbot's database",
            ));
        }
    };
    if !status.unknown.is_empty() {
        return Some(Line::new(
            Priority::P0,
            "migrations",
            format!(
                "the database has migrations this binary does not know ({}): a newer meetbot migrated it",
                status.unknown.join(", ")
            ),
            "run the newer meetbot, or restore a backup taken before it",
        ));
    }
    (!status.pending.is_empty()).then(|| {
        Line::new(
            Priority::P0,
            "migrations",
            format!(
                "{} migrations are pending: {}",
                status.pending.len(),
                status.pending.join(", ")
            ),
            "run meetbot migrate (meetbot run also applies them when it starts)",
        )
    })
}

/// P0 for an SQLite file that fails its integrity check, naming the
/// newest good backup and the restore command.
fn corrupt(file: &Path, backups: &Path, error: &BackupError) -> Line {
    let fix = match crate::backup::newest_good(backups) {
        Some(good) => format!(
            "stop the bot and restore the newest good backup: meetbot restore {}",
            good.display()
        ),
        None => format!(
            "no good backup in {}: stop the bot and try sqlite3's .recover on a copy of {}",
            backups.display(),
            file.display()
        ),
    };
    Line::new(Priority::P0, "integrity", error.to_string(), &fix)
}

/// P0 when the disk holding the SQLite file is nearly full.
fn disk(file: &Path) -> Option<Line> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stats = rustix::fs::statvfs(dir).ok()?;
    let free = stats.f_bavail.saturating_mul(stats.f_frsize);
    let total = stats.f_blocks.saturating_mul(stats.f_frsize);
    // f64 is precise enough for a share of the disk.
    let share = if total == 0 {
        1.0
    } else {
        free as f64 / total as f64
    };
    if free < DISK_MIN_BYTES || share < DISK_MIN_SHARE {
        Some(Line::new(
            Priority::P0,
            "disk",
            format!(
                "only {} free where the database lives ({})",
                size(free),
                dir.display()
            ),
            "free space on that disk (old logs, old backups in backup.dir) or move the database",
        ))
    } else {
        None
    }
}

/// The use cases' checks, on the store and the configured calendar.
async fn inside(config: &Config) -> Vec<Line> {
    let fail =
        |check: &str, what: String, fix: &str| vec![Line::new(Priority::P0, check, what, fix)];
    let calendar = match crate::run::calendar(config).await {
        Ok(calendar) => calendar,
        Err(error) => {
            return vec![Line::new(
                Priority::P1,
                "calendar",
                format!("the calendar cannot be set up: {error:#}"),
                "check the [calendar] settings the message names",
            )];
        }
    };
    // No migration is pending (checked before), so opening applies nothing.
    let store = match meetbot_storage::connect(config.database.url.expose()).await {
        Ok(store) => store,
        Err(error) => {
            return fail(
                "database",
                format!("the database cannot be opened: {error}"),
                "check database.url",
            );
        }
    };
    match doctor::inside(store.as_ref(), calendar.as_ref(), Utc::now()).await {
        Ok(findings) => findings.iter().map(Line::from_finding).collect(),
        Err(error) => fail(
            "database",
            format!("the database cannot be read: {error}"),
            "check the database's log",
        ),
    }
}

/// P2 when no backup is newer than two `backup.every` intervals.
fn backups(config: &Config) -> Option<Line> {
    let file = config.database.url.sqlite_file()?;
    let every = config.backup.every?;
    let dir = config.backup.folder(file);
    let newest = crate::backup::list(&dir)
        .into_iter()
        .map(|(at, _)| at)
        .max();
    let limit = chrono::Duration::from_std(every.saturating_mul(2)).ok()?;
    let fresh = newest.is_some_and(|at| Utc::now() - at < limit);
    if fresh {
        return None;
    }
    let message = match newest {
        Some(at) => format!(
            "the newest backup in {} is from {}",
            dir.display(),
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("no backup in {}", dir.display()),
    };
    Some(Line::new(
        Priority::P2,
        "backup",
        message,
        "check that the bot runs (it backs up every backup.every) or run meetbot backup",
    ))
}

/// The token (`getMe`), Telegram's clock, and in webhook mode what
/// `getWebhookInfo` says.
async fn telegram(config: &Config) -> Vec<Line> {
    let Some(token) = &config.telegram.token else {
        return vec![Line::new(
            Priority::P3,
            "telegram",
            "no token: the bot runs in the terminal (console mode)",
            "",
        )];
    };
    let api = match BotApi::new(&config.telegram.api_url, token) {
        Ok(api) => api,
        Err(error) => {
            return vec![Line::new(
                Priority::P0,
                "telegram",
                error.to_string(),
                "check telegram.api_url",
            )];
        }
    };
    let mut lines = Vec::new();
    match api.get_me().await {
        Ok(me) => {
            lines.push(Line::new(
                Priority::P3,
                "telegram",
                format!("the token belongs to @{}", me.username),
                "",
            ));
            lines.extend(me.telegram_time.and_then(clock_skew));
        }
        Err(CallError::Refused { code, description }) if code == 401 || code == 404 => {
            return vec![Line::new(
                Priority::P0,
                "telegram",
                format!("Telegram refuses the token: {code} {description}"),
                "put the bot's current token from @BotFather in telegram.token (TELEGRAM_BOT_TOKEN)",
            )];
        }
        Err(error) => {
            return vec![Line::new(
                Priority::P0,
                "telegram",
                format!("Telegram's Bot API cannot be reached: {error}"),
                "check the network, a proxy or firewall, and telegram.api_url",
            )];
        }
    }
    if config.telegram.mode == TelegramMode::Webhook {
        lines.extend(webhook(config, &api).await);
    }
    lines
}

/// P1 when our clock and Telegram's differ by more than [`CLOCK_SKEW_LIMIT`].
fn clock_skew(telegram_time: DateTime<Utc>) -> Option<Line> {
    // The Date header has whole seconds; a second more is rounding.
    let skew = (Utc::now() - telegram_time).abs();
    (skew > CLOCK_SKEW_LIMIT).then(|| {
        Line::new(
            Priority::P1,
            "clock",
            format!(
                "this machine's clock is {} s off Telegram's",
                skew.num_seconds()
            ),
            "synchronise the clock (systemd-timesyncd, chrony or ntpd)",
        )
    })
}

async fn webhook(config: &Config, api: &BotApi) -> Vec<Line> {
    let info = match api.get_webhook_info().await {
        Ok(info) => info,
        Err(error) => {
            return vec![Line::new(
                Priority::P0,
                "webhook",
                format!("getWebhookInfo failed: {error}"),
                "check the network and telegram.api_url",
            )];
        }
    };
    let mut lines = Vec::new();
    if let Some(error) = &info.last_error_message {
        lines.push(Line::new(
            Priority::P0,
            "webhook",
            format!("Telegram cannot deliver updates to the webhook: {error}"),
            "check that WEBHOOK_URL is reachable from the internet over HTTPS and reaches the bot",
        ));
    }
    if info.pending_update_count > PENDING_UPDATES_LIMIT {
        lines.push(Line::new(
            Priority::P1,
            "webhook",
            format!("{} updates wait at Telegram", info.pending_update_count),
            "check that the bot runs and answers its webhook; see the webhook finding above if any",
        ));
    }
    let configured = config.telegram.webhook_url.as_deref().unwrap_or_default();
    if info.url != configured {
        lines.push(Line::new(
            Priority::P2,
            "webhook",
            format!(
                "Telegram delivers to {:?}, the configuration says {configured:?}",
                info.url
            ),
            "restart the bot, which sets the configured webhook",
        ));
    }
    lines
}

/// The running bot's supervised tasks, from its `/health` on `http.listen`.
async fn tasks(config: &Config) -> Vec<Line> {
    let mut address = config.http.listen;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{address}/health");
    let answer = match reqwest::Client::builder().timeout(HEALTH_TIMEOUT).build() {
        Ok(client) => client.get(&url).send().await,
        Err(_) => return Vec::new(),
    };
    let body: Option<serde_json::Value> = match answer {
        Ok(answer) => answer
            .text()
            .await
            .ok()
            .and_then(|body| serde_json::from_str(&body).ok()),
        Err(_) => {
            return vec![Line::new(
                Priority::P3,
                "tasks",
                format!("no bot answers on {address} (http.listen): its tasks were not checked"),
                "",
            )];
        }
    };
    let Some(tasks) = body
        .as_ref()
        .and_then(|b| b.get("tasks"))
        .and_then(|t| t.as_object())
    else {
        return Vec::new();
    };
    tasks
        .iter()
        .filter(|(_, state)| state.as_str() != Some("running"))
        .map(|(name, state)| {
            Line::new(
                Priority::P1,
                "tasks",
                format!(
                    "the bot's task {name} is down: {}",
                    state.as_str().unwrap_or("unknown")
                ),
                "see the bot's log for why; it restarts the task by itself, restart the bot if it stays down",
            )
        })
        .collect()
}

/// A byte count for people: `12.3 MB`.
fn size(bytes: u64) -> String {
    let mb = bytes as f64 / 1_000_000.0;
    format!("{mb:.1} MB")
}
