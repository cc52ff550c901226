//! The offline interpreter: Russian and English sentences turned into
//! requests with a small grammar, no network and no model.
//!
//! The text is cut into normalised words and terms (`words`), the grammar
//! finds the dates, times and lengths in them (`grammar`, with the phrase
//! lists of each language in `lexicon`), and what is left says what the
//! person wants and what the meeting is about. Everything is pure code over
//! the text and the situation: no I/O, no clock.
//!
//! This crate depends on the domain and the ports only; it must never depend
//! on another adapter, the use cases or the app.

mod grammar;
mod lexicon;
mod words;

use async_trait::async_trait;
use chrono::{NaiveDate, NaiveTime};
use meetbot_domain::request::{
    BookRequest, DateRange, Interpretation, MeetingRef, Missing, MoveTarget, PartialRequest,
    Refusal, Request,
};
use meetbot_domain::{Language, Topic};
use meetbot_ports::interpreter::{Interpreter, InterpreterError, Situation};

use crate::grammar::{Context, Piece, Scan};
use crate::lexicon::{Lex, Prep, Signal};
use crate::words::{Kind, Term, Word};

/// The longest message read; a longer one is refused before it is parsed.
pub const MAX_CHARS: usize = 4096;

/// The longest meeting a sentence may ask for, in minutes (eight hours, the
/// longest meeting type there can be).
const MAX_MINUTES: u32 = 480;

/// Reads Russian and English sentences with a grammar, offline.
#[derive(Clone, Copy, Debug, Default)]
pub struct OfflineInterpreter;

impl OfflineInterpreter {
    /// The interpreter; it holds nothing (its phrase lists are built once per
    /// process, on first use).
    pub fn new() -> Self {
        Self
    }

    /// Reads `text` as written by a person in `situation`; the work behind
    /// [`Interpreter::interpret`], without the async wrapper.
    pub fn read(&self, text: &str, situation: &Situation) -> Interpretation {
        // Counting stops at the limit, so a huge message costs no more than
        // a long one.
        if text.len() > MAX_CHARS && text.chars().nth(MAX_CHARS).is_some() {
            return Interpretation::Refused(Refusal::TooLong {
                max_chars: MAX_CHARS,
            });
        }
        let words = words::words(text);
        let terms = words::terms(&words);
        let kinds: Vec<Kind> = terms.iter().map(|term| term.kind).collect();
        let context = Context {
            today: situation.zone.date_of(situation.now),
            month_first: situation.language == Language::En,
            now: situation.now,
            zone: situation.zone,
        };
        let scan = grammar::scan(&kinds, &context);
        let sentence = Sentence {
            words: &words,
            terms: &terms,
            scan,
        };
        sentence.interpret(situation)
    }
}

#[async_trait]
impl Interpreter for OfflineInterpreter {
    async fn interpret(
        &self,
        text: &str,
        situation: &Situation,
    ) -> Result<Interpretation, InterpreterError> {
        Ok(self.read(text, situation))
    }
}

/// A sentence with its pieces found.
struct Sentence<'s, 't> {
    words: &'s [Word<'t>],
    terms: &'s [Term],
    scan: Scan,
}

impl Sentence<'_, '_> {
    fn interpret(&self, situation: &Situation) -> Interpretation {
        if let Some(refusal) = self.impossible() {
            return Interpretation::Refused(refusal);
        }
        let signal = self
            .scan
            .leftovers
            .iter()
            .filter_map(|&i| {
                self.terms[i].kind.find(|lex| match lex {
                    Lex::Intent(signal) => Some(signal),
                    _ => None,
                })
            })
            .min();
        match (signal, &situation.pending) {
            (Some(Signal::Move), _) => self.move_request(situation),
            (Some(Signal::Cancel), _) => Interpretation::Request(Request::Cancel {
                which: MeetingRef {
                    date: self.day(),
                    time: self.time(),
                },
            }),
            (Some(Signal::Free), _) => Interpretation::Request(Request::Free {
                range: self.range(),
            }),
            (Some(Signal::Query), _) => Interpretation::Request(Request::Query {
                range: self.range(),
            }),
            (Some(Signal::BookVerb | Signal::BookNoun), _) => book(
                self.day(),
                self.time(),
                self.minutes(),
                self.topic(),
                situation,
            ),
            (None, Some(pending)) => self.complete(pending, situation),
            // "завтра в 10" says enough to be a booking without a verb; a bare
            // "12:00" or "завтра" does not.
            (None, None) if self.day().is_some() && self.time().is_some() => book(
                self.day(),
                self.time(),
                self.minutes(),
                self.topic(),
                situation,
            ),
            (None, None) => Interpretation::NotUnderstood,
        }
    }

