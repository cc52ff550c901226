//! The real time, for the `Clock` port.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use meetbot_ports::Clock;

/// The system's clock, in UTC. The port promises time never goes backwards
/// within a process, and the wall clock can (NTP steps it), so readings are
/// held at the latest one seen.
#[derive(Debug, Default)]
pub struct SystemClock {
    latest_micros: AtomicI64,
}

impl SystemClock {
    /// The clock.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let read = Utc::now().timestamp_micros();
        let latest = self
            .latest_micros
            .fetch_max(read, Ordering::Relaxed)
            .max(read);
        DateTime::from_timestamp_micros(latest).unwrap_or_else(Utc::now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_never_goes_backwards() {
        let clock = SystemClock::new();
        let future = Utc::now() + chrono::Duration::hours(1);
        clock
            .latest_micros
            .store(future.timestamp_micros(), Ordering::Relaxed);

        assert_eq!(clock.now().timestamp_micros(), future.timestamp_micros());
    }
}
