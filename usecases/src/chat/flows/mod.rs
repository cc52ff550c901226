//! The handlers, one module per flow. Each takes the event's [`Chat`]
//! context and what the person chose, runs the use cases and returns the
//! [`Reply`] to show; none of them talks to the messenger or saves the
//! dialog itself.
//!
//! [`Chat`]: super::context::Chat
//! [`Reply`]: super::reply::Reply

pub mod account;
pub mod booking;
pub mod feedback;
pub mod meetings;
pub mod owner;
pub mod registration;
pub mod sentence;
pub mod settings;
pub mod stats;
