//! Use cases against mocked ports: exactly which calls they make.
#![expect(
    clippy::unwrap_used,
    reason = "a test reports a broken step by panicking"
)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use meetbot_domain::{DisplayName, Language, Role, Status, User, UserId, Zone};
use meetbot_ports::{
    MessageRef, MockCalendar, MockClock, MockMessenger, MockStore, OutgoingId, QueuedMessage,
    StoreError,
};
use meetbot_usecases::{Services, UseCaseError, registration};
use mockall::predicate::eq;

fn user(id: i64, role: Role) -> User {
    User {
        id: UserId(id),
        name: DisplayName::new("Анна").unwrap(),
        username: None,
        role,
        status: Status::Active,
        department: None,
        email: None,
        language: Language::En,
        zone: Zone::moscow(),
        subscribed: true,
        registered_at: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        unreachable_since: None,
    }
}

fn services(store: MockStore, messenger: MockMessenger) -> Services {
    let mut clock = MockClock::new();
    clock
        .expect_now()
        .returning(|| Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0).unwrap());
    meetbot_testkit::services()
        .store(Arc::new(store))
        .calendar(Arc::new(MockCalendar::new()))
        .messenger(Arc::new(messenger))
        .clock(Arc::new(clock))
        .owner_ids(vec![UserId(100)])
        .build()
}

#[tokio::test]
async fn approving_changes_the_role_conditionally_audits_and_tells_the_person_in_their_language() {
    let mut store = MockStore::new();
    store
        .expect_user()
        .with(eq(UserId(100)))
        .returning(|_| Ok(Some(user(100, Role::Owner))));
    store
        .expect_change_role()
        .with(eq(UserId(1)), eq(Role::Pending), eq(Role::Manager))
        .times(1)
        .returning(|_, _, _| Ok(user(1, Role::Manager)));
    store.expect_append_audit().times(1).returning(|_| Ok(()));
    // The message and the menu go through the outbox, claimed at once.
    store
        .expect_queue_messages()
        .times(2)
        .returning(|messages, now, _| {
            Ok(messages
                .iter()
                .zip(1..)
                .map(|(message, id)| QueuedMessage {
                    id: OutgoingId(id),
                    message: message.clone(),
                    attempts: 0,
                    queued_at: now,
                })
                .collect())
        });
    store
        .expect_message_sent()
        .times(2)
        .returning(|_, _| Ok(()));
    let mut messenger = MockMessenger::new();
    messenger
        .expect_send()
        .withf(|to, language, screen| {
            *to == UserId(1) && *language == Language::En && screen.key() == "registration-approved"
        })
        .times(1)
        .returning(|to, _, _| {
            Ok(MessageRef {
                chat: to,
                message_id: 1,
            })
        });

    messenger
        .expect_set_menu()
        .withf(|to, _, commands| *to == UserId(1) && commands.iter().any(|c| c.name == "book"))
        .times(1)
        .returning(|_, _, _| Ok(()));

    let approved = registration::approve(&services(store, messenger), UserId(100), UserId(1))
        .await
        .unwrap();
    assert_eq!(approved.role, Role::Manager);
}

#[tokio::test]
async fn a_store_failure_during_approval_tells_nobody_and_is_reported() {
    let mut store = MockStore::new();
    store
        .expect_user()
        .returning(|_| Ok(Some(user(100, Role::Owner))));
    store
        .expect_change_role()
        .returning(|_, _, _| Err(StoreError::Unexpected("disk full".into())));
    let messenger = MockMessenger::new(); // any send would panic: none is expected

    let result = registration::approve(&services(store, messenger), UserId(100), UserId(1)).await;
    assert_eq!(
        result,
        Err(UseCaseError::Store(StoreError::Unexpected(
            "disk full".into()
        )))
    );
    assert_eq!(result.unwrap_err().text_key(), "error-try-later");
}

#[tokio::test]
async fn a_manager_pressing_approve_is_refused_audited_and_nothing_else_happens() {
    let mut store = MockStore::new();
    store
        .expect_user()
        .returning(|_| Ok(Some(user(1, Role::Manager))));
    store
        .expect_append_audit()
        .withf(|event| event.action == meetbot_domain::AuditAction::PermissionDenied)
        .times(1)
        .returning(|_| Ok(()));
    store.expect_change_role().never();

    let result =
        registration::approve(&services(store, MockMessenger::new()), UserId(1), UserId(2)).await;
    assert_eq!(
        result,
        Err(UseCaseError::Denied(meetbot_domain::Denial::OwnerOnly))
    );
}
