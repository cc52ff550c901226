//! Sentences instead of buttons, end to end over the in-memory adapters
//! and the offline interpreter: a person writes what they want and gets
//! the screen the buttons lead to, with every rule applied; what the
//! sentence left out is asked, also across a restart. The clock stands on
//! Monday 2030-01-07 12:00 in Moscow; the default settings are weekdays
//! 10:00–18:00, half-hour steps, meetings of 30, 60, 90 and 120 minutes.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use meetbot_domain::{Language, MeetingStatus, UserId};
use meetbot_ports::{MeetingQuery, Store};
use meetbot_testkit::{OWNER, World, moscow};
use meetbot_usecases::chat::Event;
use meetbot_usecases::chat::dialog::{self, Dialog};

const ANNA: UserId = UserId(1);
const BORIS: UserId = UserId(2);

/// Anna and Boris are approved managers.
async fn world() -> World {
    World::with_managers(&[ANNA, BORIS]).await
}

async fn meetings(world: &World) -> Vec<meetbot_domain::Meeting> {
    world.store.meetings(MeetingQuery::default()).await.unwrap()
}

#[tokio::test]
async fn nl_booking_a_sentence_leads_to_the_confirmation_and_confirm_books_it_with_reminders() {
    let world = world().await;

    world
        .say(ANNA, "запиши меня на завтра в 10 на час про бюджет")
        .await;

    let confirmation = world.last(ANNA);
    assert!(confirmation.contains("Записать вас"), "{confirmation}");
    assert!(
        confirmation.contains("10:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
    assert!(confirmation.contains("бюджет"), "{confirmation}");
    let buttons = world.buttons(ANNA);
    assert_eq!(buttons.len(), 3, "{buttons:?}");
    assert!(buttons[0].contains("Подтвердить") && buttons[1].contains("Изменить"));
    assert!(
        meetings(&world).await.is_empty(),
        "nothing is booked before Confirm"
    );

    world.press_labelled(ANNA, "Подтвердить").await;

    let meetings = meetings(&world).await;
    assert_eq!(meetings.len(), 1);
    let meeting = &meetings[0];
    assert_eq!(meeting.status, MeetingStatus::Scheduled);
    assert_eq!(meeting.booker, ANNA);
    assert_eq!(meeting.interval.start(), moscow(8, 10, 0));
    assert_eq!(meeting.interval.duration().num_minutes(), 60);
    assert_eq!(meeting.topic.as_ref().unwrap().as_str(), "бюджет");
    let reminders = world.store.reminders_of(meeting.id).await.unwrap();
    assert!(!reminders.is_empty(), "the booking has its reminders");
    assert!(
        world.last(ANNA).contains("Вы записаны"),
        "{}",
        world.last(ANNA)
    );
}

#[tokio::test]
async fn nl_booking_without_a_length_takes_the_default_type_and_change_opens_the_day() {
    let world = world().await;

    world.say(ANNA, "встреча в среду в 15:00").await;

    assert!(world.last(ANNA).contains("30 мин"), "{}", world.last(ANNA));
    world.press_labelled(ANNA, "Изменить").await;
    world.press_labelled(ANNA, "16:00").await;
    let confirmation = world.last(ANNA);
    assert!(
        confirmation.contains("16:00") && confirmation.contains("30 мин"),
        "the changed time goes straight to the confirmation: {confirmation}"
    );
    world.press_labelled(ANNA, "Подтвердить").await;
    assert_eq!(meetings(&world).await[0].interval.start(), moscow(9, 16, 0));
}

#[tokio::test]
async fn nl_booking_a_length_that_is_no_meeting_type_offers_the_nearest_types() {
    let world = world().await;

    world.say(ANNA, "завтра в 11 на 45 минут").await;

    assert_eq!(world.buttons(ANNA)[..2], ["30 min", "1 h"]);
    world.press_labelled(ANNA, "1 h").await;
    let confirmation = world.last(ANNA);
    assert!(
        confirmation.contains("11:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
}

#[tokio::test]
async fn nl_booking_of_a_taken_time_says_why_and_offers_the_nearest_free_times_that_day() {
    let world = world().await;
    world
        .book(BORIS, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();

    world.say(ANNA, "завтра в 10").await;

    let sent = world.messenger.sent_to(ANNA);
    let texts: Vec<String> = sent
        .iter()
        .map(|m| world.translator.screen(m.language, &m.screen).text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("заня")),
        "the reason comes first: {texts:?}"
    );
    let offered = world.buttons(ANNA);
    assert!(offered.contains(&"11:00".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"10:00".to_owned()), "{offered:?}");

    world.press_labelled(ANNA, "11:00").await;
    assert!(
        world.last(ANNA).contains("Записать вас"),
        "{}",
        world.last(ANNA)
    );
    world.press_labelled(ANNA, "Подтвердить").await;
    assert_eq!(meetings(&world).await.len(), 2);
}

#[tokio::test]
async fn nl_booking_outside_working_hours_or_too_soon_is_refused_before_the_confirmation() {
    let world = world().await;

    world.say(ANNA, "завтра в 20:00").await;
    let sent = world.messenger.keys_sent_to(ANNA);
    assert!(
        sent.contains(&"error-slot-outside-hours".to_owned()),
        "{sent:?}"
    );

    world.messenger.clear();
    world.say(ANNA, "сегодня в 12:30").await;
    let sent = world.messenger.keys_sent_to(ANNA);
    assert!(
        sent.contains(&"error-slot-inside-notice".to_owned()),
        "{sent:?}"
    );
    assert!(meetings(&world).await.is_empty());
}

#[tokio::test]
async fn nl_clarify_a_request_without_a_time_asks_for_it_and_the_answer_completes_it() {
    let world = world().await;

    world.say(ANNA, "встреча завтра на час").await;

    assert!(
        world.last(ANNA).contains("На какое время?"),
        "{}",
        world.last(ANNA)
    );
    assert!(matches!(
        dialog::load(&world.services, ANNA).await.unwrap(),
        Some(Dialog::Clarify { .. })
    ));

    world.say(ANNA, "в 11").await;

    let confirmation = world.last(ANNA);
    assert!(
        confirmation.contains("11:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
    assert!(confirmation.contains("8 января"), "{confirmation}");
}

#[tokio::test]
async fn nl_clarify_the_question_survives_a_restart() {
    let world = world().await;
    world.say(ANNA, "book a meeting tomorrow").await;
    assert!(world.last(ANNA).contains("На какое время?"));

    // A restart: the same store, everything else new.
    let restarted = world.restarted();
    restarted.say(ANNA, "в 14:30").await;

    let confirmation = restarted.last(ANNA);
    assert!(
        confirmation.contains("Записать вас") && confirmation.contains("14:30"),
        "{confirmation}"
    );
    restarted.press_labelled(ANNA, "Подтвердить").await;
    assert_eq!(
        meetings(&world).await[0].interval.start(),
        moscow(8, 14, 30)
    );
}

#[tokio::test]
async fn nl_query_lists_the_persons_meetings_of_that_day_and_the_owner_sees_everybodys() {
    let world = world().await;
    world
        .book(ANNA, moscow(8, 10, 0), "m60", Some("завтрашняя"))
        .await
        .unwrap();
    world
        .book(ANNA, moscow(11, 11, 0), "m30", Some("пятничная"))
        .await
        .unwrap();
    world
        .book(BORIS, moscow(8, 15, 0), "m30", Some("чужая"))
        .await
        .unwrap();

    world.say(ANNA, "что у меня на завтра?").await;

    let list = world.last(ANNA);
    assert!(list.contains("завтрашняя"), "{list}");
    assert!(
        !list.contains("пятничная") && !list.contains("чужая"),
        "{list}"
    );

    world.say(OWNER, "мои встречи на этой неделе").await;
    let all = world.last(OWNER);
    for topic in ["завтрашняя", "пятничная", "чужая"] {
        assert!(all.contains(topic), "{all}");
    }
}

#[tokio::test]
async fn nl_free_shows_the_free_times_of_a_day_and_of_a_week_as_buttons() {
    let world = world().await;
    world
        .book(BORIS, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();

    world.say(ANNA, "свободные окна завтра").await;

    let times = world.buttons(ANNA);
    assert!(times.contains(&"11:00".to_owned()), "{times:?}");
    assert!(
        !times.contains(&"10:00".to_owned()) && !times.contains(&"10:30".to_owned()),
        "{times:?}"
    );
    world.press_labelled(ANNA, "11:00").await;
    assert!(
        world.last(ANNA).contains("Тема встречи"),
        "a free time starts a booking"
    );

    world.say(BORIS, "есть ли время на следующей неделе").await;
    let week = world.buttons(BORIS);
    assert!(week.iter().any(|b| b.contains("14 января")), "{week:?}");
    assert!(week.contains(&"10:00".to_owned()), "{week:?}");
}

#[tokio::test]
async fn nl_move_confirms_the_move_of_the_one_meeting_meant_and_asks_which_when_several() {
    let world = world().await;
    let thursday = world
        .book(ANNA, moscow(10, 10, 0), "m60", Some("планёрка"))
        .await
        .unwrap();

    world.say(ANNA, "перенеси встречу в четверг на 15:00").await;

    let confirmation = world.last(ANNA);
    assert!(confirmation.contains("15:00"), "{confirmation}");
    assert_eq!(
        world.messenger.sent_to(ANNA).last().unwrap().screen.key(),
        "confirm-reschedule"
    );
    world.press_labelled(ANNA, "Подтвердить").await;
    let meetings = meetings(&world).await;
    let old = meetings.iter().find(|m| m.id == thursday.id).unwrap();
    assert_eq!(old.status, MeetingStatus::Rescheduled);
    let new = meetings
        .iter()
        .find(|m| m.status == MeetingStatus::Scheduled)
        .unwrap();
    assert_eq!(new.interval.start(), moscow(10, 15, 0));
    assert_eq!(new.topic.as_ref().unwrap().as_str(), "планёрка");

    // Two meetings ahead and a sentence that does not say which.
    world
        .book(ANNA, moscow(11, 11, 0), "m30", None)
        .await
        .unwrap();
    world.say(ANNA, "перенеси встречу на 16:00").await;
    assert!(
        world.last(ANNA).contains("Какую встречу?"),
        "{}",
        world.last(ANNA)
    );
    world.press_labelled(ANNA, "11 января").await;
    let confirmation = world.last(ANNA);
    assert!(
        confirmation.contains("11 января") && confirmation.contains("16:00"),
        "{confirmation}"
    );
}

#[tokio::test]
async fn nl_cancel_always_asks_to_confirm_before_cancelling() {
    let world = world().await;
    let meeting = world
        .book(ANNA, moscow(10, 10, 0), "m60", None)
        .await
        .unwrap();

    world.say(ANNA, "отмени встречу в четверг").await;

    assert_eq!(
        world.messenger.sent_to(ANNA).last().unwrap().screen.key(),
        "confirm-cancel"
    );
    assert_eq!(
        meetings(&world).await[0].status,
        MeetingStatus::Scheduled,
        "not cancelled before the confirmation"
    );
    world.press_labelled(ANNA, "Да, отменить").await;
    let cancelled = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);

    world.say(ANNA, "cancel my meeting on Friday").await;
    assert!(
        world.last(ANNA).contains("Не нашёл"),
        "{}",
        world.last(ANNA)
    );
}

#[tokio::test]
async fn nl_refusals_and_noise_get_a_reason_or_the_short_help_never_a_guess() {
    let world = world().await;

    world.say(ANNA, "завтра в 25:00").await;
    assert!(world.last(ANNA).contains("Такого времени нет"));

    for noise in ["привет", "12:00", "а", &"ы".repeat(5000)] {
        world.say(ANNA, noise).await;
        let answer = world.last(ANNA);
        assert!(
            answer.contains("Не понял") || answer.contains("Слишком длинно"),
            "{noise:.20}: {answer}"
        );
    }
    assert!(meetings(&world).await.is_empty());
}

#[tokio::test]
async fn voice_a_transcript_is_shown_back_and_handled_like_text() {
    let world = world().await;

    world
        .event(ANNA, Event::Voice(Some("завтра в 10 на час".into())))
        .await;

    let keys = world.messenger.keys_sent_to(ANNA);
    assert_eq!(keys, ["voice-heard", "confirm-booking"]);
    let heard = world.messenger.sent_to(ANNA)[0].screen.clone();
    let heard = world.translator.screen(Language::Ru, &heard).text;
    assert_eq!(heard, "🎤 завтра в 10 на час");
}

#[tokio::test]
async fn voice_that_could_not_be_heard_gets_the_note_that_text_works() {
    let world = world().await;

    world.event(ANNA, Event::Voice(None)).await;

    let note = world.last(ANNA);
    assert!(note.contains("напишите текстом"), "{note}");
}

/// Where "завтра в …" lands for ANNA living in `zone` when she writes it
/// at `now`: she writes, confirms, and the booked meeting's start is read.
async fn booked_from_a_sentence(
    zone: &str,
    now: chrono::DateTime<chrono::Utc>,
    text: &str,
) -> chrono::DateTime<chrono::Utc> {
    let world = World::with_managers(&[ANNA]).await;
    let mut anna = world.store.user(ANNA).await.unwrap().unwrap();
    anna.zone = meetbot_domain::Zone::parse(zone).unwrap();
    world.store.update_user(&anna).await.unwrap();
    world.clock.set(now);

    world.say(ANNA, text).await;
    world.press_labelled(ANNA, "Подтвердить").await;

    let booked = meetings(&world).await;
    assert_eq!(booked.len(), 1, "{}", world.last(ANNA));
    booked[0].interval.start()
}

#[tokio::test]
async fn nl_zone_tomorrow_is_the_next_day_in_the_persons_own_zone_around_each_midnight() {
    let utc = |day: u32, hour: u32, minute: u32| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2030, 1, day, hour, minute, 0).unwrap()
    };
    // Vladivostok is UTC+10 and Moscow UTC+3 all year; the owner's working
    // hours are 10:00–18:00 Moscow, so 17:00 in Vladivostok is 10:00 there.
    let vladivostok = "Asia/Vladivostok";
    let before_midnight_there = utc(7, 13, 30); // Monday 23:30 in Vladivostok
    let after_midnight_there = utc(7, 14, 30); // Tuesday 00:30 in Vladivostok
    let before_midnight_in_moscow = utc(7, 20, 30); // Monday 23:30 in Moscow
    let after_midnight_in_moscow = utc(7, 21, 30); // Tuesday 00:30 in Moscow

    assert_eq!(
        booked_from_a_sentence(vladivostok, before_midnight_there, "завтра в 17 на час").await,
        utc(8, 7, 0)
    );
    assert_eq!(
        booked_from_a_sentence(vladivostok, after_midnight_there, "завтра в 17 на час").await,
        utc(9, 7, 0)
    );
    assert_eq!(
        booked_from_a_sentence(
            "Europe/Moscow",
            before_midnight_in_moscow,
            "завтра в 10 на час"
        )
        .await,
        utc(8, 7, 0)
    );
    assert_eq!(
        booked_from_a_sentence(
            "Europe/Moscow",
            after_midnight_in_moscow,
            "завтра в 10 на час"
        )
        .await,
        utc(9, 7, 0)
    );
}
