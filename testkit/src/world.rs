//! A world of in-memory adapters for use-case and conversation tests, with
//! the clock on Monday 2030-01-07 12:00 in Moscow, and the steps people take
//! in it: typing, pressing buttons, registering, booking.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up step is reported by panicking"
)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use meetbot_domain::{Email, Language, Meeting, Settings, UserId};
use meetbot_i18n::Translator;
use meetbot_memory::{InMemoryCalendar, InMemoryMessenger, InMemoryStore, ManualClock};
use meetbot_ports::{Calendar, Clock, Messenger, Store};
use meetbot_usecases::booking::{self, BookingInput};
use meetbot_usecases::chat::{self, Event, Incoming};
use meetbot_usecases::registration::{self, Profile};
use meetbot_usecases::{Callback, Services, UseCaseError, outbox};

use crate::clock::monday_noon_moscow;
use crate::services::services;

/// The configured owner.
pub const OWNER: UserId = UserId(100);

/// A Telegram profile with a Russian interface.
pub fn profile(id: UserId, name: &str) -> Profile {
    Profile {
        id,
        first_name: name.into(),
        last_name: None,
        username: Some(name.to_lowercase()),
        language_code: Some("ru".into()),
    }
}

/// The name a person of the world has: "Owner" for [`OWNER`], else
/// "Manager" and their id.
fn manager_name(id: UserId) -> String {
    if id == OWNER {
        "Owner".to_owned()
    } else {
        format!("Manager{}", id.0)
    }
}

/// The services over in-memory adapters, with handles to each adapter.
#[derive(Debug)]
pub struct World {
    /// What the use cases get.
    pub services: Services,
    /// The store behind them.
    pub store: Arc<InMemoryStore>,
    /// Everything sent.
    pub messenger: Arc<InMemoryMessenger>,
    /// The owner's calendar.
    pub calendar: Arc<InMemoryCalendar>,
    /// The time.
    pub clock: Arc<ManualClock>,
    /// Renders what was sent, as people read it.
    pub translator: Translator,
    name_of: fn(UserId) -> String,
    language_code: &'static str,
}

