//! The conversation, end to end over the in-memory adapters: people type
//! commands and press the buttons they were shown, in Russian and English.
//! Every screen the bot sends must render fully in both languages, and every
//! button must carry ASCII data of at most 64 bytes.

use chrono::Duration;
use meetbot_domain::{AuditAction, Language, MeetingStatus, Role, Status, UserId};
use meetbot_ports::{AuditQuery, MeetingQuery, Screen, Store};
use meetbot_testkit::{OWNER, World, profile};
use meetbot_usecases::Callback;
use meetbot_usecases::chat::dialog::{self, Dialog};
use meetbot_usecases::chat::{self, DialogUpdate, Event, Incoming, Reply};

const ANNA: UserId = UserId(1);

/// A world where people other than the owner are named Anna and their id.
fn chat_world() -> World {
    World::new().named(|id| format!("Anna{}", id.0))
}

#[tokio::test]
async fn chat_registration_approval_booking_and_cancellation_by_buttons() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    assert!(chat.last(OWNER).contains("Здравствуйте, Owner"));

    chat.say(ANNA, "/start").await;
    assert!(chat.last(ANNA).contains("e-mail"));
    chat.say(ANNA, "not an email").await;
    assert!(
        chat.last(ANNA).contains("не похоже на e-mail"),
        "bad input is explained and the dialog goes on"
    );
    chat.say(ANNA, "anna@example.com").await;
    assert!(chat.last(ANNA).contains("Заявка отправлена"));
    assert!(chat.last(OWNER).contains("anna@example.com"));

    chat.press_labelled(OWNER, "Одобрить").await;
    assert!(chat.last(OWNER).contains("одобрен"));
    assert!(chat.last(ANNA).contains("одобрена"));

    chat.pick(ANNA, "60 мин", "🟢9", "10:00", None).await;
    assert!(chat.last(ANNA).contains("Записать вас"));
    chat.press_labelled(ANNA, "Подтвердить").await;
    assert!(
        chat.last(ANNA)
            .contains("Вы записаны: ср, 9 января 2030, 10:00 (MSK)"),
        "{}",
        chat.last(ANNA)
    );
    assert!(chat.last(OWNER).contains("записался(ась)"));

    chat.say(ANNA, "/my").await;
    chat.press_labelled(ANNA, "Отменить №1").await;
    chat.press_labelled(ANNA, "Да, отменить").await;
    assert!(chat.last(ANNA).contains("отменена"));
    assert!(chat.last(OWNER).contains("отменил(а)"));
    let meetings = chat.store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(meetings[0].status, MeetingStatus::Cancelled);
    chat.assert_everything_rendered();
}

#[tokio::test]
async fn chat_a_slot_taken_meanwhile_is_explained_and_the_days_slots_are_offered_again() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.pick(OWNER, "60 мин", "🟢9", "10:00", None).await;
    // Somebody else takes 10:00 before the owner confirms.
    chat.book(OWNER, meetbot_testkit::moscow(9, 10, 0), "m30", None)
        .await
        .unwrap();
    chat.press_labelled(OWNER, "Подтвердить").await;
    let sent = chat.messenger.sent_to(OWNER);
    let texts: Vec<String> = sent
        .iter()
        .rev()
        .take(2)
        .map(|m| chat.translator.screen(Language::Ru, &m.screen).text)
        .collect();
    assert!(texts[1].contains("только что заняли"), "{texts:?}");
    assert!(texts[0].contains("выберите время"), "{texts:?}");
}

#[tokio::test]
async fn chat_a_dialog_survives_between_messages_because_it_lives_in_the_store() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.say(OWNER, "/book").await;
    chat.press_labelled(OWNER, "60 мин").await;
    let saved = chat.store.dialog(OWNER).await.unwrap().unwrap();
    assert!(saved.contains("m60"), "{saved}");
    // A second conversation object over the same store (as after a restart) goes on.
    let services = chat.services.clone();
    let day = chat
        .messenger
        .sent_to(OWNER)
        .last()
        .unwrap()
        .screen
        .all_buttons()
        .find(|b| chat.translator.text(Language::Ru, &b.label) == "🟢9")
        .map(|b| b.data.clone())
        .unwrap();
    chat::handle(
        &services,
        Incoming {
            from: profile(OWNER, "Owner"),
            event: Event::Button {
                data: day,
                message: None,
            },
        },
    )
    .await;
    assert!(chat.last(OWNER).contains("выберите время"));
}

