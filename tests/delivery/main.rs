//! What goes out on time and how: reminders, the cadence, feedback and RSVP
//! on the scheduler (also through a crash and on two instances), the
//! rate-limited Telegram sender (charts sent as pictures included), and the
//! calendar outbox.

mod outbox;
mod pictures;
mod scheduling;
mod sender;
