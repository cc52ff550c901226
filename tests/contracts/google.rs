//! The Google Calendar adapter against a fake Google on 127.0.0.1: the
//! Calendar contract, both sign-in flows, ids, Meet links and errors.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up or assertion is the report"
)]

use std::sync::Arc;

use chrono::Duration;
use meetbot_domain::Interval;
use meetbot_google_calendar::{GoogleCalendar, GoogleConfig, GoogleCredentials, event_id};
use meetbot_ports::contract::calendar::{event, hour_at, key, now};
use meetbot_ports::{Calendar, CalendarError};
use meetbot_testkit::google::{self as google_fake, CALENDAR_ID, CLIENT_EMAIL, FakeGoogle};
use secrecy::SecretString;

/// The adapter signed in as the fake's service account.
async fn service_account(fake: &FakeGoogle, subject: Option<&str>) -> GoogleCalendar {
    GoogleCalendar::new(fake.config(CALENDAR_ID, fake.service_account(subject)))
        .await
        .unwrap()
}

/// The adapter signed in with OAuth user credentials.
async fn authorized_user(fake: &FakeGoogle, refresh_token: &str) -> GoogleCalendar {
    let credentials = GoogleCredentials::AuthorizedUser {
        client_id: "client-id".into(),
        client_secret: SecretString::from("client-secret"),
        refresh_token: SecretString::from(refresh_token.to_owned()),
    };
    GoogleCalendar::new(fake.config(CALENDAR_ID, credentials))
        .await
        .unwrap()
}

meetbot_ports::calendar_contract_tests!(async {
    let fake = FakeGoogle::start().await;
    Some(Arc::new(service_account(&fake, None).await) as Arc<dyn Calendar>)
});

mod contract_with_user_credentials {
    use super::*;

    meetbot_ports::calendar_contract_tests!(async {
        let fake = FakeGoogle::start().await;
        Some(Arc::new(authorized_user(&fake, "test-refresh-token").await) as Arc<dyn Calendar>)
    });
}

fn around_now() -> Interval {
    Interval::new(now() - Duration::days(1), now() + Duration::days(2)).unwrap()
}

#[tokio::test]
async fn google_service_account_signs_a_jwt_the_token_endpoint_verifies_and_reuses_the_token() {
    let fake = FakeGoogle::start().await;
    let calendar = service_account(&fake, Some("owner@example.com")).await;
    calendar.probe().await.unwrap();
    calendar.upsert_event(&event(1, hour_at(2))).await.unwrap();
    calendar.busy(around_now()).await.unwrap();

    let requests = fake.token_requests();
    assert_eq!(requests.len(), 1, "one token for all calls: {requests:?}");
    assert_eq!(
        requests[0]["grant_type"],
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    );
    let claims = requests[0]["assertion"]
        .as_str()
        .unwrap()
        .split('.')
        .nth(1)
        .unwrap()
        .to_owned();
    let claims: serde_json::Value = serde_json::from_slice(&google_fake::b64url(&claims)).unwrap();
    assert_eq!(claims["iss"], CLIENT_EMAIL);
    assert_eq!(claims["sub"], "owner@example.com");
}

#[tokio::test]
async fn google_user_credentials_refresh_at_the_configured_token_url() {
    let fake = FakeGoogle::start().await;
    let calendar = authorized_user(&fake, "test-refresh-token").await;
    calendar.probe().await.unwrap();
    calendar.probe().await.unwrap();
    let requests = fake.token_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["grant_type"], "refresh_token");
    assert_eq!(requests[0]["client_id"], "client-id");
}

#[tokio::test]
async fn google_a_revoked_refresh_token_is_unauthorised() {
    let fake = FakeGoogle::start().await;
    let calendar = authorized_user(&fake, "revoked").await;
    let error = calendar.probe().await.unwrap_err();
    assert!(
        matches!(error, CalendarError::Unauthorised(ref m) if m.contains("invalid_grant")),
        "{error:?}"
    );
    assert!(matches!(
        calendar.upsert_event(&event(1, hour_at(2))).await,
        Err(CalendarError::Unauthorised(_))
    ));
}

#[tokio::test]
async fn google_event_ids_come_from_the_meeting_id_and_a_retried_insert_patches() {
    let fake = FakeGoogle::start().await;
    let calendar = service_account(&fake, None).await;
    calendar.upsert_event(&event(42, hour_at(2))).await.unwrap();
    // The same job again, as after an answer lost on the way back.
    calendar.upsert_event(&event(42, hour_at(3))).await.unwrap();

    let events = fake.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].id, event_id(&key(42)));
    assert_eq!(events[0].start, hour_at(3).start());
    assert_eq!(fake.inserts(), 1);
    assert_eq!(events[0].body["summary"], "Встреча 42");
    assert_eq!(
        events[0].body["extendedProperties"]["private"]["meetbotMeetingId"],
        "42"
    );
}

