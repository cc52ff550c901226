//! The "none" calendar: for an organisation without an external calendar,
//! the bot's own database is the calendar.
//!
//! Busy time is then exactly the SCHEDULED meetings of the store, which the
//! use cases already count on their own (`booking::busy_between`), so
//! [`NoCalendar`] reports no busy time of its own and accepts every write
//! without doing anything: the outbox drains at once and nothing is ever
//! retried. It is the default for the console try-out.
//!
//! Why it is exempt from the contract's "a written event is busy": echoing
//! the store's meetings here would only report every meeting twice to the
//! use cases, and the events the contract writes have no meeting in any
//! store. It passes the cases that apply to a calendar that keeps nothing
//! (`calendar_contract_tests!(writes_only: ...)`): writes and cancels
//! succeed, repeat harmlessly, and the probe is always healthy.
//!
//! Depends on the ports and the domain only; never on a database driver or
//! an HTTP client.

pub mod config;

use async_trait::async_trait;
use meetbot_domain::Interval;
use meetbot_ports::{
    Calendar, CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, EventKey,
};

pub use config::NoCalendarConfig;

/// A calendar that holds nothing: no busy time beyond the store's meetings,
/// and writes that succeed without effect.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCalendar;

impl NoCalendar {
    /// The calendar.
    pub fn new() -> Self {
        Self
    }
}

#[async_trait]
impl Calendar for NoCalendar {
    async fn busy(&self, _range: Interval) -> Result<Vec<Interval>, CalendarError> {
        Ok(Vec::new())
    }

    async fn upsert_event(&self, _event: &CalendarEvent) -> Result<Option<String>, CalendarError> {
        Ok(None)
    }

    async fn cancel_event(&self, _key: &EventKey) -> Result<(), CalendarError> {
        Ok(())
    }

    async fn probe(&self) -> Result<(), CalendarError> {
        Ok(())
    }

    fn about(&self) -> CalendarAbout {
        CalendarAbout {
            name: "the bot's database".to_owned(),
            access: CalendarAccess::Builtin,
        }
    }
}

#[cfg(test)]
mod contract {
    use std::sync::Arc;

    use super::NoCalendar;

    meetbot_ports::calendar_contract_tests!(writes_only: async {
        Some(Arc::new(NoCalendar::new()) as Arc<dyn meetbot_ports::Calendar>)
    });

    #[tokio::test]
    async fn contract_the_none_calendar_reports_no_busy_time_of_its_own() {
        use meetbot_ports::Calendar;
        let calendar = NoCalendar::new();
        let event = meetbot_ports::contract::calendar::event(
            1,
            meetbot_ports::contract::calendar::hour_at(2),
        );
        calendar.upsert_event(&event).await.unwrap();
        assert!(calendar.busy(event.interval).await.unwrap().is_empty());
    }
}