#[tokio::test]
async fn chat_owner_tools_settings_users_pending_audit_and_broadcast() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.say(ANNA, "/start").await;
    chat.press_labelled(ANNA, "Пропустить").await;
    chat.say(OWNER, "/pending").await;
    assert!(chat.last(OWNER).contains("Anna1"));
    chat.press_labelled(OWNER, "Одобрить").await;

    chat.say(OWNER, "/settings").await;
    chat.press_labelled(OWNER, "Лимит").await;
    chat.say(OWNER, "пять").await;
    assert!(chat.last(OWNER).contains("Не понял значение"));
    chat.say(OWNER, "/settings").await;
    chat.press_labelled(OWNER, "Лимит").await;
    chat.say(OWNER, "5").await;
    assert!(chat.last(OWNER).contains("Лимит встреч на человека: 5"));
    chat.press_labelled(OWNER, "Часы").await;
    chat.say(OWNER, "sat 10:00-14:00").await;
    assert!(
        chat.last(OWNER).contains("Сб 10:00-14:00"),
        "{}",
        chat.last(OWNER)
    );
    assert!(
        !chat.last(OWNER).contains("sat"),
        "weekdays in the reader's language"
    );

    chat.press_labelled(OWNER, "Отделы").await;
    chat.say(OWNER, "Продажи, Маркетинг").await;
    chat.say(OWNER, "/users").await;
    chat.press_labelled(OWNER, "Anna1").await;
    chat.press_labelled(OWNER, "Маркетинг").await;
    assert!(
        chat.last(OWNER).contains("Отдел: Маркетинг"),
        "{}",
        chat.last(OWNER)
    );
    chat.press_labelled(OWNER, "в отпуске").await;
    assert_eq!(
        chat.store.user(ANNA).await.unwrap().unwrap().status,
        Status::Vacation
    );
    assert!(chat.last(ANNA).contains("в отпуске"));

    chat.say(ANNA, "/active").await;
    chat.say(OWNER, "/broadcast").await;
    chat.say(OWNER, "Завтра планёрка в 10").await;
    assert!(chat.last(ANNA).contains("Завтра планёрка в 10"));
    assert!(chat.last(OWNER).contains("для 1 чел."));

    chat.say(OWNER, "/audit").await;
    assert!(
        chat.last(OWNER)
            .contains("Owner сделал(а) рассылку: 1 получатель"),
        "{}",
        chat.last(OWNER)
    );
    chat.say(OWNER, "/help").await;
    chat.say(ANNA, "/profile").await;
    assert!(chat.last(ANNA).contains("Встреч проведено: 0"));
    chat.say(ANNA, "/free").await;
    chat.say(ANNA, "/lang").await;
    chat.press_labelled(ANNA, "English").await;
    assert!(chat.last(ANNA).contains("I speak English"));
    chat.say(ANNA, "/help").await;
    chat.say(ANNA, "/nonsense").await;
    assert!(chat.last(ANNA).contains("no such command"));
    chat.assert_everything_rendered();
}

#[tokio::test]
async fn chat_refusals_forged_and_stale_buttons_change_nothing_and_are_audited() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.say(ANNA, "/start").await;
    chat.press_labelled(ANNA, "Пропустить").await;
    // Anna, still pending, forges the owner's Approve button for herself.
    let forged = meetbot_usecases::Callback::Approve(ANNA).encode();
    chat::handle(
        &chat.services,
        Incoming {
            from: chat.person(ANNA),
            event: Event::Button {
                data: forged,
                message: None,
            },
        },
    )
    .await;
    assert!(chat.last(ANNA).contains("ждёт одобрения"));
    assert_eq!(
        chat.store.user(ANNA).await.unwrap().unwrap().role,
        Role::Pending
    );
    // Garbage and a stale month button without a booking in progress.
    for data in ["zzz", "1:mo:2030:1", "1:ap:notanumber"] {
        chat::handle(
            &chat.services,
            Incoming {
                from: chat.person(ANNA),
                event: Event::Button {
                    data: data.into(),
                    message: None,
                },
            },
        )
        .await;
    }
    chat.say(ANNA, "/book").await;
    assert!(chat.last(ANNA).contains("ждёт одобрения"));
    let audit = chat.store.audit_log(AuditQuery::newest(10)).await.unwrap();
    assert!(
        audit
            .iter()
            .filter(|e| e.event.action == AuditAction::PermissionDenied)
            .count()
            >= 4
    );
    chat.say(ANNA, &"x".repeat(5000)).await;
    assert!(chat.last(ANNA).contains("Слишком длинно"));
    chat.assert_everything_rendered();
}