    /// The first impossible time or date, as said.
    fn impossible(&self) -> Option<Refusal> {
        self.scan.pieces.iter().find_map(|placed| {
            let said = self.said(placed.terms.clone());
            match placed.piece {
                Piece::ImpossibleTime => Some(Refusal::ImpossibleTime { said }),
                Piece::ImpossibleDate => Some(Refusal::ImpossibleDate { said }),
                _ => None,
            }
        })
    }

    /// The normalised words of a run of terms.
    fn said(&self, terms: std::ops::Range<usize>) -> String {
        let words: Vec<&str> = self.terms[terms]
            .iter()
            .flat_map(|term| &self.words[term.first_word..term.first_word + term.words])
            .map(|word| word.normal.as_str())
            .collect();
        words.join(" ")
    }

    fn pieces(&self) -> impl Iterator<Item = Piece> + '_ {
        self.scan.pieces.iter().map(|placed| placed.piece)
    }

    fn day(&self) -> Option<NaiveDate> {
        self.pieces().find_map(|piece| match piece {
            Piece::Day(date) | Piece::Moment(date, _) => Some(date),
            _ => None,
        })
    }

    fn time(&self) -> Option<NaiveTime> {
        self.pieces().find_map(|piece| match piece {
            Piece::Time(time) | Piece::Span(time, _) | Piece::Moment(_, time) => Some(time),
            _ => None,
        })
    }

    fn minutes(&self) -> Option<u32> {
        self.pieces().find_map(|piece| match piece {
            Piece::Length(minutes) | Piece::Span(_, minutes) => Some(minutes),
            _ => None,
        })
    }

    fn range(&self) -> Option<DateRange> {
        self.pieces().find_map(|piece| match piece {
            Piece::Day(date) => Some(DateRange::day(date)),
            Piece::Days(range) => Some(range),
            _ => None,
        })
    }

    /// What is left of the sentence once the dates, times and lengths are
    /// taken out: everything after "про"/"about" when one is there, else
    /// everything but the request words ("встреча", "book"); without the
    /// filler words at either end, and cut to the longest topic there can be.
    fn topic(&self) -> Option<Topic> {
        let leftovers = &self.scan.leftovers;
        let marker = leftovers
            .iter()
            .position(|&i| self.terms[i].kind.is(Lex::TopicMarker));
        let chosen: Vec<usize> = match marker {
            Some(at) => leftovers[at + 1..].to_vec(),
            None => leftovers
                .iter()
                .copied()
                .filter(|&i| !self.is_request_word(i))
                .collect(),
        };
        // Prepositions and the like at either end belong to nothing.
        let is_content = |&&i: &&usize| self.terms[i].kind == Kind::Word(&[]);
        let first = chosen.iter().position(|i| is_content(&i))?;
        let last = chosen.iter().rposition(|i| is_content(&i))?;
        let text: Vec<&str> = chosen[first..=last]
            .iter()
            .flat_map(|&i| {
                let term = &self.terms[i];
                &self.words[term.first_word..term.first_word + term.words]
            })
            .map(|word| word.original)
            .collect();
        let text: String = text.join(" ").chars().take(Topic::MAX_CHARS).collect();
        Topic::new(&text).ok()
    }

    /// "запиши", "встреча", "book": words that say what is wanted, not what about.
    fn is_request_word(&self, term: usize) -> bool {
        let kind = &self.terms[term].kind;
        kind.find(|lex| matches!(lex, Lex::Intent(_)).then_some(()))
            .is_some()
    }

    /// "перенеси встречу в пятницу на 16:00": what comes before "на"/"to"
    /// says which meeting, what comes from there on says where it goes.
    fn move_request(&self, situation: &Situation) -> Interpretation {
        let mut which = MeetingRef::default();
        let mut to = MeetingRef::default();
        let mut target_reached = false;
        for placed in &self.scan.pieces {
            target_reached |= matches!(placed.prep, Some(Prep::On | Prep::To));
            let side = if target_reached { &mut to } else { &mut which };
            match placed.piece {
                Piece::Day(date) => {
                    side.date.get_or_insert(date);
                }
                Piece::Time(time) | Piece::Span(time, _) => {
                    side.time.get_or_insert(time);
                }
                Piece::Moment(date, time) => {
                    side.date.get_or_insert(date);
                    side.time.get_or_insert(time);
                }
                _ => {}
            }
        }
        move_to(which, to, situation)
    }

    /// The answer to a question about `pending`.
    fn complete(&self, pending: &PartialRequest, situation: &Situation) -> Interpretation {
        if self.scan.pieces.is_empty() {
            return Interpretation::NotUnderstood;
        }
        match pending {
            PartialRequest::Book {
                date,
                time,
                minutes,
                topic,
            } => book(
                self.day().or(*date),
                self.time().or(*time),
                self.minutes().or(*minutes),
                self.topic().or_else(|| topic.clone()),
                situation,
            ),
            PartialRequest::Move { which } => {
                let to = MeetingRef {
                    date: self.day(),
                    time: self.time(),
                };
                move_to(*which, to, situation)
            }
        }
    }
}

