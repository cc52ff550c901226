//! The audit log's screen: each entry told as a sentence in the reader's
//! language ("14 Dec 10:02 · Anna moved the meeting of 14 Dec 10:00 to
//! 15 Dec 11:00"), times in the reader's zone, with buttons to filter by
//! kind and to page.
//!
//! A sentence needs the data of its entry; an entry without them (details
//! of an older, free form, a meeting the store does not have) gets the
//! plainer sentence of its action, never a raw code.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use meetbot_domain::{Action, AuditAction, AuditDetails, AuditKind, UserId, Zone};
use meetbot_ports::{Attachment, AuditCursor, Button, Screen, Text, TextArg};

use super::setting::SettingCode;
use super::views::Reader;
use crate::audit::{AuditExport, AuditLine, AuditPage, AuditView, Named};
use crate::callback::Callback;
use crate::screens::{button, role_key, status_key};

/// The filters offered, in the order of their buttons.
const KINDS: [Option<AuditKind>; 5] = [
    None,
    Some(AuditKind::Bookings),
    Some(AuditKind::People),
    Some(AuditKind::Refusals),
    Some(AuditKind::Other),
];

/// The message key of a filter's name.
fn kind_key(kind: Option<AuditKind>) -> &'static str {
    match kind {
        None => "audit-kind-all",
        Some(AuditKind::Bookings) => "audit-kind-bookings",
        Some(AuditKind::People) => "audit-kind-people",
        Some(AuditKind::Refusals) => "audit-kind-refusals",
        Some(AuditKind::Other) => "audit-kind-other",
    }
}

/// An instant, briefly, in the reader's zone: `14 Dec 10:02`, with the year
/// when it is not this year's.
fn moment(at: DateTime<Utc>, zone: Zone, now: DateTime<Utc>) -> Text {
    let local = zone.local(at);
    let year = if local.year() == zone.local(now).year() {
        String::new()
    } else {
        format!(" {}", local.year())
    };
    Text::new("audit-moment")
        .arg("day", TextArg::Number(i64::from(local.day())))
        .arg("month", TextArg::Number(i64::from(local.month())))
        .plain("year", year)
        .arg("clock", TextArg::Clock { at, zone })
}

/// Who did it, at the start of a sentence: their name, the bot, or
/// "User 1001" when the store no longer knows them.
fn who_did(actor: Option<&Named>) -> Text {
    match actor {
        None => Text::new("audit-bot"),
        Some(Named {
            name: Some(name), ..
        }) => Text::new("plain").plain("text", name),
        Some(Named { id, name: None }) => Text::new("audit-actor-gone").plain("id", id),
    }
}

/// Who it was done to, inside a sentence.
fn whom(person: Option<&Named>) -> Text {
    match person {
        Some(Named {
            name: Some(name), ..
        }) => Text::new("plain").plain("text", name),
        Some(Named { id, name: None }) => Text::new("audit-person-gone").plain("id", id),
        None => Text::new("audit-someone"),
    }
}

/// What a sentence of an entry is made of.
struct Telling<'a> {
    line: &'a AuditLine,
    zone: Zone,
    now: DateTime<Utc>,
}

