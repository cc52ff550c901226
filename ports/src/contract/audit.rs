//! The Store contract on the audit log's queries: the owner reads it page
//! by page, filtered by a person and by kinds of action. Each case gets a
//! fresh, empty store.
#![expect(clippy::unwrap_used, reason = "a failed assertion is the report")]

use std::sync::Arc;

use chrono::Duration;
use meetbot_domain::{AuditAction, AuditEvent, Interval, UserId};

use super::store::now;
use crate::store::{AuditCursor, AuditEntry, AuditId, AuditQuery, Store};

/// Appends events, in order.
async fn append(store: &Arc<dyn Store>, events: Vec<AuditEvent>) {
    for event in events {
        store.append_audit(&event).await.unwrap();
    }
}

/// An event `minutes` after [`now`].
fn event(minutes: i64, actor: Option<i64>, action: AuditAction) -> AuditEvent {
    AuditEvent::new(
        now() + Duration::minutes(minutes),
        actor.map(UserId),
        action,
    )
}

/// The details of each entry: the cases below number their events there.
fn numbers(entries: &[AuditEntry]) -> Vec<String> {
    entries.iter().map(|e| e.event.details.clone()).collect()
}

async fn page(store: &Arc<dyn Store>, query: AuditQuery) -> Vec<AuditEntry> {
    store.audit_log(query).await.unwrap()
}

/// Pages go older from a cursor and newer back to it, each newest first,
/// without losing or repeating an event.
pub async fn contract_the_audit_log_pages_older_and_newer_from_an_id(store: Arc<dyn Store>) {
    append(
        &store,
        (0..25)
            .map(|i| event(i, Some(1), AuditAction::MeetingBooked).with(format!("#{i}")))
            .collect(),
    )
    .await;
    let query = |cursor| AuditQuery {
        cursor,
        ..AuditQuery::newest(10)
    };
    let first = page(&store, query(AuditCursor::Newest)).await;
    assert_eq!(numbers(&first)[..2], ["#24", "#23"]);
    assert_eq!(first.len(), 10);
    let second = page(&store, query(AuditCursor::OlderThan(first[9].id))).await;
    assert_eq!(numbers(&second)[0], "#14");
    let third = page(&store, query(AuditCursor::OlderThan(second[9].id))).await;
    assert_eq!(numbers(&third), ["#4", "#3", "#2", "#1", "#0"]);
    assert!(
        page(&store, query(AuditCursor::OlderThan(third[4].id)))
            .await
            .is_empty()
    );

    let back = page(&store, query(AuditCursor::NewerThan(third[0].id))).await;
    assert_eq!(back, second, "the page before, newest first");
    let top = page(&store, query(AuditCursor::NewerThan(first[5].id))).await;
    assert_eq!(numbers(&top), ["#24", "#23", "#22", "#21", "#20"]);
    assert!(
        page(&store, query(AuditCursor::NewerThan(first[0].id)))
            .await
            .is_empty()
    );
    let ids: Vec<AuditId> = [first, second, third]
        .concat()
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
}

/// A person's entries are those they did and those done to them; a
/// meeting whose id reads like theirs is not theirs.
pub async fn contract_the_audit_log_filters_by_person_as_actor_or_target(store: Arc<dyn Store>) {
    append(
        &store,
        vec![
            event(0, Some(7), AuditAction::Registered).on(7).with("#0"),
            event(1, Some(1), AuditAction::Approved).on(7).with("#1"),
            event(2, Some(1), AuditAction::RoleChanged).on(8).with("#2"),
            event(3, Some(7), AuditAction::MeetingBooked)
                .on(8)
                .with("#3"),
            // Meeting 7, booked by somebody else: not person 7's.
            event(4, Some(8), AuditAction::MeetingBooked)
                .on(7)
                .with("#4"),
            event(5, None, AuditAction::RoleChanged).on(7).with("#5"),
            event(6, Some(7), AuditAction::PermissionDenied)
                .on("change_role")
                .with("#6"),
        ],
    )
    .await;
    let person = |limit, cursor| AuditQuery {
        person: Some(UserId(7)),
        cursor,
        ..AuditQuery::newest(limit)
    };
    let all = page(&store, person(10, AuditCursor::Newest)).await;
    assert_eq!(numbers(&all), ["#6", "#5", "#3", "#1", "#0"]);
    let older = page(&store, person(2, AuditCursor::OlderThan(all[1].id))).await;
    assert_eq!(numbers(&older), ["#3", "#1"]);
    let newer = page(&store, person(2, AuditCursor::NewerThan(all[4].id))).await;
    assert_eq!(numbers(&newer), ["#3", "#1"]);
    assert!(
        page(
            &store,
            AuditQuery {
                person: Some(UserId(9)),
                ..AuditQuery::newest(10)
            }
        )
        .await
        .is_empty()
    );
}

/// Kinds of action and a time range narrow the log, alone and together
/// with a person and a cursor.
pub async fn contract_the_audit_log_filters_by_actions_and_time(store: Arc<dyn Store>) {
    let kinds = [
        AuditAction::MeetingBooked,
        AuditAction::PermissionDenied,
        AuditAction::MeetingCancelled,
        AuditAction::SettingsChanged,
    ];
    append(
        &store,
        (0..12)
            .map(|i| {
                let actor = if i % 2 == 0 { 1 } else { 2 };
                event(i, Some(actor), kinds[i as usize % 4]).with(format!("#{i}"))
            })
            .collect(),
    )
    .await;
    let bookings = vec![AuditAction::MeetingBooked, AuditAction::MeetingCancelled];
    let found = page(
        &store,
        AuditQuery {
            actions: bookings.clone(),
            ..AuditQuery::newest(10)
        },
    )
    .await;
    assert_eq!(numbers(&found), ["#10", "#8", "#6", "#4", "#2", "#0"]);

    let refusals = page(
        &store,
        AuditQuery {
            person: Some(UserId(2)),
            actions: vec![AuditAction::PermissionDenied],
            ..AuditQuery::newest(10)
        },
    )
    .await;
    assert_eq!(numbers(&refusals), ["#9", "#5", "#1"]);

    // From minute 3 up to (not including) minute 9.
    let during = Interval::new(now() + Duration::minutes(3), now() + Duration::minutes(9)).unwrap();
    let ranged = page(
        &store,
        AuditQuery {
            during: Some(during),
            ..AuditQuery::newest(100)
        },
    )
    .await;
    assert_eq!(numbers(&ranged), ["#8", "#7", "#6", "#5", "#4", "#3"]);
    let ranged_page = page(
        &store,
        AuditQuery {
            during: Some(during),
            actions: bookings,
            cursor: AuditCursor::OlderThan(ranged[0].id),
            ..AuditQuery::newest(1)
        },
    )
    .await;
    assert_eq!(numbers(&ranged_page), ["#6"]);
}
