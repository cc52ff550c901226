//! The rules of meetbot's business, with nothing of the outside world in them.
//!
//! Users and their roles and statuses, who may do what, meetings and their
//! life cycle, the owner's availability and the free slots it leaves, the
//! booking policy, reminder plans, the meeting cadence, after-meeting
//! feedback, the weekly group meeting with RSVP and the audit trail.
//!
//! This crate must never depend on another crate of ours, on an async runtime
//! or on anything that does I/O (tokio, diesel, HTTP clients, Telegram or
//! Google crates), and it never reads a clock: the current time is always a
//! parameter, so every rule can be tested at any instant.

pub mod audit;
pub mod availability;
pub mod booking;
pub mod busy;
pub mod cadence;
pub mod feedback;
pub mod group;
pub mod meeting;
pub mod permission;
pub mod reminder;
pub mod request;
pub mod settings;
pub mod time;
pub mod user;

pub use audit::{AuditAction, AuditDetails, AuditEvent, AuditKind, AuditTarget};
pub use availability::{
    Availability, BlockedRange, DayLoad, DaySlots, DayWindow, SlotRefusal, SlotStep, WeeklyHours,
};
pub use booking::{BookingPolicy, BookingRefusal, ChangeCutoff, ChangeRefusal, UpcomingLimit};
pub use busy::BusyTimes;
pub use cadence::{Cadence, CadenceState, cadence_is_due, next_cadence_run};
pub use feedback::{Rating, RatingError};
pub use group::{CronSchedule, GroupMeeting, GroupMeetingError, Occurrence, RsvpAnswer};
pub use meeting::{
    Meeting, MeetingId, MeetingStatus, MeetingType, NewMeeting, Topic, TransitionError,
};
pub use permission::{Action, Denial, authorize};
pub use reminder::{LateDelivery, PlannedReminder, ReminderOffsets};
pub use settings::Settings;
pub use time::{Interval, IntervalError, Zone, ZoneError, monday_of};
pub use user::{
    Department, DisplayName, Email, Language, Role, Status, User, UserId, ValueError,
    is_bidi_control, telegram_username, without_bidi_controls,
};
