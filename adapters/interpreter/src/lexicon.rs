//! The words the grammar knows and what each means, gathered from the
//! phrase lists of every language (`ru.rs`, `en.rs`).
//!
//! Both languages are always read: people mix them ("завтра at 3pm"), and a
//! word of one language never means something else in the other.

mod en;
mod ru;

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::Weekday;

/// What a word or phrase means to the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lex {
    /// A month, 1–12.
    Month(u32),
    /// A day of the week.
    Weekday(Weekday),
    /// A day counted from today: -1 yesterday, 0 today, 1 tomorrow.
    RelativeDay(i64),
    /// "next" (week, Friday).
    Next,
    /// "this" (week, Friday).
    This,
    /// "week", "неделе".
    Weeks,
    /// "weekend", "выходные".
    Weekend,
    /// "days", "дней".
    Days,
    /// "числа", as in "15-го числа".
    DayOfMonth,
    /// "года", as in "2027 года".
    Year,
    /// A number written as a word.
    Number(u32),
    /// "hours", "часа".
    Hours,
    /// "o'clock": an hour of the day, never a length.
    OClock,
    /// "minutes", "минут".
    Minutes,
    /// A length said in one phrase ("полчаса", "an hour and a half").
    Length(u32),
    /// A part of the day that places an hour ("утра", "pm").
    DayPart(DayPart),
    /// "noon", "полдень".
    Noon,
    /// "midnight", "полночь".
    Midnight,
    /// "a", "an", "the".
    Article,
    /// A preposition that introduces a date, a time or a length.
    Prep(Prep),
    /// A word that says what the person wants.
    Intent(Signal),
    /// A word that introduces the topic ("про", "about").
    TopicMarker,
    /// A word that says nothing about the request ("пожалуйста", "me").
    Filler,
}

/// A part of the day named after an hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DayPart {
    /// "am": the hour is 1–12, 12 being midnight.
    Am,
    /// "pm": the hour is 1–12, 12 being noon.
    Pm,
    /// "утра", "morning".
    Morning,
    /// "дня", "afternoon".
    Afternoon,
    /// "вечера", "evening".
    Evening,
    /// "ночи", "at night".
    Night,
}

/// A preposition, by what it does to what follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prep {
    /// "в", "at": a time or a weekday follows.
    At,
    /// "на": a date, a time to move to, or a length follows.
    On,
    /// "on", "for": a date or a length follows, never where a meeting moves.
    For,
    /// "to": where a meeting moves.
    To,
    /// "через", "in": a count of days or weeks follows.
    In,
    /// "с", "from": the start of a span.
    From,
    /// "до", "until": the end of a span.
    Until,
}

/// A word that tells what the person wants. When several appear, the one
/// listed first wins: "перенеси встречу" is a move, not a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Signal {
    /// "перенеси", "move".
    Move,
    /// "отмени", "cancel".
    Cancel,
    /// "свободен", "free".
    Free,
    /// "запиши", "book".
    BookVerb,
    /// "что у меня", "my meetings".
    Query,
    /// "встреча", "meeting": a booking unless something else is asked.
    BookNoun,
}

/// The phrase lists of one language.
#[derive(Debug)]
pub(crate) struct Language {
    /// Alternatives separated by `|`, the words of a phrase by one space, and
    /// what they mean.
    pub(crate) entries: &'static [(&'static str, Lex)],
}

/// Every known word and phrase, ready to look up.
#[derive(Debug)]
pub(crate) struct Lexicon {
    /// The meanings of each single word.
    words: HashMap<&'static str, Vec<Lex>>,
    /// Phrases of two or more words, by their first word, longest first.
    phrases: HashMap<&'static str, Vec<Phrase>>,
}

/// A phrase of two or more words and its one meaning.
#[derive(Debug)]
struct Phrase {
    words: Vec<&'static str>,
    meaning: [Lex; 1],
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::from(&[ru::RUSSIAN, en::ENGLISH]));

impl Lexicon {
    /// The lexicon of every language, built once.
    pub(crate) fn get() -> &'static Lexicon {
        &LEXICON
    }

    fn from(languages: &[Language]) -> Lexicon {
        let mut lexicon = Lexicon {
            words: HashMap::new(),
            phrases: HashMap::new(),
        };
        let entries = languages.iter().flat_map(|language| language.entries);
        for (alternatives, meaning) in entries {
            for phrase in alternatives.split('|') {
                let words: Vec<&'static str> = phrase.split(' ').collect();
                match words.as_slice() {
                    [word] => lexicon.words.entry(word).or_default().push(*meaning),
                    [first, ..] => lexicon.phrases.entry(first).or_default().push(Phrase {
                        words: words.clone(),
                        meaning: [*meaning],
                    }),
                    [] => {}
                }
            }
        }
        for phrases in lexicon.phrases.values_mut() {
            phrases.sort_by_key(|phrase| std::cmp::Reverse(phrase.words.len()));
        }
        lexicon
    }

    /// The meanings of one word; empty for a word the grammar does not know.
    pub(crate) fn meanings(&'static self, word: &str) -> &'static [Lex] {
        self.words.get(word).map(Vec::as_slice).unwrap_or_default()
    }

    /// The longest known phrase of two or more words at the start of
    /// `words`: how many words it takes and what it means.
    pub(crate) fn phrase_at<'w>(
        &'static self,
        words: impl Fn(usize) -> Option<&'w str>,
    ) -> Option<(usize, &'static [Lex])> {
        let first = words(0)?;
        self.phrases.get(first)?.iter().find_map(|phrase| {
            let matches = phrase
                .words
                .iter()
                .enumerate()
                .all(|(i, expected)| words(i) == Some(*expected));
            matches.then_some((phrase.words.len(), phrase.meaning.as_slice()))
        })
    }
}
