//! Charts on Telegram, against the fake Bot API: a screen with a chart
//! goes out as a `sendPhoto` upload of a PNG picture, its text as the
//! caption when it fits one, else before the picture.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use meetbot_domain::{Language, UserId};
use meetbot_ports::{Button, Chart, MessageRef, Messenger, Plot, Screen, Series, Text};
use meetbot_testkit::telegram::FakeTelegram;

use crate::sender::messenger;

fn chart() -> Chart {
    Chart {
        title: Text::new("chart-no-data"),
        plot: Plot::StackedBars {
            categories: vec![Text::new("weekday-1"), Text::new("weekday-2")],
            series: vec![Series {
                label: Text::new("role-manager"),
                values: vec![2, 5],
            }],
        },
    }
}

/// Checks that `bytes` are a PNG picture of the charts' size.
fn assert_chart_png(bytes: &[u8]) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let info = decoder.read_info().unwrap();
    assert_eq!(
        (info.info().width, info.info().height),
        (meetbot_charts::WIDTH, meetbot_charts::HEIGHT)
    );
}

#[tokio::test(start_paused = true)]
async fn a_screen_with_a_chart_is_one_photo_upload_of_a_png_with_the_text_as_caption() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);
    let screen = Screen::text(Text::new("not-understood"))
        .row(vec![Button {
            label: Text::new("button-confirm"),
            data: "1:ok".into(),
        }])
        .with_chart(chart());

    let sent = messenger
        .send(UserId(5), Language::En, &screen)
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let photo = &requests[0];
    assert_eq!(photo.method, "sendPhoto");
    assert_eq!(photo.chat_id, Some(5));
    assert_eq!(photo.body["file_field"], "photo");
    assert_eq!(photo.body["file_name"], "chart.png");
    assert!(photo.text().contains("did not understand"), "{photo:?}");
    assert_eq!(photo.buttons(), ["1:ok"]);
    assert_eq!(Some(sent.message_id), photo.message_id);
    assert_chart_png(photo.photo().unwrap());
    assert_eq!(fake.photos_to(5), [photo.photo().unwrap().to_vec()]);
}

#[tokio::test(start_paused = true)]
async fn a_chart_whose_text_is_too_long_for_a_caption_follows_the_text() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);
    let long = "слово ".repeat(300);
    let screen = Screen::text(Text::new("plain").plain("text", &long)).with_chart(chart());

    let sent = messenger
        .send(UserId(6), Language::Ru, &screen)
        .await
        .unwrap();

    let methods: Vec<String> = fake.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["sendMessage", "sendPhoto"]);
    let requests = fake.requests();
    assert_eq!(requests[0].text(), long.trim_end());
    assert_eq!(Some(sent.message_id), requests[0].message_id);
    assert_eq!(requests[1].text, None, "the picture has no caption");
    assert_chart_png(requests[1].photo().unwrap());
}

#[tokio::test(start_paused = true)]
async fn editing_a_screen_with_a_chart_edits_the_text_then_sends_the_chart() {
    let fake = FakeTelegram::start().await;
    let messenger = messenger(&fake);
    let message = MessageRef {
        chat: UserId(7),
        message_id: 42,
    };
    let screen = Screen::text(Text::new("not-understood")).with_chart(chart());

    messenger
        .edit(message, Language::En, &screen)
        .await
        .unwrap();

    let requests = fake.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["editMessageText", "sendPhoto"]);
    assert!(requests[0].text().contains("did not understand"));
    assert_chart_png(&fake.photos_to(7)[0]);
}
