//! The console transport, driven through its input and output streams like
//! a person at a terminal: one full booking.

use std::sync::Arc;

use meetbot_domain::{MeetingStatus, UserId};
use meetbot_i18n::Translator;
use meetbot_memory::InMemoryStore;
use meetbot_ports::{MeetingQuery, Store};
use meetbot_testkit::console::{button, screen};
use meetbot_usecases::registration::Profile;
use tokio::io::{AsyncWriteExt, BufReader};

#[tokio::test]
async fn console_books_a_meeting_through_stdin_and_stdout() {
    let store = Arc::new(InMemoryStore::new());
    let console = meetbot_console::Console::new(
        Arc::new(Translator::new()),
        std::env::temp_dir().join("meetbot-console"),
    );
    // Monday 2030-01-07, 12:00 in Moscow.
    let services = meetbot_testkit::services()
        .store(store.clone())
        .messenger(console.clone())
        .owner_ids(vec![UserId(1)])
        .build();
    let person = Profile {
        id: UserId(1),
        first_name: "Ольга".into(),
        last_name: None,
        username: None,
        language_code: Some("ru".into()),
    };
    let (mut keyboard, stdin) = tokio::io::duplex(4096);
    let (stdout, mut terminal) = tokio::io::duplex(1 << 16);
    let session = tokio::spawn(console.run(services, person, BufReader::new(stdin), stdout));

    let welcome = screen(&mut terminal).await;
    assert!(welcome.contains("Здравствуйте, Ольга"), "{welcome}");
    assert!(
        welcome.contains("TELEGRAM_BOT_TOKEN"),
        "the console says how to switch to Telegram"
    );

    let mut type_line = async |line: String| {
        keyboard
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        screen(&mut terminal).await
    };
    let types = type_line("/book".into()).await;
    let month = type_line(button(&types, "60 мин")).await;
    assert!(month.contains("Январь 2030"), "{month}");
    let day = type_line(button(&month, "🟢9")).await;
    let topic = type_line(button(&day, "10:00")).await;
    assert!(topic.contains("Тема встречи"), "{topic}");
    let confirm = type_line("Планёрка".into()).await;
    assert!(
        confirm.contains("Планёрка") && confirm.contains("60 мин"),
        "{confirm}"
    );
    let done = type_line(button(&confirm, "Подтвердить")).await;
    assert!(
        done.contains("Вы записаны: ср, 9 января 2030, 10:00 (MSK)"),
        "{done}"
    );

    let unknown = type_line("/nonsense".into()).await;
    assert!(unknown.contains("Такой команды нет"), "{unknown}");
    drop(keyboard);
    session.await.unwrap().unwrap();

    let meetings = store.meetings(MeetingQuery::default()).await.unwrap();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].status, MeetingStatus::Scheduled);
    assert_eq!(
        meetings[0].topic.as_ref().map(|t| t.as_str()),
        Some("Планёрка")
    );
}
