//! The .ics files people get with a booking and its cancellation, and the
//! owner's export, against the event the owner's calendar holds: the same
//! UID everywhere, an ORGANIZER in every file, and a title that names the
//! other side of the meeting.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up or assertion is the report"
)]

use std::sync::Arc;

use icalendar::Component;
use meetbot_caldav::resource_name;
use meetbot_domain::{Email, UserId};
use meetbot_google_calendar::GoogleCalendar;
use meetbot_ports::{Calendar, Clock, MeetingQuery, Store};
use meetbot_testkit::caldav::{fresh_calendar, radicale, resource_text};
use meetbot_testkit::google::{CALENDAR_ID, FakeGoogle};
use meetbot_testkit::{OWNER, World};
use meetbot_usecases::calendar_sync;

const ANNA: UserId = UserId(1);

/// The owner with `boss@example.com` configured and Anna an approved
/// manager, over `calendar`.
async fn world_over(calendar: Arc<dyn Calendar>) -> World {
    let mut world = World::new()
        .named(|id| format!("Anna{}", id.0))
        .with_calendar(calendar)
        .approved(&[ANNA])
        .await;
    world.services.owner_email = Some(Email::new("boss@example.com").unwrap());
    world
}

/// The text of the last file `who` was sent.
fn last_file(world: &World, who: UserId) -> String {
    let file = world
        .messenger
        .sent_to(who)
        .into_iter()
        .rev()
        .find_map(|m| m.screen.attachment)
        .unwrap();
    String::from_utf8(file.bytes).unwrap()
}

/// The one event of an .ics file.
fn only_event(text: &str) -> icalendar::Event {
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let mut events = calendar.events();
    let event = events.next().unwrap().clone();
    assert!(events.next().is_none(), "{text}");
    event
}

fn organizer(event: &icalendar::Event) -> String {
    event
        .property_value("ORGANIZER")
        .unwrap_or_default()
        .to_owned()
}

/// Anna books, gets her invitation, the outbox writes the owner's event;
/// she cancels and gets the cancellation. Returns both files.
async fn book_and_cancel(world: &World, written: impl AsyncFn() -> String) -> (String, String) {
    world.pick(ANNA, "60 мин", "🟢9", "10:00", None).await;
    world.press_labelled(ANNA, "Подтвердить").await;
    world.deliver().await;
    let invite = last_file(world, ANNA);
    calendar_sync::drain_once(&world.services, world.clock.now())
        .await
        .unwrap();
    let uid = written().await;
    assert_eq!(
        only_event(&invite).get_uid(),
        Some(uid.as_str()),
        "{invite}"
    );

    world.say(ANNA, "/my").await;
    world.press_labelled(ANNA, "Отменить №1").await;
    world.press_labelled(ANNA, "Да, отменить").await;
    world.deliver().await;
    let cancel = last_file(world, ANNA);
    assert_eq!(
        only_event(&cancel).get_uid(),
        Some(uid.as_str()),
        "{cancel}"
    );
    (invite, cancel)
}

#[tokio::test]
async fn organizer_in_every_ics_and_one_uid_for_the_file_and_the_google_event() {
    let fake = FakeGoogle::start().await;
    let google = GoogleCalendar::new(fake.config(CALENDAR_ID, fake.service_account(None)))
        .await
        .unwrap();
    let world = world_over(Arc::new(google)).await;
    let (invite, cancel) = book_and_cancel(&world, async || {
        fake.events()[0].body["iCalUID"]
            .as_str()
            .unwrap()
            .to_owned()
    })
    .await;

    let event = only_event(&invite);
    assert!(invite.contains("METHOD:REQUEST"), "{invite}");
    assert_eq!(organizer(&event), "mailto:boss@example.com");
    // Anna's own calendar: the meeting is with the owner, not with herself.
    assert_eq!(event.get_summary(), Some("Встреча с Owner"));
    let description = event.get_description().unwrap();
    assert!(description.contains("Тип: 1 h"), "{description}");
    assert!(!description.contains("m60"), "{description}");
    assert!(
        !description.contains("Тема"),
        "no topic, no empty line: {description}"
    );

    let event = only_event(&cancel);
    assert!(cancel.contains("METHOD:CANCEL"), "{cancel}");
    assert_eq!(organizer(&event), "mailto:boss@example.com");
    assert_eq!(event.get_sequence(), Some(1));

    // The owner's export: every event with its organizer, the cancelled
    // meeting with the SEQUENCE its cancellation had.
    world.say(OWNER, "/export 01.01 31.01").await;
    world.deliver().await;
    let export = world
        .messenger
        .sent_to(OWNER)
        .into_iter()
        .filter_map(|m| m.screen.attachment)
        .find(|a| a.file_name.ends_with(".ics"))
        .unwrap();
    let export = String::from_utf8(export.bytes).unwrap();
    let only = only_event(&export);
    assert_eq!(organizer(&only), "mailto:boss@example.com");
    assert_eq!(only.get_sequence(), Some(1));
    assert_eq!(only.get_summary(), Some("Встреча с Anna1"));
    assert_eq!(only.get_uid(), only_event(&invite).get_uid());
}

