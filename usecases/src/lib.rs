//! meetbot's application: what people can do, written over the ports only.
//!
//! One module per use case (register, approve, book, cancel, reschedule,
//! free slots, settings, audit ...). Each takes the acting person's id, reads
//! their role fresh from the store, checks the permission table and the
//! booking policy of the domain, changes the store atomically, records the
//! audit trail and tells the people concerned. What people are told is a
//! transport-neutral [`meetbot_ports::Screen`] that any chat adapter renders.
//!
//! This crate depends on the domain and the ports only: never on a database
//! driver, an HTTP client, a chat library or an adapter.

// Long functions hide flows; the threshold is in clippy.toml.
#![warn(clippy::too_many_lines)]

pub mod audit;
pub mod booking;
pub mod broadcast;
pub mod busy_reads;
pub mod cadence;
pub mod calendar_sync;
pub mod callback;
pub mod chat;
pub mod doctor;
pub mod error;
pub mod feed;
pub mod feedback;
pub mod ics;
pub mod meetings;
pub mod members;
pub mod outbox;
pub mod refusals;
pub mod registration;
pub mod reminders;
pub mod rsvp;
pub mod scheduler;
pub mod screens;
pub mod services;
pub mod settings;
pub mod statistics;

pub use callback::Callback;
pub use error::UseCaseError;
pub use services::Services;
