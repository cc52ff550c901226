//! The screens of the conversation. Keys name messages of the locale files;
//! times are shown in the reader's zone.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use meetbot_domain::{
    DayLoad, DaySlots, Department, Interval, Language, Meeting, MeetingId, MeetingType, Role,
    Status, User, UserId, Zone,
};
use meetbot_ports::{Attachment, Button, Screen, Text, TextArg};

use super::command::{Command, DateArg};
use crate::callback::Callback;
use crate::error::UseCaseError;
use crate::feedback::{RatingSummary, stars_text};
use crate::ics::Export;
use crate::members::ProfileView;
use crate::screens::{button, meeting_text, role_key, slot_text, status_key, with_topic};

/// Who reads a screen: their language and zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reader {
    /// The language to render in.
    pub language: Language,
    /// The zone times are shown in.
    pub zone: Zone,
}

/// A button whose label is shown as it is (a number, a name).
fn plain_button(label: impl ToString, callback: Callback) -> Button {
    Button {
        label: Text::new("plain").plain("text", label),
        data: callback.encode(),
    }
}

/// A row with the Cancel button of a dialog.
pub(crate) fn abort_row() -> Vec<Button> {
    vec![button("button-abort", Callback::Abort)]
}

/// An error explained.
pub fn error(error: &UseCaseError) -> Screen {
    let text = Text::new(error.text_key());
    Screen::text(match (error, error.number()) {
        (UseCaseError::OutOfRange { min, max, .. }, _) => text
            .arg("min", TextArg::Number(*min))
            .arg("max", TextArg::Number(*max)),
        (_, Some(n)) => text.arg("n", TextArg::Number(n)),
        (_, None) => text,
    })
}

/// The main menu of a role.
pub fn menu(role: Role) -> Vec<Vec<Button>> {
    let command = |key: &'static str, command: Command| button(key, Callback::Command(command));
    let mut rows = Vec::new();
    if matches!(role, Role::Manager | Role::Owner) {
        rows.push(vec![
            command("menu-book", Command::Book),
            command("menu-my", Command::My),
        ]);
        rows.push(vec![
            command("menu-free", Command::Free(None)),
            command("menu-profile", Command::Profile),
        ]);
    }
    if role == Role::Owner {
        rows.push(vec![
            command("menu-pending", Command::Pending),
            command("menu-users", Command::Users),
        ]);
        rows.push(vec![
            command("menu-settings", Command::Settings),
            command("menu-audit", Command::Audit),
        ]);
        rows.push(vec![command(
            "menu-stats",
            Command::Stats(crate::chat::command::StatsPeriod::Month),
        )]);
    }
    rows
}

/// Welcome (back) with the menu of the person's role.
pub fn welcome(user: &User) -> Screen {
    Screen {
        texts: vec![
            Text::new("welcome")
                .plain("name", &user.name)
                .key("role", role_key(user.role)),
        ],
        buttons: menu(user.role),
        ..Screen::default()
    }
}

/// /help for a role (`None`: not registered).
pub fn help(role: Option<Role>) -> Screen {
    Screen::text(Text::new(match role {
        Some(Role::Owner) => "help-owner",
        Some(Role::Manager) => "help-manager",
        _ => "help-guest",
    }))
}

/// A button pressed days after its screen was sent: said so, with the
/// main menu of the person's role to start again from.
pub fn button_expired(role: Option<Role>) -> Screen {
    let mut screen = Screen::text(Text::new("button-expired"));
    if let Some(role) = role {
        screen.buttons = menu(role);
    }
    screen
}

/// A screen of one message key.
pub fn note(key: &'static str) -> Screen {
    Screen::text(Text::new(key))
}

/// The registration question about the department.
pub fn ask_department(departments: &[Department]) -> Screen {
    let mut screen = Screen::text(Text::new("ask-department"));
    for (chunk_index, chunk) in departments.chunks(2).enumerate() {
        screen = screen.row(
            chunk
                .iter()
                .enumerate()
                .map(|(i, d)| plain_button(d, Callback::Department((chunk_index * 2 + i) as u16)))
                .collect(),
        );
    }
    screen.row(vec![button("button-skip", Callback::Skip)])
}

/// The registration question about the e-mail.
pub fn ask_email() -> Screen {
    Screen::text(Text::new("ask-email")).row(vec![button("button-skip", Callback::Skip)])
}

/// The language choice.
pub fn choose_language() -> Screen {
    Screen::text(Text::new("choose-language")).row(vec![
        plain_button("Русский", Callback::Lang(Language::Ru)),
        plain_button("English", Callback::Lang(Language::En)),
    ])
}

