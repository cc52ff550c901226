use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use meetbot_domain::Interval;
use meetbot_ports::{
    Calendar, CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, EventKey,
};

use crate::lock;

/// A calendar held in memory: the events meetbot wrote plus busy time that
/// exists only "outside" (added by tests).
#[derive(Debug, Default)]
pub struct InMemoryCalendar {
    events: Mutex<BTreeMap<EventKey, CalendarEvent>>,
    external: Mutex<Vec<Interval>>,
    failure: Mutex<Option<CalendarError>>,
    write_failure: Mutex<Option<CalendarError>>,
}

impl InMemoryCalendar {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds busy time that meetbot did not write (another appointment).
    pub fn add_external_busy(&self, interval: Interval) {
        lock(&self.external).push(interval);
    }

    /// The events meetbot wrote, by meeting.
    pub fn events(&self) -> Vec<CalendarEvent> {
        lock(&self.events).values().cloned().collect()
    }

    /// Makes every call fail with `error` until `None` is set.
    pub fn fail_with(&self, error: Option<CalendarError>) {
        *lock(&self.failure) = error;
    }

    /// Makes every write (and cancel) fail with `error` until `None` is
    /// set, while busy time is still read: a calendar shared read-only.
    pub fn fail_writes_with(&self, error: Option<CalendarError>) {
        *lock(&self.write_failure) = error;
    }

    fn check(&self) -> Result<(), CalendarError> {
        lock(&self.failure).clone().map_or(Ok(()), Err)
    }

    fn check_write(&self) -> Result<(), CalendarError> {
        self.check()?;
        lock(&self.write_failure).clone().map_or(Ok(()), Err)
    }
}

#[async_trait]
impl Calendar for InMemoryCalendar {
    async fn busy(&self, range: Interval) -> Result<Vec<Interval>, CalendarError> {
        self.check()?;
        let mut busy: Vec<Interval> = lock(&self.events).values().map(|e| e.interval).collect();
        busy.extend(lock(&self.external).iter().copied());
        busy.retain(|b| b.overlaps(&range));
        busy.sort();
        Ok(busy)
    }

    async fn upsert_event(&self, event: &CalendarEvent) -> Result<Option<String>, CalendarError> {
        self.check_write()?;
        lock(&self.events).insert(event.key.clone(), event.clone());
        Ok(None)
    }

    async fn cancel_event(&self, key: &EventKey) -> Result<(), CalendarError> {
        self.check_write()?;
        lock(&self.events).remove(key);
        Ok(())
    }

    async fn probe(&self) -> Result<(), CalendarError> {
        self.check()
    }

    fn about(&self) -> CalendarAbout {
        CalendarAbout {
            name: "memory".to_owned(),
            access: CalendarAccess::Builtin,
        }
    }
}

#[cfg(test)]
mod contract {
    use std::sync::Arc;

    use super::InMemoryCalendar;

    meetbot_ports::calendar_contract_tests!(async {
        Some(Arc::new(InMemoryCalendar::new()) as Arc<dyn meetbot_ports::Calendar>)
    });
}
