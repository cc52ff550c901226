//! iCalendar (.ics) files of meetings, and the owner's export of a range of
//! meetings as .ics and CSV.
//!
//! Times are always written in UTC (`...Z`), never floating, so every
//! calendar program shows them at the right wall-clock time in its own zone
//! without needing a VTIMEZONE.
//!
//! UIDs: every meeting has its own stable UID, the one its event has in
//! the owner's calendar (`Calendar::event_uid`), so importing a file there
//! never makes a second event.
//! A reschedule makes a new meeting (with a new id) in the store, so the
//! decision here is the simplest correct one: the moved meeting's old UID
//! gets a `METHOD:CANCEL` file with its SEQUENCE raised by one (see
//! [`RESCHEDULED_SEQUENCE`]), and the new meeting a `METHOD:REQUEST` file
//! with its own UID at SEQUENCE 0. Calendar programs then remove the old
//! event and add the new one; sending the same file twice changes nothing.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use meetbot_domain::{Action, Interval, Meeting, User, UserId, Zone};
use meetbot_ports::MeetingQuery;

use crate::calendar_sync::{CalendarOf, event_text, type_name};
use crate::error::UseCaseError;
use crate::services::Services;

/// The SEQUENCE of the cancelling file for a meeting that was moved or
/// cancelled: one more than the 0 its invitation carried, so it supersedes it.
pub const RESCHEDULED_SEQUENCE: u32 = 1;

/// The iTIP method of an .ics file (RFC 5546).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcsMethod {
    /// Information only (an export).
    Publish,
    /// An invitation: add or update the event.
    Request,
    /// The event is called off: remove it.
    Cancel,
}

impl IcsMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "PUBLISH",
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

fn calendar(method: IcsMethod) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("PRODID", "-//meetbot//meetbot//EN"))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", method.as_str()));
    calendar
}

/// A name fit for a CN parameter: without the characters that would need
/// quoting rules some calendar programs get wrong.
fn cn(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '"' | ',' | ';' | ':'))
        .collect()
}

fn person(key: &str, name: &str, email: &str) -> Property {
    let mut property = Property::new(key, format!("mailto:{email}"));
    property.add_parameter("CN", &cn(name));
    property.done()
}

/// The organizer's address when the owner has none and none is configured
/// (`organisation.owner_email`): RFC 5546 wants an ORGANIZER in every
/// invitation and cancellation, and `.invalid` never reaches anybody.
pub const NO_ORGANIZER_ADDRESS: &str = "owner@meetbot.invalid";

/// How one .ics file tells its meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsFile {
    /// What the file asks of a calendar program.
    pub method: IcsMethod,
    /// 0 for the first file of a meeting, raised whenever a file changes
    /// what an earlier one said.
    pub sequence: u32,
    /// The meeting's UID (`Services::event_uid`).
    pub uid: String,
    /// Whose calendar it is for: the title names the other side.
    pub reader: CalendarOf,
    /// The meeting type's name.
    pub type_name: String,
}