/// The meeting types to choose from.
pub fn pick_meeting_type(types: &[MeetingType]) -> Screen {
    let mut screen = Screen::text(Text::new("pick-meeting-type"));
    for chunk in types.chunks(2) {
        screen = screen.row(
            chunk
                .iter()
                .map(|t| {
                    let label = Text::new("meeting-type-button")
                        .plain("name", t.name())
                        .arg("minutes", TextArg::Number(i64::from(t.minutes())));
                    Button {
                        label,
                        data: Callback::MeetingType(t.code().to_owned()).encode(),
                    }
                })
                .collect(),
        );
    }
    screen.row(abort_row())
}

/// The weekdays' names as a month's column headings, Monday first.
const WEEKDAY_KEYS: [&str; 7] = [
    "weekday-1",
    "weekday-2",
    "weekday-3",
    "weekday-4",
    "weekday-5",
    "weekday-6",
    "weekday-7",
];

fn load_key(load: DayLoad) -> &'static str {
    match load {
        DayLoad::Closed => "day-closed",
        DayLoad::Light => "day-light",
        DayLoad::Busy => "day-busy",
        DayLoad::Full => "day-full",
    }
}

/// The month calendar: days coloured by load, closed and full days inert,
/// arrows to the neighbouring months that have days in `bookable` (the
/// first and last dates that can be booked), blank where there are none.
pub fn month(
    year: i32,
    month: u32,
    days: &[(NaiveDate, DayLoad)],
    (first_bookable, last_bookable): (NaiveDate, NaiveDate),
) -> Screen {
    let (prev_year, prev_month) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let title = Text::new("month-title")
        .arg("month", TextArg::Number(i64::from(month)))
        .arg("year", TextArg::Number(i64::from(year)));
    let first_of = |year, month| NaiveDate::from_ymd_opt(year, month, 1);
    // The previous month has a bookable day when this one starts after the
    // first; the next one when it starts by the last.
    let earlier = first_of(year, month).is_some_and(|first| first > first_bookable);
    let later = first_of(next_year, next_month).is_some_and(|first| first <= last_bookable);
    // Most of a month's buttons do nothing (the title, the weekdays,
    // blanks, closed and full days): that data is encoded once and copied.
    let noop = Callback::Noop.encode();
    let blank = || Button {
        label: Text::new("plain").plain("text", " "),
        data: noop.clone(),
    };
    let arrow = |shown: bool, label: &str, callback: Callback| {
        if shown {
            plain_button(label, callback)
        } else {
            blank()
        }
    };
    let mut screen = Screen::text(Text::new("pick-day")).row(vec![
        arrow(earlier, "‹", Callback::Month(prev_year, prev_month)),
        Button {
            label: title,
            data: noop.clone(),
        },
        arrow(later, "›", Callback::Month(next_year, next_month)),
    ]);
    screen = screen.row(
        WEEKDAY_KEYS
            .into_iter()
            .map(|key| Button {
                label: Text::new(key),
                data: noop.clone(),
            })
            .collect(),
    );
    let new_week = || Vec::with_capacity(7);
    let mut week: Vec<Button> = new_week();
    if let Some((first, _)) = days.first() {
        for _ in 0..first.weekday().num_days_from_monday() {
            week.push(blank());
        }
    }
    for (date, load) in days {
        let bookable = matches!(load, DayLoad::Light | DayLoad::Busy);
        // The day is shown as it is: no plural follows it, and Fluent would
        // format a number as a float.
        let label = Text::new(load_key(*load)).plain("day", date.day());
        let data = if bookable {
            Callback::Day(*date).encode()
        } else {
            noop.clone()
        };
        week.push(Button { label, data });
        if week.len() == 7 {
            screen = screen.row(std::mem::replace(&mut week, new_week()));
        }
    }
    if !week.is_empty() {
        while week.len() < 7 {
            week.push(blank());
        }
        screen = screen.row(week);
    }
    screen.row(abort_row())
}

/// The start times of `slots` as buttons, four to a row.
pub(crate) fn slot_rows(slots: &[Interval], zone: Zone) -> Vec<Vec<Button>> {
    slots
        .chunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .map(|slot| Button {
                    label: Text::new("plain").arg(
                        "text",
                        TextArg::Clock {
                            at: slot.start(),
                            zone,
                        },
                    ),
                    data: Callback::Slot(slot.start()).encode(),
                })
                .collect()
        })
        .collect()
}

