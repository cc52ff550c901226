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

use std::sync::Arc;

use meetbot_domain::{Language, MeetingStatus, UserId};
use meetbot_i18n::Translator;
use meetbot_memory::InMemoryMessenger;
use meetbot_ports::{MeetingQuery, Store};
use meetbot_test_support::world::{OWNER, World, moscow, profile};
use meetbot_usecases::Services;
use meetbot_usecases::chat::dialog::{self, Dialog};
use meetbot_usecases::chat::{self, Event, Incoming};

const ANNA: UserId = UserId(1);
const BORIS: UserId = UserId(2);

struct Chat {
    world: World,
    translator: Translator,
}

impl Chat {
    async fn new() -> Self {
        Self {
            world: World::with_managers(&[ANNA, BORIS]).await,
            translator: Translator::new(),
        }
    }

    async fn event(&self, services: &Services, who: UserId, event: Event) {
        let from = if who == OWNER {
            profile(OWNER, "Owner")
        } else {
            profile(who, &format!("Anna{}", who.0))
        };
        chat::handle(services, Incoming { from, event }).await;
    }

    async fn say(&self, who: UserId, text: &str) {
        self.event(&self.world.services, who, Event::Text(text.into()))
            .await;
    }

    /// Presses the button whose label contains `label` on the latest
    /// message to `who` that has one.
    async fn press(&self, who: UserId, label: &str) {
        press_on(&self.world.messenger, &self.world.services, who, label).await;
    }

    /// The latest message to `who` that carries no file, rendered.
    fn last(&self, who: UserId) -> String {
        last_of(&self.world.messenger, who)
    }

    /// The labels of the buttons on the latest message to `who`.
    fn buttons(&self, who: UserId) -> Vec<String> {
        let sent = self.world.messenger.sent_to(who);
        let message = sent.last().unwrap();
        message
            .screen
            .all_buttons()
            .map(|b| self.translator.text(message.language, &b.label))
            .collect()
    }

    async fn meetings(&self) -> Vec<meetbot_domain::Meeting> {
        self.world
            .store
            .meetings(MeetingQuery::default())
            .await
            .unwrap()
    }
}

async fn press_on(messenger: &InMemoryMessenger, services: &Services, who: UserId, label: &str) {
    let translator = Translator::new();
    let sent = messenger.sent_to(who);
    let found = sent.iter().rev().find_map(|m| {
        m.screen.all_buttons().find_map(|b| {
            translator
                .text(m.language, &b.label)
                .contains(label)
                .then(|| (b.data.clone(), m.message))
        })
    });
    let Some((data, message)) = found else {
        let texts: Vec<String> = sent
            .iter()
            .map(|m| translator.screen(Language::Ru, &m.screen).text)
            .collect();
        panic!(
            "no button {label:?} for {who}; they were sent:\n{}",
            texts.join("\n---\n")
        );
    };
    let from = profile(who, &format!("Anna{}", who.0));
    let event = Event::Button {
        data,
        message: Some(message),
    };
    chat::handle(services, Incoming { from, event }).await;
}

fn last_of(messenger: &InMemoryMessenger, who: UserId) -> String {
    let sent = messenger.sent_to(who);
    let message = sent
        .iter()
        .rev()
        .find(|m| m.screen.attachment.is_none())
        .unwrap_or_else(|| panic!("nothing was sent to {who}"));
    Translator::new()
        .screen(message.language, &message.screen)
        .text
}

