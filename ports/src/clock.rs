//! Time, as the core sees it.

use chrono::{DateTime, Utc};

/// Tells the current time. The core never reads a clock by itself, so tests
/// can put it at any instant.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync {
    /// The current instant. MUST never go backwards within one process.
    fn now(&self) -> DateTime<Utc>;
}
