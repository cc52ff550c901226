//! Any text gets an answer: no panic, no hang, whatever the script.

use std::time::{Duration, Instant};

use meetbot_domain::Language;
use meetbot_domain::request::{Interpretation, Refusal};
use meetbot_interpreter::{MAX_CHARS, OfflineInterpreter};
use proptest::prelude::*;

use crate::support::{corpus_now, situation};

fn read_in_bounded_time(text: &str) -> Interpretation {
    let interpreter = OfflineInterpreter::new();
    let started = Instant::now();
    let result = interpreter.read(
        text,
        &situation(corpus_now(), "Asia/Vladivostok", Language::En),
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "reading {} characters took {:?}",
        text.chars().count(),
        started.elapsed()
    );
    result
}

/// Characters from the scripts and shapes that break naive parsers.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            'в', 'ё', 'Ё', 'İ', 'ß', 'ﬁ', '0', '9', ':', '.', '/', '-', ',', '\'', '’', ' ', '\n',
            '\t', '\u{0}', '\u{7f}', '\u{200f}', '\u{202e}', 'א', 'ש', 'ع', '中', '🎉', '👍',
            '\u{fe0f}', '\u{301}',
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fuzz_arbitrary_unicode_always_gets_a_result(text in prop::collection::vec(tricky_char(), 0..200)) {
        let text: String = text.into_iter().collect();
        read_in_bounded_time(&text);
    }

    #[test]
    fn fuzz_request_words_in_any_order_always_get_a_result(
        words in prop::collection::vec(prop::sample::select(vec![
            "в", "на", "с", "до", "через", "at", "to", "from", "25:00", "13pm", "15-е", "15.01",
            "14:00-16:30", "2027-02-30", "завтра", "пятницу", "следующую", "неделе", "января",
            "час", "полчаса", "минут", "дня", "утра", "pm", "перенеси", "отмени", "запиши", "про",
            "999999", "0", "31", "29", "февраля", "next", "week", "🎉", "",
        ]), 0..30)
    ) {
        read_in_bounded_time(&words.join(" "));
    }
}

#[test]
fn fuzz_empty_text_is_not_understood() {
    assert_eq!(read_in_bounded_time(""), Interpretation::NotUnderstood);
}

#[test]
fn fuzz_ten_thousand_characters_are_refused_before_they_are_read() {
    for text in [
        "я".repeat(10_000),
        "🎉".repeat(10_000),
        "в 10 ".repeat(2_000),
    ] {
        assert_eq!(
            read_in_bounded_time(&text),
            Interpretation::Refused(Refusal::TooLong {
                max_chars: MAX_CHARS
            })
        );
    }
}

#[test]
fn fuzz_text_just_under_the_limit_is_read_in_bounded_time() {
    let noise: String = "завтра в 10 ".chars().cycle().take(MAX_CHARS).collect();
    read_in_bounded_time(&noise);
    let mixed: String = "a1:ё/2.🎉 ש-3".chars().cycle().take(MAX_CHARS).collect();
    read_in_bounded_time(&mixed);
}
