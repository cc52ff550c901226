//! The audit log as the owner reads it: every entry a sentence in their
//! language with people's names and times in their zone, ten to a page,
//! narrowed to a kind of action or to one person from their card, and
//! exported as CSV with the meetings.
#![expect(
    clippy::unwrap_used,
    reason = "a test reports a broken step by panicking"
)]

use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, AuditKind, Denial, Department, Language,
    Meeting, Role, Status, UserId, Zone,
};
use meetbot_ports::{AuditCursor, AuditId, AuditQuery, Clock, Store};
use meetbot_testkit::{OWNER, World, moscow};
use meetbot_usecases::audit::{self, AuditView, CSV_HEADER};
use meetbot_usecases::chat::audit_views;
use meetbot_usecases::chat::views::Reader;
use meetbot_usecases::{Callback, booking, members};

const ANNA: UserId = UserId(1);
const BORIS: UserId = UserId(2);
/// Somebody the store does not know (any more).
const GONE: UserId = UserId(999);

fn name(id: UserId) -> String {
    match id {
        ANNA => "Anna".to_owned(),
        BORIS => "Boris".to_owned(),
        other => format!("Person{}", other.0),
    }
}

/// The owner, and Anna and Boris approved as managers.
async fn world() -> World {
    World::new().named(name).approved(&[ANNA, BORIS]).await
}

/// The newest entry of the log as the owner reads it in `language`.
async fn newest_sentence(world: &World, language: Language) -> String {
    let page = audit::page(&world.services, OWNER, AuditView::default())
        .await
        .unwrap();
    let reader = Reader {
        language,
        zone: Zone::moscow(),
    };
    let entry = audit_views::entry(&page.lines[0], reader, world.clock.now());
    world.translator.text(language, &entry)
}

/// A sentence with no code, key or placeholder left in it.
fn assert_readable(sentence: &str, action: AuditAction, language: Language) {
    let mut raw = vec![
        "{",
        "}",
        "audit-",
        "setting-",
        "role-",
        "status-",
        "OWNER",
        "MANAGER",
        "PENDING",
        "ACTIVE",
        "Some(",
        "None",
        "WorkingHours",
        "OwnerOnly",
        "change_role",
        "older version",
    ];
    // Some codes are English words too ("Anna registered"): in English a
    // code is raw when it has an underscore, in Russian any Latin code is.
    let code = action.as_str();
    if code.contains('_') || language == Language::Ru {
        raw.push(code);
    }
    for raw in raw {
        assert!(
            !sentence.contains(raw),
            "{action} in {language:?}: {raw:?} in {sentence:?}"
        );
    }
    assert!(
        sentence.starts_with("7 ") && sentence.contains(" · "),
        "{action} in {language:?}: {sentence:?}"
    );
}

