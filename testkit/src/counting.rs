//! A store that counts the calls made to it, through its units of work
//! too: each call of a SQL store is a round trip to the database, so the
//! counts show what one update costs and keep it from growing unseen.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{AuditEvent, Interval, Meeting, MeetingId, Role, User, UserId};
use meetbot_ports::{
    AuditEntry, AuditQuery, BookerSummary, BookingError, BookingRequest, CalendarJob, Feedback,
    InboxUpdate, JobId, MeetingFigures, MeetingQuery, Outgoing, OutgoingId, PeopleFigures,
    QueuedMessage, Reminder, ReminderId, ReminderState, Rsvp, RsvpCount, StatisticsQuery, Store,
    StoreError, Transaction, UserQuery,
};

/// The names of the calls made, in order, shared by a store and its
/// transactions.
type Calls = Arc<Mutex<Vec<&'static str>>>;

fn record(calls: &Calls, method: &'static str) {
    calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(method);
}

/// Counts every call to `inner`, and to the transactions it begins.
pub struct CountingStore {
    inner: Arc<dyn Store>,
    calls: Calls,
}

impl std::fmt::Debug for CountingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountingStore").finish_non_exhaustive()
    }
}

impl CountingStore {
    /// Counts the calls to `inner`.
    pub fn new(inner: Arc<dyn Store>) -> Self {
        Self {
            inner,
            calls: Calls::default(),
        }
    }

    /// The calls made since the last `take`, in order, and forgets them.
    pub fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn note(&self, method: &'static str) {
        record(&self.calls, method);
    }

    async fn begin_counted(&self) -> Result<Arc<dyn Transaction>, StoreError> {
        let inner = self.inner.begin().await?;
        Ok(Arc::new(CountingTransaction {
            inner,
            calls: self.calls.clone(),
        }))
    }
}

/// A unit of work of a [`CountingStore`], counted the same way.
struct CountingTransaction {
    inner: Arc<dyn Transaction>,
    calls: Calls,
}

impl CountingTransaction {
    fn note(&self, method: &'static str) {
        record(&self.calls, method);
    }

    async fn begin_counted(&self) -> Result<Arc<dyn Transaction>, StoreError> {
        self.inner.begin().await
    }
}

crate::delegate::delegate_store!(
    CountingStore,
    inner,
    CountingStore::note,
    CountingStore::begin_counted
);
crate::delegate::delegate_store!(
    CountingTransaction,
    inner,
    CountingTransaction::note,
    CountingTransaction::begin_counted
);

#[async_trait::async_trait]
impl Transaction for CountingTransaction {
    async fn commit(&self) -> Result<(), StoreError> {
        self.note("commit");
        self.inner.commit().await
    }

    async fn rollback(&self) {
        self.note("rollback");
        self.inner.rollback().await;
    }

    fn failed(&self) -> bool {
        self.inner.failed()
    }
}
