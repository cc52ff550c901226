//! The Store contract for the inbox, the outbox of messages and units of
//! work. Each case gets a fresh, empty store.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed assertion is the report"
)]

use std::sync::Arc;

use chrono::Duration;
use meetbot_domain::{Language, UserId};

use super::store::{manager, now};
use crate::delivery::{InboxUpdate, Outgoing, OutgoingId, QueuedMessage};
use crate::screen::{Screen, Text};
use crate::store::{Store, StoreError};

fn update(id: i64) -> InboxUpdate {
    InboxUpdate {
        id,
        payload: format!("{{\"update_id\":{id},\"text\":\"привет\"}}"),
        received_at: now(),
    }
}

fn message(to: i64, key: &'static str) -> Outgoing {
    Outgoing::send(UserId(to), Language::Ru, Screen::text(Text::new(key)))
}

fn keys(claimed: &[QueuedMessage]) -> Vec<(i64, String)> {
    claimed
        .iter()
        .map(|queued| {
            let crate::Delivery::Send(screen) = &queued.message.delivery else {
                panic!("not a sent screen: {queued:?}");
            };
            (queued.message.to.0, screen.key().to_owned())
        })
        .collect()
}

/// An update is stored once, handled once, and forgotten a day after.
pub async fn contract_an_update_is_received_once_and_marked_handled_once(store: Arc<dyn Store>) {
    let new = store
        .receive_updates(&[update(500), update(7), update(500)])
        .await
        .unwrap();
    assert_eq!(new, [true, true, false], "a redelivery is not new");
    assert!(!store.receive_updates(&[update(7)]).await.unwrap()[0]);
    let unhandled = store.unhandled_updates(None, 10).await.unwrap();
    assert_eq!(
        unhandled,
        [update(7), update(500)],
        "oldest id first, as received"
    );
    assert_eq!(
        store.unhandled_updates(Some(7), 10).await.unwrap(),
        [update(500)]
    );
    assert_eq!(store.unhandled_updates(None, 1).await.unwrap(), [update(7)]);

    store.update_handled(7, now()).await.unwrap();
    assert!(matches!(
        store.update_handled(7, now()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.update_handled(8, now()).await,
        Err(StoreError::NotFound)
    );
    assert_eq!(
        store.unhandled_updates(None, 10).await.unwrap(),
        [update(500)]
    );

    let pruned = store
        .prune_delivered(now() + Duration::hours(24))
        .await
        .unwrap();
    assert_eq!(pruned, 1, "only the handled update goes");
    assert_eq!(
        store.unhandled_updates(None, 10).await.unwrap(),
        [update(500)]
    );
    assert!(store.receive_updates(&[update(7)]).await.unwrap()[0]);
}

/// The sender gets each person's first waiting message only, so their
/// messages keep their order; a retried one waits, a dropped one is gone.
pub async fn contract_messages_are_claimed_first_of_each_recipient_and_retried(
    store: Arc<dyn Store>,
) {
    let lease = Duration::seconds(60);
    let queued = store
        .queue_messages(
            &[message(1, "one"), message(1, "two"), message(2, "three")],
            now(),
            None,
        )
        .await
        .unwrap();
    assert!(queued.is_empty(), "nothing claimed without a claim");
    assert_eq!(store.next_message_at().await.unwrap(), Some(now()));

    let claimed = store.claim_messages(now(), lease, 10).await.unwrap();
    assert_eq!(keys(&claimed), [(1, "one".into()), (2, "three".into())]);
    assert!(
        store
            .claim_messages(now(), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );

    store.message_sent(claimed[0].id, now()).await.unwrap();
    let retry_at = now() + Duration::seconds(8);
    store
        .retry_message(claimed[1].id, retry_at, Some("502 Bad Gateway".into()))
        .await
        .unwrap();
    let second = store.claim_messages(now(), lease, 10).await.unwrap();
    assert_eq!(keys(&second), [(1, "two".into())]);
    assert!(
        store
            .claim_messages(now(), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let again = store.claim_messages(retry_at, lease, 10).await.unwrap();
    assert_eq!(keys(&again), [(2, "three".into())]);
    assert_eq!(again[0].attempts, 1, "the failed attempt counts");
    assert_eq!(again[0].queued_at, now());
    store
        .drop_message(again[0].id, retry_at, "403 blocked")
        .await
        .unwrap();
    store.message_sent(second[0].id, now()).await.unwrap();
    let later = retry_at + Duration::hours(1);
    assert!(
        store
            .claim_messages(later, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.next_message_at().await.unwrap(), None);
    assert_eq!(
        store
            .prune_delivered(now() + Duration::hours(1))
            .await
            .unwrap(),
        3
    );
}

/// A claim expires with its lease; a release does not count an attempt.
pub async fn contract_an_expired_message_lease_is_claimed_again(store: Arc<dyn Store>) {
    let lease = Duration::seconds(60);
    store
        .queue_messages(&[message(1, "one")], now(), None)
        .await
        .unwrap();
    let claimed = store.claim_messages(now(), lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let after_lease = now() + lease;
    let again = store.claim_messages(after_lease, lease, 10).await.unwrap();
    assert_eq!(keys(&again), [(1, "one".into())]);
    store
        .retry_message(again[0].id, after_lease, None)
        .await
        .unwrap();
    let released = store.claim_messages(after_lease, lease, 10).await.unwrap();
    assert_eq!(released[0].attempts, 0, "a release is not an attempt");
}

/// Messages marked sent at one moment are each marked, none lost to the
/// others; marking a message that is not there is refused, and only it.
pub async fn contract_messages_marked_sent_at_once_are_each_marked(store: Arc<dyn Store>) {
    let lease = Duration::seconds(60);
    let queued: Vec<Outgoing> = (1..=6).map(|to| message(to, "hello")).collect();
    store.queue_messages(&queued, now(), None).await.unwrap();
    let claimed = store.claim_messages(now(), lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 6);
    let unknown = OutgoingId(claimed.iter().map(|m| m.id.0).max().unwrap_or(0) + 1_000);

    let marks = claimed
        .iter()
        .map(|m| m.id)
        .chain([unknown])
        .map(|id| store.message_sent(id, now()));
    let outcomes = futures::future::join_all(marks).await;

    assert!(outcomes[..6].iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(outcomes[6], Err(StoreError::NotFound));
    let after_lease = now() + lease;
    assert!(
        store
            .claim_messages(after_lease, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "a message marked sent is never sent again"
    );
}

/// Answers queued with a claim come back claimed for the fast path, unless
/// something of the same person waits before them.
pub async fn contract_answers_are_claimed_at_once_unless_older_messages_wait(
    store: Arc<dyn Store>,
) {
    let claim = Some(Duration::seconds(60));
    let answers = store
        .queue_messages(&[message(1, "a"), message(1, "b")], now(), claim)
        .await
        .unwrap();
    assert_eq!(keys(&answers), [(1, "a".into()), (1, "b".into())]);
    let behind = store
        .queue_messages(&[message(1, "c"), message(2, "d")], now(), claim)
        .await
        .unwrap();
    assert_eq!(
        keys(&behind),
        [(2, "d".into())],
        "c waits behind a and b, which are not sent yet"
    );
    assert!(
        store
            .claim_messages(now(), Duration::seconds(60), 10)
            .await
            .unwrap()
            .is_empty(),
        "claimed answers are not claimed twice, and c waits behind them"
    );
    for queued in answers {
        store.message_sent(queued.id, now()).await.unwrap();
    }
    let next = store
        .claim_messages(now(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(keys(&next), [(1, "c".into())]);
}

/// What a unit of work writes is there after a commit, and gone after a
/// rollback or when it is dropped; it reads its own writes.
pub async fn contract_a_transaction_commits_all_or_nothing(store: Arc<dyn Store>) {
    store
        .receive_updates(&[update(1), update(2)])
        .await
        .unwrap();

    let rolled_back = store.begin().await.unwrap();
    rolled_back.insert_user(&manager(1, 0)).await.unwrap();
    rolled_back.update_handled(1, now()).await.unwrap();
    assert!(rolled_back.user(UserId(1)).await.unwrap().is_some());
    rolled_back.rollback().await;
    assert_eq!(store.user(UserId(1)).await.unwrap(), None);
    assert_eq!(store.unhandled_updates(None, 10).await.unwrap().len(), 2);

    let dropped = store.begin().await.unwrap();
    dropped.insert_user(&manager(2, 0)).await.unwrap();
    drop(dropped);

    let committed = store.begin().await.unwrap();
    committed.insert_user(&manager(3, 0)).await.unwrap();
    committed
        .queue_messages(&[message(3, "welcome")], now(), None)
        .await
        .unwrap();
    committed.update_handled(2, now()).await.unwrap();
    committed.commit().await.unwrap();
    assert!(!committed.failed());

    assert_eq!(store.user(UserId(2)).await.unwrap(), None);
    assert!(store.user(UserId(3)).await.unwrap().is_some());
    assert_eq!(
        store.unhandled_updates(None, 10).await.unwrap(),
        [update(1)]
    );
    let claimed = store
        .claim_messages(now(), Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(keys(&claimed), [(3, "welcome".into())]);
}

/// A write refused by the store's own rules (a known id) fails alone: the
/// unit of work goes on and commits what else it did.
pub async fn contract_a_refused_write_leaves_the_transaction_usable(store: Arc<dyn Store>) {
    store.insert_user(&manager(1, 0)).await.unwrap();
    let unit = store.begin().await.unwrap();
    unit.insert_user(&manager(2, 0)).await.unwrap();
    assert_eq!(
        unit.insert_user(&manager(1, 5)).await,
        Err(StoreError::AlreadyExists)
    );
    assert!(!unit.failed(), "a refusal is not a database failure");
    unit.save_dialog(UserId(2), Some("{}".into()))
        .await
        .unwrap();
    unit.commit().await.unwrap();
    assert!(store.user(UserId(2)).await.unwrap().is_some());
    assert_eq!(
        store.dialog(UserId(2)).await.unwrap().as_deref(),
        Some("{}")
    );
}

/// Units of work running at once each commit whole: none loses another's
/// writes, and one rolled back undoes only its own.
pub async fn contract_transactions_at_once_keep_each_others_writes(store: Arc<dyn Store>) {
    let units = (1..=12).map(|id| {
        let store = store.clone();
        tokio::spawn(async move {
            let unit = store.begin().await.unwrap();
            unit.insert_user(&manager(id, id)).await.unwrap();
            unit.save_dialog(UserId(id), Some(format!("{id}")))
                .await
                .unwrap();
            tokio::task::yield_now().await;
            if id % 3 == 0 {
                unit.rollback().await;
            } else {
                unit.commit().await.unwrap();
            }
        })
    });
    for unit in units.collect::<Vec<_>>() {
        unit.await.expect("a unit of work panicked");
    }
    for id in 1..=12 {
        let kept = id % 3 != 0;
        assert_eq!(
            store.user(UserId(id)).await.unwrap().is_some(),
            kept,
            "user {id}"
        );
        assert_eq!(
            store.dialog(UserId(id)).await.unwrap(),
            kept.then(|| format!("{id}")),
            "dialog {id}"
        );
    }
}
