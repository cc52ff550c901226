//! The phrase corpus (`phrases.tsv`): every phrase read at the corpus's
//! "now" in Moscow, every mismatch reported at once.

use meetbot_domain::Language;
use meetbot_interpreter::OfflineInterpreter;

use crate::support::{corpus_now, describe, situation};

struct Phrase {
    line: usize,
    language: Language,
    text: String,
    expected: String,
}

fn corpus() -> Vec<Phrase> {
    include_str!("../phrases.tsv")
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(at, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [language, text, expected] = fields[..] else {
                panic!("line {}: expected three tab-separated fields", at + 1)
            };
            Phrase {
                line: at + 1,
                language: match language {
                    "ru" => Language::Ru,
                    "en" => Language::En,
                    other => panic!("line {}: unknown language {other:?}", at + 1),
                },
                text: text.to_owned(),
                expected: expected.to_owned(),
            }
        })
        .collect()
}

/// Impossible times and text that is no request must never be read as one.
fn must_be_refused(expected: &str) -> bool {
    expected == "none" || expected == "refuse time" || expected == "refuse too_long"
}

#[test]
fn phrases_of_the_corpus_are_read_as_expected() {
    let interpreter = OfflineInterpreter::new();
    let phrases = corpus();
    assert!(
        phrases.len() >= 300,
        "the corpus has {} phrases",
        phrases.len()
    );

    let mut mismatches = Vec::new();
    let mut refusals_missed = 0;
    for phrase in &phrases {
        let situation = situation(corpus_now(), "Europe/Moscow", phrase.language);
        let got = describe(&interpreter.read(&phrase.text, &situation));
        if got != phrase.expected {
            if must_be_refused(&phrase.expected) {
                refusals_missed += 1;
            }
            let shown: String = phrase.text.chars().take(80).collect();
            mismatches.push(format!(
                "line {}: {shown:?}\n    expected {}\n    got      {got}",
                phrase.line, phrase.expected
            ));
        }
    }

    let exact = phrases.len() - mismatches.len();
    let rate = exact as f64 / phrases.len() as f64;
    println!(
        "{exact} of {} phrases read exactly ({:.1}%)",
        phrases.len(),
        rate * 100.0
    );
    for mismatch in &mismatches {
        println!("{mismatch}");
    }
    assert_eq!(
        refusals_missed,
        0,
        "impossible times and noise must all be refused:\n{}",
        mismatches.join("\n")
    );
    assert!(
        rate >= 0.95,
        "only {:.1}% read exactly:\n{}",
        rate * 100.0,
        mismatches.join("\n")
    );
}
