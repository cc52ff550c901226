//! Supervised background tasks: a task that panics or ends while the bot
//! runs is logged and started again after a wait that doubles up to a cap,
//! and its state is kept where `/health` reads it, so that a dead scheduler
//! shows as a failing bot instead of reminders silently stopping.

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::{JoinError, JoinHandle};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

/// How a supervised task is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Started, and has not stopped since.
    Running,
    /// Stopped for the given reason (`panicked: ...`, `ended`); waiting to
    /// be started again.
    Restarting(String),
}

impl std::fmt::Display for TaskState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskState::Running => f.write_str("running"),
            TaskState::Restarting(reason) => write!(f, "restarting: {reason}"),
        }
    }
}

/// The state of every supervised task, by name; shared with `/health`.
#[derive(Clone, Debug, Default)]
pub struct TaskStates {
    // A std mutex: held only to read or replace an entry, never across an await.
    states: Arc<Mutex<BTreeMap<&'static str, TaskState>>>,
}

impl TaskStates {
    /// Every task's state, by name.
    pub fn snapshot(&self) -> BTreeMap<&'static str, TaskState> {
        self.states
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, name: &'static str, state: TaskState) {
        self.states
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name, state);
    }
}

/// How long to wait before starting a stopped task again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (and after a failure that follows a
    /// good run of at least `longest`).
    pub first: Duration,
    /// The longest wait; each failure in a row doubles the wait up to this.
    pub longest: Duration,
}

impl Default for Backoff {
    /// One second, doubling up to a minute.
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            longest: Duration::from_secs(60),
        }
    }
}

/// Runs the task `start` makes, under `name`, until `shutdown` is
/// cancelled: whenever it panics or ends before that, it is logged, shown
/// in `states` as restarting, and started again after a [`Backoff`] wait.
/// The handle completes once the task has stopped after shutdown.
pub fn supervise<F, Fut>(
    name: &'static str,
    mut start: F,
    states: TaskStates,
    backoff: Backoff,
    shutdown: CancellationToken,
) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut wait = backoff.first;
        loop {
            states.set(name, TaskState::Running);
            let started = Instant::now();
            // Its own task, so that a panic stops it and not the supervisor;
            // each run has an id that its log lines carry.
            let run = format!("{:08x}", rand::random::<u32>());
            let span = tracing::info_span!("job", task = name, run = %run);
            let outcome = tokio::spawn(start().instrument(span)).await;
            if shutdown.is_cancelled() {
                if let Err(error) = outcome {
                    tracing::error!(task = name, reason = %stop_reason(error), "a background task failed while stopping");
                }
                return;
            }
            let reason = match outcome {
                Ok(()) => "ended".to_owned(),
                Err(error) => stop_reason(error),
            };
            if started.elapsed() >= backoff.longest {
                wait = backoff.first;
            }
            tracing::error!(task = name, %reason, ?wait, "a background task stopped; starting it again");
            states.set(name, TaskState::Restarting(reason));
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
            wait = (wait * 2).min(backoff.longest);
        }
    })
}

/// Why a task's join failed: its panic message, or its cancellation.
fn stop_reason(error: JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => format!("panicked: {}", panic_message(payload.as_ref())),
        Err(error) => format!("cancelled: {error}"),
    }
}

/// The message a panic was raised with (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const QUICK: Backoff = Backoff {
        first: Duration::from_secs(1),
        longest: Duration::from_secs(8),
    };

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_shown_restarting_then_running_after_the_wait() {
        let states = TaskStates::default();
        let shutdown = CancellationToken::new();
        let starts = Arc::new(AtomicU32::new(0));
        let counted = starts.clone();
        let stopper = shutdown.clone();
        let handle = supervise(
            "worker",
            move || {
                let start = counted.fetch_add(1, Ordering::SeqCst);
                let stopper = stopper.clone();
                async move {
                    if start == 0 {
                        panic!("first start fails");
                    }
                    stopper.cancelled().await;
                }
            },
            states.clone(),
            QUICK,
            shutdown.clone(),
        );

        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            states.snapshot()["worker"],
            TaskState::Restarting("panicked: first start fails".to_owned())
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(states.snapshot()["worker"], TaskState::Running);
        assert_eq!(starts.load(Ordering::SeqCst), 2);

        shutdown.cancel();
        handle.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_keeps_ending_waits_twice_as_long_each_time_up_to_the_cap() {
        let states = TaskStates::default();
        let shutdown = CancellationToken::new();
        let starts = Arc::new(Mutex::new(Vec::new()));
        let recorded = starts.clone();
        let begin = Instant::now();
        let handle = supervise(
            "quitter",
            move || {
                recorded.lock().unwrap().push(begin.elapsed().as_secs());
                async {}
            },
            states.clone(),
            QUICK,
            shutdown.clone(),
        );

        tokio::time::sleep(Duration::from_secs(40)).await;
        shutdown.cancel();
        handle.await.unwrap();

        // Waits of 1, 2, 4, 8, 8, 8 ... seconds between starts.
        assert_eq!(starts.lock().unwrap()[..7], [0, 1, 3, 7, 15, 23, 31]);
        assert_eq!(
            states.snapshot()["quitter"],
            TaskState::Restarting("ended".to_owned())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_a_task_waiting_to_restart_at_once() {
        let shutdown = CancellationToken::new();
        let handle = supervise(
            "quitter",
            || async {},
            TaskStates::default(),
            QUICK,
            shutdown.clone(),
        );
        tokio::time::sleep(Duration::from_millis(10)).await;

        shutdown.cancel();

        tokio::time::timeout(Duration::from_millis(1), handle)
            .await
            .expect("stopped without waiting out the backoff")
            .unwrap();
    }
}