#[tokio::test]
async fn chat_rescheduling_by_buttons_moves_the_meeting() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.pick(OWNER, "30 мин", "🟢9", "10:00", Some("Ретро"))
        .await;
    chat.press_labelled(OWNER, "Подтвердить").await;
    chat.say(OWNER, "/my").await;
    chat.press_labelled(OWNER, "Перенести №1").await;
    chat.press_labelled(OWNER, "🟢10").await;
    chat.press_labelled(OWNER, "15:00").await;
    assert!(chat.last(OWNER).contains("Перенести встречу"));
    chat.press_labelled(OWNER, "Подтвердить").await;
    assert!(
        chat.last(OWNER)
            .contains("перенесена на чт, 10 января 2030, 15:00"),
        "{}",
        chat.last(OWNER)
    );
    let moved = chat.store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(moved[0].status, MeetingStatus::Rescheduled);
    assert_eq!(moved[1].interval.duration(), Duration::minutes(30));
    assert_eq!(moved[1].topic.as_ref().map(|t| t.as_str()), Some("Ретро"));
    chat.assert_everything_rendered();
}

#[tokio::test]
async fn ics_files_come_with_a_booking_and_its_cancellation_and_the_owner_exports_meetings() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.pick(OWNER, "60 мин", "🟢9", "10:00", None).await;
    chat.press_labelled(OWNER, "Подтвердить").await;
    let invite = chat
        .messenger
        .sent_to(OWNER)
        .last()
        .unwrap()
        .screen
        .attachment
        .clone()
        .unwrap();
    let invite = String::from_utf8(invite.bytes).unwrap();
    assert!(
        invite.contains("METHOD:REQUEST") && invite.contains("DTSTART:20300109T070000Z"),
        "{invite}"
    );

    chat.say(OWNER, "/my").await;
    chat.press_labelled(OWNER, "Отменить №1").await;
    chat.press_labelled(OWNER, "Да, отменить").await;
    let cancel = chat
        .messenger
        .sent_to(OWNER)
        .last()
        .unwrap()
        .screen
        .attachment
        .clone()
        .unwrap();
    assert!(
        String::from_utf8(cancel.bytes)
            .unwrap()
            .contains("METHOD:CANCEL")
    );

    chat.say(OWNER, "/export 01.01 31.01").await;
    let sent = chat.messenger.sent_to(OWNER);
    let files: Vec<_> = sent
        .iter()
        .rev()
        .take(3)
        .filter_map(|m| m.screen.attachment.clone())
        .collect();

    assert_eq!(files[2].file_name, "meetings_20300101_20300131.ics");
    assert_eq!(files[1].mime, "text/csv");
    assert_eq!(files[0].file_name, "audit_20300101_20300131.csv");
    assert_eq!(
        String::from_utf8(files[1].bytes.clone())
            .unwrap()
            .lines()
            .count(),
        2,
        "a header and one meeting"
    );
    chat.say(OWNER, "/export yesterday").await;
    assert!(chat.last(OWNER).contains("Не понял дату"));
    chat.assert_everything_rendered();
}

/// One event answered without a messenger: the reply is returned and its
/// dialog saved, as the transport-facing `chat::handle` would.
async fn answer(world: &World, who: UserId, event: Event) -> Reply {
    let incoming = Incoming {
        from: profile(who, "Anna"),
        event,
    };
    let reply = chat::answer(&world.services, &incoming).await;
    let next = match &reply.dialog {
        DialogUpdate::Keep => return reply,
        DialogUpdate::Set(next) => Some(next),
        DialogUpdate::End => None,
    };
    let saved = dialog::save(&world.services, who, next).await;
    assert!(saved.is_ok(), "{saved:?}");
    reply
}

/// The data of the first button of `screen` that decodes to what `wanted` accepts.
fn first_button(screen: &Screen, wanted: impl Fn(&Callback) -> bool) -> Event {
    let data = screen
        .all_buttons()
        .map(|b| b.data.clone())
        .find(|data| Callback::decode(data).is_some_and(|c| wanted(&c)))
        .unwrap_or_else(|| panic!("no such button on {screen:?}"));
    Event::Button {
        data,
        message: None,
    }
}

