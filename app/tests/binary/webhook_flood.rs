//! The real binary in webhook mode under a flood of connections that never
//! send a request and of unauthenticated uploads that announce a large body
//! and stall: `/health` and a real update must still be answered at once,
//! the uploads refused without their bodies being waited for, the idle
//! connections closed after the header read timeout, and the bot's memory
//! must stay small.
//!
//! Linux only: the bot's memory, open files and limits are read in `/proc`.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use meetbot_testkit::telegram::{FakeTelegram, Person};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::bot::{Bot, OWNER, WEBHOOK_SECRET};

/// Connections opened and left without a byte sent.
const IDLE: usize = 2_000;
/// Unauthenticated uploads announcing [`CLAIMED_BODY`] bytes and sending none.
const UPLOADS: usize = 500;
const CLAIMED_BODY: usize = 1_800_000;
/// How long `/health` and an update may take to be answered under the flood.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);
/// The bot's resident memory, now and at its peak, in kB (as `/proc` gives it).
const MEMORY_CEILING_KB: u64 = 100 * 1024;
/// Files the bot opens and closes by itself (the database's, connections to
/// the Bot API), allowed for when its open files are counted.
const SLACK: usize = 16;
/// The bot's header read timeout (`http_server::HEADER_READ_TIMEOUT`) and a margin.
const IDLE_CLOSED_WITHIN: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_flood_of_idle_connections_and_stalled_uploads_starves_neither_health_nor_updates()
{
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = Bot::start(
        &fake,
        dir.path(),
        &[
            ("MEETBOT__TELEGRAM__MODE", "webhook"),
            ("WEBHOOK_URL", "https://bot.example.org/telegram/hook"),
            ("MEETBOT__TELEGRAM__WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    )
    .await;
    fake.wait_for(0, Duration::from_secs(10), "setWebhook", |r| {
        r.method == "setWebhook"
    })
    .await;
    let pid = bot.pid();
    // The bot inherited this process's limit on open files and raised it
    // itself. Only now does the test raise its own, for the flood.
    let limit = rlimit::ProcLimits::read_process(i32::try_from(pid).unwrap())
        .unwrap()
        .max_open_files
        .unwrap();
    assert_eq!(limit.soft_limit, limit.hard_limit, "{limit:?}");
    let own = rlimit::increase_nofile_limit(u64::MAX).unwrap();
    assert!(
        own > u64::try_from(IDLE + UPLOADS + 200).unwrap(),
        "this test needs more open files than the hard limit of {own}"
    );
    let files_before = open_files(pid);
    let memory_before = memory(pid);

    // The flood: idle connections, then uploads that stall after their head.
    let flood_started = Instant::now();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        idle.push(TcpStream::connect(bot.http).await.unwrap());
    }
    // Held by the bot, not just queued in the kernel, before the rest.
    let held = held_by_the_bot(pid, files_before + IDLE - SLACK).await;
    let mut uploads = tokio::task::JoinSet::new();
    for _ in 0..UPLOADS {
        uploads.spawn(stalled_upload(bot.http));
    }

    // Meanwhile: /health, and an update from the owner, each answered at once.
    let client = reqwest::Client::new();
    let asked = Instant::now();
    let health = client.get(bot.url("/health")).send().await.unwrap();
    let health_took = asked.elapsed();
    assert_eq!(health.status(), 200);
    assert!(health_took < ANSWER_WITHIN, "/health took {health_took:?}");
    let owner = Person::new(OWNER, "Olga", "en");
    let mark = fake.mark();
    let asked = Instant::now();
    let delivered = client
        .post(bot.url("/telegram/hook"))
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .json(&fake.text_update(&owner, "/start"))
        .send()
        .await
        .unwrap();
    let update_took = asked.elapsed();
    assert_eq!(delivered.status(), 200);
    assert!(
        update_took < ANSWER_WITHIN,
        "the update took {update_took:?}"
    );
    // The idle connections were all still held by the bot meanwhile.
    let files_during = open_files(pid);
    assert!(
        files_during >= files_before + IDLE - SLACK,
        "{files_during} files open, {files_before} before the flood"
    );
    let memory_during = memory(pid);

    // Every upload was refused from its head, its body not waited for.
    while let Some(answer) = uploads.join_next().await {
        let answer = answer.unwrap().expect("an upload was left waiting");
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    fake.wait_for_message(mark, OWNER, "Hello, Olga").await;

    // The idle connections are closed after the header read timeout.
    for stream in &mut idle {
        let left = IDLE_CLOSED_WITHIN.saturating_sub(flood_started.elapsed());
        assert!(
            until_closed(stream, left).await.is_some(),
            "an idle connection was kept"
        );
    }
    let files_after = open_files(pid);
    assert!(
        files_after <= files_before + SLACK,
        "{files_after} files open, {files_before} before the flood"
    );
    let memory_after = memory(pid);

    eprintln!(
        "webhook flood: idle connections held after {held:?}; /health in {health_took:?}, the update in {update_took:?}; \
         {files_before} files open before, {files_during} during, {files_after} after; \
         memory (resident, peak) in kB before {memory_before:?}, during {memory_during:?}, after {memory_after:?}"
    );
    for (when, (resident, peak)) in [("during", memory_during), ("after", memory_after)] {
        assert!(
            resident < MEMORY_CEILING_KB && peak < MEMORY_CEILING_KB,
            "{when} the flood: {resident} kB resident, {peak} kB at the peak"
        );
    }
    let (status, logs) = bot.stop().await;
    assert!(status.success(), "{status:?}\n{logs}");
}

/// An unauthenticated upload that announces a large body, sends only its
/// head and then waits: everything the bot answered, or `None` if it had
/// not closed the connection within a few seconds.
async fn stalled_upload(bot: SocketAddr) -> Option<String> {
    let mut stream = TcpStream::connect(bot).await.unwrap();
    let head = format!(
        "POST /telegram/hook HTTP/1.1\r\nHost: bot.example.org\r\n\
         Content-Type: application/json\r\nContent-Length: {CLAIMED_BODY}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    until_closed(&mut stream, Duration::from_secs(3)).await
}

/// Everything received until the peer closed the connection, or `None`
/// if it has not closed it within `limit`.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut received = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut received)).await {
        Ok(Ok(_) | Err(_)) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => None,
    }
}

/// How long it took until the bot had `files` files open; fails after 10 s.
async fn held_by_the_bot(pid: u32, files: usize) -> Duration {
    let started = Instant::now();
    while open_files(pid) < files {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the bot has {} files open, not {files}",
            open_files(pid)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    started.elapsed()
}

/// How many files (sockets included) the process has open.
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// The process's resident memory now and at its peak so far, in kB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status:\n{status}"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}
