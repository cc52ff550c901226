//! The ports: what meetbot's core needs from the outside world, as traits.
//!
//! `Store` keeps everything that must survive a restart, `Calendar` is the
//! owner's calendar, `Messenger` reaches people, `Clock` tells the time,
//! `Interpreter` reads sentences and `SpeechToText` voice messages.
//! Every method documents its contract; adapters prove they keep it by
//! passing the suites of the `contract` feature. The `mock` feature adds
//! mockall mocks (`MockStore`, `MockCalendar`, `MockMessenger`, `MockClock`).
//!
//! This crate depends on the domain only; it must never depend on an adapter,
//! a database driver, an HTTP client or a chat library.

pub mod calendar;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod interpreter;
pub mod messenger;
pub mod screen;
pub mod speech;
pub mod statistics;
pub mod store;

#[cfg(feature = "contract")]
pub mod contract;

pub use calendar::{
    Calendar, CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, EventKey, InstallIds,
};
pub use clock::Clock;
pub use delivery::{Delivery, InboxUpdate, Outgoing, OutgoingId, QueuedMessage};
pub use messenger::{MenuCommand, MessageRef, Messenger, MessengerError};
pub use screen::{Attachment, Button, Chart, Plot, Screen, Series, Text, TextArg};
pub use speech::{Audio, SpeechError, SpeechToText};
pub use statistics::{
    BookerSummary, Canceller, MeetingFigures, Outcomes, PeopleCount, PeopleFigures, RatedMeeting,
    RatingFigures, RsvpCount, StatisticsQuery,
};
pub use store::{
    AuditCursor, AuditEntry, AuditId, AuditQuery, Backlog, BookingError, BookingRequest,
    CalendarJob, CalendarJobKind, Feedback, FirstRead, JobId, MeetingQuery, Reminder, ReminderId,
    ReminderState, Rsvp, Store, StoreError, Transaction, UserQuery,
};

#[cfg(feature = "mock")]
pub use calendar::MockCalendar;
#[cfg(feature = "mock")]
pub use clock::MockClock;
#[cfg(feature = "mock")]
pub use messenger::MockMessenger;
#[cfg(feature = "mock")]
pub use speech::MockSpeechToText;
#[cfg(feature = "mock")]
pub use store::MockStore;
