//! A unit of work on a pooled connection: [`Tx`], what `Store::begin`
//! returns on both backends.
//!
//! The transaction opens lazily, at the first write: until then reads go to
//! the pool like any other read, so a handler that waits on a slow calendar
//! before it writes holds no lock meanwhile. From the first write on, every
//! call runs on the one connection of the transaction, and a write that a
//! constraint may refuse (a unique key, an exclusion) runs in a savepoint,
//! so that the refusal undoes it and leaves the transaction usable, as it
//! would outside one (see `Access::Unrefusable` for the others).
//!
//! How many transactions may be open at once is a backend's choice: SQLite
//! has one writer, so its transactions queue here, on an async semaphore,
//! rather than on its busy handler, which would hold a pooled connection
//! and a blocking thread each while they wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use meetbot_domain::User;
use meetbot_ports::{BookingError, Store, StoreError, Transaction};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};

use crate::failure::Failure;
use crate::outage::Outage;
use crate::shared::{Access, blocking, inline, lock};

/// What a backend says about its transactions.
#[derive(Clone, Debug)]
pub(crate) struct TxSettings {
    /// The statement that begins one (SQLite: `BEGIN IMMEDIATE`, taking the
    /// write lock at once, since a transaction here is opened to write).
    pub begin: &'static str,
    /// Permits to hold an open transaction.
    pub open_at_once: Arc<Semaphore>,
    /// Whether every call but a scan runs on the calling worker instead of
    /// the blocking pool (see [`crate::shared::inline`]), beginning and
    /// ending a transaction included. SQLite: a local file, read and
    /// written in microseconds; readers never wait (WAL), and every writer
    /// of this process holds the one permit of `open_at_once` first, so
    /// the write lock it asks for is free. (Another process writing the
    /// same file, a backup or an admin command, makes it wait up to the
    /// busy timeout.) Postgres: every call is a network round trip, so no.
    pub on_the_worker: bool,
}

enum State<M: ManageConnection> {
    /// Nothing written yet: reads go to the pool.
    Idle,
    /// Written: everything goes to this connection until the end.
    Open {
        conn: PooledConnection<M>,
        _permit: OwnedSemaphorePermit,
    },
    /// The connection went away in the middle (a call was cancelled, or
    /// the database failed to begin, commit or roll back): every further
    /// call fails, and the transaction did not happen.
    Lost,
    /// Committed or rolled back.
    Ended,
}

/// A unit of work; see the module documentation.
pub struct Tx<M: ManageConnection> {
    pool: Pool<M>,
    outage: Arc<Outage>,
    settings: TxSettings,
    state: Mutex<State<M>>,
    failed: AtomicBool,
    /// What the unit read of people, for its later reads of them.
    people_read: std::sync::Mutex<PeopleRead>,
}

/// What a unit of work read of people, kept for its later reads until it
/// writes a person: the people table is written only by `insert_user`,
/// `update_user` and `change_role`, which forget it, so nothing else the
/// unit writes (a booking, its dialog, messages) changes what was read. A
/// change someone else commits meanwhile counts as made just after the
/// unit, as it would a moment later.
#[derive(Debug, Default)]
struct PeopleRead {
    /// The person read first (`first_read`), by id.
    person: Option<(i64, Option<User>)>,
    /// The owners: a unit that books reads them for the host, the
    /// organizer and the notices.
    owners: Option<Vec<User>>,
}

