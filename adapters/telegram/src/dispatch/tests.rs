//! The dispatcher's order, cap and memory, against the in-memory store.

use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use meetbot_domain::Language;
use meetbot_memory::{InMemoryStore, ManualClock};
use meetbot_ports::{MenuCommand, Messenger, MessengerError, Screen, Store};
use secrecy::SecretString;
use serde_json::json;

use super::*;

/// Records replies per chat and how many sends ran at the same time;
/// each send takes a while, like a real one.
#[derive(Default)]
struct SlowMessenger {
    replies: Mutex<HashMap<i64, Vec<String>>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

#[async_trait]
impl Messenger for SlowMessenger {
    async fn send(
        &self,
        to: UserId,
        _language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.replies
            .lock()
            .unwrap()
            .entry(to.0)
            .or_default()
            .push(screen.key().to_owned());
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(MessageRef {
            chat: to,
            message_id: 1,
        })
    }

    async fn edit(
        &self,
        message: MessageRef,
        language: Language,
        screen: &Screen,
    ) -> Result<(), MessengerError> {
        self.send(message.chat, language, screen).await.map(drop)
    }

    async fn set_menu(
        &self,
        _to: UserId,
        _language: Language,
        _commands: &[MenuCommand],
    ) -> Result<(), MessengerError> {
        Ok(())
    }
}

fn text(update_id: i64, from: i64, text: &str) -> serde_json::Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": { "id": from, "type": "private" },
            "from": { "id": from, "is_bot": false, "first_name": "P", "language_code": "en" },
            "text": text,
        }
    })
}

fn dispatcher(concurrency: usize) -> (Dispatcher, Arc<SlowMessenger>, Arc<InMemoryStore>) {
    let messenger = Arc::new(SlowMessenger::default());
    let store = Arc::new(InMemoryStore::new());
    let services = meetbot_testkit::services()
        .store(store.clone())
        .messenger(messenger.clone())
        .clock(Arc::new(ManualClock::new(chrono::Utc::now())))
        .owner_ids(Vec::new())
        .build();
    // Text messages need no Bot API call of their own.
    let api = BotApi::new("http://127.0.0.1:9", &SecretString::from("1:x".to_owned())).unwrap();
    (
        Dispatcher::new(services, api, concurrency, 64),
        messenger,
        store,
    )
}

/// A full backlog is a thousand workers waiting for their turn, each
/// holding its update as stored; what a worker waits in must stay small,
/// or a burst leaves megabytes behind.
#[test]
fn a_worker_waiting_for_its_turn_holds_a_few_hundred_bytes() {
    let (dispatcher, _messenger, _store) = dispatcher(1);
    let waiting = work(dispatcher.inner.clone(), 1);
    let size = std::mem::size_of_val(&waiting);
    assert!(size <= 256, "a waiting worker holds {size} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_persons_updates_are_handled_in_order_and_people_side_by_side_within_the_cap() {
    let (dispatcher, messenger, _store) = dispatcher(3);
    let mut id = 0;
    for round in 0..4 {
        for person in 1..=10 {
            id += 1;
            let command = if round % 2 == 0 { "/help" } else { "/lang" };
            dispatcher.accept(text(id, person, command)).await.unwrap();
        }
    }

    assert!(dispatcher.drain(Duration::from_secs(10)).await);
    let replies = messenger.replies.lock().unwrap().clone();
    for person in 1..=10 {
        assert_eq!(
            replies[&person],
            [
                "help-guest",
                "choose-language",
                "help-guest",
                "choose-language"
            ],
            "person {person}"
        );
    }
    let most = messenger.most_in_flight.load(Ordering::SeqCst);
    assert!(most > 1, "people were handled one after another");
    assert!(most <= 3, "{most} at once, over the cap of 3");
}

#[tokio::test]
async fn a_redelivered_update_is_recorded_once_and_skipped() {
    let (dispatcher, messenger, store) = dispatcher(2);

    let first = dispatcher.accept(text(77, 5, "/help")).await.unwrap();
    let again = dispatcher.accept(text(77, 5, "/help")).await.unwrap();

    assert_eq!(first, Accepted::Queued);
    assert_eq!(again, Accepted::Duplicate);
    assert!(dispatcher.drain(Duration::from_secs(5)).await);
    assert_eq!(messenger.replies.lock().unwrap()[&5].len(), 1);
    assert!(store.unhandled_updates(None, 10).await.unwrap().is_empty());
    assert!(
        !store
            .receive_updates(&[meetbot_ports::InboxUpdate {
                id: 77,
                payload: String::new(),
                received_at: chrono::Utc::now(),
            }])
            .await
            .unwrap()[0]
    );
}

/// Reads sentences, and panics on one that says "panic".
struct PanickingInterpreter;

#[async_trait]
impl meetbot_ports::interpreter::Interpreter for PanickingInterpreter {
    async fn interpret(
        &self,
        text: &str,
        _situation: &meetbot_ports::interpreter::Situation,
    ) -> Result<meetbot_domain::request::Interpretation, meetbot_ports::interpreter::InterpreterError>
    {
        assert!(!text.contains("panic"), "a handler panics");
        Ok(meetbot_domain::request::Interpretation::NotUnderstood)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_contained_one_persons_panicking_update_is_answered_and_others_go_on() {
    let messenger = Arc::new(SlowMessenger::default());
    let store = Arc::new(InMemoryStore::new());
    let services = meetbot_testkit::services()
        .store(store.clone())
        .messenger(messenger.clone())
        .interpreter(Arc::new(PanickingInterpreter))
        .owner_ids(vec![UserId(5), UserId(6)])
        .build();
    let api = BotApi::new("http://127.0.0.1:9", &SecretString::from("1:x".to_owned())).unwrap();
    let dispatcher = Dispatcher::new(services, api, 2, 64);
    dispatcher.accept(text(1, 5, "/start")).await.unwrap();
    dispatcher.accept(text(2, 6, "/start")).await.unwrap();
    assert!(dispatcher.drain(Duration::from_secs(5)).await);

    dispatcher.accept(text(3, 5, "please panic")).await.unwrap();
    dispatcher.accept(text(4, 6, "/help")).await.unwrap();
    dispatcher.accept(text(5, 5, "/help")).await.unwrap();
    assert!(dispatcher.drain(Duration::from_secs(5)).await);

    let replies = messenger.replies.lock().unwrap().clone();
    assert_eq!(
        replies[&5][1..],
        ["error-try-later", "help-owner"],
        "{replies:?}"
    );
    assert_eq!(replies[&6][1..], ["help-owner"]);
    assert!(
        store.unhandled_updates(None, 10).await.unwrap().is_empty(),
        "the panicking update is not taken up again at the next start"
    );
}

#[tokio::test]
async fn an_update_of_an_unknown_kind_is_skipped_without_blocking_the_next() {
    let (dispatcher, messenger, _store) = dispatcher(2);

    let odd = json!({ "update_id": 1, "some_future_kind": { "x": 1 } });
    assert_eq!(dispatcher.accept(odd).await.unwrap(), Accepted::Queued);
    dispatcher.accept(text(2, 5, "/help")).await.unwrap();

    assert!(dispatcher.drain(Duration::from_secs(5)).await);
    assert_eq!(messenger.replies.lock().unwrap()[&5], ["help-guest"]);
}
