//! In-memory adapters of every port: `InMemoryStore`, `InMemoryCalendar`,
//! `InMemoryMessenger` and `ManualClock`.
//!
//! They keep the same contracts as the real adapters (the Store contract
//! suite runs on `InMemoryStore`), so use-case scenarios can run without a
//! database, a calendar or a chat. Depends on ports and domain only; never
//! on a database driver, an HTTP client or the use cases.

mod audit;
mod calendar;
mod clock;
mod messenger;
mod outbox;
mod reminders;
mod statistics;
mod store;

pub use calendar::InMemoryCalendar;
pub use clock::ManualClock;
pub use messenger::{InMemoryMessenger, SentMessage};
pub use store::InMemoryStore;

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, carrying on with the data if a panicking thread poisoned
/// it: the in-memory state is only ever changed by whole assignments.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
