//! From raw text to terms: the text is cut into words, each word normalised
//! (lower case, ё → е, no apostrophes), numbers read with a small winnow
//! grammar ("14:30", "15.01", "15-е", "3pm", "2027-01-25") and known
//! phrases looked up in the lexicon.

use winnow::ascii::digit1;
use winnow::combinator::{alt, opt, preceded};
use winnow::prelude::*;
use winnow::token::one_of;

use crate::lexicon::{DayPart, Lex, Lexicon};

/// One word of the text.
#[derive(Debug)]
pub(crate) struct Word<'t> {
    /// Lower case, ё → е, apostrophes dropped, a decimal comma made a dot.
    pub(crate) normal: String,
    /// The word as written, for the topic.
    pub(crate) original: &'t str,
}

/// What a term is to the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A number in digits or words: "10", "десять".
    Number(u32),
    /// Hours and minutes with a colon: "14:30".
    Clock(u32, u32),
    /// Two numbers with a dot: a time ("14.30") or a day and month ("15.01").
    Dotted(u32, u32),
    /// Two numbers with a slash: a day and month, or a month and day.
    Slashed(u32, u32),
    /// Two numbers with a dash: hours from–to ("14-16").
    Dashed(u32, u32),
    /// Three numbers: a full date ("25.01.2027", "2027-01-25", "01/25/2027").
    Triple(u32, u32, u32),
    /// A day of the month: "15-е", "15-го", "15th".
    Ordinal(u32),
    /// A 12-hour clock time: "3pm", "3:30am".
    Meridiem(u32, u32, DayPart),
    /// A span of clock times: "14:00-16:30".
    ClockSpan((u32, u32), (u32, u32)),
    /// A word or phrase with its meanings (none for a word the grammar does
    /// not know).
    Word(&'static [Lex]),
}

impl Kind {
    /// Whether the term can mean `lex`.
    pub(crate) fn is(&self, lex: Lex) -> bool {
        matches!(self, Kind::Word(meanings) if meanings.contains(&lex))
    }

    /// The first meaning `pick` accepts.
    pub(crate) fn find<T>(&self, pick: impl Fn(Lex) -> Option<T>) -> Option<T> {
        match self {
            Kind::Word(meanings) => meanings.iter().copied().find_map(pick),
            _ => None,
        }
    }
}

/// A run of words that mean one thing.
#[derive(Debug)]
pub(crate) struct Term {
    /// What it means.
    pub(crate) kind: Kind,
    /// The index of its first word.
    pub(crate) first_word: usize,
    /// How many words it takes; 0 for the letters glued to a number ("90min").
    pub(crate) words: usize,
}

/// Whether `c` belongs in a word. Dots, colons, slashes, dashes and commas
/// belong only between a digit and a letter or digit ("14:30", "15-е", "1,5").
fn is_word_char(before: Option<char>, c: char, after: Option<char>) -> bool {
    if c.is_alphanumeric() {
        return true;
    }
    let between_digit_and_more =
        before.is_some_and(|b| b.is_ascii_digit()) && after.is_some_and(char::is_alphanumeric);
    let inside_a_word =
        before.is_some_and(char::is_alphabetic) && after.is_some_and(char::is_alphabetic);
    match c {
        ':' | '.' | '/' | '-' | ',' => between_digit_and_more,
        '\'' | '’' => inside_a_word,
        _ => false,
    }
}

fn normal_char(c: char) -> Option<char> {
    match c {
        '\'' | '’' => None,
        ',' => Some('.'),
        'ё' | 'Ё' => Some('е'),
        _ => c.to_lowercase().next(),
    }
}

/// Cuts the text into normalised words; everything else (punctuation, emoji,
/// control characters) separates words.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut before: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let after = chars.peek().map(|&(_, next)| next);
        if is_word_char(before, c, after) {
            start.get_or_insert(at);
        } else if let Some(from) = start.take() {
            words.push(word(&text[from..at]));
        }
        before = Some(c);
    }
    if let Some(from) = start {
        words.push(word(&text[from..]));
    }
    words
}

fn word(original: &str) -> Word<'_> {
    Word {
        normal: original.chars().filter_map(normal_char).collect(),
        original,
    }
}

/// Reads the words as terms: numbers by the number grammar, then the
/// longest known phrase, then single words.
pub(crate) fn terms(words: &[Word<'_>]) -> Vec<Term> {
    let lexicon = Lexicon::get();
    let mut terms = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let normal = words[i].normal.as_str();
        if normal.starts_with(|c: char| c.is_ascii_digit()) {
            match number_word(normal) {
                Some((kind, glued)) => {
                    terms.push(Term {
                        kind,
                        first_word: i,
                        words: 1,
                    });
                    if !glued.is_empty() {
                        terms.push(Term {
                            kind: Kind::Word(lexicon.meanings(glued)),
                            first_word: i,
                            words: 0,
                        });
                    }
                }
                None => terms.push(Term {
                    kind: Kind::Word(&[]),
                    first_word: i,
                    words: 1,
                }),
            }
            i += 1;
            continue;
        }
        let at = |offset: usize| words.get(i + offset).map(|w| w.normal.as_str());
        let (taken, meanings) = lexicon
            .phrase_at(at)
            .unwrap_or((1, lexicon.meanings(normal)));
        let kind = match meanings {
            [Lex::Number(n)] => Kind::Number(*n),
            _ => Kind::Word(meanings),
        };
        terms.push(Term {
            kind,
            first_word: i,
            words: taken,
        });
        i += taken;
    }
    join_compound_numbers(&mut terms);
    terms
}

