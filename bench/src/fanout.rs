//! B2 fan-out: 100,000 reminders (10,000 with `--quick`) fall due at the
//! same moment, and the real binary sends them to a fake Bot API that keeps
//! Telegram's limits a hundred times faster (see [`crate::limited_api`]),
//! with the bot configured to the same scaled limits.
//!
//! Measured, per database: the 429 answers; the sustained send rate as a
//! share of the overall limit, between the 10th and the 90th percentile of
//! the messages (the start and the tail are not steady); the lateness of
//! each reminder (arrival at the fake minus its due time), in real and in
//! scaled time; the bot's CPU time (and the Postgres server's) per reminder
//! sent, from `/proc`, between the due time and the last message; and the
//! reminders lost (never sent) or doubled (sent twice), told apart by the
//! number each meeting's topic carries.

mod seed;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::Utc;

use crate::Run;
use crate::limited_api::{LimitedApi, Limits};
use crate::process::{self, Sample};
use crate::report::{Section, Table, met, micros, thousands};
use crate::scratch::Scratch;
use seed::{Database, Size};

/// Telegram's clock runs this many times faster.
const SCALE: f64 = 100.0;

/// From the moment the reminders are made due until they are: the bot
/// starts and does its start-up work (the cadence check reads every
/// manager's meetings) before the fan-out begins.
const LEAD: Duration = Duration::from_secs(20);

/// With no message for this long the run ends: longer than the bot's
/// reminder lease (60 s), after which a reminder left unsent is claimed
/// again, so what is still missing then is lost.
const STALL: Duration = Duration::from_secs(75);

/// The longest a run may take after the due time.
const LONGEST: Duration = Duration::from_secs(1800);

