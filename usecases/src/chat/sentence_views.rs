//! The screens only a sentence leads to: the question about what it left
//! out, the reason it cannot be done, the lengths and times nearest to the
//! ones asked for, and the choice between meetings it could mean. Keys name
//! messages of the locale files; times are shown in the reader's zone.

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::request::{Missing, Refusal};
use meetbot_domain::{DaySlots, Meeting, MeetingId, MeetingType};
use meetbot_ports::{Button, Screen, Text, TextArg};

use super::views::{Reader, abort_row, slot_rows};
use crate::callback::Callback;
use crate::screens::{button, meeting_text};

/// How many of the day's free times are offered instead of a refused one.
const NEAREST_SLOTS: usize = 8;

/// How many meetings a "which one?" question lists.
const MEETINGS_TO_CHOOSE: usize = 10;

/// Telegram shows at most 100 buttons under a message; the free times of
/// several days stop before that.
const MAX_BUTTONS: usize = 90;

/// The one short question about what a sentence left out.
pub fn ask(missing: Missing) -> Screen {
    let key = match missing {
        Missing::Date => "nl-ask-date",
        Missing::Time => "nl-ask-time",
        Missing::DateAndTime => "nl-ask-date-time",
        Missing::MoveTarget => "nl-ask-move-target",
    };
    Screen::text(Text::new(key)).row(abort_row())
}

/// Why a sentence cannot be done as said.
pub fn refused(refusal: &Refusal) -> Screen {
    Screen::text(match refusal {
        Refusal::ImpossibleTime { said } => Text::new("nl-refused-time").plain("said", said),
        Refusal::ImpossibleDate { said } => Text::new("nl-refused-date").plain("said", said),
        Refusal::ImpossibleLength { minutes } => {
            Text::new("nl-refused-length").arg("minutes", TextArg::Number(i64::from(*minutes)))
        }
        Refusal::InThePast => Text::new("nl-refused-past"),
        Refusal::TooLong { max_chars } => Text::new("nl-refused-too-long").arg(
            "n",
            TextArg::Number(i64::try_from(*max_chars).unwrap_or(i64::MAX)),
        ),
    })
}

/// No meeting type lasts `minutes`: the nearest ones, each a button.
pub fn pick_length(minutes: u32, nearest: &[MeetingType]) -> Screen {
    let mut screen = Screen::text(
        Text::new("nl-pick-length").arg("minutes", TextArg::Number(i64::from(minutes))),
    );
    screen = screen.row(
        nearest
            .iter()
            .map(|kind| Button {
                label: Text::new("plain").plain("text", kind.name()),
                data: Callback::MeetingType(kind.code().to_owned()).encode(),
            })
            .collect(),
    );
    screen.row(abort_row())
}

/// The confirmation of a sentence, with Change between Confirm and Cancel:
/// it opens the free times of the day.
pub fn with_change(mut screen: Screen, date: NaiveDate) -> Screen {
    let change = button("button-change", Callback::Day(date));
    match screen.buttons.last_mut() {
        Some(row) => row.insert(row.len().min(1), change),
        None => screen.buttons.push(vec![change]),
    }
    screen
}

/// A refused start: the free times of that day nearest to it.
pub fn nearest_slots(
    date: NaiveDate,
    slots: &DaySlots,
    asked: DateTime<Utc>,
    reader: Reader,
) -> Screen {
    let mut nearest = slots.free.clone();
    nearest.sort_by_key(|slot| (slot.start() - asked).num_minutes().abs());
    nearest.truncate(NEAREST_SLOTS);
    nearest.sort_by_key(|slot| slot.start());
    let key = if nearest.is_empty() {
        "no-free-slots"
    } else {
        "nl-nearest-slots"
    };
    let mut screen = Screen::text(Text::new(key).arg("date", TextArg::Date(date)));
    screen.buttons.extend(slot_rows(&nearest, reader.zone));
    screen.row(abort_row())
}

/// The free times of several days, under a line naming each day; each
/// time starts a booking.
pub fn free_days(days: &[(NaiveDate, DaySlots)], reader: Reader) -> Screen {
    let mut screen = Screen::text(Text::new("nl-free-range"));
    for (date, slots) in days.iter().filter(|(_, slots)| !slots.free.is_empty()) {
        let rows = slot_rows(&slots.free, reader.zone);
        let count: usize = rows.iter().map(Vec::len).sum();
        if screen.all_buttons().count() + 1 + count > MAX_BUTTONS {
            break;
        }
        screen = screen.row(vec![Button {
            label: Text::new("nl-free-day").arg("date", TextArg::Date(*date)),
            data: Callback::Noop.encode(),
        }]);
        screen.buttons.extend(rows);
    }
    if screen.buttons.is_empty() {
        return Screen::text(Text::new("nl-no-free-range"));
    }
    screen
}

/// Several meetings match a sentence: a button per meeting, each doing
/// what `action` makes of its id.
pub fn which_meeting(
    meetings: &[Meeting],
    action: impl Fn(MeetingId) -> Callback,
    reader: Reader,
) -> Screen {
    let mut screen = Screen::text(Text::new("nl-which-meeting"));
    for meeting in meetings.iter().take(MEETINGS_TO_CHOOSE) {
        screen = screen.row(vec![Button {
            label: meeting_text("nl-meeting-button", meeting, reader.zone),
            data: action(meeting.id).encode(),
        }]);
    }
    screen.row(abort_row())
}

/// A voice message, as it was heard.
pub fn heard(transcript: &str) -> Screen {
    Screen::text(Text::new("voice-heard").plain("text", transcript))
}