#[tokio::test]
async fn organizer_in_every_ics_and_one_uid_for_the_file_and_the_caldav_event() {
    let Some(server) = radicale() else { return };
    let calendar = Arc::new(fresh_calendar(server).await);
    let world = world_over(calendar.clone()).await;
    let install = world.services.install.clone();
    let (invite, cancel) = book_and_cancel(&world, async || {
        let booked = world.store.meetings(MeetingQuery::default()).await.unwrap();
        let name = resource_name(&install.key(booked[0].id));
        let stored = resource_text(&calendar, &name).await;
        only_event(&stored).get_uid().unwrap().to_owned()
    })
    .await;
    for file in [&invite, &cancel] {
        assert_eq!(organizer(&only_event(file)), "mailto:boss@example.com");
    }
}

#[tokio::test]
async fn organizer_without_any_address_is_still_named() {
    let world = World::new()
        .named(|id| format!("Anna{}", id.0))
        .approved(&[ANNA])
        .await;
    world
        .pick(ANNA, "60 мин", "🟢9", "10:00", Some("Бюджет"))
        .await;
    world.press_labelled(ANNA, "Подтвердить").await;
    world.deliver().await;
    let invite = last_file(&world, ANNA);
    let event = only_event(&invite);
    assert_eq!(organizer(&event), "mailto:owner@meetbot.invalid");
    assert!(invite.contains("ORGANIZER;CN=Owner:"), "{invite}");
    assert!(event.get_description().unwrap().contains("Тема: Бюджет"));
}

#[tokio::test]
async fn ics_feed_address_is_given_by_feed_and_ended_by_feed_off() {
    let world = World::with_managers(&[ANNA]).await;
    let meeting = world
        .book(ANNA, meetbot_testkit::moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    world.say(ANNA, "/feed").await;
    let text = world.last(ANNA);
    let prefix = format!("{}/feed/", meetbot_testkit::services::FEED_BASE);
    let start = text.find(&prefix).unwrap() + prefix.len();
    let token = &text[start..start + 32];
    assert!(
        text.contains(&format!("webcal://bot.example.org/feed/{token}.ics")),
        "{text}"
    );
    let feed = meetbot_usecases::feed::feed(&world.services, token)
        .await
        .unwrap()
        .unwrap();
    assert!(
        feed.contains(&world.services.event_uid(meeting.id)),
        "{feed}"
    );

    world.say(ANNA, "/feed off").await;
    assert!(world.last(ANNA).contains("закрыт"), "{}", world.last(ANNA));
    assert_eq!(
        meetbot_usecases::feed::feed(&world.services, token)
            .await
            .unwrap(),
        None
    );
    world.say(ANNA, "/feed please").await;
    assert!(
        world.last(ANNA).contains("/feed off"),
        "{}",
        world.last(ANNA)
    );

    let mut unset = World::with_managers(&[ANNA]).await;
    unset.services.feed_base = None;
    unset.say(ANNA, "/feed").await;
    assert!(
        unset.last(ANNA).contains("http.public_url"),
        "{}",
        unset.last(ANNA)
    );
}
