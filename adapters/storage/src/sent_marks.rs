//! Marks of messages sent, committed together. The answers of several
//! messages often come back at one moment (a burst of updates, a batch of
//! reminders), and a commit costs more than the marks it carries: each
//! caller leaves its mark here, lets the others that are ready leave
//! theirs, and the first to look takes them all into one transaction.
//! Every caller still returns only once its own mark is stored.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use meetbot_ports::StoreError;
use tokio::sync::oneshot;

use crate::shared::lock;

/// One message's mark: its outbox id and when it was sent (microseconds).
pub(crate) type Mark = (i64, i64);

/// What a commit of marks found: per mark, in order, whether its message
/// was there to be marked.
pub(crate) type Found = Result<Vec<bool>, StoreError>;

/// The marks left and not yet taken into a commit.
#[derive(Debug, Default)]
pub(crate) struct SentMarks {
    waiting: Mutex<Vec<Waiting>>,
    tickets: AtomicU64,
}

#[derive(Debug)]
struct Waiting {
    ticket: u64,
    mark: Mark,
    stored: oneshot::Sender<Result<(), StoreError>>,
}

impl SentMarks {
    /// Stores `mark` with whatever other marks are waiting, `commit`
    /// writing them in one transaction. Should the caller that took this
    /// mark into its commit be cancelled, the mark is reported not stored;
    /// the message's lease then runs out and it is sent again: at worst
    /// twice, never not at all.
    pub(crate) async fn store<C, F>(&self, mark: Mark, commit: C) -> Result<(), StoreError>
    where
        C: FnOnce(Vec<Mark>) -> F,
        F: Future<Output = Found>,
    {
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        let (stored, own) = oneshot::channel();
        lock(&self.waiting).push(Waiting {
            ticket,
            mark,
            stored,
        });
        // The others whose answers came back with this one leave theirs.
        tokio::task::yield_now().await;
        let batch = {
            let mut waiting = lock(&self.waiting);
            if waiting.iter().any(|w| w.ticket == ticket) {
                std::mem::take(&mut *waiting)
            } else {
                // Taken into another caller's commit.
                Vec::new()
            }
        };
        if !batch.is_empty() {
            let found = commit(batch.iter().map(|w| w.mark).collect()).await;
            for (index, waiting) in batch.into_iter().enumerate() {
                // A caller that stopped waiting needs no answer.
                let _ = waiting.stored.send(outcome(&found, index));
            }
        }
        own.await.unwrap_or_else(|_| {
            Err(StoreError::Unexpected(
                "the commit of the sent marks was cancelled".to_owned(),
            ))
        })
    }
}

/// How the mark at `index` of a commit went.
pub(crate) fn outcome(found: &Found, index: usize) -> Result<(), StoreError> {
    match found {
        Ok(found) if found.get(index).copied().unwrap_or(false) => Ok(()),
        Ok(_) => Err(StoreError::NotFound),
        Err(error) => Err(error.clone()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[tokio::test]
    async fn marks_left_at_one_moment_are_committed_together_and_each_caller_learns_its_own() {
        let marks = SentMarks::default();
        let commits = AtomicUsize::new(0);
        let commit = |batch: Vec<Mark>| {
            commits.fetch_add(1, Ordering::SeqCst);
            // Message 3 is gone.
            async move { Ok(batch.iter().map(|(id, _)| *id != 3).collect()) }
        };
        let outcomes = tokio::join!(
            marks.store((1, 0), commit),
            marks.store((2, 0), commit),
            marks.store((3, 0), commit),
            marks.store((4, 0), commit),
            marks.store((5, 0), commit),
        );

        assert_eq!(commits.load(Ordering::SeqCst), 1);
        assert_eq!(
            outcomes,
            (Ok(()), Ok(()), Err(StoreError::NotFound), Ok(()), Ok(()))
        );
    }

    #[tokio::test]
    async fn a_failed_commit_fails_every_mark_it_carried() {
        let marks = SentMarks::default();
        let commit = |_: Vec<Mark>| async { Err(StoreError::Unexpected("down".to_owned())) };
        let down = Err(StoreError::Unexpected("down".to_owned()));
        let outcomes = tokio::join!(
            marks.store((1, 0), commit),
            marks.store((2, 0), commit),
            marks.store((3, 0), commit),
        );

        assert_eq!(outcomes, (down.clone(), down.clone(), down));
    }

    #[tokio::test]
    async fn a_mark_left_alone_is_committed_alone() {
        let marks = SentMarks::default();
        let mut batches = Vec::new();
        for id in 1..=2 {
            marks
                .store((id, 7), |batch| {
                    batches.push(batch.clone());
                    async move { Ok(vec![true; batch.len()]) }
                })
                .await
                .unwrap();
        }
        assert_eq!(batches, [vec![(1, 7)], vec![(2, 7)]]);
    }
}
