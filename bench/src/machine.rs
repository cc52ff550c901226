//! The machine the benchmarks ran on: what a reader needs to compare them.

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

/// Cores, CPU, memory, kernel, compiler and database versions.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory: String,
    pub kernel: String,
    pub rustc: String,
    pub sqlite: String,
    /// `None` when no Postgres server was given.
    pub postgres: Option<String>,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

impl Machine {
    /// Describes this machine; `postgres` is the server measured, if any.
    pub fn describe(postgres: Option<&str>) -> Self {
        let unknown = || "unknown".to_owned();
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        Self {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu: field(&cpuinfo, "model name").unwrap_or_else(unknown),
            memory: field(&meminfo, "MemTotal")
                .and_then(|kib| kib.trim_end_matches(" kB").trim().parse::<u64>().ok())
                .map_or_else(unknown, |kib| format!("{} GiB", kib / 1024 / 1024)),
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map_or_else(|_| unknown(), |release| release.trim().to_owned()),
            rustc: command_output("rustc", &["--version"]).unwrap_or_else(unknown),
            sqlite: sqlite_version().unwrap_or_else(unknown),
            postgres: postgres.map(|url| postgres_version(url).unwrap_or_else(unknown)),
        }
    }

    pub fn markdown(&self) -> String {
        format!(
            "Machine: {} cores, {}, {} memory, Linux {}; {}; SQLite {}; {}.\n",
            self.cores,
            self.cpu,
            self.memory,
            self.kernel,
            self.rustc,
            self.sqlite,
            self.postgres.as_ref().map_or_else(
                || "Postgres not measured (TEST_DATABASE_URL unset)".to_owned(),
                |version| format!("PostgreSQL {version}")
            ),
        )
    }
}

/// The value of the first `name: value` line.
fn field(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim().to_owned())
    })
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The version of the SQLite the bot is built with (bundled).
fn sqlite_version() -> Option<String> {
    let mut conn = SqliteConnection::establish(":memory:").ok()?;
    diesel::sql_query("SELECT sqlite_version() AS version")
        .get_result::<Version>(&mut conn)
        .ok()
        .map(|row| row.version)
}

fn postgres_version(url: &str) -> Option<String> {
    let mut conn = PgConnection::establish(url).ok()?;
    diesel::sql_query("SELECT current_setting('server_version') AS version")
        .get_result::<Version>(&mut conn)
        .ok()
        .map(|row| row.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_proc_files() {
        let cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(
            field(cpuinfo, "model name").as_deref(),
            Some("AMD EPYC 7B13")
        );
        assert_eq!(field(cpuinfo, "flags"), None);
    }

    #[test]
    fn the_bundled_sqlite_reports_its_version() {
        assert!(sqlite_version().is_some_and(|v| v.starts_with('3')));
    }
}