#[tokio::test]
async fn google_free_events_do_not_block_and_busy_events_come_back_whole() {
    let fake = FakeGoogle::start().await;
    let calendar = service_account(&fake, None).await;
    let lunch = hour_at(4);
    let reminder = hour_at(6);
    let long = Interval::new(now() + Duration::hours(20), now() + Duration::hours(30)).unwrap();
    fake.add_external_event(lunch.start(), lunch.end(), false);
    fake.add_external_event(reminder.start(), reminder.end(), true);
    fake.add_external_event(long.start(), long.end(), false);

    assert_eq!(
        calendar.busy(around_now()).await.unwrap(),
        vec![lunch, long]
    );
    // Asked for two hours inside the long one, it still comes back whole.
    let inside = Interval::starting_at(now() + Duration::hours(22), Duration::hours(2)).unwrap();
    assert_eq!(calendar.busy(inside).await.unwrap(), vec![long]);
}

#[tokio::test]
async fn google_meet_links_are_requested_with_a_stable_request_id() {
    let fake = FakeGoogle::start().await;
    let mut config = fake.config(CALENDAR_ID, fake.service_account(None));
    config.meet_links = true;
    let calendar = GoogleCalendar::new(config).await.unwrap();
    calendar.upsert_event(&event(5, hour_at(2))).await.unwrap();

    let stored = &fake.events()[0].body;
    assert_eq!(
        stored["conferenceData"]["createRequest"]["requestId"],
        event_id(&key(5))
    );
    assert_eq!(
        stored["conferenceData"]["createRequest"]["conferenceSolutionKey"]["type"],
        "hangoutsMeet"
    );
    assert!(
        stored["hangoutLink"]
            .as_str()
            .unwrap()
            .starts_with("https://meet.google.com/")
    );
}

#[tokio::test]
async fn google_service_accounts_without_delegation_list_attendees_instead_of_inviting() {
    let fake = FakeGoogle::start().await;
    let mut e = event(8, hour_at(2));
    e.attendees = vec!["anna@example.com".into()];

    service_account(&fake, None)
        .await
        .upsert_event(&e)
        .await
        .unwrap();
    let stored = &fake.events()[0].body;
    assert!(stored.get("attendees").is_none());
    assert!(
        stored["description"]
            .as_str()
            .unwrap()
            .contains("anna@example.com")
    );

    let delegated = FakeGoogle::start().await;
    service_account(&delegated, Some("owner@example.com"))
        .await
        .upsert_event(&e)
        .await
        .unwrap();
    assert_eq!(
        delegated.events()[0].body["attendees"][0]["email"],
        "anna@example.com"
    );
}

#[tokio::test]
async fn google_http_failures_map_to_the_port_errors_the_outbox_acts_on() {
    let fake = FakeGoogle::start().await;
    let calendar = service_account(&fake, None).await;
    calendar.probe().await.unwrap();
    let one = event(1, hour_at(2));
    let write = || calendar.upsert_event(&one);

    fake.fail_next(1, 500);
    assert!(matches!(write().await, Err(CalendarError::Unavailable(_))));
    fake.fail_next(1, 503);
    assert!(matches!(
        calendar.busy(around_now()).await,
        Err(CalendarError::Unavailable(_))
    ));
    fake.fail_next(1, 401);
    assert!(matches!(write().await, Err(CalendarError::Unauthorised(_))));
    fake.fail_next(1, 403);
    assert!(matches!(write().await, Err(CalendarError::Unauthorised(_))));
    fake.fail_next(1, 429);
    assert_eq!(write().await, Err(CalendarError::RateLimited));
    fake.fail_next(1, 404);
    assert_eq!(calendar.probe().await, Err(CalendarError::NotFound));
    // A cancel that finds nothing is done.
    fake.fail_next(1, 410);
    calendar.cancel_event(&key(1)).await.unwrap();
    write().await.unwrap();
    assert_eq!(fake.events().len(), 1);
}

#[tokio::test]
async fn google_an_unknown_calendar_is_not_found() {
    let fake = FakeGoogle::start().await;
    let config = fake.config("someone-else@example.com", fake.service_account(None));
    let calendar = GoogleCalendar::new(config).await.unwrap();
    assert_eq!(calendar.probe().await, Err(CalendarError::NotFound));
    assert_eq!(
        calendar.busy(around_now()).await,
        Err(CalendarError::NotFound)
    );
}

#[tokio::test]
async fn google_a_key_that_is_not_a_service_account_key_is_refused_at_setup() {
    let config = GoogleConfig::new(
        CALENDAR_ID,
        GoogleCredentials::ServiceAccount {
            key_json: SecretString::from("{\"not\": \"a key\"}"),
            subject: None,
        },
    );
    let error = GoogleCalendar::new(config).await.unwrap_err();
    assert!(error.to_string().contains("service account key"), "{error}");
}

#[tokio::test]
async fn google_a_write_that_leaves_the_event_cancelled_is_not_counted_as_done() {
    let fake = FakeGoogle::start().await;
    let calendar = service_account(&fake, None).await;
    calendar.upsert_event(&event(7, hour_at(2))).await.unwrap();
    calendar.cancel_event(&key(7)).await.unwrap();
    fake.keep_cancelled_events_cancelled();
    // The insert meets the cancelled event's id (409); the patch answers
    // 200 but the event stays cancelled.
    assert!(matches!(
        calendar.upsert_event(&event(7, hour_at(3))).await,
        Err(CalendarError::Conflict(_))
    ));
    assert!(fake.events().is_empty());
}