impl World {
    /// An empty world with [`OWNER`] configured.
    pub fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let messenger = Arc::new(InMemoryMessenger::new());
        let calendar = Arc::new(InMemoryCalendar::new());
        let clock = Arc::new(ManualClock::new(monday_noon_moscow()));
        let services = services()
            .store(store.clone())
            .calendar(calendar.clone())
            .messenger(messenger.clone())
            .clock(clock.clone())
            .build();
        Self {
            services,
            store,
            messenger,
            calendar,
            clock,
            translator: Translator::new(),
            name_of: manager_name,
            language_code: "ru",
        }
    }

    /// The bot after a restart: the same store, calendar and clock, and a
    /// new messenger and services (what lived only in memory is gone).
    pub fn restarted(&self) -> Self {
        let messenger = Arc::new(InMemoryMessenger::new());
        let services = services()
            .store(self.store.clone())
            .calendar(self.calendar.clone())
            .messenger(messenger.clone())
            .clock(self.clock.clone())
            .owner_ids(self.services.owner_ids.clone())
            .settings(self.services.default_settings.clone())
            .install(self.services.install.clone())
            .build();
        Self {
            services,
            store: self.store.clone(),
            messenger,
            calendar: self.calendar.clone(),
            clock: self.clock.clone(),
            translator: Translator::new(),
            name_of: self.name_of,
            language_code: self.language_code,
        }
    }

    /// The owner has started the bot, and the given people are approved managers.
    pub async fn with_managers(ids: &[UserId]) -> Self {
        Self::new().approved(ids).await
    }

    /// The same world with another store behind the use cases (the `store`
    /// handle then no longer shows what they stored).
    pub fn with_store(mut self, store: Arc<dyn Store>) -> Self {
        self.services.store = store;
        self
    }

    /// The same world with another calendar behind the use cases.
    pub fn with_calendar(mut self, calendar: Arc<dyn Calendar>) -> Self {
        self.services.calendar = calendar;
        self
    }

    /// The same world with another messenger behind the use cases (the
    /// `messenger` handle then sees only what the other one passes on).
    pub fn with_messenger(mut self, messenger: Arc<dyn Messenger>) -> Self {
        self.services.messenger = messenger;
        self
    }

    /// The same world with another clock behind the use cases (the
    /// `clock` handle then no longer moves their time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.services.clock = clock;
        self
    }

    /// The same world naming its calendar events with another install's ids.
    pub fn with_install(mut self, install: meetbot_ports::InstallIds) -> Self {
        self.services.install = install;
        self
    }

    /// The same world with other configured owners.
    pub fn with_owner_ids(mut self, owner_ids: Vec<UserId>) -> Self {
        self.services.owner_ids = owner_ids;
        self
    }

    /// The same world with other settings until the owner saves their own.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.services.default_settings = settings;
        self
    }

    /// People other than [`OWNER`] are named by `name_of` (by default
    /// "Manager" and their id).
    pub fn named(mut self, name_of: fn(UserId) -> String) -> Self {
        self.name_of = name_of;
        self
    }

    /// People's Telegram interface is in `language_code` (by default "ru").
    pub fn speaking(mut self, language_code: &'static str) -> Self {
        self.language_code = language_code;
        self
    }

    /// The Telegram profile of `id`, as the chat adapters hand it over.
    pub fn person(&self, id: UserId) -> Profile {
        let name = if id == OWNER {
            manager_name(OWNER)
        } else {
            (self.name_of)(id)
        };
        Profile {
            language_code: Some(self.language_code.to_owned()),
            ..profile(id, &name)
        }
    }

    /// The owner starts the bot and approves each of `ids` as a manager
    /// (with an e-mail, `manager<id>@example.com`); nothing sent is kept.
    pub async fn approved(self, ids: &[UserId]) -> Self {
        registration::start(&self.services, &self.person(OWNER))
            .await
            .unwrap();
        for &id in ids {
            let email = Email::new(&format!("manager{}@example.com", id.0)).unwrap();
            registration::register(&self.services, &self.person(id), None, Some(email))
                .await
                .unwrap();
            registration::approve(&self.services, OWNER, id)
                .await
                .unwrap();
        }
        self.messenger.clear();
        self
    }

    /// `who` books a meeting of `meeting_type` at `start`.
    pub async fn book(
        &self,
        who: UserId,
        start: DateTime<Utc>,
        meeting_type: &str,
        topic: Option<&str>,
    ) -> Result<Meeting, UseCaseError> {
        let input = BookingInput {
            start,
            meeting_type: meeting_type.into(),
            topic: topic.map(str::to_owned),
        };
        booking::book(&self.services, who, input).await
    }

    /// `who` types `text`.
    pub async fn say(&self, who: UserId, text: &str) {
        self.event(who, Event::Text(text.into())).await;
    }

    /// `who` presses a button carrying `callback`, as if on a message the
    /// bot no longer knows (a reminder, an old screen, forged data).
    pub async fn press(&self, who: UserId, callback: Callback) {
        let event = Event::Button {
            data: callback.encode(),
            message: None,
        };
        self.event(who, event).await;
    }

    /// `who` presses the button whose label, rendered in their language,
    /// contains `label`, on the latest message to them that has one.
    pub async fn press_labelled(&self, who: UserId, label: &str) {
        let sent = self.messenger.sent_to(who);
        let found = sent.iter().rev().find_map(|m| {
            m.screen.all_buttons().find_map(|b| {
                self.translator
                    .text(m.language, &b.label)
                    .contains(label)
                    .then(|| (b.data.clone(), m.message))
            })
        });
        let Some((data, message)) = found else {
            let texts: Vec<String> = sent
                .iter()
                .map(|m| self.translator.screen(Language::Ru, &m.screen).text)
                .collect();
            panic!(
                "no button {label:?} for {who}; they were sent:\n{}",
                texts.join("\n---\n")
            );
        };
        let event = Event::Button {
            data,
            message: Some(message),
        };
        self.event(who, event).await;
    }

    /// Goes through the booking picker up to the confirmation: /book, the
    /// meeting type, the day, the time, then the topic typed or skipped.
    pub async fn pick(
        &self,
        who: UserId,
        meeting_type: &str,
        day: &str,
        time: &str,
        topic: Option<&str>,
    ) {
        self.say(who, "/book").await;
        self.press_labelled(who, meeting_type).await;
        self.press_labelled(who, day).await;
        self.press_labelled(who, time).await;
        match topic {
            Some(topic) => self.say(who, topic).await,
            None => self.press_labelled(who, "Без темы").await,
        }
    }

    /// `who` does `event` (a text, a button, a voice message).
    pub async fn event(&self, who: UserId, event: Event) {
        let incoming = Incoming {
            from: self.person(who),
            event,
        };
        chat::handle(&self.services, incoming).await;
        self.deliver().await;
    }

    /// Delivers whatever waits in the outbox, as its sender does when rung
    /// (a broadcast, a message whose first try failed and is due again).
    pub async fn deliver(&self) {
        while outbox::deliver_due(&self.services).await > 0 {}
    }

    /// How many messages `who` was sent whose screen has the text key `key`.
    pub fn count_sent(&self, who: UserId, key: &str) -> usize {
        self.messenger
            .keys_sent_to(who)
            .iter()
            .filter(|k| k.as_str() == key)
            .count()
    }

    /// Every message sent to `who`, rendered in the language it was sent in.
    pub fn rendered_to(&self, who: UserId) -> Vec<String> {
        self.messenger
            .sent_to(who)
            .iter()
            .map(|m| self.translator.screen(m.language, &m.screen).text)
            .collect()
    }

    /// The latest message to `who` that carries no file, rendered in their language.
    pub fn last(&self, who: UserId) -> String {
        let sent = self.messenger.sent_to(who);
        let message = sent
            .iter()
            .rev()
            .find(|m| m.screen.attachment.is_none())
            .unwrap_or_else(|| panic!("nothing was sent to {who}"));
        self.translator
            .screen(message.language, &message.screen)
            .text
    }

    /// The labels of the buttons on the latest message to `who`, rendered
    /// in the language it was sent in.
    pub fn buttons(&self, who: UserId) -> Vec<String> {
        let sent = self.messenger.sent_to(who);
        let message = sent
            .last()
            .unwrap_or_else(|| panic!("nothing was sent to {who}"));
        message
            .screen
            .all_buttons()
            .map(|b| self.translator.text(message.language, &b.label))
            .collect()
    }

    /// Every screen sent so far renders fully in Russian and English, and
    /// every button carries ASCII data of at most 64 bytes, as Telegram
    /// requires.
    pub fn assert_everything_rendered(&self) {
        for message in self.messenger.sent() {
            let missing = self.translator.missing_keys(&message.screen);
            assert!(missing.is_empty(), "{missing:?} in {:?}", message.screen);
            for language in [Language::Ru, Language::En] {
                let text = self.translator.screen(language, &message.screen).text;
                assert!(!text.contains("{$"), "an argument is missing: {text}");
            }
            for button in message.screen.all_buttons() {
                assert!(
                    button.data.is_ascii() && button.data.len() <= 64,
                    "{}",
                    button.data
                );
            }
        }
    }
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}