fn event(meeting: &Meeting, booker: Option<&User>, host: Option<&User>, file: &IcsFile) -> Event {
    let (title, description) = event_text(meeting, booker, host, file.reader, &file.type_name);
    let cancelled = match file.method {
        IcsMethod::Cancel => true,
        IcsMethod::Request => false,
        IcsMethod::Publish => meeting.is_called_off(),
    };
    let mut event = Event::new();
    event
        .uid(&file.uid)
        // The last change of the meeting, not the time of writing, so the
        // same meeting always gives the same file.
        .timestamp(meeting.updated_at)
        .add_property("CREATED", utc(meeting.created_at))
        .starts(meeting.interval.start())
        .ends(meeting.interval.end())
        .summary(&title)
        .description(&description)
        .sequence(file.sequence)
        .status(if cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    let organizer_name = host.map_or("meetbot", |h| h.name.as_str());
    let organizer_email = host
        .and_then(|h| h.email.as_ref())
        .map_or(NO_ORGANIZER_ADDRESS, |e| e.as_str());
    event.append_property(person("ORGANIZER", organizer_name, organizer_email));
    if let Some(booker) = booker
        && let Some(email) = &booker.email
    {
        let mut attendee = person("ATTENDEE", booker.name.as_str(), email.as_str());
        attendee.add_parameter("ROLE", "REQ-PARTICIPANT");
        event.append_multi_property(attendee);
    }
    event.done()
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The .ics file of one meeting: an invitation (`Request`), a notice
/// (`Publish`) or a cancellation (`Cancel`, which marks the event
/// CANCELLED). `host` is the organizer, with the address it is known by.
pub fn meeting_ics(
    meeting: &Meeting,
    booker: &User,
    host: Option<&User>,
    file: &IcsFile,
) -> String {
    let mut calendar = calendar(file.method);
    calendar.push(event(meeting, Some(booker), host, file));
    calendar.to_string()
}

/// All the meetings in one .ics file (`METHOD:PUBLISH`) for the calendar
/// of `reader`; cancelled and moved meetings are included, marked
/// CANCELLED with the SEQUENCE their cancellation had. `uid` and
/// `type_name` give a meeting's.
pub fn export_ics(
    meetings: &[Meeting],
    users: &[User],
    host: Option<&User>,
    reader: CalendarOf,
    uid: impl Fn(&Meeting) -> String,
    type_name: impl Fn(&Meeting) -> String,
) -> String {
    let mut calendar = calendar(IcsMethod::Publish);
    for meeting in meetings {
        let booker = users.iter().find(|u| u.id == meeting.booker);
        let file = IcsFile {
            method: IcsMethod::Publish,
            sequence: if meeting.is_called_off() {
                RESCHEDULED_SEQUENCE
            } else {
                0
            },
            uid: uid(meeting),
            reader,
            type_name: type_name(meeting),
        };
        calendar.push(event(meeting, booker, host, &file));
    }
    calendar.to_string()
}

/// The header of the CSV export.
pub const CSV_HEADER: [&str; 12] = [
    "id",
    "start",
    "end",
    "minutes",
    "status",
    "booker_id",
    "booker_name",
    "booker_username",
    "meeting_type",
    "topic",
    "rescheduled_from",
    "rescheduled_to",
];

/// All the meetings as CSV with a header row; times in `zone` (the owner's),
/// ISO 8601 with their offset, so a spreadsheet shows wall-clock time and the
/// instant is still exact.
pub fn export_csv(
    meetings: &[Meeting],
    users: &[User],
    zone: Zone,
) -> Result<String, UseCaseError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let local = |at: DateTime<Utc>| at.with_timezone(&zone.tz()).to_rfc3339();
    out.write_record(CSV_HEADER).map_err(csv_failed)?;
    for m in meetings {
        let booker = users.iter().find(|u| u.id == m.booker);
        out.write_record([
            m.id.to_string(),
            local(m.interval.start()),
            local(m.interval.end()),
            m.interval.duration().num_minutes().to_string(),
            m.status.as_str().to_owned(),
            m.booker.to_string(),
            booker.map(|b| b.name.to_string()).unwrap_or_default(),
            booker.and_then(|b| b.username.clone()).unwrap_or_default(),
            m.meeting_type.clone(),
            m.topic
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            m.rescheduled_from
                .map(|id| id.to_string())
                .unwrap_or_default(),
            m.rescheduled_to
                .map(|id| id.to_string())
                .unwrap_or_default(),
        ])
        .map_err(csv_failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv_failed(e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|e| {
        tracing::error!(error = %e, "the CSV export is not UTF-8");
        UseCaseError::Invalid("error-try-later")
    })
}

// Writing CSV into memory cannot meet an I/O error; should the csv crate
// still report one, the person is asked to try again and the cause logged.
fn csv_failed(error: csv::Error) -> UseCaseError {
    tracing::error!(%error, "the CSV export failed");
    UseCaseError::Invalid("error-try-later")
}

/// The owner's export of a range: every meeting overlapping it (in any
/// status), as one .ics file and as CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The meetings exported, by start time.
    pub meetings: Vec<Meeting>,
    /// All of them as one iCalendar file.
    pub ics: String,
    /// All of them as CSV, times in the owner's zone.
    pub csv: String,
}

/// Exports the meetings overlapping `range`. Owner only.
pub async fn export(s: &Services, actor: UserId, range: Interval) -> Result<Export, UseCaseError> {
    let owner = s.actor(actor, Action::Export).await?;
    let meetings = s
        .store
        .meetings(MeetingQuery {
            overlapping: Some(range),
            ..MeetingQuery::default()
        })
        .await?;
    let users = bookers_of(s, &meetings).await?;
    let zone = s.settings().await?.availability.zone();
    let host = s.organizer().await?.unwrap_or(owner);
    Ok(Export {
        ics: publish(s, &meetings, &users, Some(&host), CalendarOf::Owner).await?,
        csv: export_csv(&meetings, &users, zone)?,
        meetings,
    })
}

/// The bookers of `meetings`, each read once.
pub async fn bookers_of(s: &Services, meetings: &[Meeting]) -> Result<Vec<User>, UseCaseError> {
    let mut users: Vec<User> = Vec::new();
    for meeting in meetings {
        if users.iter().all(|u| u.id != meeting.booker) {
            users.extend(s.store.user(meeting.booker).await?);
        }
    }
    Ok(users)
}

/// `meetings` as one published .ics file (see [`export_ics`]) for the
/// calendar of `reader`: each with its UID and its type's name.
pub async fn publish(
    s: &Services,
    meetings: &[Meeting],
    bookers: &[User],
    host: Option<&User>,
    reader: CalendarOf,
) -> Result<String, UseCaseError> {
    let settings = s.settings().await?;
    Ok(export_ics(
        meetings,
        bookers,
        host,
        reader,
        |m| s.event_uid(m.id),
        |m| type_name(&settings, &m.meeting_type),
    ))
}
