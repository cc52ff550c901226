//! The offline interpreter against what people write: the phrase corpus,
//! clarifying questions and their answers, relative dates around midnight
//! in two zones, and arbitrary input that must never break it.

mod clarify;
mod fuzz;
mod nl_zone;
mod phrases;
mod support;