/// The free start times of a day, with a way back to the month.
pub fn day_slots(date: NaiveDate, slots: &DaySlots, reader: Reader) -> Screen {
    let key = if slots.free.is_empty() {
        "no-free-slots"
    } else {
        "pick-slot"
    };
    let mut screen = Screen::text(Text::new(key).arg("date", TextArg::Date(date)));
    screen.buttons.extend(slot_rows(&slots.free, reader.zone));
    screen.row(vec![
        button("button-back", Callback::Month(date.year(), date.month())),
        button("button-abort", Callback::Abort),
    ])
}

/// /free: the free times of a day, each a button that starts a booking.
pub fn free_slots(date: NaiveDate, slots: &DaySlots, reader: Reader) -> Screen {
    let key = if slots.free.is_empty() {
        "no-free-slots"
    } else {
        "free-slots"
    };
    let mut screen = Screen::text(Text::new(key).arg("date", TextArg::Date(date)));
    screen.buttons.extend(slot_rows(&slots.free, reader.zone));
    let next = date + Duration::days(1);
    screen.row(vec![plain_button(
        "›",
        Callback::Command(Command::Free(Some(DateArg::Full(next)))),
    )])
}

/// Asks for the optional topic.
pub fn ask_topic() -> Screen {
    Screen::text(Text::new("ask-topic")).row(vec![
        button("button-no-topic", Callback::SkipTopic),
        button("button-abort", Callback::Abort),
    ])
}

/// The summary to confirm before booking.
pub fn confirm(
    interval: Interval,
    topic: Option<&str>,
    rescheduling: bool,
    reader: Reader,
) -> Screen {
    let key = if rescheduling {
        "confirm-reschedule"
    } else {
        "confirm-booking"
    };
    with_topic(
        Screen::text(slot_text(key, interval, topic, reader.zone)),
        topic,
    )
    .row(vec![
        button("button-confirm", Callback::Confirm),
        button("button-abort", Callback::Abort),
    ])
}

/// The booking (or move) is done.
pub fn booked(meeting: &Meeting, rescheduled: bool, reader: Reader) -> Screen {
    let key = if rescheduled {
        "meeting-rescheduled"
    } else {
        "meeting-booked"
    };
    let topic = meeting.topic.as_ref().map(|t| t.as_str());
    let screen = Screen::text(meeting_text(key, meeting, reader.zone));
    let screen = if rescheduled {
        screen
    } else {
        with_topic(screen, topic)
    };
    screen.row(vec![button("menu-my", Callback::Command(Command::My))])
}

/// /my: upcoming meetings, each with Cancel and Reschedule while they may
/// still be changed, else the time until which they could have been.
pub fn my_meetings(meetings: &[MyMeeting], reader: Reader) -> Screen {
    if meetings.is_empty() {
        return Screen::text(Text::new("no-meetings"))
            .row(vec![button("menu-book", Callback::Command(Command::Book))]);
    }
    let mut screen = Screen::text(Text::new("my-meetings-title"));
    for (i, (meeting, booker, closed_since)) in meetings.iter().enumerate() {
        let number = i as i64 + 1;
        let line = match booker {
            Some(booker) => {
                meeting_text("my-meeting-line-by", meeting, reader.zone).plain("name", &booker.name)
            }
            None => meeting_text("my-meeting-line", meeting, reader.zone),
        };
        screen = screen.then(line.arg("n", TextArg::Number(number)));
        if let Some(link) = &meeting.video_link {
            screen = screen.then(Text::new("video-link").plain("link", link));
        }
        if let Some(since) = closed_since {
            screen = screen.then(change_closed(*since, reader));
            continue;
        }
        screen = screen.row(vec![
            Button {
                label: Text::new("button-cancel-n").arg("n", TextArg::Number(number)),
                data: Callback::Cancel(meeting.id).encode(),
            },
            Button {
                label: Text::new("button-reschedule-n").arg("n", TextArg::Number(number)),
                data: Callback::Reschedule(meeting.id).encode(),
            },
        ]);
    }
    screen
}

/// A meeting of /my: who booked it when somebody else did (the owner's
/// list), and since when it may no longer be cancelled or moved (`None`:
/// it still may).
pub type MyMeeting = (Meeting, Option<User>, Option<DateTime<Utc>>);

/// The line that replaces Cancel and Move once the cutoff has passed.
fn change_closed(since: DateTime<Utc>, reader: Reader) -> Text {
    Text::new("change-closed").arg(
        "until",
        TextArg::Time {
            at: since,
            zone: reader.zone,
        },
    )
}