#[tokio::test]
async fn chat_booking_flow_returns_its_screens_and_next_dialog_without_a_messenger() {
    let world = World::with_managers(&[ANNA]).await;

    let mut reply = answer(&world, ANNA, Event::Text("/book".into())).await;
    if reply.edit.as_ref().unwrap().key() == "pick-meeting-type" {
        let pick = first_button(reply.edit.as_ref().unwrap(), |c| {
            matches!(c, Callback::MeetingType(_))
        });
        reply = answer(&world, ANNA, pick).await;
    }
    let month = reply.edit.unwrap();
    assert_eq!(month.key(), "pick-day");
    let day = first_button(&month, |c| matches!(c, Callback::Day(_)));
    let slots = answer(&world, ANNA, day).await.edit.unwrap();
    assert_eq!(slots.key(), "pick-slot");
    let slot = first_button(&slots, |c| matches!(c, Callback::Slot(_)));
    let reply = answer(&world, ANNA, slot).await;
    assert_eq!(reply.edit.as_ref().unwrap().key(), "ask-topic");
    assert!(matches!(
        &reply.dialog,
        DialogUpdate::Set(Dialog::Booking(draft)) if draft.awaiting_topic
    ));

    let reply = answer(&world, ANNA, Event::Text("Roadmap".into())).await;
    let confirm = reply.edit.unwrap();
    assert_eq!(confirm.key(), "confirm-booking");
    let reply = answer(
        &world,
        ANNA,
        first_button(&confirm, |c| *c == Callback::Confirm),
    )
    .await;

    let keys: Vec<&str> = reply.screens().map(Screen::key).collect();
    assert_eq!(keys, ["meeting-booked", "ics-invite"]);
    assert!(reply.send[0].attachment.is_some());
    assert_eq!(reply.dialog, DialogUpdate::End);
    let booked = world.store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].topic.as_ref().unwrap().as_str(), "Roadmap");
    // The owner hears of the booking from the use case; Anna's screens were only returned.
    assert!(world.messenger.sent_to(ANNA).is_empty());
}

#[tokio::test]
async fn chat_a_typed_command_ends_the_dialog_even_when_its_argument_is_refused() {
    let world = World::with_managers(&[ANNA]).await;
    answer(&world, ANNA, Event::Text("/book".into())).await;
    assert!(world.store.dialog(ANNA).await.unwrap().is_some());

    let reply = answer(&world, ANNA, Event::Text("/free someday".into())).await;

    assert_eq!(
        reply.screens().map(Screen::key).collect::<Vec<_>>(),
        ["error-date-invalid"]
    );
    assert_eq!(reply.dialog, DialogUpdate::End);
    assert_eq!(world.store.dialog(ANNA).await.unwrap(), None);
}

#[tokio::test]
async fn no_empty_topic_line_when_a_booking_has_no_topic() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    chat.say(ANNA, "/start").await;
    chat.say(ANNA, "anna@example.com").await;
    chat.press_labelled(OWNER, "Одобрить").await;

    chat.pick(ANNA, "60 мин", "🟢9", "10:00", None).await;
    assert!(!chat.last(ANNA).contains("Тема"), "{}", chat.last(ANNA));
    chat.press_labelled(ANNA, "Подтвердить").await;
    assert!(!chat.last(ANNA).contains("Тема"), "{}", chat.last(ANNA));
    assert!(!chat.last(OWNER).contains("Тема"), "{}", chat.last(OWNER));

    chat.pick(ANNA, "60 мин", "🟢10", "10:00", Some("Бюджет"))
        .await;
    assert!(
        chat.last(ANNA).contains("Тема: Бюджет"),
        "{}",
        chat.last(ANNA)
    );
    chat.press_labelled(ANNA, "Подтвердить").await;
    assert!(
        chat.last(ANNA).contains("Тема: Бюджет"),
        "{}",
        chat.last(ANNA)
    );
    assert!(
        chat.last(OWNER).contains("Тема: Бюджет"),
        "{}",
        chat.last(OWNER)
    );
    chat.assert_everything_rendered();
}