impl<M: ManageConnection> std::fmt::Debug for Tx<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("failed", &self.failed.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn unexpected(reason: impl std::fmt::Display) -> Failure {
    Failure::Store(StoreError::Unexpected(reason.to_string()))
}

/// Whether a failure came from the database rather than from the store's
/// own checks (a missing row, a taken slot): only the first makes the
/// work done so far suspect.
fn from_database(failure: &Failure) -> bool {
    match failure {
        Failure::Db(e) => !matches!(
            e,
            DieselError::NotFound
                | DieselError::DatabaseError(
                    DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ExclusionViolation,
                    _
                )
        ),
        Failure::Store(StoreError::Unexpected(_))
        | Failure::Booking(BookingError::Store(StoreError::Unexpected(_))) => true,
        Failure::Store(_) | Failure::Booking(_) => false,
    }
}

impl<M> Tx<M>
where
    M: ManageConnection,
    M::Connection: diesel::Connection<TransactionManager = AnsiTransactionManager>,
{
    pub(crate) fn new(pool: Pool<M>, outage: Arc<Outage>, settings: TxSettings) -> Self {
        Self {
            pool,
            outage,
            settings,
            state: Mutex::new(State::Idle),
            failed: AtomicBool::new(false),
            people_read: std::sync::Mutex::new(PeopleRead::default()),
        }
    }

    /// Keeps the person read at the start of the unit of work.
    pub(crate) fn keep_person_read_first(&self, id: i64, person: &Option<User>) {
        lock(&self.people_read).person = Some((id, person.clone()));
    }

    /// The person read at the start, unless the unit wrote a person since.
    pub(crate) fn person_read_first(&self, id: i64) -> Option<Option<User>> {
        lock(&self.people_read)
            .person
            .as_ref()
            .filter(|(read, _)| *read == id)
            .map(|(_, person)| person.clone())
    }

    /// Keeps the owners the unit of work read.
    pub(crate) fn keep_owners(&self, owners: &[User]) {
        lock(&self.people_read).owners = Some(owners.to_vec());
    }

    /// The owners the unit read, unless it wrote a person since.
    pub(crate) fn owners_kept(&self) -> Option<Vec<User>> {
        lock(&self.people_read).owners.clone()
    }

    /// A unit of work commits its marks of messages sent with the rest.
    pub(crate) fn sent_marks(&self) -> Option<&crate::sent_marks::SentMarks> {
        None
    }

    /// Forgets what the unit read of people: it writes a person.
    pub(crate) fn forget_people_read(&self) {
        *lock(&self.people_read) = PeopleRead::default();
    }

    /// Runs `work` as part of the transaction: a read on the pool while
    /// nothing was written, else on the transaction's connection; a write
    /// opens the transaction first, and runs in a savepoint if a
    /// constraint may refuse it.
    pub(crate) async fn access<T, F>(&self, access: Access, work: F) -> Result<T, Failure>
    where
        F: FnOnce(&mut M::Connection) -> Result<T, Failure> + Send + 'static,
        T: Send + 'static,
    {
        crate::shared::timed(access, self.run(access, work)).await
    }

    async fn run<T, F>(&self, access: Access, work: F) -> Result<T, Failure>
    where
        F: FnOnce(&mut M::Connection) -> Result<T, Failure> + Send + 'static,
        T: Send + 'static,
    {
        let writes = access.writes();
        // See `Access::Unrefusable`.
        let savepoint = access == Access::Write;
        let inline_here = self.settings.on_the_worker && access != Access::Read;
        let mut state = self.state.lock().await;
        if matches!(*state, State::Idle) {
            if !writes {
                drop(state);
                let read = if inline_here {
                    inline(&self.pool, &self.outage, work).await
                } else {
                    blocking(&self.pool, &self.outage, work).await
                };
                return self.noted(read);
            }
            *state = self.open().await.inspect_err(|_| self.fail())?;
        }
        if inline_here && let State::Open { conn, .. } = &mut *state {
            let result = if savepoint {
                diesel::Connection::transaction(&mut **conn, work)
            } else {
                work(conn)
            };
            return self.noted(result);
        }
        let (mut conn, permit) = match std::mem::replace(&mut *state, State::Lost) {
            State::Open { conn, _permit } => (conn, _permit),
            State::Lost => return Err(unexpected("the transaction was lost")),
            State::Ended | State::Idle => return Err(unexpected("the transaction has ended")),
        };
        // If this future is dropped while the call runs, the connection is
        // dropped with the closure and the state stays `Lost`.
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = if savepoint {
                diesel::Connection::transaction(&mut *conn, work)
            } else {
                work(&mut conn)
            };
            (conn, result)
        })
        .await
        .map_err(|e| {
            self.fail();
            unexpected(format!("the database task failed: {e}"))
        })?;
        *state = State::Open {
            conn,
            _permit: permit,
        };
        self.noted(result)
    }

    fn noted<T>(&self, result: Result<T, Failure>) -> Result<T, Failure> {
        if let Err(failure) = &result
            && from_database(failure)
        {
            self.fail();
        }
        result
    }

    fn fail(&self) {
        self.failed.store(true, Ordering::Relaxed);
    }

    async fn open(&self) -> Result<State<M>, Failure> {
        let permit = self
            .settings
            .open_at_once
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| unexpected(format!("transactions are closed: {e}")))?;
        let begin = self.settings.begin;
        let begun = |mut conn: PooledConnection<M>| {
            AnsiTransactionManager::begin_transaction_sql(&mut *conn, begin)?;
            Ok::<_, Failure>(conn)
        };
        let idle = if self.settings.on_the_worker {
            self.pool.try_get()
        } else {
            None
        };
        let conn = match idle {
            Some(conn) => begun(conn)?,
            None => {
                let pool = self.pool.clone();
                tokio::task::spawn_blocking(move || begun(pool.get().map_err(unexpected)?))
                    .await
                    .map_err(|e| unexpected(format!("the database task failed: {e}")))??
            }
        };
        Ok(State::Open {
            conn,
            _permit: permit,
        })
    }

    /// Commits (`true`) or rolls back (`false`) what was written.
    pub(crate) async fn end(&self, commit: bool) -> Result<(), StoreError> {
        let mut state = self.state.lock().await;
        match std::mem::replace(&mut *state, State::Ended) {
            State::Idle | State::Ended => Ok(()),
            State::Lost => Err(StoreError::Unexpected(
                "the transaction was lost before it ended".to_owned(),
            )),
            State::Open { mut conn, _permit } => {
                let end = move |conn: &mut M::Connection| {
                    if commit {
                        AnsiTransactionManager::commit_transaction(conn)
                    } else {
                        AnsiTransactionManager::rollback_transaction(conn)
                    }
                };
                let ended = if self.settings.on_the_worker {
                    end(&mut conn)
                } else {
                    tokio::task::spawn_blocking(move || end(&mut conn))
                        .await
                        .map_err(|e| {
                            StoreError::Unexpected(format!("the database task failed: {e}"))
                        })?
                };
                ended.map_err(|e| StoreError::Unexpected(e.to_string()))
            }
        }
    }
}

#[async_trait::async_trait]
impl<M> Transaction for Tx<M>
where
    M: ManageConnection,
    M::Connection: diesel::Connection<TransactionManager = AnsiTransactionManager>,
    Self: Store,
{
    async fn commit(&self) -> Result<(), StoreError> {
        self.end(true).await
    }

    async fn rollback(&self) {
        if let Err(error) = self.end(false).await {
            tracing::warn!(%error, "a transaction could not be rolled back");
        }
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }
}

impl<M: ManageConnection> Drop for Tx<M> {
    /// An open transaction dropped without an end is rolled back: its
    /// connection, still inside the transaction, counts as broken to the
    /// pool, which closes it instead of handing it out again.
    fn drop(&mut self) {
        if let State::Open { conn, .. } = std::mem::replace(self.state.get_mut(), State::Ended)
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn_blocking(move || drop(conn));
        }
    }
}