/// One meeting, opened from its reminder: when, how long, with whom, the
/// topic, and Cancel / Move while it may still be changed (see
/// [`MyMeeting`] for `closed_since`).
pub fn meeting_card(
    meeting: &Meeting,
    booker: Option<&User>,
    reader: Reader,
    closed_since: Option<DateTime<Utc>>,
) -> Screen {
    let text = meeting_text("meeting-card", meeting, reader.zone)
        .plain("name", booker.map_or(String::new(), |b| b.name.to_string()))
        .key(
            "status",
            format!(
                "meeting-status-{}",
                meeting.status.as_str().to_ascii_lowercase()
            ),
        );
    let screen = with_topic(
        Screen::text(text),
        meeting.topic.as_ref().map(|t| t.as_str()),
    );
    if meeting.status != meetbot_domain::MeetingStatus::Scheduled {
        return screen;
    }
    if let Some(since) = closed_since {
        return screen.then(change_closed(since, reader));
    }
    screen.row(vec![
        button("button-cancel-meeting", Callback::Cancel(meeting.id)),
        button(
            "button-reschedule-meeting",
            Callback::Reschedule(meeting.id),
        ),
    ])
}

/// The owner's button on a meeting that has taken place: mark it a
/// no-show, or held after all.
pub fn no_show_button(meeting: &Meeting) -> Button {
    if meeting.status == meetbot_domain::MeetingStatus::NoShow {
        button("button-mark-held", Callback::NoShow(meeting.id, false))
    } else {
        button("button-mark-no-show", Callback::NoShow(meeting.id, true))
    }
}

/// Are you sure you want to cancel?
pub fn confirm_cancel(meeting: &Meeting, reader: Reader) -> Screen {
    Screen::text(meeting_text("confirm-cancel", meeting, reader.zone)).row(vec![
        button("button-yes-cancel", Callback::CancelConfirmed(meeting.id)),
        button("button-keep", Callback::Abort),
    ])
}

/// The meeting is cancelled.
pub fn cancelled(meeting: &Meeting, reader: Reader) -> Screen {
    Screen::text(meeting_text("meeting-cancelled", meeting, reader.zone))
}

/// /profile.
pub fn profile(view: &ProfileView, reader: Reader) -> Screen {
    let user = &view.user;
    let last = match view.last_meeting {
        Some(at) => TextArg::Time {
            at,
            zone: reader.zone,
        },
        None => TextArg::Plain("—".into()),
    };
    Screen::text(
        Text::new("profile")
            .plain("name", &user.name)
            .plain(
                "department",
                user.department.as_ref().map_or("—", |d| d.as_str()),
            )
            .key("role", role_key(user.role))
            .key("status", status_key(user.status))
            .arg("held", TextArg::Number(view.meetings_held as i64))
            .arg("last", last),
    )
}

/// A status was set.
pub fn status_set(status: Status) -> Screen {
    Screen::text(Text::new("status-set").key("status", status_key(status)))
}

/// /pending: each registration with Approve / Reject.
pub fn pending(users: &[User]) -> Screen {
    if users.is_empty() {
        return note("no-pending");
    }
    let mut screen = Screen::text(Text::new("pending-title"));
    for user in users {
        let request = crate::screens::registration_request(user);
        screen.texts.extend(request.texts);
        screen.buttons.extend(request.buttons);
    }
    screen
}

/// What the owner sees after deciding a registration, followed by the
/// requests still `waiting`, each with its buttons.
pub fn decided(user: &User, approved: bool, waiting: &[User]) -> Screen {
    let key = if approved {
        "owner-approved"
    } else {
        "owner-rejected"
    };
    let mut screen = Screen::text(Text::new(key).plain("name", &user.name));
    if !waiting.is_empty() {
        let rest = pending(waiting);
        screen.texts.extend(rest.texts);
        screen.buttons.extend(rest.buttons);
    }
    screen
}

/// /users: everybody, each a button to their card, with the average
/// rating of the meetings they had when they rated any.
pub fn users(users: &[User], ratings: &HashMap<UserId, RatingSummary>) -> Screen {
    let mut screen =
        Screen::text(Text::new("users-title").arg("count", TextArg::Number(users.len() as i64)));
    for user in users {
        let label = match ratings.get(&user.id) {
            Some(rating) => {
                Text::new("user-button-rated").plain("stars", stars_text(rating.average_tenths))
            }
            None => Text::new("user-button"),
        }
        .plain("name", &user.name)
        .key("role", role_key(user.role))
        .key("status", status_key(user.status));
        screen = screen.row(vec![Button {
            label,
            data: Callback::UserCard(user.id).encode(),
        }]);
    }
    screen
}

