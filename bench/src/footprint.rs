//! B3 footprint: how fast the release binary starts, how much memory it
//! holds idle and after a burst of `/start` from people it has never seen,
//! and how big it is.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::Run;
use crate::e2e::{LIFTED_LIMITS, megabytes, sqlite_url};
use crate::fake_api::{FakeApi, text_update};
use crate::percentile::median;
use crate::process;
use crate::report::{Section, Table, met, thousands};

/// How long the bot is left alone before its idle memory is read.
const IDLE: Duration = Duration::from_secs(3);
/// The first id of the people of the burst.
const FIRST_STRANGER: i64 = 10_000_000;
/// How long the whole burst may take to be answered.
const BURST_LIMIT: Duration = Duration::from_secs(600);

/// What was measured.
#[derive(Debug)]
struct Footprint {
    cold_starts: Vec<Duration>,
    idle: Memory,
    burst: usize,
    /// The people of the burst who got a message (all, unless the limit ran out).
    answered: usize,
    burst_time: Duration,
    after_burst: Memory,
}

/// A process's memory at one moment, from one read of its status. The
/// resident memory is in two parts: pages of mapped files (the binary's
/// code and data, the libraries) and the process's own (heap, stacks,
/// caches). The kernel may map a file's pages by the large folio, so the
/// first part depends on the kernel and the filesystem as much as on the
/// code run.
#[derive(Debug)]
struct Memory {
    rss_kib: u64,
    file_kib: u64,
    own_kib: u64,
    /// The most it was resident so far (VmHWM).
    peak_kib: u64,
}

impl Memory {
    fn of(pid: u32) -> anyhow::Result<Self> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let number = |name| process::status_number(&status, name);
        Ok(Self {
            rss_kib: number("VmRSS"),
            file_kib: number("RssFile") + number("RssShmem"),
            own_kib: number("RssAnon"),
            peak_kib: number("VmHWM"),
        })
    }

    /// The two parts of the resident memory, as a row of the table.
    fn parts_row(&self) -> [String; 4] {
        [
            "… of which mapped files (the binary, libraries) + the bot's own".to_owned(),
            format!("{} + {}", megabytes(self.file_kib), megabytes(self.own_kib)),
            String::new(),
            String::new(),
        ]
    }
}

