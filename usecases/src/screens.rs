//! The messages use cases send on their own (notifications), as screens.
//! Times are shown in the reader's zone.

use std::borrow::Cow;

use meetbot_domain::{BlockedRange, Interval, Meeting, Role, Status, User, Zone};
use meetbot_ports::{Button, Screen, Text, TextArg};

use crate::callback::Callback;

/// A button with a translated label.
pub fn button(label_key: impl Into<Cow<'static, str>>, callback: Callback) -> Button {
    Button {
        label: Text::new(label_key),
        data: callback.encode(),
    }
}

/// The message key of a role's name.
pub fn role_key(role: Role) -> String {
    format!("role-{}", role.as_str().to_ascii_lowercase())
}

/// The message key of a status's name.
pub fn status_key(status: Status) -> String {
    format!(
        "status-{}",
        status.as_str().to_ascii_lowercase().replace('_', "-")
    )
}

fn when(meeting: &Meeting, reader: &User) -> TextArg {
    TextArg::Time {
        at: meeting.interval.start(),
        zone: reader.zone,
    }
}

/// Message `key` about a time span: its start in `zone`, its length and a topic.
pub(crate) fn slot_text(
    key: &'static str,
    interval: Interval,
    topic: Option<&str>,
    zone: Zone,
) -> Text {
    Text::new(key)
        .arg(
            "when",
            TextArg::Time {
                at: interval.start(),
                zone,
            },
        )
        .arg(
            "minutes",
            TextArg::Number(interval.duration().num_minutes()),
        )
        .plain("topic", topic.unwrap_or(""))
}

/// A closed range, with its reason when it has one, in `zone`.
pub fn blocked_range(block: &BlockedRange, zone: Zone) -> Text {
    match &block.reason {
        Some(reason) => {
            closed_hours("blocked-range-why", block.interval, zone).plain("reason", reason.as_str())
        }
        None => closed_hours("blocked-range", block.interval, zone),
    }
}

/// Message `key` about closed hours: their date and times in `zone`.
pub fn closed_hours(key: &'static str, hours: Interval, zone: Zone) -> Text {
    let clock = |at| TextArg::Clock { at, zone };
    Text::new(key)
        .arg("date", TextArg::Date(zone.date_of(hours.start())))
        .arg("from", clock(hours.start()))
        .arg("to", clock(hours.end()))
}

/// To the booker of a meeting inside hours the owner has just closed:
/// which hours and why, with Move and Cancel (allowed whatever the cutoff).
pub fn time_closed(meeting: &Meeting, block: &BlockedRange, reader: &User) -> Screen {
    Screen::text(
        meeting_text("time-closed", meeting, reader.zone)
            .text("range", blocked_range(block, reader.zone)),
    )
    .row(vec![
        button(
            "button-reschedule-meeting",
            Callback::Reschedule(meeting.id),
        ),
        button("button-cancel-meeting", Callback::Cancel(meeting.id)),
    ])
}

/// Message `key` about a meeting, its time shown in `zone`.
pub(crate) fn meeting_text(key: &'static str, meeting: &Meeting, zone: Zone) -> Text {
    slot_text(
        key,
        meeting.interval,
        meeting.topic.as_ref().map(|t| t.as_str()),
        zone,
    )
}

/// To the owners: somebody registered; Approve / Reject.
pub fn registration_request(user: &User) -> Screen {
    Screen::text(
        Text::new("registration-request")
            .plain("name", &user.name)
            .plain("username", user.username.as_deref().unwrap_or("-"))
            .plain(
                "department",
                user.department.as_ref().map_or("-", |d| d.as_str()),
            )
            .plain("email", user.email.as_ref().map_or("-", |e| e.as_str())),
    )
    .row(vec![
        button("button-approve", Callback::Approve(user.id)),
        button("button-reject", Callback::Reject(user.id)),
    ])
}

/// To the person: the owner approved or rejected the registration.
pub fn registration_decided(approved: bool) -> Screen {
    Screen::text(Text::new(if approved {
        "registration-approved"
    } else {
        "registration-rejected"
    }))
}

/// To the person: the owner gave them another role.
pub fn role_changed(role: Role) -> Screen {
    Screen::text(Text::new("role-changed").key("role", role_key(role)))
}

/// To the person: the owner set their status.
pub fn status_changed(status: Status) -> Screen {
    Screen::text(Text::new("status-changed").key("status", status_key(status)))
}

/// To an owner: a meeting was booked.
pub fn meeting_booked(meeting: &Meeting, booker: &User, reader: &User) -> Screen {
    with_topic(
        Screen::text(
            meeting_text("owner-meeting-booked", meeting, reader.zone).plain("name", &booker.name),
        ),
        meeting.topic.as_ref().map(|t| t.as_str()),
    )
}

/// `screen` with the topic as a line of its own, when there is one: a
/// meeting without a topic shows no empty "Topic:" line.
pub fn with_topic(screen: Screen, topic: Option<&str>) -> Screen {
    match topic {
        Some(topic) => screen.then(Text::new("topic-line").plain("topic", topic)),
        None => screen,
    }
}

/// To the other side: a meeting was cancelled by `by`.
pub fn meeting_cancelled(meeting: &Meeting, by: &User, reader: &User) -> Screen {
    Screen::text(meeting_text("meeting-cancelled-by", meeting, reader.zone).plain("name", &by.name))
}

/// To the other side: a meeting was moved by `by`.
pub fn meeting_rescheduled(old: &Meeting, new: &Meeting, by: &User, reader: &User) -> Screen {
    Screen::text(
        meeting_text("meeting-rescheduled-by", new, reader.zone)
            .plain("name", &by.name)
            .arg("old_when", when(old, reader)),
    )
}
