//! How long a screen takes from the use case's transport-neutral form to
//! what is sent to Telegram, the way the messenger does it: rendered in the
//! reader's language by the translator, its buttons made an inline
//! keyboard, its text split into messages.
//!
//! - `screens/month_view`: the month picker of a booking (March 2026: two
//!   arrows and the title, the weekdays, five weeks of coloured days and
//!   Cancel), built from the days' loads and rendered in Russian.
//! - `screens/render_ru`, `screens/render_en`: the booking confirmation (a
//!   time in the reader's zone, the length, the topic, Confirm and Cancel),
//!   rendered in each language.

use std::hint::black_box;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use criterion::{Criterion, criterion_group, criterion_main};
use frankenstein::types::InlineKeyboardMarkup;
use meetbot_domain::{DayLoad, Interval, Language, Zone};
use meetbot_i18n::Translator;
use meetbot_ports::{MessengerError, Screen};
use meetbot_telegram::messenger::{keyboard, split};
use meetbot_usecases::chat::views::{self, Reader};

/// What the messenger hands to the Bot API for `screen`: the message parts
/// and the keyboard.
fn to_telegram(
    translator: &Translator,
    language: Language,
    screen: &Screen,
) -> (
    Vec<String>,
    Result<Option<InlineKeyboardMarkup>, MessengerError>,
) {
    let rendered = translator.screen(language, screen);
    (split(&rendered.text), keyboard(rendered.buttons))
}

/// The loads of March 2026 as a busy owner's month shows them: the days
/// before the 10th gone by, weekends off, the rest a mix of light, busy and
/// full days.
fn march_loads() -> Vec<(NaiveDate, DayLoad)> {
    let Some(first) = NaiveDate::from_ymd_opt(2026, 3, 1) else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|d| d.month() == 3)
        .map(|date| {
            let load = match (date.day(), date.weekday()) {
                (day, _) if day < 10 => DayLoad::Closed,
                (_, Weekday::Sat | Weekday::Sun) => DayLoad::Closed,
                (day, _) => {
                    [DayLoad::Light, DayLoad::Busy, DayLoad::Light, DayLoad::Full][day as usize % 4]
                }
            };
            (date, load)
        })
        .collect()
}

/// The value, or the end of the bench with what could not be made.
fn or_exit<T, E: std::fmt::Display>(made: Result<T, E>, what: &str) -> T {
    made.unwrap_or_else(|error| {
        eprintln!("the bench's {what} could not be made: {error}");
        std::process::exit(1)
    })
}

fn screens(c: &mut Criterion) {
    let translator = Translator::new();
    let loads = march_loads();
    let zone = or_exit(Zone::parse("Europe/Berlin"), "the reader's zone");
    let start: DateTime<Utc> = or_exit("2026-03-30T08:30:00Z".parse(), "the slot's start");
    let slot = or_exit(
        Interval::starting_at(start, Duration::minutes(60)),
        "the slot",
    );
    let confirm = |language| {
        views::confirm(
            slot,
            Some("Квартальный отчёт и планы на второй квартал"),
            false,
            Reader { language, zone },
        )
    };
    // The whole of March can be booked, and the next month too.
    let bookable = match (loads.first(), loads.last()) {
        (Some((first, _)), Some((last, _))) => (*first, *last + Duration::days(1)),
        _ => return,
    };
    let month = views::month(2026, 3, &loads, bookable);
    for (language, screen) in [
        (Language::Ru, &month),
        (Language::Ru, &confirm(Language::Ru)),
        (Language::En, &confirm(Language::En)),
    ] {
        let missing = translator.missing_keys(screen);
        if !missing.is_empty() {
            eprintln!("the bench's screens lack messages: {missing:?}");
            std::process::exit(1);
        }
        let rendered = translator.screen(language, screen);
        println!(
            "{}: {:?}, {} rows of buttons",
            language.as_str(),
            rendered.text,
            rendered.buttons.len()
        );
    }

    let mut group = c.benchmark_group("screens");
    group.bench_function("month_view", |b| {
        b.iter(|| {
            let screen = views::month(2026, 3, black_box(&loads), bookable);
            black_box(to_telegram(&translator, Language::Ru, &screen))
        })
    });
    for (id, language) in [("render_ru", Language::Ru), ("render_en", Language::En)] {
        let screen = confirm(language);
        group.bench_function(id, |b| {
            b.iter(|| black_box(to_telegram(&translator, language, black_box(&screen))))
        });
    }
    group.finish();
}

criterion_group!(benches, screens);
criterion_main!(benches);
