//! How long a button press's data takes to read back: the data of a day in
//! the month view (`1:dy:20260330`), the press made most often while
//! booking, decoded as every press is before it is routed.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use meetbot_usecases::Callback;

fn decode(c: &mut Criterion) {
    let Some(day) = NaiveDate::from_ymd_opt(2026, 3, 30) else {
        eprintln!("the bench's date could not be made");
        std::process::exit(1);
    };
    let data = Callback::Day(day).encode();
    if Callback::decode(&data) != Some(Callback::Day(day)) {
        eprintln!("{data:?} does not decode to the day it was made from");
        std::process::exit(1);
    }
    let mut group = c.benchmark_group("callback");
    group.bench_function("decode", |b| {
        b.iter(|| black_box(Callback::decode(black_box(&data))))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
