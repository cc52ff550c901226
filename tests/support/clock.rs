//! A clock for tests with paused tokio time: it shows a chosen instant plus
//! however far tokio's (paused, auto-advancing) time has moved since.

use chrono::{DateTime, Utc};
use meetbot_ports::Clock;
use tokio::time::Instant;

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
