//! The one place tests build `Services`: in-memory adapters, the clock on
//! Monday 2030-01-07 12:00 in Moscow and [`OWNER`](crate::OWNER)
//! configured, each replaceable. A new port in `Services` is given its
//! test default here and nowhere else.

use std::sync::Arc;

use meetbot_domain::{MeetingId, Settings, UserId};
use meetbot_interpreter::OfflineInterpreter;
use meetbot_memory::{InMemoryCalendar, InMemoryMessenger, InMemoryStore, ManualClock};
use meetbot_ports::interpreter::Interpreter;
use meetbot_ports::{Calendar, Clock, InstallIds, Messenger, Store};
use meetbot_usecases::Services;
use meetbot_usecases::outbox::Outbox;

use crate::clock::monday_noon_moscow;
use crate::world::OWNER;

/// `Services` under construction; see [`services`].
#[derive(Clone)]
pub struct ServicesBuilder {
    store: Arc<dyn Store>,
    calendar: Arc<dyn Calendar>,
    messenger: Arc<dyn Messenger>,
    clock: Arc<dyn Clock>,
    owner_ids: Vec<UserId>,
    interpreter: Arc<dyn Interpreter>,
    settings: Settings,
    install: InstallIds,
}

impl std::fmt::Debug for ServicesBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicesBuilder")
            .field("owner_ids", &self.owner_ids)
            .finish_non_exhaustive()
    }
}

/// Services over fresh in-memory adapters, with a manual clock on Monday
/// 2030-01-07 12:00 in Moscow, [`OWNER`] as the configured owner and the
/// default settings; change what a test needs, then `build()`.
pub fn services() -> ServicesBuilder {
    ServicesBuilder {
        store: Arc::new(InMemoryStore::new()),
        calendar: Arc::new(InMemoryCalendar::new()),
        messenger: Arc::new(InMemoryMessenger::new()),
        clock: Arc::new(ManualClock::new(monday_noon_moscow())),
        owner_ids: vec![OWNER],
        interpreter: Arc::new(OfflineInterpreter::new()),
        settings: Settings::default(),
        install: test_install(),
    }
}

/// The install ids of services built here: [`INSTALL`], every meeting
/// named with it.
#[expect(clippy::expect_used, reason = "a constant known to be valid")]
pub fn test_install() -> InstallIds {
    InstallIds::new(INSTALL, MeetingId(i64::MIN)).expect("a valid install id")
}

/// Where services built here say calendar feeds are served.
pub const FEED_BASE: &str = "https://bot.example.org";

/// The install id of services built here.
pub const INSTALL: &str = "7e57000000000001";

impl ServicesBuilder {
    /// Another store.
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = store;
        self
    }

    /// Another calendar.
    pub fn calendar(mut self, calendar: Arc<dyn Calendar>) -> Self {
        self.calendar = calendar;
        self
    }

    /// Another messenger.
    pub fn messenger(mut self, messenger: Arc<dyn Messenger>) -> Self {
        self.messenger = messenger;
        self
    }

    /// Another clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Other configured owners (none: whoever registers first as OWNER).
    pub fn owner_ids(mut self, owner_ids: Vec<UserId>) -> Self {
        self.owner_ids = owner_ids;
        self
    }

    /// Another reader of sentences.
    pub fn interpreter(mut self, interpreter: Arc<dyn Interpreter>) -> Self {
        self.interpreter = interpreter;
        self
    }

    /// Another install, as a store's migrations made it
    /// (`calendar_sync::install_ids`).
    pub fn install(mut self, install: InstallIds) -> Self {
        self.install = install;
        self
    }

    /// Other settings until the owner saves their own.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The services.
    pub fn build(self) -> Services {
        Services {
            store: self.store,
            calendar: self.calendar,
            messenger: self.messenger,
            clock: self.clock,
            owner_ids: self.owner_ids,
            interpreter: self.interpreter,
            default_settings: self.settings,
            install: self.install,
            owner_email: None,
            busy_reads: Arc::default(),
            refusals: Arc::default(),
            feed_base: Some(FEED_BASE.to_owned()),
            outbox: Outbox::default(),
            settings_read: None,
        }
    }
}
