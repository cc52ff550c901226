//! `/stats` through the real binary and the fake Bot API: the owner gets
//! the figures as a message and the three charts as PNG uploads
//! (`sendPhoto`, multipart); a manager is refused and gets no picture.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::time::Duration;

use chrono::{Duration as Days, Utc};
use meetbot_domain::{Interval, NewMeeting, Rating, Role, UserId};
use meetbot_ports::{BookingRequest, Feedback};
use meetbot_testkit::telegram::{FakeTelegram, Person};

use crate::bot::{Bot, OWNER, seed};

const MANAGER: i64 = 200;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A meeting the manager held yesterday, rated 5.
async fn held_yesterday(database: &str) {
    let store = meetbot_storage::connect(database).await.unwrap();
    let start = Utc::now() - Days::days(1);
    let booked = store
        .book(BookingRequest {
            meeting: NewMeeting {
                booker: UserId(MANAGER),
                interval: Interval::starting_at(start, Days::hours(1)).unwrap(),
                meeting_type: "m60".into(),
                topic: None,
                rescheduled_from: None,
                created_at: start - Days::days(2),
            },
            buffer: Days::zero(),
            max_upcoming: None,
            now: start - Days::days(2),
            reminders: Vec::new(),
        })
        .await
        .unwrap();
    store.complete_ended_meetings(Utc::now()).await.unwrap();
    store
        .save_feedback(&Feedback {
            meeting_id: booked.id,
            author: UserId(MANAGER),
            rating: Rating::new(5).unwrap(),
            comment: None,
            at: Utc::now(),
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_e2e_the_owner_gets_figures_and_charts_as_uploads_and_a_manager_is_refused() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("meetbot.sqlite3").display());
    let owner = Person::new(OWNER, "Olga", "en");
    let manager = Person::new(MANAGER, "Maxim", "en");
    seed(&database, std::slice::from_ref(&owner), Role::Owner).await;
    seed(&database, std::slice::from_ref(&manager), Role::Manager).await;
    held_yesterday(&database).await;
    let bot = Bot::start(&fake, dir.path(), &[]).await;

    let mark = fake.mark();
    fake.say(&owner, "/stats 7");
    let figures = fake.wait_for_message(mark, OWNER, "Statistics").await;
    assert!(figures.text().contains("Held: 1"), "{}", figures.text());
    assert!(figures.text().contains("average 5.0"), "{}", figures.text());
    let three_pictures = fake
        .wait_until(Duration::from_secs(20), |requests| {
            requests[mark..]
                .iter()
                .filter(|r| r.method == "sendPhoto" && r.chat_id == Some(OWNER) && r.status == 200)
                .count()
                >= 3
        })
        .await;
    assert!(
        three_pictures,
        "three charts follow; the bot said:\n{}",
        bot.logs()
    );
    let uploads: Vec<_> = fake
        .since(mark)
        .into_iter()
        .filter(|r| r.method == "sendPhoto")
        .collect();
    for upload in &uploads {
        assert_eq!(upload.body["file_field"], "photo", "{:?}", upload.body);
        let png = upload.photo().unwrap();
        assert!(png.starts_with(PNG_SIGNATURE), "a PNG picture");
        assert!(png.len() > 5_000, "a drawn picture, not an empty one");
    }
    let captions: Vec<&str> = uploads
        .iter()
        .filter_map(|r| r.body["caption"].as_str())
        .collect();
    assert!(
        captions.is_empty(),
        "the charts carry their titles: {captions:?}"
    );

    let mark = fake.mark();
    fake.say(&manager, "/stats");
    fake.wait_for_message(mark, MANAGER, "Only the owner can do this")
        .await;
    assert!(fake.photos_to(MANAGER).is_empty());
    assert!(
        !fake
            .since(mark)
            .iter()
            .any(|r| r.is_message_to(MANAGER) && r.text().contains("Statistics"))
    );
    bot.stop().await;
}
