//! The owner's statistics and the no-show mark, through the chat: the
//! figures an owner reads for a seeded week, the charts sent with them, and
//! who may mark a meeting a no-show, and when.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed set-up step is reported by panicking"
)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use meetbot_domain::Language;
use meetbot_domain::{AuditAction, Interval, Meeting, MeetingStatus, NewMeeting, Rating, UserId};
use meetbot_ports::{AuditQuery, BookingRequest, Feedback, Plot, Screen, Store, TextArg};
use meetbot_testkit::{OWNER, World, moscow};
use meetbot_usecases::{Callback, feedback};

const ANNA: UserId = UserId(2);
const BORIS: UserId = UserId(3);
const VERA: UserId = UserId(4);

/// An hour-long meeting booked the day before it.
async fn seed(world: &World, booker: UserId, start: DateTime<Utc>) -> Meeting {
    let interval = Interval::starting_at(start, Duration::hours(1)).unwrap();
    world
        .store
        .book(BookingRequest {
            meeting: NewMeeting {
                booker,
                interval,
                meeting_type: "m60".into(),
                topic: None,
                rescheduled_from: None,
                created_at: start - Duration::days(1),
            },
            buffer: Duration::zero(),
            max_upcoming: None,
            now: start - Duration::days(1),
            reminders: Vec::new(),
        })
        .await
        .unwrap()
}

/// The rendered statistics text sent to the owner last.
fn stats_text(world: &World) -> String {
    world
        .rendered_to(OWNER)
        .into_iter()
        .rev()
        .find(|text| text.contains("Статистика"))
        .expect("a statistics message")
}

/// Anna held a meeting on Thursday (rated 4) and cancelled one on Friday,
/// Boris did not come on Friday, Anna held one the week before, and Vera,
/// with the bot since November, never met the owner.
async fn seeded_week() -> (World, Meeting) {
    let world = World::with_managers(&[ANNA, BORIS, VERA]).await;
    let held = seed(&world, ANNA, moscow(3, 10, 0)).await;
    let cancelled = seed(&world, ANNA, moscow(4, 11, 0)).await;
    let missed = seed(&world, BORIS, moscow(4, 14, 0)).await;
    seed(
        &world,
        ANNA,
        Utc.with_ymd_and_hms(2029, 12, 28, 7, 0, 0).unwrap(),
    )
    .await;
    world
        .store
        .cancel_meeting(cancelled.id, ANNA, moscow(3, 18, 0))
        .await
        .unwrap();
    world
        .store
        .complete_ended_meetings(meetbot_ports::Clock::now(&*world.clock))
        .await
        .unwrap();
    world
        .store
        .save_feedback(&Feedback {
            meeting_id: held.id,
            author: ANNA,
            rating: Rating::new(4).unwrap(),
            comment: Some("Полезно".into()),
            at: moscow(3, 14, 0),
        })
        .await
        .unwrap();
    let mut vera = world.store.user(VERA).await.unwrap().unwrap();
    vera.registered_at = Utc.with_ymd_and_hms(2029, 11, 1, 9, 0, 0).unwrap();
    world.store.update_user(&vera).await.unwrap();
    (world, missed)
}

#[tokio::test]
async fn stats_of_the_last_week_read_as_the_owner_counts_them_against_the_week_before() {
    let (world, missed) = seeded_week().await;
    world.press(OWNER, Callback::OpenMeeting(missed.id)).await;
    world.press_labelled(OWNER, "Не пришёл").await;

    world.say(OWNER, "/stats 7").await;

    let text = stats_text(&world);
    for line in [
        "Записей: 3 (+2)",
        "Состоялось: 1 (±0)",
        "Неявок: 1 (+1)",
        "Отменено: 1 (+1) — записавшимися 1, владельцем 0, ботом 0",
        "Перенесено: 0 (±0)",
        "Средняя длительность: 60 мин",
        "Оценок: 1 (+1), средняя 4.0",
        "4★ Manager2",
        "Полезно",
        "в срок 2 из 3 (67%)",
        "Manager4: встреч ещё не было — просрочено на 53 дня",
        "Самые загруженные дни: Чт (1), Пт (1)",
    ] {
        assert!(text.contains(line), "{line:?} is not in:\n{text}");
    }
    let charts: Vec<_> = world
        .messenger
        .sent_to(OWNER)
        .into_iter()
        .rev()
        .take(3)
        .filter_map(|m| m.screen.chart)
        .collect();
    assert_eq!(charts.len(), 3, "three charts follow the figures");
    world.assert_everything_rendered();
}

#[tokio::test]
async fn stats_for_all_time_have_nothing_to_compare_and_a_period_button_per_choice() {
    let (world, _) = seeded_week().await;
    world.say(OWNER, "/stats").await;
    let buttons = world
        .messenger
        .sent_to(OWNER)
        .into_iter()
        .rev()
        .find(|m| m.screen.chart.is_none())
        .unwrap()
        .screen;
    assert_eq!(buttons.all_buttons().count(), 4);
    world.press_labelled(OWNER, "Всё время").await;
    let text = stats_text(&world);
    assert!(text.contains("за всё время"), "{text}");
    assert!(text.contains("Состоялось: 3\n"), "{text}");
    assert!(!text.contains("(+"), "no comparison for all time: {text}");
}

