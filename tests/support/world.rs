//! A world of in-memory adapters for use-case and conversation tests, with
//! the clock on Monday 2030-01-07 12:00 in Moscow.
#![expect(
    clippy::unwrap_used,
    reason = "a failed set-up step is reported by panicking"
)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use meetbot_domain::{Email, Meeting, Settings, UserId};
use meetbot_memory::{InMemoryCalendar, InMemoryMessenger, InMemoryStore, ManualClock};
use meetbot_ports::{Calendar, Clock};
use meetbot_usecases::booking::{self, BookingInput};
use meetbot_usecases::registration::{self, Profile};
use meetbot_usecases::{Services, UseCaseError};

/// The configured owner.
pub const OWNER: UserId = UserId(100);

/// The instant every world starts at: Monday 2030-01-07 12:00 Moscow (09:00 UTC).
pub fn monday_noon_moscow() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0).unwrap()
}

/// An instant given as Moscow wall-clock time in January 2030 (UTC+3 all year).
pub fn moscow(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, day, hour - 3, minute, 0)
        .unwrap()
}

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
}

impl World {
    /// An empty world with [`OWNER`] configured.
    pub fn new() -> Self {
        let store = Arc::new(InMemoryStore::new());
        let messenger = Arc::new(InMemoryMessenger::new());
        let calendar = Arc::new(InMemoryCalendar::new());
        let clock = Arc::new(ManualClock::new(monday_noon_moscow()));
        let services = Services {
            store: store.clone(),
            calendar: calendar.clone(),
            messenger: messenger.clone(),
            clock: clock.clone(),
            owner_ids: vec![OWNER],
            interpreter: Arc::new(meetbot_interpreter::OfflineInterpreter::new()),
            default_settings: Settings::default(),
        };
        Self {
            services,
            store,
            messenger,
            calendar,
            clock,
        }
    }

    /// The owner has started the bot, and the given people are approved managers.
    pub async fn with_managers(ids: &[UserId]) -> Self {
        Self::new().approved(ids).await
    }

    /// The same world with another calendar behind the use cases.
    pub fn with_calendar(mut self, calendar: Arc<dyn Calendar>) -> Self {
        self.services.calendar = calendar;
        self
    }

    /// The same world with another clock behind the use cases (the
    /// `clock` handle then no longer moves their time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.services.clock = clock;
        self
    }

    /// The owner starts the bot and approves each of `ids` as a manager
    /// (with an e-mail, `manager<id>@example.com`); nothing sent is kept.
    pub async fn approved(self, ids: &[UserId]) -> Self {
        registration::start(&self.services, &profile(OWNER, "Owner"))
            .await
            .unwrap();
        for &id in ids {
            let p = profile(id, &format!("Manager{}", id.0));
            let email = Email::new(&format!("manager{}@example.com", id.0)).unwrap();
            registration::register(&self.services, &p, None, Some(email))
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
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}