/// The meetings the samples are about: Anna's meeting on Wednesday at
/// 10:00, moved to Thursday at 11:00.
async fn meetings(world: &World) -> (Meeting, Meeting) {
    let old = world
        .book(ANNA, moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    let new = booking::reschedule(&world.services, ANNA, old.id, moscow(10, 11, 0))
        .await
        .unwrap();
    (old, new)
}

/// An event of every action as the bot writes it today, and the English
/// sentence the owner reads for it.
fn written_today(action: AuditAction, old: &Meeting, new: &Meeting) -> (AuditEvent, &'static str) {
    let at = moscow(7, 12, 0);
    let by = |who: UserId| AuditEvent::new(at, Some(who), action);
    use AuditAction::*;
    match action {
        Registered => (by(ANNA).on(ANNA), "Anna registered"),
        Approved => (
            by(OWNER).on(ANNA).detailed(&AuditDetails::Role {
                from: Some(Role::Pending),
                to: Role::Manager,
                configured: false,
            }),
            "Owner approved Anna as manager",
        ),
        Rejected => (
            by(OWNER).on(BORIS).detailed(&AuditDetails::Role {
                from: Some(Role::Pending),
                to: Role::Rejected,
                configured: false,
            }),
            "Owner turned down the registration of Boris",
        ),
        RoleChanged => (
            by(OWNER).on(ANNA).detailed(&AuditDetails::Role {
                from: Some(Role::Manager),
                to: Role::Owner,
                configured: false,
            }),
            "Owner changed the role of Anna: manager → owner",
        ),
        StatusChanged => (
            by(OWNER).on(ANNA).detailed(&AuditDetails::Status {
                from: Status::Active,
                to: Status::Sick,
            }),
            "Owner changed the status of Anna: at work → on sick leave",
        ),
        DepartmentChanged => (
            by(OWNER).on(ANNA).detailed(&AuditDetails::Department {
                from: None,
                to: Some("Sales".into()),
            }),
            "Owner changed the department of Anna: — → Sales",
        ),
        MeetingBooked => (
            by(ANNA).on(new.id).detailed(&AuditDetails::Booked {
                start: new.interval.start(),
            }),
            "Anna booked a meeting on 10 Jan 11:00",
        ),
        MeetingCancelled => (
            by(OWNER).on(new.id),
            "Owner cancelled the meeting of 10 Jan 11:00, with Anna",
        ),
        MeetingRescheduled => (
            by(ANNA).on(old.id).detailed(&AuditDetails::Moved {
                to: new.id,
                start: new.interval.start(),
            }),
            "Anna moved the meeting of 9 Jan 10:00 to 10 Jan 11:00",
        ),
        SettingsChanged => (
            by(OWNER).detailed(&AuditDetails::Setting {
                setting: "hours".into(),
                value: "sat 10:00-14:00".into(),
                reset: false,
            }),
            "Owner changed the setting “Hours”: sat 10:00-14:00",
        ),
        PermissionDenied => (
            by(BORIS)
                .on(Action::ChangeRole)
                .detailed(&AuditDetails::Refused {
                    denial: Denial::OwnerOnly,
                }),
            "Boris tried to change a role and was refused",
        ),
        Unsubscribed => (by(ANNA).on(ANNA), "Anna unsubscribed with /stop"),
        Resubscribed => (by(ANNA).on(ANNA), "Anna came back with /start"),
        Broadcast => (
            by(OWNER).detailed(&AuditDetails::Broadcast { recipients: 2 }),
            "Owner sent a broadcast to 2 people",
        ),
        ReminderFailed => (
            AuditEvent::new(at, None, action)
                .on(new.id)
                .detailed(&AuditDetails::ReminderFailed {
                    recipient: ANNA,
                    error: "blocked".into(),
                }),
            "The bot could not deliver a reminder of the meeting of 10 Jan 11:00 to Anna",
        ),
        FeedbackGiven => (
            by(ANNA)
                .on(old.id)
                .detailed(&AuditDetails::Rating { stars: 4 }),
            "Anna rated the meeting of 9 Jan 10:00: 4 ★",
        ),
        NoShowMarked => (
            by(OWNER).on(new.id),
            "Owner marked a no-show: the meeting of 10 Jan 11:00, with Anna",
        ),
        NoShowCleared => (
            by(OWNER).on(new.id),
            "Owner took back a no-show mark, the meeting was held: 10 Jan 11:00, with Anna",
        ),
    }
}

#[tokio::test]
async fn every_audit_action_is_told_as_an_audit_sentence_in_both_languages() {
    let world = world().await;
    let (old, new) = meetings(&world).await;
    for action in AuditAction::ALL {
        let (event, english) = written_today(*action, &old, &new);
        world.store.append_audit(&event).await.unwrap();
        let en = newest_sentence(&world, Language::En).await;
        assert_eq!(en, format!("7 Jan 12:00 · {english}"), "{action}");
        let ru = newest_sentence(&world, Language::Ru).await;
        assert_readable(&ru, *action, Language::Ru);
        assert_ne!(ru, en, "{action} is not translated");

        // Rows of an older version, with free-form details, without a
        // target, by a person since gone, or by the bot: still a sentence
        // of the kind, in both languages.
        let variants = [
            event.clone().with("free text of an older version"),
            AuditEvent {
                target: None,
                ..event.clone()
            },
            AuditEvent {
                actor: Some(GONE),
                target: Some(GONE.to_string()),
                ..event.clone()
            },
            AuditEvent {
                actor: None,
                target: Some("not an id".into()),
                ..event.clone()
            },
        ];
        for variant in variants {
            world.store.append_audit(&variant).await.unwrap();
            for language in [Language::En, Language::Ru] {
                let sentence = newest_sentence(&world, language).await;
                assert_readable(&sentence, *action, language);
            }
        }
    }
}

#[tokio::test]
async fn audit_sentences_name_people_and_translate_roles_in_russian() {
    let world = world().await;
    let (old, new) = meetings(&world).await;
    let cases = [
        (
            AuditAction::PermissionDenied,
            "7 янв 12:00 · Boris пытался(ась) сменить роль — отказано",
        ),
        (
            AuditAction::Approved,
            "7 янв 12:00 · Owner одобрил(а) заявку: Anna — менеджер",
        ),
        (
            AuditAction::MeetingRescheduled,
            "7 янв 12:00 · Anna перенёс(ла) встречу 9 янв 10:00 на 10 янв 11:00",
        ),
        (
            AuditAction::StatusChanged,
            "7 янв 12:00 · Owner сменил(а) статус: Anna, на работе → на больничном",
        ),
    ];
    for (action, russian) in cases {
        let (event, _) = written_today(action, &old, &new);
        world.store.append_audit(&event).await.unwrap();
        assert_eq!(newest_sentence(&world, Language::Ru).await, russian);
    }
    // A person the store no longer knows shows by id; the bot as the bot.
    let (event, _) = written_today(AuditAction::RoleChanged, &old, &new);
    world
        .store
        .append_audit(&AuditEvent {
            actor: Some(GONE),
            ..event
        })
        .await
        .unwrap();
    assert_eq!(
        newest_sentence(&world, Language::En).await,
        "7 Jan 12:00 · User 999 changed the role of Anna: manager → owner"
    );
    // A settings change recorded in free form names its setting.
    world
        .store
        .append_audit(
            &AuditEvent::new(moscow(7, 12, 0), Some(OWNER), AuditAction::SettingsChanged)
                .with("WorkingHours(Sat, Some(\"10:00-14:00\"))"),
        )
        .await
        .unwrap();
    assert_eq!(
        newest_sentence(&world, Language::En).await,
        "7 Jan 12:00 · Owner changed the setting “Hours”"
    );
}

/// How many entries the latest screen to the owner shows (its first
/// paragraph is the title).
fn entries_shown(world: &World) -> Vec<String> {
    let text = world.last(OWNER);
    text.split("\n\n").skip(1).map(str::to_owned).collect()
}

#[tokio::test]
async fn audit_sentences_page_ten_at_a_time_older_and_newer() {
    let world = world().await;
    // Forged or stale presses no longer fill the view: 25 refusals.
    for _ in 0..25 {
        world.say(BORIS, "/users").await;
    }
    world.say(OWNER, "/audit").await;
    let first = entries_shown(&world);
    assert_eq!(first.len(), 10);
    assert!(
        first[0].ends_with("Boris пытался(ась) посмотреть пользователей — отказано"),
        "{first:?}"
    );
    let buttons = world.buttons(OWNER);
    assert!(buttons.contains(&"Старше ›".to_owned()), "{buttons:?}");
    assert!(!buttons.iter().any(|b| b.contains("Новее")), "{buttons:?}");

    world.press_labelled(OWNER, "Старше").await;
    let second = entries_shown(&world);
    assert_eq!(second.len(), 10);
    assert!(world.buttons(OWNER).contains(&"‹ Новее".to_owned()));
    world.press_labelled(OWNER, "Старше").await;
    let third = entries_shown(&world);
    // 25 refusals and the 5 entries of setting up: 30, three full pages.
    assert_eq!(third.len(), 10);
    assert!(
        third[9].contains("Owner зарегистрировался(ась) как владелец"),
        "{third:?}"
    );
    assert!(!world.buttons(OWNER).iter().any(|b| b.contains("Старше")));

    world.press_labelled(OWNER, "Новее").await;
    assert_eq!(entries_shown(&world), second);
    world.press_labelled(OWNER, "Новее").await;
    assert_eq!(entries_shown(&world), first);
    assert!(!world.buttons(OWNER).iter().any(|b| b.contains("Новее")));
    world.assert_everything_rendered();
}

#[tokio::test]
async fn audit_sentences_filter_by_kind() {
    let world = world().await;
    for _ in 0..12 {
        world.say(BORIS, "/pending").await;
    }
    world
        .book(ANNA, moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    members::change_status(&world.services, OWNER, ANNA, Status::Vacation)
        .await
        .unwrap();
    world.say(ANNA, "/stop").await;
    world.say(OWNER, "/audit").await;

    world.press_labelled(OWNER, "Встречи").await;
    assert!(
        world
            .last(OWNER)
            .starts_with("📜 Журнал действий · Встречи")
    );
    assert_eq!(
        entries_shown(&world),
        ["7 янв 12:00 · Anna записался(ась) на встречу 9 янв 10:00"]
    );
    assert!(world.buttons(OWNER).contains(&"• Встречи".to_owned()));

    world.press_labelled(OWNER, "Люди и роли").await;
    let people = entries_shown(&world);
    assert_eq!(people.len(), 6, "{people:?}");
    assert!(
        people[0].ends_with("Owner сменил(а) статус: Anna, на работе → в отпуске"),
        "{people:?}"
    );
    assert!(people.iter().all(|e| !e.contains("отказано")));

    world.press_labelled(OWNER, "Отказы").await;
    let refusals = entries_shown(&world);
    assert_eq!(refusals.len(), 10);
    assert!(
        refusals
            .iter()
            .all(|e| e.ends_with("Boris пытался(ась) посмотреть заявки — отказано"))
    );
    world.press_labelled(OWNER, "Старше").await;
    assert_eq!(entries_shown(&world).len(), 2);

    world.press_labelled(OWNER, "Прочее").await;
    assert_eq!(
        entries_shown(&world),
        ["7 янв 12:00 · Anna отписался(ась) командой /stop"]
    );
    world.press_labelled(OWNER, "Всё").await;
    assert_eq!(entries_shown(&world).len(), 10);
    world.assert_everything_rendered();
}

#[tokio::test]
async fn audit_sentences_of_one_person_open_from_their_card_and_stay_the_owners() {
    let world = world().await;
    world.say(BORIS, "/users").await;
    world
        .book(ANNA, moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    members::change_status(&world.services, OWNER, ANNA, Status::Sick)
        .await
        .unwrap();

    world.say(OWNER, "/users").await;
    world.press_labelled(OWNER, "Anna ·").await;
    world
        .press_labelled(OWNER, "Журнал действий по человеку")
        .await;
    assert!(
        world
            .last(OWNER)
            .starts_with("📜 Журнал действий: Anna · Всё"),
        "{}",
        world.last(OWNER)
    );
    let annas = entries_shown(&world);
    assert_eq!(
        annas,
        [
            "7 янв 12:00 · Owner сменил(а) статус: Anna, на работе → на больничном",
            "7 янв 12:00 · Anna записался(ась) на встречу 9 янв 10:00",
            "7 янв 12:00 · Owner одобрил(а) заявку: Anna — менеджер",
            "7 янв 12:00 · Anna зарегистрировался(ась)",
        ]
    );

    world.press_labelled(OWNER, "Встречи").await;
    assert!(
        world
            .last(OWNER)
            .starts_with("📜 Журнал действий: Anna · Встречи")
    );
    assert_eq!(entries_shown(&world).len(), 1);
    world.press_labelled(OWNER, "Все люди").await;
    assert!(
        world
            .last(OWNER)
            .starts_with("📜 Журнал действий · Встречи")
    );
    world.press_labelled(OWNER, "Всё").await;
    assert!(entries_shown(&world).iter().any(|e| e.contains("Boris")));

    // The person's view, pressed by a manager with made-up data: refused
    // and audited, and nothing of Anna's is shown.
    let annas_view = Callback::AuditLog(AuditView {
        kind: Some(AuditKind::People),
        person: Some(ANNA),
        cursor: AuditCursor::OlderThan(AuditId(i64::MAX)),
    });
    world.press(BORIS, annas_view).await;
    let reply = world.last(BORIS);
    assert!(!reply.contains("Anna"), "{reply}");
    let refusal = world
        .store
        .audit_log(AuditQuery::newest(1))
        .await
        .unwrap()
        .remove(0)
        .event;
    assert_eq!(
        (refusal.action, refusal.actor, refusal.target.as_deref()),
        (
            AuditAction::PermissionDenied,
            Some(BORIS),
            Some("audit_log")
        )
    );
    world.assert_everything_rendered();
}

#[tokio::test]
async fn audit_sentences_of_the_range_come_as_csv_with_the_exported_meetings() {
    let world = world().await;
    world
        .book(ANNA, moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    let tricky = Department::new("Продажи, \"Q1\"").unwrap();
    members::change_department(&world.services, OWNER, ANNA, Some(tricky))
        .await
        .unwrap();
    // Outside the range exported.
    world
        .store
        .append_audit(&AuditEvent::new(
            moscow(7, 12, 0) + chrono::Duration::days(60),
            Some(BORIS),
            AuditAction::Unsubscribed,
        ))
        .await
        .unwrap();

    world.say(OWNER, "/export 01.01 31.01").await;
    let sent = world.messenger.sent_to(OWNER);
    let audit_file = sent.last().unwrap();
    let attachment = audit_file.screen.attachment.clone().unwrap();
    assert_eq!(attachment.file_name, "audit_20300101_20300131.csv");
    assert_eq!(attachment.mime, "text/csv");
    assert_eq!(
        world
            .translator
            .screen(Language::Ru, &audit_file.screen)
            .text,
        "Журнал действий с вт, 1 января 2030 по чт, 31 января 2030 в CSV: 7 записей."
    );

    let csv = String::from_utf8(attachment.bytes).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), CSV_HEADER.join(","));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 7, "{csv}");
    assert!(
        rows[0].starts_with(&format!(
            "2030-01-07T12:00:00+03:00,{OWNER},Owner,registered,{OWNER},Owner,,OWNER (configured)"
        )),
        "oldest first: {}",
        rows[0]
    );
    assert!(
        rows[5].starts_with(&format!(
            "2030-01-07T12:00:00+03:00,{ANNA},Anna,meeting_booked,"
        )) && rows[5].ends_with(",Anna,2030-01-09T10:00:00+03:00,2030-01-09T10:00:00+03:00"),
        "{}",
        rows[5]
    );
    assert_eq!(
        rows[6],
        format!(
            "2030-01-07T12:00:00+03:00,{OWNER},Owner,department_changed,{ANNA},Anna,,\"- -> Продажи, \"\"Q1\"\"\""
        )
    );
    world.assert_everything_rendered();
}