/// A user's card with role and status buttons, and their feedback.
pub fn user_card(
    user: &User,
    rating: Option<&RatingSummary>,
    departments: &[Department],
) -> Screen {
    let text = Text::new("user-card")
        .plain("name", &user.name)
        .plain("username", user.username.as_deref().unwrap_or("—"))
        .plain(
            "department",
            user.department.as_ref().map_or("—", |d| d.as_str()),
        )
        .plain("email", user.email.as_ref().map_or("—", |e| e.as_str()))
        .key("role", role_key(user.role))
        .key("status", status_key(user.status));
    let role_buttons = [Role::Manager, Role::Owner, Role::Blocked]
        .into_iter()
        .filter(|r| *r != user.role)
        .map(|r| Button {
            label: Text::new("button-set-role").key("role", role_key(r)),
            data: Callback::SetRole(user.id, r).encode(),
        })
        .collect();
    let status_buttons: Vec<Button> = Status::ALL
        .iter()
        .filter(|s| **s != user.status)
        .map(|s| Button {
            label: Text::new(status_key(*s)),
            data: Callback::SetStatus(user.id, *s).encode(),
        })
        .collect();
    let mut screen = Screen::text(text);
    if let Some(since) = user.unreachable_since {
        screen = screen
            .then(Text::new("user-unreachable").arg("since", TextArg::Date(since.date_naive())));
    }
    if let Some(rating) = rating {
        screen = screen.then(
            Text::new("user-card-feedback")
                .plain("stars", stars_text(rating.average_tenths))
                .arg("count", TextArg::Number(rating.count as i64))
                .plain("comment", rating.last_comment.as_deref().unwrap_or("—")),
        );
    }
    let department_buttons: Vec<Button> = departments
        .iter()
        .enumerate()
        .filter(|(_, d)| user.department.as_ref() != Some(*d))
        .map(|(i, d)| Button {
            label: Text::new("button-set-department").plain("department", d),
            data: Callback::SetDepartment(user.id, i as u16).encode(),
        })
        .collect();
    let mut screen = screen.row(role_buttons);
    for chunk in status_buttons.chunks(2).chain(department_buttons.chunks(2)) {
        screen = screen.row(chunk.to_vec());
    }
    let screen = screen.row(vec![super::audit_views::person_button(user.id)]);
    screen.row(vec![button(
        "menu-users",
        Callback::Command(Command::Users),
    )])
}

/// A broadcast went out.
pub fn broadcast_done(recipients: usize) -> Screen {
    Screen::text(Text::new("broadcast-done").arg(
        "recipients",
        TextArg::Number(i64::try_from(recipients).unwrap_or(i64::MAX)),
    ))
}

/// The broadcast itself, as the readers see it.
pub fn broadcast_message(text: &str, from: &User) -> Screen {
    Screen::text(
        Text::new("broadcast-message")
            .plain("text", text)
            .plain("name", &from.name),
    )
}

/// An .ics file of one meeting: an invitation, or its cancellation.
pub fn calendar_file(meeting: MeetingId, content: String, cancellation: bool) -> Screen {
    let key = if cancellation {
        "ics-cancel"
    } else {
        "ics-invite"
    };
    let mut screen = Screen::text(Text::new(key));
    screen.attachment = Some(Attachment {
        file_name: format!("meeting-{meeting}.ics"),
        mime: "text/calendar".to_owned(),
        bytes: content.into_bytes(),
    });
    screen
}

/// The owner's export: the .ics file and the CSV file, as two messages.
pub fn export_files(from: NaiveDate, to: NaiveDate, export: &Export) -> (Screen, Screen) {
    let count = TextArg::Number(export.meetings.len() as i64);
    let range = format!("{}_{}", from.format("%Y%m%d"), to.format("%Y%m%d"));
    let file = |key: &'static str, name: String, mime: &str, bytes: Vec<u8>| Screen {
        texts: vec![
            Text::new(key)
                .arg("count", count.clone())
                .arg("from", TextArg::Date(from))
                .arg("to", TextArg::Date(to)),
        ],
        buttons: Vec::new(),
        attachment: Some(Attachment {
            file_name: name,
            mime: mime.to_owned(),
            bytes,
        }),
        chart: None,
    };
    (
        file(
            "export-ics",
            format!("meetings_{range}.ics"),
            "text/calendar",
            export.ics.clone().into_bytes(),
        ),
        file(
            "export-csv",
            format!("meetings_{range}.csv"),
            "text/csv",
            export.csv.clone().into_bytes(),
        ),
    )
}
