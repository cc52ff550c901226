//! What every test of meetbot shares: the one place `Services` is built
//! ([`services`]), the [`World`] of in-memory adapters with its
//! conversation steps, fresh databases, clocks for tests, and fakes of the
//! outside services (the Telegram Bot API, Google Calendar, a Radicale
//! CalDAV server) listening on 127.0.0.1.
//!
//! Test code: it may panic (that is how a broken set-up is reported) and it
//! depends on whatever the tests need. No production crate depends on it.

pub mod caldav;
pub mod clock;
pub mod console;
pub mod counting;
mod delegate;
pub mod google;
pub mod services;
pub mod storage;
pub mod telegram;
pub mod world;

pub use clock::{ManualClock, TokioClock, monday_noon_moscow, moscow};
pub use services::{ServicesBuilder, services};
pub use world::{OWNER, World, profile};

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|error| panic!("no free port on 127.0.0.1: {error}"));
    listener
        .local_addr()
        .unwrap_or_else(|error| panic!("a bound listener has an address: {error}"))
}
