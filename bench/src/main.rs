//! `meetbot-bench`: runs the benchmark suite and writes its results as one
//! markdown table per benchmark, headed by the machine they ran on.
//!
//! ```text
//! cargo run --release -p meetbot-bench -- all --out bench/RESULTS.md
//! ```
//!
//! The release binary under test is built first (`cargo build --release
//! -p meetbot`); the criterion benches (B4, B5) are run with `cargo bench`
//! and read back from `target/criterion`. Postgres is measured when
//! `TEST_DATABASE_URL` names a server, and left out with a note otherwise.

mod criterion;
mod e2e;
mod fake_api;
mod fanout;
mod footprint;
mod limited_api;
mod machine;
mod percentile;
mod process;
mod report;
mod scratch;
mod served;

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::report::Report;

/// Which benchmarks to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Suite {
    /// Every benchmark.
    All,
    /// B4 and B5: the criterion benches (micro and store), run with `cargo bench`.
    Criterion,
    /// B1: the release binary end to end against a fake Bot API.
    E2e,
    /// B2: 100,000 reminders due at once, against Telegram's limits ×100.
    Fanout,
    /// B3: cold start, memory idle and after a burst, binary size.
    Footprint,
}

#[derive(Debug, Parser)]
#[command(about = "Runs meetbot's benchmark suite and writes a markdown table")]
struct Args {
    /// What to run.
    #[arg(value_enum, default_value = "all")]
    suite: Suite,
    /// Where to write the markdown results (also printed).
    #[arg(long, default_value = "bench/RESULTS.md")]
    out: PathBuf,
    /// The `meetbot` binary under test; built with `cargo build --release`
    /// when not given.
    #[arg(long)]
    binary: Option<PathBuf>,
    /// Smaller runs, for trying the suite out (the numbers are noisier).
    #[arg(long)]
    quick: bool,
}

/// What the benchmarks need to know about the run.
#[derive(Debug)]
struct Run {
    /// The workspace's root folder.
    workspace: PathBuf,
    /// The release `meetbot` binary, once given or built.
    binary: std::sync::OnceLock<PathBuf>,
    /// `TEST_DATABASE_URL`: a Postgres server to measure on.
    postgres: Option<String>,
    /// Smaller runs.
    quick: bool,
}

impl Run {
    /// The release `meetbot` binary under test, built on first use when
    /// `--binary` did not name one.
    fn binary(&self) -> anyhow::Result<&PathBuf> {
        if let Some(binary) = self.binary.get() {
            return Ok(binary);
        }
        let built = process::build_release_binary(&self.workspace)?;
        Ok(self.binary.get_or_init(|| built))
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let workspace = process::workspace_root();
    let run = Run {
        workspace: workspace.clone(),
        binary: args
            .binary
            .map(std::sync::OnceLock::from)
            .unwrap_or_default(),
        postgres: std::env::var("TEST_DATABASE_URL").ok(),
        quick: args.quick,
    };
    let mut report = Report::new(machine::Machine::describe(run.postgres.as_deref()));
    let all = args.suite == Suite::All;
    if all || args.suite == Suite::Criterion {
        report.add(criterion::run_and_read(&run)?);
    }
    if all || args.suite == Suite::E2e {
        report.add(e2e::run(&run)?);
    }
    if all || args.suite == Suite::Fanout {
        report.add(fanout::run(&run)?);
    }
    if all || args.suite == Suite::Footprint {
        report.add(footprint::run(&run)?);
    }
    let markdown = report.markdown();
    println!("{markdown}");
    let out = if args.out.is_relative() {
        workspace.join(&args.out)
    } else {
        args.out
    };
    std::fs::write(&out, markdown)?;
    eprintln!("written to {}", out.display());
    Ok(())
}