impl Telling<'_> {
    /// Message `key` with the actor.
    fn said(&self, key: &'static str) -> Text {
        Text::new(key).text("actor", who_did(self.line.actor.as_ref()))
    }

    /// Message `key` with the actor and the person it was done to.
    fn said_to(&self, key: &'static str) -> Text {
        self.said(key)
            .text("person", whom(self.line.person.as_ref()))
    }

    fn at(&self, at: DateTime<Utc>) -> Text {
        moment(at, self.zone, self.now)
    }

    /// ", with Anna" when the meeting was somebody else's than the actor's.
    fn with_booker(&self) -> Text {
        let actor = self.line.event.actor;
        match &self.line.person {
            Some(person) if Some(person.id) != actor => {
                Text::new("audit-with").text("person", whom(Some(person)))
            }
            _ => Text::new("plain").plain("text", ""),
        }
    }

    /// Message `key` about the entry's meeting (`when`, `with`), or `bare`
    /// when the store does not have it.
    fn about_meeting(&self, key: &'static str, bare: &'static str) -> Text {
        match &self.line.meeting {
            Some(meeting) => self
                .said(key)
                .text("when", self.at(meeting.interval.start()))
                .text("with", self.with_booker()),
            None => self.said(bare),
        }
    }

    /// The sentence of the entry: one for every action, so that a new
    /// action cannot go without one.
    fn sentence(&self) -> Text {
        use AuditAction::*;
        let details = self.line.details.as_ref();
        match self.line.event.action {
            Registered => match details {
                Some(AuditDetails::Role {
                    configured: true, ..
                }) => self.said("audit-registered-owner"),
                _ => self.said("audit-registered"),
            },
            Approved => self.said_to("audit-approved"),
            Rejected => self.said_to("audit-rejected"),
            RoleChanged => self.role_changed(details),
            StatusChanged => self.status_changed(details),
            DepartmentChanged => match details {
                Some(AuditDetails::Department { from, to }) => {
                    let named = |d: &Option<String>| d.clone().unwrap_or_else(|| "—".to_owned());
                    self.said_to("audit-department-changed")
                        .plain("from", named(from))
                        .plain("to", named(to))
                }
                _ => self.said_to("audit-department-changed-bare"),
            },
            MeetingBooked => self.about_meeting("audit-booked", "audit-booked-bare"),
            MeetingCancelled => self.about_meeting("audit-cancelled", "audit-cancelled-bare"),
            MeetingRescheduled => self.moved(details),
            SettingsChanged => self.settings_changed(details),
            PermissionDenied => self.refusal(),
            Unsubscribed => self.said("audit-unsubscribed"),
            Resubscribed => self.said("audit-resubscribed"),
            Broadcast => match details {
                Some(AuditDetails::Broadcast { recipients }) => {
                    let count = i64::try_from(*recipients).unwrap_or(i64::MAX);
                    self.said("audit-broadcast")
                        .arg("count", TextArg::Number(count))
                }
                _ => self.said("audit-broadcast-bare"),
            },
            ReminderFailed => match (details, &self.line.meeting) {
                (Some(AuditDetails::ReminderFailed { .. }), Some(meeting)) => self
                    .said_to("audit-reminder-failed")
                    .text("when", self.at(meeting.interval.start())),
                _ => self.said("audit-reminder-failed-bare"),
            },
            FeedbackGiven => match (details, &self.line.meeting) {
                (Some(AuditDetails::Rating { stars }), Some(meeting)) => self
                    .said("audit-feedback")
                    .text("when", self.at(meeting.interval.start()))
                    .arg("stars", TextArg::Number(i64::from(*stars))),
                _ => self.said("audit-feedback-bare"),
            },
            NoShowMarked => self.about_meeting("audit-no-show", "audit-no-show-bare"),
            NoShowCleared => {
                self.about_meeting("audit-no-show-cleared", "audit-no-show-cleared-bare")
            }
        }
    }

    fn role_changed(&self, details: Option<&AuditDetails>) -> Text {
        match details {
            Some(AuditDetails::Role {
                configured: true, ..
            }) => self.said_to("audit-role-configured"),
            Some(AuditDetails::Role {
                from: Some(from),
                to,
                ..
            }) => self
                .said_to("audit-role-changed")
                .key("from", role_key(*from))
                .key("to", role_key(*to)),
            _ => self.said_to("audit-role-changed-bare"),
        }
    }

    fn status_changed(&self, details: Option<&AuditDetails>) -> Text {
        let Some(AuditDetails::Status { from, to }) = details else {
            return self.said_to("audit-status-changed-bare");
        };
        let own = self.line.person.as_ref().map(|p| p.id) == self.line.event.actor;
        let key = if own {
            "audit-status-own"
        } else {
            "audit-status-changed"
        };
        self.said_to(key)
            .key("from", status_key(*from))
            .key("to", status_key(*to))
    }

    fn moved(&self, details: Option<&AuditDetails>) -> Text {
        let to = match (&self.line.moved_to, details) {
            (Some(new), _) => Some(new.interval.start()),
            (None, Some(AuditDetails::Moved { start, .. })) => Some(*start),
            _ => None,
        };
        match (&self.line.meeting, to) {
            (Some(old), Some(to)) => self
                .said("audit-moved")
                .text("from", self.at(old.interval.start()))
                .text("to", self.at(to))
                .text("with", self.with_booker()),
            _ => self.said("audit-moved-bare"),
        }
    }

    fn settings_changed(&self, details: Option<&AuditDetails>) -> Text {
        let setting_key = |code: SettingCode| format!("setting-{}", code.code());
        match details {
            Some(AuditDetails::Setting {
                setting,
                value,
                reset,
            }) => match SettingCode::from_code(setting) {
                Some(code) => {
                    let key = if *reset {
                        "audit-settings-reset"
                    } else {
                        "audit-settings"
                    };
                    self.said(key)
                        .key("setting", setting_key(code))
                        .plain("value", value)
                }
                None => self.said("audit-settings-bare"),
            },
            _ => match crate::settings::setting_of_free_form(&self.line.event.details) {
                Some(code) => self
                    .said("audit-settings-named")
                    .key("setting", setting_key(code)),
                None => self.said("audit-settings-bare"),
            },
        }
    }

    fn refusal(&self) -> Text {
        match (self.line.refused, self.line.event.target.as_deref()) {
            (Some(action), _) => self
                .said("audit-refused")
                .key("attempt", attempt_key(action)),
            (None, Some("button")) => self.said("audit-refused-button"),
            (None, _) => self.said("audit-refused-bare"),
        }
    }
}