#[tokio::test]
async fn stats_typed_with_a_bad_period_explain_what_works() {
    let (world, _) = seeded_week().await;
    world.say(OWNER, "/stats вчера").await;
    assert!(world.last(OWNER).contains("/stats квартал"));
    world.say(OWNER, "/stats 31.12.2029 01.12.2029").await;
    assert!(world.last(OWNER).contains("начинаться раньше"));
}

#[tokio::test]
async fn stats_are_refused_to_a_manager_and_the_refusal_is_audited() {
    let (world, _) = seeded_week().await;
    world.say(ANNA, "/stats").await;
    assert!(world.last(ANNA).contains("Это может только владелец"));
    assert!(
        !world
            .rendered_to(ANNA)
            .iter()
            .any(|t| t.contains("Статистика"))
    );
    let log = world.store.audit_log(AuditQuery::newest(5)).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.event.action == AuditAction::PermissionDenied && e.event.actor == Some(ANNA)),
        "{log:?}"
    );
}

/// Boris booked Wednesday 10:00–11:00.
async fn borises_meeting() -> (World, Meeting) {
    let world = World::with_managers(&[BORIS]).await;
    let meeting = world
        .book(BORIS, moscow(9, 10, 0), "m60", None)
        .await
        .unwrap();
    (world, meeting)
}

#[tokio::test]
async fn no_show_is_marked_from_the_notice_after_the_meeting_and_counted_on_the_card() {
    let (world, meeting) = borises_meeting().await;
    world.clock.set(moscow(9, 13, 0));
    feedback::complete_and_ask(&world.services, meetbot_ports::Clock::now(&*world.clock))
        .await
        .unwrap();
    world.deliver().await;
    assert!(world.last(OWNER).contains("закончилась"));

    world.press_labelled(OWNER, "Не пришёл").await;

    let stored = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.status, MeetingStatus::NoShow);
    assert!(world.last(OWNER).contains("не пришёл"));
    let log = world.store.audit_log(AuditQuery::newest(5)).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.event.action == AuditAction::NoShowMarked)
    );

    world.press(OWNER, Callback::UserCard(BORIS)).await;
    assert!(
        world.last(OWNER).contains("неявок 1"),
        "{}",
        world.last(OWNER)
    );

    // A mistake is taken back from the card.
    world.press(OWNER, Callback::OpenMeeting(meeting.id)).await;
    world.press_labelled(OWNER, "Встреча состоялась").await;
    let stored = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.status, MeetingStatus::Completed);
}

#[tokio::test]
async fn no_show_before_the_meeting_ends_is_refused() {
    let (world, meeting) = borises_meeting().await;
    world.clock.set(moscow(9, 10, 30));
    world.press(OWNER, Callback::NoShow(meeting.id, true)).await;
    assert!(world.last(OWNER).contains("только после окончания"));
    let stored = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.status, MeetingStatus::Scheduled);
}

#[tokio::test]
async fn no_show_pressed_by_a_manager_is_refused_and_audited() {
    let (world, meeting) = borises_meeting().await;
    world.clock.set(moscow(9, 13, 0));
    world
        .press(BORIS, Callback::NoShow(meeting.id, false))
        .await;
    world.press(BORIS, Callback::NoShow(meeting.id, true)).await;
    assert!(world.last(BORIS).contains("Это может только владелец"));
    let stored = world.store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.status, MeetingStatus::Scheduled);
    let log = world.store.audit_log(AuditQuery::newest(5)).await.unwrap();
    assert!(
        log.iter().any(
            |e| e.event.action == AuditAction::PermissionDenied && e.event.actor == Some(BORIS)
        )
    );
}

#[tokio::test]
async fn chart_data_is_the_figures_of_the_report_and_renders_as_a_png_in_both_languages() {
    let (world, _) = seeded_week().await;
    let report = meetbot_usecases::statistics::stats(
        &world.services,
        OWNER,
        meetbot_usecases::statistics::StatsSpan::Week,
    )
    .await
    .unwrap();
    let charts = meetbot_usecases::chat::stats_views::charts(&report.current);
    let [weeks, load, trend] = charts.as_slice() else {
        panic!("three charts: {charts:?}");
    };
    let Plot::StackedBars { categories, series } = &weeks.plot else {
        panic!("{weeks:?}");
    };
    assert_eq!(categories.len(), report.current.weeks.len());
    let held: Vec<u32> = report.current.weeks.iter().map(|(_, o)| o.held).collect();
    assert_eq!(series[0].values, held);
    let drawn: u32 = series.iter().flat_map(|s| s.values.iter()).sum();
    let o = report.current.outcomes;
    assert_eq!(
        drawn,
        o.held + o.no_show + o.upcoming + o.moved + o.cancelled()
    );
    let Plot::HeatMap {
        values, columns, ..
    } = &load.plot
    else {
        panic!("{load:?}");
    };
    // Anna's Thursday 10:00: row Thursday, the column labelled 10.
    let ten = columns
        .iter()
        .position(|c| c.get("text") == Some(&TextArg::Plain("10".into())))
        .expect("a column for 10:00");
    assert_eq!(values[3][ten], 1);
    let total: u32 = values.iter().flatten().sum();
    assert_eq!(total, 2, "the held and the missed meeting kept their time");
    let Plot::Line { values, .. } = &trend.plot else {
        panic!("{trend:?}");
    };
    assert_eq!(values, &vec![Some(400)], "one rating of four stars");

    for language in [Language::Ru, Language::En] {
        for chart in &charts {
            let screen = Screen::default().with_chart(chart.clone());
            let picture = world.translator.screen(language, &screen).picture;
            let png = picture.expect("a picture");
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        }
    }
}
