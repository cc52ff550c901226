//! Time in tests: the instant every world starts at, a manual clock a test
//! sets, and a clock on tokio's time for tests with paused time, which shows
//! a chosen instant plus however far tokio's (paused, auto-advancing) time
//! has moved since.

use chrono::{DateTime, TimeZone, Utc};
use meetbot_ports::Clock;
use tokio::time::Instant;

/// A clock that shows what the test last set.
pub use meetbot_memory::ManualClock;

/// The instant every world starts at: Monday 2030-01-07 12:00 Moscow (09:00 UTC).
pub fn monday_noon_moscow() -> DateTime<Utc> {
    moscow(7, 12, 0)
}

/// An instant given as Moscow wall-clock time in January 2030 (UTC+3 all
/// year); `hour` is at least 3.
pub fn moscow(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, day, hour - 3, minute, 0)
        .single()
        .unwrap_or_else(|| panic!("2030-01-{day} {hour}:{minute} is not a time in Moscow"))
}

/// The `Clock` port on tokio's time, so that a test with
/// `#[tokio::test(start_paused = true)]` can let a day pass in an instant
/// while the real loops sleep and wake as they would.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    start_at: DateTime<Utc>,
    started: Instant,
}

impl TokioClock {
    /// A clock showing `start_at` now.
    pub fn starting_at(start_at: DateTime<Utc>) -> Self {
        Self {
            start_at,
            started: Instant::now(),
        }
    }

    /// The tokio instant at which this clock shows `at` (now, if `at` has passed).
    pub fn instant_of(&self, at: DateTime<Utc>) -> Instant {
        let ahead = (at - self.start_at).to_std().unwrap_or_default();
        self.started + ahead
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let passed = chrono::Duration::from_std(self.started.elapsed())
            .unwrap_or_else(|_| chrono::Duration::zero());
        self.start_at + passed
    }
}
