//! Sentences and voice messages through the real transports: the console's
//! input and output, and the Telegram adapter against a fake Bot API (and a
//! fake speech-to-text endpoint for voice messages). The clock stands on
//! Monday 2030-01-07 12:00 in Moscow.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic reports a broken set-up"
)]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use meetbot_domain::{MeetingStatus, UserId};
use meetbot_i18n::Translator;
use meetbot_ports::speech::SpeechToText;
use meetbot_ports::{MeetingQuery, Store};
use meetbot_speech::OpenAiSpeech;
use meetbot_telegram::{BotApi, Dispatcher, Limits, Sender, TelegramMessenger};
use meetbot_testkit::console::{button, screen};
use meetbot_testkit::telegram::{FakeTelegram, Person};
use meetbot_testkit::{World, moscow, profile};
use secrecy::SecretString;
use serde_json::json;
use tokio::io::{AsyncWriteExt, BufReader};

const TOKEN: &str = "123456789:AAHtestTESTtestTESTtestTEST";
const ANNA: UserId = UserId(1);

#[tokio::test]
async fn nl_booking_through_the_console_a_sentence_then_confirm_books_with_reminders() {
    let world = World::with_managers(&[ANNA]).await;
    let console = meetbot_console::Console::new(
        Arc::new(Translator::new()),
        std::env::temp_dir().join("meetbot-console"),
    );
    let mut services = world.services.clone();
    services.messenger = console.clone();
    let (mut keyboard, stdin) = tokio::io::duplex(4096);
    let (stdout, mut terminal) = tokio::io::duplex(1 << 16);
    let session = tokio::spawn(console.run(
        services,
        profile(ANNA, "Anna"),
        BufReader::new(stdin),
        stdout,
    ));
    screen(&mut terminal).await;

    let mut type_line = async |line: String| {
        keyboard
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        screen(&mut terminal).await
    };
    let confirm = type_line("созвон в среду в 14:30 на полчаса про отчёт".into()).await;
    assert!(
        confirm.contains("Записать вас") && confirm.contains("30 мин") && confirm.contains("отчёт"),
        "{confirm}"
    );
    let done = type_line(button(&confirm, "Подтвердить")).await;
    assert!(
        done.contains("Вы записаны: ср, 9 января 2030, 14:30"),
        "{done}"
    );
    drop(keyboard);
    session.await.unwrap().unwrap();

    let meetings = world.store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].interval.start(), moscow(9, 14, 30));
    assert!(
        !world
            .store
            .reminders_of(meetings[0].id)
            .await
            .unwrap()
            .is_empty()
    );
}

fn telegram_messenger(url: &str) -> Arc<TelegramMessenger> {
    let api = BotApi::new(url, &SecretString::from(TOKEN.to_owned())).unwrap();
    Arc::new(TelegramMessenger::new(
        api,
        Arc::new(Sender::new(Limits::default())),
        Arc::new(Translator::new()),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nl_booking_through_the_fake_bot_api_a_sentence_then_confirm_books_with_reminders() {
    let fake = FakeTelegram::start().await;
    let world = World::with_managers(&[ANNA]).await;
    let mut services = world.services.clone();
    services.messenger = telegram_messenger(&fake.url);
    let api = BotApi::new(&fake.url, &SecretString::from(TOKEN.to_owned())).unwrap();
    let dispatcher = Dispatcher::new(services, api, 4, 64);
    let anna = Person::new(ANNA.0, "Anna", "ru");

    let mark = fake.mark();
    let sentence = fake.text_update(&anna, "запиши меня на завтра в 10 на час про бюджет");
    dispatcher.accept(sentence).await.unwrap();
    let confirmation = fake.wait_for_message(mark, ANNA.0, "Записать вас").await;
    assert!(
        confirmation.text().contains("60 мин") && confirmation.text().contains("бюджет"),
        "{}",
        confirmation.text()
    );
    let confirm = confirmation.button("1:ok").unwrap();

    let mark = fake.mark();
    let press = fake.button_update(&anna, &confirm, confirmation.message_id.unwrap());
    dispatcher.accept(press).await.unwrap();
    fake.wait_for_message(mark, ANNA.0, "Вы записаны").await;
    assert!(dispatcher.drain(Duration::from_secs(10)).await);

    let meetings = world.store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].status, MeetingStatus::Scheduled);
    assert_eq!(meetings[0].interval.start(), moscow(8, 10, 0));
    assert!(
        !world
            .store
            .reminders_of(meetings[0].id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The audio of the voice message the tests send.
const VOICE: &[u8] = b"OggS fake opus";

/// A speech-to-text endpoint that hears `transcript` in any audio that
/// is [`VOICE`].
async fn speech_endpoint(transcript: &'static str) -> String {
    let app = Router::new().route(
        "/v1/audio/transcriptions",
        post(move |body: axum::body::Bytes| async move {
            assert!(String::from_utf8_lossy(&body).contains("OggS fake opus"));
            axum::Json(json!({ "text": transcript }))
        }),
    );
    serve(app).await
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// The keys of what Anna got after one voice message, through a dispatcher
/// with `speech`.
async fn after_a_voice_message(speech: Option<Arc<dyn SpeechToText>>) -> Vec<String> {
    let world = World::with_managers(&[ANNA]).await;
    let fake = FakeTelegram::start().await;
    let api = BotApi::new(&fake.url, &SecretString::from(TOKEN.to_owned())).unwrap();
    let dispatcher = Dispatcher::with_speech(world.services.clone(), api, speech, 4, 64);
    let anna = Person::new(ANNA.0, "Anna", "ru");

    let voice = fake.voice_update(&anna, VOICE);
    dispatcher.accept(voice).await.unwrap();

    assert!(dispatcher.drain(Duration::from_secs(10)).await);
    world.messenger.keys_sent_to(ANNA)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_a_message_through_the_fake_speech_endpoint_ends_in_the_booking_confirmation() {
    let endpoint = speech_endpoint("Завтра в 10 на час.").await;
    let speech = OpenAiSpeech::new(&endpoint, None, "whisper-1").unwrap();

    let keys = after_a_voice_message(Some(Arc::new(speech))).await;

    assert_eq!(keys, ["voice-heard", "confirm-booking"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voice_without_speech_to_text_or_with_the_endpoint_down_gets_the_note_not_an_error() {
    let unconfigured = after_a_voice_message(None).await;
    // Nothing listens on port 9.
    let down = OpenAiSpeech::new("http://127.0.0.1:9", None, "whisper-1").unwrap();
    let failed = after_a_voice_message(Some(Arc::new(down))).await;

    assert_eq!(unconfigured, ["voice-unavailable"]);
    assert_eq!(failed, ["voice-unavailable"]);
}
