//! Understanding sentences: the text a person wrote, turned into a request
//! or a question.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use meetbot_domain::request::{Interpretation, PartialRequest};
use meetbot_domain::{Language, Zone};

/// What an interpreter needs to know besides the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Situation {
    /// The current instant; relative dates ("завтра", "in 3 days") count
    /// from it.
    pub now: DateTime<Utc>,
    /// The person's zone: "завтра в 10" is 10:00 there, not on the server.
    pub zone: Zone,
    /// The language the person uses; it settles what the text alone cannot
    /// (is "05/01" the 5th of January or May the 1st?).
    pub language: Language,
    /// The request the bot last asked a question about, when the message may
    /// be its answer ("в 10" after "На какое время?").
    pub pending: Option<PartialRequest>,
}

/// Why an interpreter could not answer at all. The offline interpreter never
/// fails; one backed by a remote model may.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpreterError {
    /// A passing failure (network, overload); the message may be tried again
    /// or answered with the buttons.
    #[error("interpreter unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("unexpected interpreter failure: {0}")]
    Unexpected(String),
}

/// Turns a message into a request, a clarifying question, a refusal or
/// "not understood".
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Interpreter: Send + Sync {
    /// Reads `text` as written by a person in `situation`.
    ///
    /// The contract:
    /// - It MUST NOT guess: a request that lacks its day or time MUST come
    ///   back as [`Interpretation::Clarify`] with what was understood, and
    ///   text that is no request (chit-chat, noise, a bare "12:00" with
    ///   nothing pending) as [`Interpretation::NotUnderstood`].
    /// - Relative dates MUST be counted from `situation.now` in
    ///   `situation.zone`; a date without a year MUST be the next one to come.
    /// - A time that does not exist ("25:00", "13pm") MUST be refused, never
    ///   wrapped; so MUST a booking or a move to a day or time already past.
    /// - With `situation.pending` set, a message that only adds the missing
    ///   parts ("в 10", "завтра") MUST complete the pending request; a
    ///   message that is a request of its own MUST be read as a new one.
    /// - Lengths are reported as said; matching them to the owner's meeting
    ///   types is the use case's work.
    /// - It MUST answer any text (empty, huge, any script) without panicking;
    ///   text over 4096 characters MAY be refused without being read.
    async fn interpret(
        &self,
        text: &str,
        situation: &Situation,
    ) -> Result<Interpretation, InterpreterError>;
}
