//! How long one phrase takes to read. Criterion times the whole corpus (its
//! throughput is phrases per second); before that, each phrase is timed on
//! its own and the median and slowest time per phrase are printed, since a
//! few long phrases (4,000 characters of noise) weigh on the mean.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use meetbot_domain::{Language, Zone};
use meetbot_interpreter::OfflineInterpreter;
use meetbot_ports::interpreter::Situation;

fn corpus() -> Vec<(Language, String)> {
    include_str!("../tests/phrases.tsv")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let language = match fields.next()? {
                "en" => Language::En,
                _ => Language::Ru,
            };
            Some((language, fields.next()?.to_owned()))
        })
        .collect()
}

fn interpret(c: &mut Criterion) {
    let phrases = corpus();
    let now: DateTime<Utc> = "2026-01-14T06:00:00Z".parse().unwrap_or_default();
    let situation = |language| Situation {
        now,
        zone: Zone::moscow(),
        language,
        pending: None,
    };
    let situations: Vec<Situation> = phrases.iter().map(|(l, _)| situation(*l)).collect();
    let interpreter = OfflineInterpreter::new();
    let mut per_phrase: Vec<Duration> = phrases
        .iter()
        .zip(&situations)
        .map(|((_, text), situation)| {
            const RUNS: u32 = 200;
            let started = Instant::now();
            for _ in 0..RUNS {
                black_box(interpreter.read(black_box(text), situation));
            }
            started.elapsed() / RUNS
        })
        .collect();
    per_phrase.sort();
    println!(
        "corpus: {} phrases; per phrase: median {:?}, slowest {:?}",
        phrases.len(),
        per_phrase[per_phrase.len() / 2],
        per_phrase[per_phrase.len() - 1]
    );

    let mut group = c.benchmark_group("interpret");
    group.throughput(Throughput::Elements(phrases.len() as u64));
    group.bench_function("whole corpus", |b| {
        b.iter(|| {
            for ((_, text), situation) in phrases.iter().zip(&situations) {
                black_box(interpreter.read(black_box(text), situation));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, interpret);
criterion_main!(benches);