/// What a person tried, as the end of "Boris tried to ...".
fn attempt_key(action: Action) -> &'static str {
    match action {
        Action::Start => "audit-attempt-start",
        Action::Help => "audit-attempt-help",
        Action::ChangeLanguage => "audit-attempt-lang",
        Action::Stop => "audit-attempt-stop",
        Action::Book => "audit-attempt-book",
        Action::ViewOwnMeetings => "audit-attempt-my-meetings",
        Action::CancelOwnMeeting => "audit-attempt-cancel-own",
        Action::RescheduleOwnMeeting => "audit-attempt-reschedule-own",
        Action::ViewFreeSlots => "audit-attempt-free-slots",
        Action::ViewProfile => "audit-attempt-profile",
        Action::SetOwnStatus => "audit-attempt-own-status",
        Action::AnswerInvitation => "audit-attempt-rsvp",
        Action::GiveFeedback => "audit-attempt-feedback",
        Action::ViewPending => "audit-attempt-pending",
        Action::ApproveRegistration => "audit-attempt-approve",
        Action::RejectRegistration => "audit-attempt-reject",
        Action::ViewUsers => "audit-attempt-users",
        Action::ChangeRole => "audit-attempt-change-role",
        Action::ChangeStatus => "audit-attempt-change-status",
        Action::ChangeDepartment => "audit-attempt-change-department",
        Action::EditSettings => "audit-attempt-settings",
        Action::ViewStatistics => "audit-attempt-statistics",
        Action::ViewAuditLog => "audit-attempt-audit-log",
        Action::Broadcast => "audit-attempt-broadcast",
        Action::Export => "audit-attempt-export",
        Action::CancelAnyMeeting => "audit-attempt-cancel-any",
        Action::MarkNoShow => "audit-attempt-no-show",
    }
}

/// One entry as a line of the log: `14 Dec 10:02 · Anna booked ...`.
pub fn entry(line: &AuditLine, reader: Reader, now: DateTime<Utc>) -> Text {
    let telling = Telling {
        line,
        zone: reader.zone,
        now,
    };
    Text::new("audit-entry")
        .text("at", telling.at(line.event.at))
        .text("sentence", telling.sentence())
}

/// A button to another view of the log.
fn to_view(label: Text, view: AuditView) -> Button {
    Button {
        label,
        data: Callback::AuditLog(view).encode(),
    }
}

/// A page of the audit log, newest first, with the filters, the pages
/// around it and, for one person's entries, the way back to everybody's
/// and to their card.
pub fn page(page: &AuditPage, reader: Reader, now: DateTime<Utc>) -> Screen {
    let view = page.view;
    let title = match &page.person {
        Some(person) => Text::new("audit-title-person").text("person", whom(Some(person))),
        None => Text::new("audit-title"),
    };
    let mut screen = Screen::text(title.key("kind", kind_key(view.kind)));
    if page.lines.is_empty() {
        screen = screen.then(Text::new("audit-page-empty"));
    }
    for line in &page.lines {
        screen = screen.then(entry(line, reader, now));
    }
    let kinds: Vec<Button> = KINDS
        .into_iter()
        .map(|kind| {
            let label = if kind == view.kind {
                Text::new("audit-kind-chosen").key("kind", kind_key(kind))
            } else {
                Text::new(kind_key(kind))
            };
            to_view(
                label,
                AuditView {
                    kind,
                    ..view.newest()
                },
            )
        })
        .collect();
    for row in kinds.chunks(3) {
        screen = screen.row(row.to_vec());
    }
    let mut paging = Vec::new();
    if let Some(cursor) = page.newer {
        paging.push(to_view(
            Text::new("audit-newer"),
            AuditView { cursor, ..view },
        ));
    }
    if let Some(cursor) = page.older {
        paging.push(to_view(
            Text::new("audit-older"),
            AuditView { cursor, ..view },
        ));
    }
    screen = screen.row(paging);
    if let Some(person) = view.person {
        let everybody = AuditView {
            person: None,
            ..view.newest()
        };
        screen = screen.row(vec![
            to_view(Text::new("audit-everybody"), everybody),
            button("audit-card", Callback::UserCard(person)),
        ]);
    }
    screen
}

/// The button on a user's card that opens the entries about them.
pub fn person_button(person: UserId) -> Button {
    to_view(
        Text::new("button-audit-person"),
        AuditView {
            kind: None,
            person: Some(person),
            cursor: AuditCursor::Newest,
        },
    )
}

/// The owner's export of the audit log of a range, as a CSV file.
pub fn export_file(from: NaiveDate, to: NaiveDate, export: &AuditExport) -> Screen {
    let range = format!("{}_{}", from.format("%Y%m%d"), to.format("%Y%m%d"));
    let count = i64::try_from(export.count).unwrap_or(i64::MAX);
    let mut screen = Screen::text(
        Text::new("export-audit-csv")
            .arg("count", TextArg::Number(count))
            .arg("from", TextArg::Date(from))
            .arg("to", TextArg::Date(to)),
    );
    screen.attachment = Some(Attachment {
        file_name: format!("audit_{range}.csv"),
        mime: "text/csv".to_owned(),
        bytes: export.csv.clone().into_bytes(),
    });
    screen
}