#[tokio::test]
async fn nl_booking_a_sentence_leads_to_the_confirmation_and_confirm_books_it_with_reminders() {
    let chat = Chat::new().await;

    chat.say(ANNA, "запиши меня на завтра в 10 на час про бюджет")
        .await;

    let confirmation = chat.last(ANNA);
    assert!(confirmation.contains("Записать вас"), "{confirmation}");
    assert!(
        confirmation.contains("10:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
    assert!(confirmation.contains("бюджет"), "{confirmation}");
    let buttons = chat.buttons(ANNA);
    assert_eq!(buttons.len(), 3, "{buttons:?}");
    assert!(buttons[0].contains("Подтвердить") && buttons[1].contains("Изменить"));
    assert!(
        chat.meetings().await.is_empty(),
        "nothing is booked before Confirm"
    );

    chat.press(ANNA, "Подтвердить").await;

    let meetings = chat.meetings().await;
    assert_eq!(meetings.len(), 1);
    let meeting = &meetings[0];
    assert_eq!(meeting.status, MeetingStatus::Scheduled);
    assert_eq!(meeting.booker, ANNA);
    assert_eq!(meeting.interval.start(), moscow(8, 10, 0));
    assert_eq!(meeting.interval.duration().num_minutes(), 60);
    assert_eq!(meeting.topic.as_ref().unwrap().as_str(), "бюджет");
    let reminders = chat.world.store.reminders_of(meeting.id).await.unwrap();
    assert!(!reminders.is_empty(), "the booking has its reminders");
    assert!(
        chat.last(ANNA).contains("Вы записаны"),
        "{}",
        chat.last(ANNA)
    );
}

#[tokio::test]
async fn nl_booking_without_a_length_takes_the_default_type_and_change_opens_the_day() {
    let chat = Chat::new().await;

    chat.say(ANNA, "встреча в среду в 15:00").await;

    assert!(chat.last(ANNA).contains("30 мин"), "{}", chat.last(ANNA));
    chat.press(ANNA, "Изменить").await;
    chat.press(ANNA, "16:00").await;
    let confirmation = chat.last(ANNA);
    assert!(
        confirmation.contains("16:00") && confirmation.contains("30 мин"),
        "the changed time goes straight to the confirmation: {confirmation}"
    );
    chat.press(ANNA, "Подтвердить").await;
    assert_eq!(chat.meetings().await[0].interval.start(), moscow(9, 16, 0));
}

#[tokio::test]
async fn nl_booking_a_length_that_is_no_meeting_type_offers_the_nearest_types() {
    let chat = Chat::new().await;

    chat.say(ANNA, "завтра в 11 на 45 минут").await;

    assert_eq!(chat.buttons(ANNA)[..2], ["30 min", "1 h"]);
    chat.press(ANNA, "1 h").await;
    let confirmation = chat.last(ANNA);
    assert!(
        confirmation.contains("11:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
}

#[tokio::test]
async fn nl_booking_of_a_taken_time_says_why_and_offers_the_nearest_free_times_that_day() {
    let chat = Chat::new().await;
    chat.world
        .book(BORIS, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();

    chat.say(ANNA, "завтра в 10").await;

    let sent = chat.world.messenger.sent_to(ANNA);
    let texts: Vec<String> = sent
        .iter()
        .map(|m| chat.translator.screen(m.language, &m.screen).text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("заня")),
        "the reason comes first: {texts:?}"
    );
    let offered = chat.buttons(ANNA);
    assert!(offered.contains(&"11:00".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"10:00".to_owned()), "{offered:?}");

    chat.press(ANNA, "11:00").await;
    assert!(
        chat.last(ANNA).contains("Записать вас"),
        "{}",
        chat.last(ANNA)
    );
    chat.press(ANNA, "Подтвердить").await;
    assert_eq!(chat.meetings().await.len(), 2);
}

#[tokio::test]
async fn nl_booking_outside_working_hours_or_too_soon_is_refused_before_the_confirmation() {
    let chat = Chat::new().await;

    chat.say(ANNA, "завтра в 20:00").await;
    let sent = chat.world.messenger.keys_sent_to(ANNA);
    assert!(
        sent.contains(&"error-slot-outside-hours".to_owned()),
        "{sent:?}"
    );

    chat.world.messenger.clear();
    chat.say(ANNA, "сегодня в 12:30").await;
    let sent = chat.world.messenger.keys_sent_to(ANNA);
    assert!(
        sent.contains(&"error-slot-inside-notice".to_owned()),
        "{sent:?}"
    );
    assert!(chat.meetings().await.is_empty());
}

#[tokio::test]
async fn nl_clarify_a_request_without_a_time_asks_for_it_and_the_answer_completes_it() {
    let chat = Chat::new().await;

    chat.say(ANNA, "встреча завтра на час").await;

    assert!(
        chat.last(ANNA).contains("На какое время?"),
        "{}",
        chat.last(ANNA)
    );
    assert!(matches!(
        dialog::load(&chat.world.services, ANNA).await.unwrap(),
        Some(Dialog::Clarify { .. })
    ));

    chat.say(ANNA, "в 11").await;

    let confirmation = chat.last(ANNA);
    assert!(
        confirmation.contains("11:00") && confirmation.contains("60 мин"),
        "{confirmation}"
    );
    assert!(confirmation.contains("8 января"), "{confirmation}");
}

#[tokio::test]
async fn nl_clarify_the_question_survives_a_restart() {
    let chat = Chat::new().await;
    chat.say(ANNA, "book a meeting tomorrow").await;
    assert!(chat.last(ANNA).contains("На какое время?"));

    // A restart: the same store, everything else new.
    let messenger = Arc::new(InMemoryMessenger::new());
    let mut restarted = chat.world.services.clone();
    restarted.messenger = messenger.clone();
    restarted.interpreter = Arc::new(meetbot_interpreter::OfflineInterpreter::new());
    chat.event(&restarted, ANNA, Event::Text("в 14:30".into()))
        .await;

    let confirmation = last_of(&messenger, ANNA);
    assert!(
        confirmation.contains("Записать вас") && confirmation.contains("14:30"),
        "{confirmation}"
    );
    press_on(&messenger, &restarted, ANNA, "Подтвердить").await;
    assert_eq!(chat.meetings().await[0].interval.start(), moscow(8, 14, 30));
}

#[tokio::test]
async fn nl_query_lists_the_persons_meetings_of_that_day_and_the_owner_sees_everybodys() {
    let chat = Chat::new().await;
    chat.world
        .book(ANNA, moscow(8, 10, 0), "m60", Some("завтрашняя"))
        .await
        .unwrap();
    chat.world
        .book(ANNA, moscow(11, 11, 0), "m30", Some("пятничная"))
        .await
        .unwrap();
    chat.world
        .book(BORIS, moscow(8, 15, 0), "m30", Some("чужая"))
        .await
        .unwrap();

    chat.say(ANNA, "что у меня на завтра?").await;

    let list = chat.last(ANNA);
    assert!(list.contains("завтрашняя"), "{list}");
    assert!(
        !list.contains("пятничная") && !list.contains("чужая"),
        "{list}"
    );

    chat.say(OWNER, "мои встречи на этой неделе").await;
    let all = chat.last(OWNER);
    for topic in ["завтрашняя", "пятничная", "чужая"] {
        assert!(all.contains(topic), "{all}");
    }
}

#[tokio::test]
async fn nl_free_shows_the_free_times_of_a_day_and_of_a_week_as_buttons() {
    let chat = Chat::new().await;
    chat.world
        .book(BORIS, moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();

    chat.say(ANNA, "свободные окна завтра").await;

    let times = chat.buttons(ANNA);
    assert!(times.contains(&"11:00".to_owned()), "{times:?}");
    assert!(
        !times.contains(&"10:00".to_owned()) && !times.contains(&"10:30".to_owned()),
        "{times:?}"
    );
    chat.press(ANNA, "11:00").await;
    assert!(
        chat.last(ANNA).contains("Тема встречи"),
        "a free time starts a booking"
    );

    chat.say(BORIS, "есть ли время на следующей неделе").await;
    let week = chat.buttons(BORIS);
    assert!(week.iter().any(|b| b.contains("14 января")), "{week:?}");
    assert!(week.contains(&"10:00".to_owned()), "{week:?}");
}

#[tokio::test]
async fn nl_move_confirms_the_move_of_the_one_meeting_meant_and_asks_which_when_several() {
    let chat = Chat::new().await;
    let thursday = chat
        .world
        .book(ANNA, moscow(10, 10, 0), "m60", Some("планёрка"))
        .await
        .unwrap();

    chat.say(ANNA, "перенеси встречу в четверг на 15:00").await;

    let confirmation = chat.last(ANNA);
    assert!(confirmation.contains("15:00"), "{confirmation}");
    assert_eq!(
        chat.world
            .messenger
            .sent_to(ANNA)
            .last()
            .unwrap()
            .screen
            .key(),
        "confirm-reschedule"
    );
    chat.press(ANNA, "Подтвердить").await;
    let meetings = chat.meetings().await;
    let old = meetings.iter().find(|m| m.id == thursday.id).unwrap();
    assert_eq!(old.status, MeetingStatus::Rescheduled);
    let new = meetings
        .iter()
        .find(|m| m.status == MeetingStatus::Scheduled)
        .unwrap();
    assert_eq!(new.interval.start(), moscow(10, 15, 0));
    assert_eq!(new.topic.as_ref().unwrap().as_str(), "планёрка");

    // Two meetings ahead and a sentence that does not say which.
    chat.world
        .book(ANNA, moscow(11, 11, 0), "m30", None)
        .await
        .unwrap();
    chat.say(ANNA, "перенеси встречу на 16:00").await;
    assert!(
        chat.last(ANNA).contains("Какую встречу?"),
        "{}",
        chat.last(ANNA)
    );
    chat.press(ANNA, "11 января").await;
    let confirmation = chat.last(ANNA);
    assert!(
        confirmation.contains("11 января") && confirmation.contains("16:00"),
        "{confirmation}"
    );
}

#[tokio::test]
async fn nl_cancel_always_asks_to_confirm_before_cancelling() {
    let chat = Chat::new().await;
    let meeting = chat
        .world
        .book(ANNA, moscow(10, 10, 0), "m60", None)
        .await
        .unwrap();

    chat.say(ANNA, "отмени встречу в четверг").await;

    assert_eq!(
        chat.world
            .messenger
            .sent_to(ANNA)
            .last()
            .unwrap()
            .screen
            .key(),
        "confirm-cancel"
    );
    assert_eq!(
        chat.meetings().await[0].status,
        MeetingStatus::Scheduled,
        "not cancelled before the confirmation"
    );
    chat.press(ANNA, "Да, отменить").await;
    let cancelled = chat.world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);

    chat.say(ANNA, "cancel my meeting on Friday").await;
    assert!(chat.last(ANNA).contains("Не нашёл"), "{}", chat.last(ANNA));
}

#[tokio::test]
async fn nl_refusals_and_noise_get_a_reason_or_the_short_help_never_a_guess() {
    let chat = Chat::new().await;

    chat.say(ANNA, "завтра в 25:00").await;
    assert!(chat.last(ANNA).contains("Такого времени нет"));

    for noise in ["привет", "12:00", "а", &"ы".repeat(5000)] {
        chat.say(ANNA, noise).await;
        let answer = chat.last(ANNA);
        assert!(
            answer.contains("Не понял") || answer.contains("Слишком длинно"),
            "{noise:.20}: {answer}"
        );
    }
    assert!(chat.meetings().await.is_empty());
}

#[tokio::test]
async fn voice_a_transcript_is_shown_back_and_handled_like_text() {
    let chat = Chat::new().await;

    chat.event(
        &chat.world.services,
        ANNA,
        Event::Voice(Some("завтра в 10 на час".into())),
    )
    .await;

    let keys = chat.world.messenger.keys_sent_to(ANNA);
    assert_eq!(keys, ["voice-heard", "confirm-booking"]);
    let heard = chat.world.messenger.sent_to(ANNA)[0].screen.clone();
    let heard = chat.translator.screen(Language::Ru, &heard).text;
    assert_eq!(heard, "🎤 завтра в 10 на час");
}

#[tokio::test]
async fn voice_that_could_not_be_heard_gets_the_note_that_text_works() {
    let chat = Chat::new().await;

    chat.event(&chat.world.services, ANNA, Event::Voice(None))
        .await;

    let note = chat.last(ANNA);
    assert!(note.contains("напишите текстом"), "{note}");
}