/// Runs B3 and describes it.
pub fn run(run: &Run) -> anyhow::Result<Section> {
    // Absolute, since the bot is started in a folder of its own.
    let binary = std::fs::canonicalize(run.binary()?).context("finding the bot's binary")?;
    let (starts, burst) = if run.quick { (3, 10_000) } else { (7, 100_000) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let footprint = runtime.block_on(measure(&binary, starts, burst))?;
    let size = std::fs::metadata(&binary)
        .with_context(|| format!("reading {}", binary.display()))?
        .len();
    Ok(section(&footprint, size))
}

async fn measure(binary: &Path, starts: usize, burst: usize) -> anyhow::Result<Footprint> {
    let mut cold_starts = Vec::with_capacity(starts);
    for _ in 0..starts {
        cold_starts.push(cold_start(binary).await?);
    }
    let dir = tempfile::tempdir()?;
    let fake = FakeApi::start().await?;
    let mut child = bot(binary, dir.path(), &fake)?.spawn()?;
    let pid = child.id().context("the bot exited at once")?;
    fake.first_poll(Duration::from_secs(30)).await?;
    tokio::time::sleep(IDLE).await;
    let idle = Memory::of(pid)?;

    let started = Instant::now();
    fake.push_many((0..burst as i64).map(|n| {
        let person = FIRST_STRANGER + n;
        (person, text_update(person, "/start"))
    }));
    // Every stranger is answered in their own chat; a bot too slow for
    // the limit is measured where it got to, and the table says so.
    while fake.messaged_chats() < burst && started.elapsed() < BURST_LIMIT {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let burst_time = started.elapsed();
    let answered = fake.messaged_chats();
    fake.quiet(Duration::from_millis(500), Duration::from_secs(30))
        .await;
    let after_burst = Memory::of(pid)?;
    child.kill().await?;
    Ok(Footprint {
        cold_starts,
        idle,
        burst,
        answered,
        burst_time,
        after_burst,
    })
}

/// From spawning the bot on a fresh SQLite file to its first `getUpdates`.
async fn cold_start(binary: &Path) -> anyhow::Result<Duration> {
    let dir = tempfile::tempdir()?;
    let fake = FakeApi::start().await?;
    let mut command = bot(binary, dir.path(), &fake)?;
    let spawned = Instant::now();
    let mut child = command.spawn()?;
    let polled = fake.first_poll(Duration::from_secs(30)).await;
    child.kill().await?;
    Ok(polled?.saturating_duration_since(spawned))
}

/// The bot on a fresh SQLite file in `dir`, against `fake`, its sender's
/// limits lifted.
fn bot(binary: &Path, dir: &Path, fake: &FakeApi) -> anyhow::Result<tokio::process::Command> {
    process::bot_command(
        binary,
        dir,
        &sqlite_url(dir),
        fake.url(),
        process::free_port()?,
        &LIFTED_LIMITS,
    )
}

fn section(footprint: &Footprint, binary_size: u64) -> Section {
    let mut table = Table::new(["measure", "value", "target", "met"]);
    let cold = median(&footprint.cold_starts).unwrap_or_default();
    table.row([
        format!(
            "cold start to the first getUpdates (SQLite, a fresh file; median of {})",
            footprint.cold_starts.len()
        ),
        format!("{:.1} ms", cold.as_secs_f64() * 1e3),
        "< 50 ms".to_owned(),
        met(cold < Duration::from_millis(50)).to_owned(),
    ]);
    table.row([
        format!("resident memory idle ({} s after start)", IDLE.as_secs()),
        megabytes(footprint.idle.rss_kib),
        "< 20 MB".to_owned(),
        met(footprint.idle.rss_kib * 1024 < 20_000_000).to_owned(),
    ]);
    table.row(footprint.idle.parts_row());
    let finished = footprint.answered >= footprint.burst;
    let burst = if finished {
        format!(
            "resident memory after {} /start from distinct people",
            thousands(footprint.burst as f64)
        )
    } else {
        format!(
            "resident memory after {} /start from distinct people, of which only {} were \
             answered within {} s",
            thousands(footprint.burst as f64),
            thousands(footprint.answered as f64),
            BURST_LIMIT.as_secs()
        )
    };
    let small = footprint.after_burst.rss_kib * 1024 < 40_000_000;
    table.row([
        burst,
        megabytes(footprint.after_burst.rss_kib),
        "< 40 MB".to_owned(),
        if finished || !small {
            met(small).to_owned()
        } else {
            "not shown: the burst did not finish".to_owned()
        },
    ]);
    table.row(footprint.after_burst.parts_row());
    table.row([
        "peak resident memory (VmHWM) over the run".to_owned(),
        megabytes(footprint.after_burst.peak_kib),
        String::new(),
        String::new(),
    ]);
    table.row([
        "the burst answered (every person's first message), updates/s".to_owned(),
        thousands(footprint.answered as f64 / footprint.burst_time.as_secs_f64().max(f64::EPSILON)),
        String::new(),
        String::new(),
    ]);
    table.row([
        "binary size".to_owned(),
        format!("{:.1} MB", binary_size as f64 / 1e6),
        String::new(),
        String::new(),
    ]);
    let starts: Vec<String> = footprint
        .cold_starts
        .iter()
        .map(|d| format!("{:.1}", d.as_secs_f64() * 1e3))
        .collect();
    Section {
        title: "B3 footprint".to_owned(),
        intro: "The release binary against the fake Bot API, with the sender's limits lifted. \
                Cold start runs from spawning the process on a fresh SQLite file (migrations \
                included) to the fake's first getUpdates. The burst queues every /start at once, \
                as Telegram holds updates for a busy bot, and waits until each person got a \
                message."
            .to_owned(),
        table,
        notes: vec![format!("Each cold start, in ms: {}.", starts.join(", "))],
    }
}
