//! How long one chart takes to draw and encode, with the figures of a
//! year's statistics: 52 weeks of five outcomes stacked, a week of hours as
//! a heat map, and 52 weekly average ratings with a few weeks missing. A
//! chart is drawn for each screen that shows one, so each should take well
//! under 50 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use meetbot_charts::render;
use meetbot_ports::{Chart, Plot, Series, Text};

fn words(text: &Text) -> String {
    text.key.to_string()
}

fn weeks() -> Vec<Text> {
    (1..=52).map(|w| Text::new(format!("нед {w}"))).collect()
}

fn stacked_bars() -> Chart {
    let outcomes = ["Состоялись", "Отменены", "Неявка", "Перенесены", "Ожидают"];
    Chart {
        title: Text::new("Встречи по неделям"),
        plot: Plot::StackedBars {
            categories: weeks(),
            series: outcomes
                .iter()
                .enumerate()
                .map(|(n, outcome)| Series {
                    label: Text::new(*outcome),
                    values: (0..52).map(|w| ((w * 7 + n * 13) % 9) as u32).collect(),
                })
                .collect(),
        },
    }
}

fn heat_map() -> Chart {
    Chart {
        title: Text::new("Встречи по дням недели и часам"),
        plot: Plot::HeatMap {
            rows: ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
                .iter()
                .map(|d| Text::new(*d))
                .collect(),
            columns: (0..24).map(|h| Text::new(h.to_string())).collect(),
            values: (0..7)
                .map(|d| (0..24).map(|h| ((h * 3 + d * 5) % 11) as u32).collect())
                .collect(),
        },
    }
}

fn line() -> Chart {
    Chart {
        title: Text::new("Средняя оценка по неделям"),
        plot: Plot::Line {
            categories: weeks(),
            values: (0..52)
                .map(|w| (w % 7 != 3).then_some(300 + (w * 37) % 200))
                .collect(),
            low: 100,
            high: 500,
        },
    }
}

fn charts(c: &mut Criterion) {
    for (name, chart) in [
        ("stacked bars, 52 weeks x 5 series", stacked_bars()),
        ("heat map, 7 x 24", heat_map()),
        ("line, 52 weeks", line()),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| render(black_box(&chart), &words));
        });
    }
}

criterion_group!(benches, charts);
criterion_main!(benches);