/// "двадцать пять", "forty five": tens then units make one number.
fn join_compound_numbers(terms: &mut Vec<Term>) {
    let mut i = 0;
    while i + 1 < terms.len() {
        if let (Kind::Number(tens), Kind::Number(units)) = (terms[i].kind, terms[i + 1].kind)
            && (20..=90).contains(&tens)
            && tens % 10 == 0
            && (1..=9).contains(&units)
        {
            terms[i].kind = Kind::Number(tens + units);
            terms[i].words += terms[i + 1].words;
            terms.remove(i + 1);
        }
        i += 1;
    }
}

/// Reads a word that starts with a digit. Returns the term and the letters
/// glued after it that are no suffix of its own ("min" of "90min"), or
/// `None` when the word is no number at all ("5g", "1:2:3").
fn number_word(word: &str) -> Option<(Kind, &str)> {
    let mut input = word;
    let kind = numeric(&mut input).ok()?;
    input
        .chars()
        .all(char::is_alphabetic)
        .then_some((kind, input))
}

/// Up to six digits: longer runs are no date, time or length.
fn number(input: &mut &str) -> winnow::Result<u32> {
    digit1
        .verify(|digits: &str| digits.len() <= 6)
        .try_map(str::parse::<u32>)
        .parse_next(input)
}

fn clock(input: &mut &str) -> winnow::Result<(u32, u32)> {
    (number, preceded(':', number)).parse_next(input)
}

fn meridiem(input: &mut &str) -> winnow::Result<DayPart> {
    alt(("am".value(DayPart::Am), "pm".value(DayPart::Pm))).parse_next(input)
}

fn ordinal_suffix(input: &mut &str) -> winnow::Result<()> {
    (
        opt('-'),
        alt(("ого", "ое", "го", "е", "й", "th", "st", "nd", "rd")),
    )
        .void()
        .parse_next(input)
}

/// The number grammar, over one normalised word.
fn numeric(input: &mut &str) -> winnow::Result<Kind> {
    let first = number.parse_next(input)?;
    if let Some(minute) = opt(preceded(':', number)).parse_next(input)? {
        if let Some(end) = opt(preceded('-', clock)).parse_next(input)? {
            return Ok(Kind::ClockSpan((first, minute), end));
        }
        if let Some(part) = opt(meridiem).parse_next(input)? {
            return Ok(Kind::Meridiem(first, minute, part));
        }
        return Ok(Kind::Clock(first, minute));
    }
    if let Some((separator, second)) = opt((one_of(['.', '/', '-']), number)).parse_next(input)? {
        if let Some(third) = opt(preceded(one_of(['.', '/', '-']), number)).parse_next(input)? {
            return Ok(Kind::Triple(first, second, third));
        }
        return Ok(match separator {
            '.' => Kind::Dotted(first, second),
            '/' => Kind::Slashed(first, second),
            _ => Kind::Dashed(first, second),
        });
    }
    if let Some(part) = opt(meridiem).parse_next(input)? {
        return Ok(Kind::Meridiem(first, 0, part));
    }
    if opt(ordinal_suffix).parse_next(input)?.is_some() {
        return Ok(Kind::Ordinal(first));
    }
    Ok(Kind::Number(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normals(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.normal).collect()
    }

    #[test]
    fn punctuation_and_emoji_separate_words_but_stay_inside_numbers() {
        assert_eq!(
            normals("Созвон 25 ЯНВАРЯ, в 14.30!!! 🎉 на 15-е (Ёлка) o'clock"),
            [
                "созвон",
                "25",
                "января",
                "в",
                "14.30",
                "на",
                "15-е",
                "елка",
                "oclock"
            ]
        );
    }

    #[test]
    fn numbers_are_read_by_their_shape() {
        let read = |word: &str| number_word(word).map(|(kind, _)| kind);
        assert_eq!(read("14:30"), Some(Kind::Clock(14, 30)));
        assert_eq!(read("15.01"), Some(Kind::Dotted(15, 1)));
        assert_eq!(read("15-е"), Some(Kind::Ordinal(15)));
        assert_eq!(read("3pm"), Some(Kind::Meridiem(3, 0, DayPart::Pm)));
        assert_eq!(read("2027-01-25"), Some(Kind::Triple(2027, 1, 25)));
        assert_eq!(
            read("14:00-16:30"),
            Some(Kind::ClockSpan((14, 0), (16, 30)))
        );
        assert_eq!(number_word("90min"), Some((Kind::Number(90), "min")));
        assert_eq!(read("1:2:3"), None);
        assert_eq!(read("99999999999"), None);
    }
}