#[tokio::test]
async fn limit_up_front_a_manager_at_the_limit_or_away_is_refused_before_the_first_step() {
    let world = World::with_managers(&[ANNA]).await;
    for day in [9, 10] {
        world
            .book(ANNA, meetbot_testkit::moscow(day, 10, 0), "m60", None)
            .await
            .unwrap();
    }
    world.say(ANNA, "/book").await;
    let first = world.last(ANNA);
    assert!(first.contains("Запланировано: 2 из 3 встреч"), "{first}");

    world
        .book(ANNA, meetbot_testkit::moscow(11, 10, 0), "m60", None)
        .await
        .unwrap();
    world.say(ANNA, "/book").await;
    let refused = world.last(ANNA);
    assert!(
        refused.contains("У вас уже 3 предстоящие встречи — это максимум"),
        "{refused}"
    );
    assert!(
        world.buttons(ANNA).iter().all(|b| !b.contains("мин")),
        "no type picker"
    );

    let away = World::with_managers(&[ANNA]).await;
    away.say(ANNA, "/vacation").await;
    away.say(ANNA, "/book").await;
    assert!(
        away.last(ANNA).contains("только активные"),
        "{}",
        away.last(ANNA)
    );
}

#[tokio::test]
async fn reschedule_picker_offers_the_time_of_the_meeting_being_moved() {
    let world = World::with_managers(&[ANNA]).await;
    world
        .book(ANNA, meetbot_testkit::moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    world.say(ANNA, "/my").await;
    world.press_labelled(ANNA, "Перенести №1").await;
    let day = world
        .buttons(ANNA)
        .into_iter()
        .find(|b| b == "🟢9" || b == "🟡9")
        .unwrap();
    world.press_labelled(ANNA, &day).await;
    let times = world.buttons(ANNA);
    // Half an hour later overlaps the meeting itself, which is what moves.
    assert!(times.iter().any(|t| t == "10:30"), "{times:?}");
    assert!(times.iter().any(|t| t == "10:00"), "{times:?}");
}

#[tokio::test]
async fn cutoff_up_front_cancel_and_move_are_not_offered_inside_the_cutoff() {
    let world = World::with_managers(&[ANNA]).await;
    // Monday 12:00 now; tomorrow 10:00 is inside the 24-hour cutoff.
    world
        .book(ANNA, meetbot_testkit::moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    world
        .book(ANNA, meetbot_testkit::moscow(10, 10, 0), "m60", None)
        .await
        .unwrap();
    world.say(ANNA, "/my").await;
    let text = world.last(ANNA);
    assert!(
        text.contains("можно было до пн, 7 января 2030, 10:00"),
        "{text}"
    );
    let buttons = world.buttons(ANNA);
    assert!(!buttons.iter().any(|b| b.contains("№1")), "{buttons:?}");
    assert!(
        buttons.iter().any(|b| b.contains("Отменить №2")),
        "{buttons:?}"
    );
    assert!(
        buttons.iter().any(|b| b.contains("Перенести №2")),
        "{buttons:?}"
    );
}

#[tokio::test]
async fn pending_keeps_the_other_requests_and_their_buttons_after_one_is_decided() {
    let chat = chat_world();
    chat.say(OWNER, "/start").await;
    for (id, email) in [(1, "anna1@example.com"), (2, "anna2@example.com")] {
        chat.say(UserId(id), "/start").await;
        chat.say(UserId(id), email).await;
    }
    chat.say(OWNER, "/pending").await;
    assert_eq!(
        chat.buttons(OWNER)
            .iter()
            .filter(|b| b.contains("Одобрить"))
            .count(),
        2
    );
    chat.press_labelled(OWNER, "Одобрить").await;
    let after = chat.last(OWNER);
    assert!(after.contains("одобрен"), "{after}");
    assert!(after.contains("anna"), "the other request stays: {after}");
    assert_eq!(
        chat.buttons(OWNER)
            .iter()
            .filter(|b| b.contains("Одобрить"))
            .count(),
        1
    );
    chat.press_labelled(OWNER, "Одобрить").await;
    assert!(chat.buttons(OWNER).iter().all(|b| !b.contains("Одобрить")));
    chat.assert_everything_rendered();
}

/// The meeting of `who` that is scheduled, if one is.
#[expect(
    clippy::unwrap_used,
    reason = "a test helper: a panic reports a broken set-up"
)]
async fn scheduled_of(world: &World, who: UserId) -> Vec<meetbot_domain::Meeting> {
    world
        .store
        .meetings(MeetingQuery {
            booker: Some(who),
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: None,
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn blocked_range_hides_slots_tells_the_bookers_inside_and_can_be_reopened() {
    let world = World::with_managers(&[ANNA]).await;
    // Thursday 10.01 11:00, and tomorrow 11:00, inside the 24-hour cutoff.
    world
        .book(ANNA, meetbot_testkit::moscow(10, 11, 0), "m60", None)
        .await
        .unwrap();
    world
        .book(ANNA, meetbot_testkit::moscow(8, 11, 0), "m60", None)
        .await
        .unwrap();

    world.say(OWNER, "/block 10.01 14:00-10:00 врач").await;
    assert!(
        world.last(OWNER).contains("Часы должны быть вида"),
        "{}",
        world.last(OWNER)
    );
    world.say(OWNER, "/block 10.01 10:00-14:00 врач").await;
    let owner = world.rendered_to(OWNER).join("\n---\n");
    assert!(owner.contains("сообщено 1 участнику"), "{owner}");
    assert!(
        world
            .last(OWNER)
            .contains("чт, 10 января 2030 10:00–14:00 (врач)"),
        "listed in the settings: {}",
        world.last(OWNER)
    );
    assert!(world.buttons(OWNER).iter().any(|b| b.contains("Открыть")));

    let told = world.last(ANNA);
    assert!(told.contains("Владелец закрыл время"), "{told}");
    assert!(told.contains("врач") && told.contains("11:00"), "{told}");

    world.say(ANNA, "/free 10.01").await;
    let times = world.buttons(ANNA);
    for closed in ["10:00", "11:30", "13:30"] {
        assert!(!times.iter().any(|t| t == closed), "{closed}: {times:?}");
    }
    assert!(times.iter().any(|t| t == "14:00"), "{times:?}");

    // Tomorrow's meeting is inside the cutoff, but its hours are closed now:
    // its booker may still move it.
    world.say(OWNER, "/block 08.01 10:00-12:00").await;
    assert!(world.last(ANNA).contains("Владелец закрыл время"));
    world.press_labelled(ANNA, "Перенести").await;
    let picker = world.last(ANNA);
    assert!(!picker.contains("можно было до"), "{picker}");
    assert!(
        world.buttons(ANNA).iter().any(|b| b.contains("14")),
        "a month to pick from"
    );

    world.say(OWNER, "/settings").await;
    world
        .press_labelled(OWNER, "Открыть чт, 10 января 2030 10:00–14:00")
        .await;
    assert!(!world.last(OWNER).contains("врач"), "{}", world.last(OWNER));
    world.say(ANNA, "/free 10.01").await;
    assert!(world.buttons(ANNA).iter().any(|t| t == "10:00"));
    world.assert_everything_rendered();
}

#[tokio::test]
async fn timezone_command_shows_every_time_in_the_persons_zone_and_books_the_owners_slot() {
    let world = World::with_managers(&[ANNA]).await;
    world.say(ANNA, "/timezone Mars/Olympus").await;
    assert!(world.last(ANNA).contains("Неизвестный часовой пояс"));

    world.say(ANNA, "/timezone").await;
    assert!(world.buttons(ANNA).iter().any(|b| b == "Владивосток"));
    world.press_labelled(ANNA, "Владивосток").await;
    // Monday 12:00 in Moscow is 19:00 in Vladivostok.
    let set = world.last(ANNA);
    assert!(
        set.contains("Asia/Vladivostok") && set.contains("19:00"),
        "{set}"
    );

    // The owner's Wednesday 10:00 (Moscow) is 17:00 in Vladivostok.
    world.pick(ANNA, "60", "9", "17:00", Some("бюджет")).await;
    let confirm = world.last(ANNA);
    assert!(confirm.contains("17:00"), "{confirm}");
    world.press_labelled(ANNA, "Подтвердить").await;
    let booked = scheduled_of(&world, ANNA).await;
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0].interval.start(),
        meetbot_testkit::moscow(9, 10, 0),
        "the owner's slot"
    );
    let owner = world.rendered_to(OWNER).join("\n");
    assert!(
        owner.contains("10:00"),
        "the owner reads Moscow time: {owner}"
    );

    world.say(ANNA, "/my").await;
    assert!(world.last(ANNA).contains("17:00"), "{}", world.last(ANNA));
    assert!(!world.last(ANNA).contains("Manager1"), "no own name in /my");

    // A typed name works too, and the next times follow it.
    world.say(ANNA, "/timezone").await;
    world.say(ANNA, "Europe/Kaliningrad").await;
    world.say(ANNA, "/my").await;
    assert!(world.last(ANNA).contains("09:00"), "{}", world.last(ANNA));
    world.assert_everything_rendered();
}

#[tokio::test]
async fn stale_button_48h_a_button_two_days_old_says_so_and_gives_a_fresh_menu() {
    let world = World::with_managers(&[ANNA]).await;
    world.say(ANNA, "/book").await;
    world.clock.advance(Duration::hours(47));
    world.press_labelled(ANNA, "60").await;
    assert!(
        world.last(ANNA).contains("Выберите день"),
        "{}",
        world.last(ANNA)
    );

    world.say(ANNA, "/book").await;
    world.clock.advance(Duration::hours(49));
    world.press_labelled(ANNA, "60").await;
    let answer = world.last(ANNA);
    assert!(answer.contains("кнопка устарела"), "{answer}");
    assert!(
        world.buttons(ANNA).iter().any(|b| b.contains("Записаться")),
        "a fresh menu"
    );
    world.press_labelled(ANNA, "Записаться").await;
    assert!(
        world.buttons(ANNA).iter().any(|b| b.contains("60")),
        "the fresh menu works"
    );
}

#[tokio::test]
async fn refused_buttons_are_told_once_in_a_few_seconds_and_forged_status_buttons_change_nothing() {
    let world = World::with_managers(&[ANNA]).await;
    let before = world.messenger.sent_to(ANNA).len();
    for _ in 0..20 {
        world.press(ANNA, Callback::Approve(UserId(77))).await;
    }
    assert_eq!(
        world.messenger.sent_to(ANNA).len(),
        before + 1,
        "one refusal"
    );
    world.say(ANNA, "/help").await;
    assert!(
        world.last(ANNA).contains("/book"),
        "the next command is answered"
    );

    world.clock.advance(Duration::seconds(5));
    world
        .press(ANNA, Callback::SetStatus(ANNA, Status::Inactive))
        .await;
    assert!(world.last(ANNA).contains("владел"), "{}", world.last(ANNA));
    let anna = world.store.user(ANNA).await.unwrap().unwrap();
    assert_eq!(anna.status, Status::Active);

    world
        .press(ANNA, Callback::SetStatus(ANNA, Status::Vacation))
        .await;
    assert!(
        world.last(ANNA).contains("Ваш статус"),
        "{}",
        world.last(ANNA)
    );
    assert!(
        world.buttons(ANNA).iter().all(|b| !b.contains("Сделать")),
        "no user card for a manager"
    );
    world.press(ANNA, Callback::UserCard(OWNER)).await;
    assert!(!world.last(ANNA).contains("Owner"), "{}", world.last(ANNA));

    // What a person meets pressing fresh buttons is always told.
    world.say(ANNA, "/active").await;
    let tomorrow = world
        .book(ANNA, meetbot_testkit::moscow(8, 10, 0), "m60", None)
        .await
        .unwrap();
    let before = world.messenger.sent_to(ANNA).len();
    for _ in 0..2 {
        world
            .press(ANNA, Callback::CancelConfirmed(tomorrow.id))
            .await;
    }
    assert_eq!(world.messenger.sent_to(ANNA).len(), before + 2);
    assert!(world.last(ANNA).contains("24"), "{}", world.last(ANNA));
}

#[tokio::test]
async fn the_month_picker_offers_no_arrow_into_months_without_bookable_days() {
    let world = World::with_managers(&[ANNA]).await;
    world.say(ANNA, "/book").await;
    world.press_labelled(ANNA, "60").await;
    let arrows = world.buttons(ANNA);
    assert!(
        !arrows.iter().any(|b| b == "‹"),
        "January is the first: {arrows:?}"
    );
    assert!(
        arrows.iter().any(|b| b == "›"),
        "30 days ahead reach February"
    );
    world.press_labelled(ANNA, "›").await;
    let february = world.buttons(ANNA);
    assert!(february.iter().any(|b| b == "‹"), "{february:?}");
    assert!(
        !february.iter().any(|b| b == "›"),
        "March is past the horizon"
    );
}
