//! The bot as a process: building it, starting it, and what the kernel
//! counts for it in `/proc` (CPU time, memory, context switches).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// The workspace's root folder (this crate's parent).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Builds the release `meetbot` binary and returns its path.
pub fn build_release_binary(workspace: &Path) -> anyhow::Result<PathBuf> {
    eprintln!("building the release binary (cargo build --release -p meetbot)");
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["build", "--release", "-p", "meetbot"])
        .current_dir(workspace)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p meetbot failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from);
    Ok(target.join("release").join("meetbot"))
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> anyhow::Result<SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

/// The bot binary to start in `dir` with only the environment given (so
/// neither the caller's environment nor a `meetbot.toml` lying around
/// changes what is measured): its database, its Bot API server, the
/// address of its HTTP listener (`/health`) and `extra`. Its log goes to
/// `meetbot.log` in `dir`; it is killed when dropped.
pub fn bot_command(
    binary: &Path,
    dir: &Path,
    database_url: &str,
    api_url: &str,
    http: SocketAddr,
    extra: &[(&str, &str)],
) -> anyhow::Result<tokio::process::Command> {
    let log = std::fs::File::create(dir.join("meetbot.log"))?;
    let mut command = tokio::process::Command::new(binary);
    command
        .current_dir(dir)
        .env_clear()
        .env("TELEGRAM_BOT_TOKEN", "123456:bench")
        .env("MEETBOT__TELEGRAM__API_URL", api_url)
        .env("DATABASE_URL", database_url)
        .env("MEETBOT__HTTP__LISTEN", http.to_string())
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true);
    Ok(command)
}

/// Waits until the bot's `/health` on `http` answers 200, at most `limit`.
pub async fn wait_until_healthy(http: SocketAddr, limit: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if health_is_ok(http).await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bail!("the bot did not become healthy within {limit:?}")
}

/// One plain HTTP/1.1 `GET /health`, without a client library.
async fn health_is_ok(http: SocketAddr) -> bool {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let Ok(mut stream) = tokio::net::TcpStream::connect(http).await else {
        return false;
    };
    let request = format!("GET /health HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    answer.starts_with(b"HTTP/1.1 200")
}

/// What the kernel has counted for a process so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    /// User and system CPU time of all its threads, those that ended included.
    pub cpu: Duration,
    /// Resident memory now, in KiB.
    pub rss_kib: u64,
    /// Voluntary and involuntary context switches of its live threads.
    pub context_switches: u64,
}

impl Sample {
    /// Reads `/proc/<pid>`.
    pub fn of(pid: u32) -> anyhow::Result<Self> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .with_context(|| format!("reading /proc/{pid}/stat"))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let mut context_switches = 0;
        for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
            // A thread may end while it is being read.
            if let Ok(status) = std::fs::read_to_string(task?.path().join("status")) {
                context_switches += status_number(&status, "voluntary_ctxt_switches")
                    + status_number(&status, "nonvoluntary_ctxt_switches");
            }
        }
        Ok(Self {
            cpu: stat_cpu(&stat)?,
            rss_kib: status_number(&status, "VmRSS"),
            context_switches,
        })
    }
}

/// CPU time used by every running `postgres` process (the server's
/// backends included), to measure what the server spends on the bot.
pub fn postgres_server_cpu() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|entry| std::fs::read_to_string(entry.path().join("stat")).ok())
        .filter(|stat| stat_command(stat) == Some("postgres"))
        .filter_map(|stat| stat_cpu(&stat).ok())
        .sum()
}

/// The command name in a `/proc/<pid>/stat` line: the part in parentheses.
fn stat_command(stat: &str) -> Option<&str> {
    let start = stat.find('(')?;
    let end = stat.rfind(')')?;
    stat.get(start + 1..end)
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, which
/// cover the threads that have ended too.
fn stat_cpu(stat: &str) -> anyhow::Result<Duration> {
    // The command may hold spaces: count fields after its closing parenthesis.
    let after = stat
        .rfind(')')
        .and_then(|end| stat.get(end + 2..))
        .context("a /proc stat line without a command")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 (state) is the first after the command, so field n is at n - 3.
    let ticks = |n: usize| -> anyhow::Result<u64> {
        Ok(fields
            .get(n - 3)
            .context("a short /proc stat line")?
            .parse()?)
    };
    let ticks = ticks(14)? + ticks(15)?;
    Ok(Duration::from_secs_f64(
        ticks as f64 / clock_ticks_per_second(),
    ))
}

/// `getconf CLK_TCK`, read once; 100 on every Linux in practice.
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// The number of a `Name:   123 kB` line of `/proc/<pid>/status`, or 0.
pub fn status_number(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_is_read_after_a_command_with_spaces() {
        let stat = "42 (tokio worker) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0";
        assert_eq!(stat_command(stat), Some("tokio worker"));
        let expected = Duration::from_secs_f64(300.0 / clock_ticks_per_second());
        assert_eq!(stat_cpu(stat).ok(), Some(expected));
    }

    #[test]
    fn this_process_has_a_sample() -> anyhow::Result<()> {
        let sample = Sample::of(std::process::id())?;
        assert!(sample.rss_kib > 0);
        assert!(sample.context_switches > 0);
        Ok(())
    }

    #[test]
    fn status_numbers_are_read_by_name() {
        let status = "VmRSS:\t   2048 kB\nvoluntary_ctxt_switches:\t7\n";
        assert_eq!(status_number(status, "VmRSS"), 2048);
        assert_eq!(status_number(status, "voluntary_ctxt_switches"), 7);
        assert_eq!(status_number(status, "Threads"), 0);
    }
}
