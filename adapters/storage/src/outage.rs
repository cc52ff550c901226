//! Telling a database outage once when it begins and once when it ends.

use std::sync::Mutex;
use std::time::Instant;

/// Whether the database could be reached at the last call. While it cannot
/// (a Postgres server down or restarting), every call fails; logging each
/// failure would flood the log and bury when the outage started and ended,
/// so those two moments are logged once each, with the reason and the
/// length.
#[derive(Debug, Default)]
pub(crate) struct Outage {
    since: Mutex<Option<Instant>>,
}

impl Outage {
    /// No connection could be had; logs the outage's start the first time.
    /// Returns whether this call began an outage.
    pub(crate) fn began(&self, reason: &str) -> bool {
        let mut since = self.since.lock().unwrap_or_else(|p| p.into_inner());
        if since.is_some() {
            return false;
        }
        *since = Some(Instant::now());
        tracing::error!(%reason, "the database cannot be reached; every request fails until it is back");
        true
    }

    /// A connection was had; logs the outage's end if one was going on.
    /// Returns whether this call ended an outage.
    pub(crate) fn ended(&self) -> bool {
        let mut since = self.since.lock().unwrap_or_else(|p| p.into_inner());
        let Some(started) = since.take() else {
            return false;
        };
        tracing::warn!(
            seconds = started.elapsed().as_secs(),
            "the database can be reached again"
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Outage;

    #[test]
    fn an_outage_is_told_once_when_it_begins_and_once_when_it_ends() {
        let outage = Outage::default();

        assert!(!outage.ended(), "nothing to end before an outage");
        assert!(outage.began("connection refused"));
        assert!(!outage.began("connection refused"));
        assert!(!outage.began("timed out"));
        assert!(outage.ended());
        assert!(!outage.ended());
        assert!(
            outage.began("connection refused"),
            "a second outage is told again"
        );
    }
}
