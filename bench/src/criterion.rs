//! B4 and B5: the criterion benches, run with `cargo bench`, and their
//! medians read back from criterion's files under `target/criterion`.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::Run;
use crate::report::{Section, Table, met, micros};

/// The criterion benches of the suite: (package, bench target).
const BENCHES: &[(&str, &str)] = &[
    // B4: the free slots of a month (`slots/`).
    ("meetbot-domain", "slots"),
    // B4: a button's data read back (`callback/decode`).
    ("meetbot-usecases", "callback"),
    // B4: screens to what Telegram is sent (`screens/`).
    ("meetbot-telegram", "screens"),
    // B4: the natural-language interpreter (`interpret/`).
    ("meetbot-interpreter", "interpret"),
    // B5: the store on SQLite, and on Postgres with `TEST_DATABASE_URL` (`store/`).
    ("meetbot-storage", "store"),
];

/// Targets by criterion id (`group/function`): the median must stay under
/// this many seconds.
const TARGETS: &[(&str, f64)] = &[
    ("slots/month_1000_busy_dst", 10e-6),
    ("screens/month_view", 50e-6),
];

/// One benchmark's result.
#[derive(Debug, Clone, PartialEq)]
struct Measured {
    /// Criterion's id, `group/function[/value]`.
    id: String,
    /// The median time of one iteration, in seconds.
    median: f64,
}

/// Runs the suite's criterion benches and reads their medians.
pub fn run_and_read(run: &Run) -> anyhow::Result<Section> {
    let started = SystemTime::now();
    for (package, bench) in BENCHES {
        let mut command = std::process::Command::new(cargo());
        command
            .args(["bench", "-p", package, "--bench", bench, "--"])
            .current_dir(&run.workspace);
        if run.quick {
            command.args(["--warm-up-time", "1", "--measurement-time", "2"]);
        }
        eprintln!("running cargo bench -p {package} --bench {bench}");
        if !command.status().context("running cargo bench")?.success() {
            bail!("cargo bench -p {package} --bench {bench} failed");
        }
    }
    let mut measured = read_since(&target_dir(&run.workspace).join("criterion"), started)?;
    measured.sort_by(|a, b| a.id.cmp(&b.id));
    let mut table = Table::new(["benchmark", "median", "target", "met"]);
    for result in &measured {
        let target = TARGETS.iter().find(|(id, _)| *id == result.id);
        table.row([
            result.id.clone(),
            median_text(result.median),
            target.map_or_else(String::new, |(_, limit)| format!("< {}", micros(*limit))),
            target
                .map_or("", |(_, limit)| met(result.median < *limit))
                .to_owned(),
        ]);
    }
    Ok(Section {
        title: "B4 micro and B5 store (criterion)".to_owned(),
        intro: format!(
            "Criterion's median per iteration, release build; benches: {}.",
            BENCHES
                .iter()
                .map(|(package, bench)| format!("`cargo bench -p {package} --bench {bench}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        table,
        notes: if run.postgres.is_some() {
            Vec::new()
        } else {
            vec![
                "No `store/postgres/` rows: `TEST_DATABASE_URL` was not set, so the store \
                 benches ran on SQLite only."
                    .to_owned(),
            ]
        },
    })
}

/// A median as the table shows it: in µs, or in ns below a microsecond,
/// where one decimal of a µs would say little.
fn median_text(seconds: f64) -> String {
    if seconds < 1e-6 {
        format!("{:.0} ns", seconds * 1e9)
    } else {
        micros(seconds)
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from)
}

/// Every criterion result under `root` written since `since`: criterion
/// keeps each benchmark's latest run in `<id>/new/`.
fn read_since(root: &Path, since: SystemTime) -> anyhow::Result<Vec<Measured>> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.file_name().is_some_and(|name| name == "new") {
                if let Some(measured) = read_result(&path, since) {
                    found.push(measured);
                }
            } else if path.is_dir() {
                folders.push(path);
            }
        }
    }
    Ok(found)
}

/// The result in a criterion `new/` folder, if it was written since `since`.
fn read_result(folder: &Path, since: SystemTime) -> Option<Measured> {
    let estimates = folder.join("estimates.json");
    if std::fs::metadata(&estimates).ok()?.modified().ok()? < since {
        return None;
    }
    let benchmark: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("benchmark.json")).ok()?).ok()?;
    let estimates: Value = serde_json::from_str(&std::fs::read_to_string(estimates).ok()?).ok()?;
    Some(Measured {
        id: benchmark.get("full_id")?.as_str()?.to_owned(),
        median: estimates.get("median")?.get("point_estimate")?.as_f64()? / 1e9,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_under_a_microsecond_are_shown_in_nanoseconds() {
        assert_eq!(median_text(4.2e-8), "42 ns");
        assert_eq!(median_text(2.5e-6), micros(2.5e-6));
    }

    #[test]
    fn results_are_read_from_criterions_files() -> anyhow::Result<()> {
        let root = std::env::temp_dir().join(format!("meetbot-bench-{}", std::process::id()));
        let new = root.join("group").join("function").join("new");
        std::fs::create_dir_all(&new)?;
        let before = SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::write(
            new.join("benchmark.json"),
            r#"{"full_id":"group/function"}"#,
        )?;
        std::fs::write(
            new.join("estimates.json"),
            r#"{"median":{"point_estimate":2500.0},"mean":{"point_estimate":2600.0}}"#,
        )?;
        let found = read_since(&root, before)?;
        let later = read_since(
            &root,
            SystemTime::now() + std::time::Duration::from_secs(60),
        )?;
        std::fs::remove_dir_all(&root)?;
        assert_eq!(
            found,
            [Measured {
                id: "group/function".to_owned(),
                median: 2.5e-6
            }]
        );
        assert!(later.is_empty(), "an older run is not reported");
        Ok(())
    }
}
