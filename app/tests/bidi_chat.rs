//! Bidi control characters through the chat, over the in-memory adapters:
//! a name typed with a right-to-left override reaches the owner without
//! it, and an e-mail hiding one is refused.
#![expect(
    clippy::unwrap_used,
    reason = "a test reports a broken step by panicking"
)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use meetbot_domain::{Settings, UserId, is_bidi_control};
use meetbot_i18n::Translator;
use meetbot_memory::{InMemoryCalendar, InMemoryMessenger, InMemoryStore, ManualClock};
use meetbot_usecases::Services;
use meetbot_usecases::chat::{self, Event, Incoming};
use meetbot_usecases::registration::Profile;

const OWNER: UserId = UserId(100);
const ANNA: UserId = UserId(1);

struct Chat {
    services: Services,
    messenger: Arc<InMemoryMessenger>,
    translator: Translator,
}

impl Chat {
    fn new() -> Self {
        let messenger = Arc::new(InMemoryMessenger::new());
        let services = Services {
            store: Arc::new(InMemoryStore::new()),
            calendar: Arc::new(InMemoryCalendar::new()),
            messenger: messenger.clone(),
            clock: Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0).unwrap(),
            )),
            owner_ids: vec![OWNER],
            default_settings: Settings::default(),
        };
        Self {
            services,
            messenger,
            translator: Translator::new(),
        }
    }

    async fn say(&self, from: Profile, text: &str) {
        let incoming = Incoming {
            from,
            event: Event::Text(text.into()),
        };
        chat::handle(&self.services, incoming).await;
    }

    /// The latest message to `who`, rendered in their language.
    fn last(&self, who: UserId) -> String {
        let sent = self.messenger.sent_to(who);
        let message = sent.last().unwrap();
        self.translator
            .screen(message.language, &message.screen)
            .text
    }
}

fn owner() -> Profile {
    Profile {
        id: OWNER,
        first_name: "Owner".into(),
        last_name: None,
        username: Some("owner".into()),
        language_code: Some("en".into()),
    }
}

/// Anna, whose Telegram name carries an override and an isolate.
fn anna() -> Profile {
    Profile {
        id: ANNA,
        first_name: "\u{202e}Anna".into(),
        last_name: Some("Petrova\u{2066}".into()),
        username: Some("anna".into()),
        language_code: Some("en".into()),
    }
}

#[tokio::test]
async fn bidi_the_owners_approval_message_shows_the_name_without_control_characters() {
    let chat = Chat::new();
    chat.say(owner(), "/start").await;

    chat.say(anna(), "/start").await;
    chat.say(anna(), "anna@example.com").await;

    let approval = chat.last(OWNER);
    assert!(approval.contains("Anna Petrova"), "{approval}");
    assert!(!approval.contains(is_bidi_control), "{approval:?}");
}

#[tokio::test]
async fn bidi_an_email_hiding_an_override_is_refused_in_the_chat() {
    let chat = Chat::new();
    chat.say(owner(), "/start").await;
    chat.say(anna(), "/start").await;

    chat.say(anna(), "<b>\u{202e}@evil.example").await;

    assert_eq!(
        chat.messenger.sent_to(OWNER).len(),
        1,
        "the owner was told nothing"
    );
    let refusal = chat.last(ANNA);
    assert!(
        refusal.contains("does not look like an e-mail"),
        "{refusal}"
    );
}