/// Runs B2 on SQLite and, when `TEST_DATABASE_URL` is set, on Postgres.
pub fn run(run: &Run) -> anyhow::Result<Section> {
    // Absolute: the bot is started in a folder of its own.
    let binary = std::fs::canonicalize(run.binary()?).context("finding the meetbot binary")?;
    let size = Size {
        people: if run.quick { 1_000 } else { 10_000 },
        meetings_each: 10,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut table = Table::new(["backend", "measure", "value", "target", "met"]);
    let mut notes = Vec::new();

    let dir = std::env::temp_dir().join(format!("meetbot-fanout-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = Database::Sqlite(dir.join("fanout.sqlite3"));
    let measured = runtime.block_on(measure(&binary, &dir, &sqlite, size));
    report(&mut table, &mut notes, "SQLite", 5e-6, measured);
    let _ = std::fs::remove_dir_all(&dir);

    match &run.postgres {
        Some(url) => {
            let dir =
                std::env::temp_dir().join(format!("meetbot-fanout-pg-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            // Dropped (with its database) once measured.
            let measured = Scratch::create(url, "meetbot_fanout").and_then(|scratch| {
                let postgres = Database::Postgres(scratch.url.clone());
                runtime.block_on(measure(&binary, &dir, &postgres, size))
            });
            report(&mut table, &mut notes, "Postgres", 40e-6, measured);
            let _ = std::fs::remove_dir_all(&dir);
        }
        None => notes.push("Postgres was not measured: TEST_DATABASE_URL is not set.".to_owned()),
    }
    notes.extend(explanations());
    Ok(Section {
        title: "B2 reminder fan-out".to_owned(),
        intro: format!(
            "{} reminders (one per meeting, {} people with {} meetings each, in a shuffled \
             order) fall due at once; the release binary sends them to a fake Bot API that \
             keeps Telegram's limits with time running {SCALE}× faster (3,000 messages a second \
             overall, 100 a second per chat after a burst of 3) and answers 429 beyond them. \
             The bot is given the same limits (`MEETBOT__TELEGRAM__LIMITS__*`). Lateness is a \
             message's arrival minus its due time; scaled, it is what it would be at \
             Telegram's real pace.",
            thousands(size.reminders() as f64),
            thousands(size.people as f64),
            size.meetings_each,
        ),
        table,
        notes,
    })
}

/// What one run measured.
#[derive(Debug)]
struct Measured {
    reminders: usize,
    refused: u64,
    /// Messages a second between the 10th and 90th percentile of arrivals.
    rate: Option<f64>,
    /// Real seconds.
    lateness_p50: Option<f64>,
    lateness_p99: Option<f64>,
    /// Bot CPU seconds per reminder sent.
    bot_cpu: Option<f64>,
    /// Postgres server CPU seconds per reminder sent.
    server_cpu: Option<f64>,
    lost: usize,
    doubled: usize,
    /// Reminders that arrived in a chat not their own.
    misdirected: usize,
    /// Messages that were no reminder of the fan-out.
    others: usize,
    /// The bot's CPU share in the second before the due time.
    idle_cpu: f64,
    /// Why the run ended.
    ended: String,
    /// The reminders' states in the database afterwards.
    states: Vec<(String, i64)>,
}

/// Seeds `database`, starts the bot against the limited fake and watches
/// the fan-out until every reminder arrived or nothing more comes.
async fn measure(
    binary: &Path,
    dir: &Path,
    database: &Database,
    size: Size,
) -> anyhow::Result<Measured> {
    let url = database.url();
    let migrated = process::bot_command(
        binary,
        dir,
        &url,
        "http://127.0.0.1:9",
        process::free_port()?,
        &[],
    )?
    .arg("migrate")
    .status()
    .await?;
    if !migrated.success() {
        bail!(
            "meetbot migrate failed (see {})",
            dir.join("meetbot.log").display()
        );
    }
    eprintln!(
        "B2: seeding {} reminders",
        thousands(size.reminders() as f64)
    );
    let for_seed = database.clone();
    tokio::task::spawn_blocking(move || seed::seed(&for_seed, size, Utc::now())).await??;

    let due = Utc::now() + chrono::Duration::from_std(LEAD)?;
    let due_instant = Instant::now() + LEAD;
    let for_due = database.clone();
    tokio::task::spawn_blocking(move || seed::make_due(&for_due, due)).await??;

    let api = LimitedApi::start(Limits::telegram_scaled(SCALE)).await?;
    let limits = Limits::telegram_scaled(SCALE);
    let (overall, per_chat, burst) = (
        limits.overall_per_second.to_string(),
        limits.per_chat_per_second.to_string(),
        limits.per_chat_burst.to_string(),
    );
    let owner = seed::OWNER.to_string();
    let http = process::free_port()?;
    let mut bot = process::bot_command(
        binary,
        dir,
        &url,
        api.url(),
        http,
        &[
            ("MEETBOT__TELEGRAM__LIMITS__OVERALL_PER_SECOND", &overall),
            ("MEETBOT__TELEGRAM__LIMITS__PER_CHAT_PER_SECOND", &per_chat),
            ("MEETBOT__TELEGRAM__LIMITS__PER_CHAT_BURST", &burst),
            ("MEETBOT__TELEGRAM__OWNER_IDS", &owner),
        ],
    )?
    .spawn()
    .context("starting the bot")?;
    let pid = bot.id().context("the bot has no process id")?;
    process::wait_until_healthy(http, LEAD).await?;
    if Instant::now() + Duration::from_secs(1) > due_instant {
        bail!("the bot took longer than {LEAD:?} to start; the fan-out would not start at once");
    }

    tokio::time::sleep_until((due_instant - Duration::from_secs(1)).into()).await;
    let before = Sample::of(pid)?;
    // Counted from here: the first reminders may arrive within a
    // millisecond of the due time, before the watch below begins.
    let mut seen = api.delivered_count();
    tokio::time::sleep_until(due_instant.into()).await;
    let at_due = Sample::of(pid)?;
    let server_at_due = process::postgres_server_cpu();
    let idle_cpu = (at_due.cpu - before.cpu).as_secs_f64();
    eprintln!("B2: due now; watching the fake Bot API");

    // The reminders' first arrivals (seconds after the due time), how often
    // each arrived, and every message's arrival in order.
    let mut first = vec![None::<f64>; size.reminders()];
    let mut copies = vec![0u32; size.reminders()];
    let mut arrivals = Vec::with_capacity(size.reminders());
    let (mut misdirected, mut others) = (0, 0);
    let mut distinct = 0;
    let mut last_progress = Instant::now();
    let (mut at_end, mut server_at_end) = (at_due, server_at_due);
    let ended = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let new = api.delivered_since(seen);
        if !new.is_empty() {
            at_end = Sample::of(pid)?;
            server_at_end = process::postgres_server_cpu();
            last_progress = Instant::now();
            seen += new.len();
        }
        for delivery in new {
            let late = delivery
                .at
                .saturating_duration_since(due_instant)
                .as_secs_f64();
            arrivals.push(late);
            let Some(number) = seed::number_in(&delivery.text).filter(|n| *n < first.len()) else {
                others += 1;
                continue;
            };
            if delivery.chat != size.chat_of(number) {
                misdirected += 1;
            }
            copies[number] += 1;
            if first[number].is_none() {
                first[number] = Some(late);
                distinct += 1;
            }
        }
        if let Some(failure) = api.failure() {
            bail!("the fake Bot API stopped: {failure}");
        }
        if distinct == size.reminders() {
            break "every reminder arrived".to_owned();
        }
        if let Some(status) = bot.try_wait()? {
            break format!("the bot exited ({status})");
        }
        if last_progress.elapsed() > STALL {
            break format!("nothing arrived for {} s", STALL.as_secs());
        }
        if due_instant.elapsed() > LONGEST {
            break format!("the run was stopped after {} s", LONGEST.as_secs());
        }
    };
    if bot.try_wait()?.is_none() {
        bot.start_kill()?;
        bot.wait().await?;
    }
    let for_states = database.clone();
    let states = tokio::task::spawn_blocking(move || seed::states(&for_states)).await??;

    let sent = copies.iter().map(|&n| n as usize).sum::<usize>();
    // Requests are logged in the order they took the log's lock, which may
    // differ by a hair from the order of their arrival times.
    arrivals.sort_by(f64::total_cmp);
    let mut lateness: Vec<f64> = first.iter().flatten().copied().collect();
    lateness.sort_by(f64::total_cmp);
    let per_sent = |cpu: Duration| (sent > 0).then(|| cpu.as_secs_f64() / sent as f64);
    Ok(Measured {
        reminders: size.reminders(),
        refused: api.refused(),
        rate: steady_rate(&arrivals),
        lateness_p50: percentile(&lateness, 0.50),
        lateness_p99: percentile(&lateness, 0.99),
        bot_cpu: per_sent(at_end.cpu.saturating_sub(at_due.cpu)),
        server_cpu: matches!(database, Database::Postgres(_))
            .then(|| per_sent(server_at_end.saturating_sub(server_at_due)))
            .flatten(),
        lost: size.reminders() - distinct,
        doubled: copies.iter().map(|&n| n.saturating_sub(1) as usize).sum(),
        misdirected,
        others,
        idle_cpu,
        ended,
        states,
    })
}

/// Messages a second between the 10th and the 90th percentile of the
/// arrival times (seconds, sorted).
fn steady_rate(arrivals: &[f64]) -> Option<f64> {
    let (from, to) = (arrivals.len() / 10, arrivals.len() * 9 / 10);
    let span = arrivals.get(to)? - arrivals.get(from)?;
    (span > 0.0).then(|| (to - from) as f64 / span)
}

/// The `p` quantile of sorted values (nearest rank).
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

/// Seconds, as "12.3 s", or minutes beyond two of them.
fn seconds(value: f64) -> String {
    if value >= 120.0 {
        format!("{:.1} min", value / 60.0)
    } else if value >= 1.0 {
        format!("{value:.1} s")
    } else {
        format!("{:.0} ms", value * 1000.0)
    }
}

/// Adds a backend's rows (or why there are none) and its notes.
fn report(
    table: &mut Table,
    notes: &mut Vec<String>,
    backend: &str,
    cpu_target: f64,
    measured: anyhow::Result<Measured>,
) {
    let m = match measured {
        Ok(m) => m,
        Err(error) => {
            table.row([backend, "the run failed", "—", "", ""]);
            notes.push(format!("{backend}: the run failed: {error:#}"));
            return;
        }
    };
    let limit = Limits::telegram_scaled(SCALE).overall_per_second;
    let absent = |what: &str| format!("— ({what})");
    table.row([
        backend.to_owned(),
        "reminders due at once".to_owned(),
        thousands(m.reminders as f64),
        String::new(),
        String::new(),
    ]);
    table.row([
        backend.to_owned(),
        "429 answers".to_owned(),
        thousands(m.refused as f64),
        "0".to_owned(),
        met(m.refused == 0).to_owned(),
    ]);
    let share = m.rate.map(|rate| rate / limit);
    table.row([
        backend.to_owned(),
        "sustained send rate (10th–90th percentile of messages)".to_owned(),
        m.rate.zip(share).map_or_else(
            || absent("too few messages"),
            |(rate, share)| {
                format!(
                    "{}/s, {:.1}% of {}/s",
                    thousands(rate),
                    share * 100.0,
                    thousands(limit)
                )
            },
        ),
        "≥ 98%".to_owned(),
        met(share.is_some_and(|s| s >= 0.98)).to_owned(),
    ]);
    for (name, value) in [("p50", m.lateness_p50), ("p99", m.lateness_p99)] {
        table.row([
            backend.to_owned(),
            format!("lateness {name} (real; scaled ×{SCALE})"),
            value.map_or_else(
                || absent("nothing arrived"),
                |v| format!("{}; {}", seconds(v), seconds(v * SCALE)),
            ),
            String::new(),
            String::new(),
        ]);
    }
    table.row([
        backend.to_owned(),
        "bot CPU per reminder sent".to_owned(),
        m.bot_cpu.map_or_else(|| absent("nothing sent"), micros),
        format!("< {}", micros(cpu_target)),
        met(m.bot_cpu.is_some_and(|cpu| cpu < cpu_target)).to_owned(),
    ]);
    if backend == "Postgres" {
        notes.push(
            "Postgres: the server's CPU is that of every `postgres` process on the machine, \
             so other clients of the same server during the run are counted too."
                .to_owned(),
        );
        table.row([
            backend.to_owned(),
            "Postgres server CPU per reminder sent".to_owned(),
            m.server_cpu.map_or_else(|| absent("nothing sent"), micros),
            String::new(),
            String::new(),
        ]);
    }
    table.row([
        backend.to_owned(),
        "lost (never sent)".to_owned(),
        thousands(m.lost as f64),
        "0".to_owned(),
        met(m.lost == 0).to_owned(),
    ]);
    table.row([
        backend.to_owned(),
        "doubled (sent more than once)".to_owned(),
        thousands(m.doubled as f64),
        "0".to_owned(),
        met(m.doubled == 0).to_owned(),
    ]);
    let states: Vec<String> = m
        .states
        .iter()
        .map(|(state, n)| format!("{state} {}", thousands(*n as f64)))
        .collect();
    notes.push(format!(
        "{backend}: the run ended because {}; the reminders' states in the database \
         afterwards: {}. The bot used {:.0}% of a core in the second before the due time.",
        m.ended,
        states.join(", "),
        m.idle_cpu * 100.0,
    ));
    if m.misdirected > 0 || m.others > 0 {
        notes.push(format!(
            "{backend}: {} reminders arrived in a chat not their own; {} messages were no \
             reminder of the fan-out.",
            thousands(m.misdirected as f64),
            thousands(m.others as f64),
        ));
    }
}

/// Where the bot's time and pace go, from its code (not measured here).
fn explanations() -> Vec<String> {
    vec![
        "The bot's sender spreads each second's messages over 1.01 s (10 ms of slack for \
         requests bunched up on the network) and lets 0.02 s worth through at once, at most \
         15 (half of Telegram's burst), so at 3,000/s it paces itself at (3,000 − 15 + 1) / \
         1.01 ≈ 2,956 messages a second, 98.5% of the limit, at best."
            .to_owned(),
        "The dispatcher sends up to 16 reminders of a batch at a time. Each costs the bot a \
         share of a claim (50 per claim) and of a read of the owners (once a batch, for the \
         other side's name), two reads (the meeting, the recipient), the message's \
         rendering, one HTTP request to the Bot API and one \
         write (marking it sent); the bot's CPU per reminder covers all of it, not only the \
         claim. The fake Bot API runs on the same machine and its CPU is not counted."
            .to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steady_rate_leaves_out_the_first_and_last_tenth() {
        // 100 messages a second, then a slow tail.
        let mut arrivals: Vec<f64> = (0..91).map(|n| f64::from(n) / 100.0).collect();
        arrivals.extend((1..10).map(|n| 1.0 + f64::from(n)));
        let rate = steady_rate(&arrivals).unwrap_or(0.0);
        assert!((rate - 100.0).abs() < 1.0, "{rate}");
        assert_eq!(steady_rate(&[1.0]), None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), Some(50.0));
        assert_eq!(percentile(&values, 0.99), Some(99.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