/// A booking when its day and time are known, else the question for them.
fn book(
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    minutes: Option<u32>,
    topic: Option<Topic>,
    situation: &Situation,
) -> Interpretation {
    if let Some(minutes) = minutes.filter(|m| *m == 0 || *m > MAX_MINUTES) {
        return Interpretation::Refused(Refusal::ImpossibleLength { minutes });
    }
    let (date, time) = match (date, time) {
        (Some(date), Some(time)) => (date, time),
        _ => {
            let missing = match (date, time) {
                (None, None) => Missing::DateAndTime,
                (None, Some(_)) => Missing::Date,
                _ => Missing::Time,
            };
            return Interpretation::Clarify {
                missing,
                partial: PartialRequest::Book {
                    date,
                    time,
                    minutes,
                    topic,
                },
            };
        }
    };
    let start = situation.zone.to_utc(date.and_time(time));
    if start <= situation.now {
        return Interpretation::Refused(Refusal::InThePast);
    }
    Interpretation::Request(Request::Book(BookRequest {
        date,
        time,
        start,
        minutes,
        topic,
    }))
}

/// A move when its target is known, else the question for it.
fn move_to(which: MeetingRef, to: MeetingRef, situation: &Situation) -> Interpretation {
    let today = situation.zone.date_of(situation.now);
    let to = match (to.date, to.time) {
        (Some(date), _) if date < today => return Interpretation::Refused(Refusal::InThePast),
        (Some(date), Some(time)) => {
            if situation.zone.to_utc(date.and_time(time)) <= situation.now {
                return Interpretation::Refused(Refusal::InThePast);
            }
            MoveTarget::DateTime(date, time)
        }
        (Some(date), None) => MoveTarget::Date(date),
        (None, Some(time)) => MoveTarget::Time(time),
        (None, None) => {
            return Interpretation::Clarify {
                missing: Missing::MoveTarget,
                partial: PartialRequest::Move { which },
            };
        }
    };
    Interpretation::Request(Request::Move { which, to })
}
