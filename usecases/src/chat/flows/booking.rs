//! Booking and moving a meeting: the meeting type, the month, the day, the
//! start, the topic, the confirmation; and /free, whose times start a booking.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use meetbot_domain::{Action, Interval, Meeting, MeetingId, Topic};
use meetbot_ports::{Screen, Text, TextArg};

use crate::booking::{self, BookingInput};
use crate::chat::command::DateArg;
use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::{BookingDraft, Dialog};
use crate::chat::reply::Reply;
use crate::chat::{sentence_views, views};
use crate::error::UseCaseError;
use crate::ics::IcsMethod;
use crate::meetings;

/// Opens the picker: the meeting type first when there is a choice, then the month.
pub async fn begin(chat: &Chat<'_>, mut draft: BookingDraft) -> Handled {
    let booker = chat.s.actor(chat.from.id, Action::Book).await?;
    // Refused here, before the first step, not after the last.
    let quota = booking::may_begin(chat.s, &booker).await?;
    let types = chat.s.settings().await?.meeting_types;
    if draft.meeting_type.is_none() && types.len() == 1 {
        draft.meeting_type = types.first().map(|t| t.code().to_owned());
    }
    let mut reply = if draft.meeting_type.is_none() {
        Reply::edit(views::pick_meeting_type(&types)).with_dialog(Dialog::Booking(draft))
    } else {
        let today = chat.today().await?;
        month(chat, draft, today.year(), today.month()).await?
    };
    if let Some(quota) = quota {
        reply.edit = reply.edit.map(|screen| {
            screen.then(
                Text::new("booking-quota")
                    .arg("upcoming", TextArg::Number(i64::from(quota.upcoming)))
                    .arg("limit", TextArg::Number(i64::from(quota.limit))),
            )
        });
    }
    Ok(reply)
}

/// A meeting type picked: on to the month; for a sentence that named its
/// start, on to the confirmation.
pub async fn meeting_type(chat: &Chat<'_>, draft: Option<BookingDraft>, code: String) -> Handled {
    let draft = BookingDraft {
        meeting_type: Some(code),
        ..draft.unwrap_or_default()
    };
    if draft.from_sentence && draft.start.is_some() {
        return checked_confirmation(chat, draft).await;
    }
    begin(chat, draft).await
}

/// Moving a meeting: the picker opens on the month of the meeting.
pub async fn begin_reschedule(chat: &Chat<'_>, id: MeetingId) -> Handled {
    let meeting = meetings::check_reschedulable(chat.s, chat.from.id, id).await?;
    let draft = BookingDraft {
        reschedule_of: Some(meeting.id),
        meeting_type: Some(meeting.meeting_type.clone()),
        topic: meeting.topic.as_ref().map(|t| t.as_str().to_owned()),
        ..BookingDraft::default()
    };
    let date = chat.owner_zone().await?.date_of(meeting.interval.start());
    month(chat, draft, date.year(), date.month()).await
}

fn meeting_type_of(draft: &BookingDraft) -> Result<String, UseCaseError> {
    draft
        .meeting_type
        .clone()
        .ok_or(UseCaseError::Invalid("error-stale-button"))
}

/// A screen of free time, with a note when the owner's calendar did not
/// answer and the time it would have told about shows as taken.
fn noting_a_silent_calendar(chat: &Chat<'_>, screen: Screen) -> Screen {
    if chat.s.busy_reads.failing() {
        screen.then(Text::new("calendar-silent"))
    } else {
        screen
    }
}

/// The month calendar, days coloured by load.
pub async fn month(chat: &Chat<'_>, draft: BookingDraft, year: i32, month: u32) -> Handled {
    let code = meeting_type_of(&draft)?;
    let days = booking::month_moving(
        chat.s,
        chat.from.id,
        (year, month),
        &code,
        draft.reschedule_of,
    )
    .await?;
    let bookable = chat
        .s
        .settings()
        .await?
        .availability
        .bookable_dates(chat.s.clock.now());
    let screen = noting_a_silent_calendar(chat, views::month(year, month, &days, bookable));
    Ok(Reply::edit(screen).with_dialog(Dialog::Booking(draft)))
}

/// The free start times of a day.
pub async fn day(chat: &Chat<'_>, draft: BookingDraft, date: NaiveDate) -> Handled {
    let code = meeting_type_of(&draft)?;
    let slots =
        booking::free_slots_moving(chat.s, chat.from.id, date, &code, draft.reschedule_of).await?;
    let screen = noting_a_silent_calendar(chat, views::day_slots(date, &slots, chat.reader));
    Ok(Reply::edit(screen).with_dialog(Dialog::Booking(draft)))
}

/// A start picked: a move goes straight to the confirmation, a booking asks
/// for the topic first. A time pressed in /free starts a booking of the
/// shortest type.
pub async fn slot(chat: &Chat<'_>, draft: Option<BookingDraft>, start: DateTime<Utc>) -> Handled {
    let draft = match draft {
        Some(draft) => draft,
        None => BookingDraft {
            meeting_type: Some(shortest_type(chat).await?),
            ..BookingDraft::default()
        },
    };
    let draft = BookingDraft {
        start: Some(start),
        ..draft
    };
    if draft.reschedule_of.is_some() || draft.from_sentence {
        return confirmation(chat, draft).await;
    }
    chat.s.actor(chat.from.id, Action::Book).await?;
    let draft = BookingDraft {
        awaiting_topic: true,
        ..draft
    };
    Ok(Reply::edit(views::ask_topic()).with_dialog(Dialog::Booking(draft)))
}

/// The topic typed.
pub async fn topic(chat: &Chat<'_>, draft: BookingDraft, text: &str) -> Handled {
    let topic = Topic::new(text)?;
    let draft = BookingDraft {
        topic: Some(topic.as_str().to_owned()),
        awaiting_topic: false,
        ..draft
    };
    confirmation(chat, draft).await
}

/// No topic.
pub async fn skip_topic(chat: &Chat<'_>, draft: BookingDraft) -> Handled {
    let draft = BookingDraft {
        awaiting_topic: false,
        topic: None,
        ..draft
    };
    confirmation(chat, draft).await
}

/// A start named in a sentence: every rule is checked before anything is
/// shown, so a refusal comes at once with its reason and the free times of
/// that day nearest to the one asked for. What passes gets the summary to
/// confirm, with a way to change the time.
pub async fn checked_confirmation(chat: &Chat<'_>, draft: BookingDraft) -> Handled {
    let (Some(code), Some(start)) = (draft.meeting_type.clone(), draft.start) else {
        return Err(UseCaseError::Invalid("error-stale-button"));
    };
    let checked = match draft.reschedule_of {
        Some(id) => booking::check_reschedule(chat.s, chat.from.id, id, start).await,
        None => {
            let input = BookingInput {
                start,
                meeting_type: code.clone(),
                topic: draft.topic.clone(),
            };
            booking::check_booking(chat.s, chat.from.id, &input).await
        }
    };
    let date = chat.owner_zone().await?.date_of(start);
    match checked {
        Ok(()) => {
            let mut reply = confirmation(chat, draft).await?;
            reply.edit = reply
                .edit
                .map(|screen| sentence_views::with_change(screen, date));
            Ok(reply)
        }
        Err(error @ UseCaseError::Slot(_)) => {
            let slots =
                booking::free_slots_moving(chat.s, chat.from.id, date, &code, draft.reschedule_of)
                    .await?;
            let draft = BookingDraft {
                start: None,
                ..draft
            };
            Ok(Reply::error(&error)
                .then_send(sentence_views::nearest_slots(
                    date,
                    &slots,
                    start,
                    chat.reader,
                ))
                .with_dialog(Dialog::Booking(draft)))
        }
        Err(other) => Err(other),
    }
}

/// The summary to confirm.
async fn confirmation(chat: &Chat<'_>, draft: BookingDraft) -> Handled {
    let (Some(code), Some(start)) = (draft.meeting_type.as_deref(), draft.start) else {
        return Err(UseCaseError::Invalid("error-stale-button"));
    };
    let settings = chat.s.settings().await?;
    let kind = settings
        .meeting_type(code)
        .ok_or(UseCaseError::Invalid("error-meeting-type-unknown"))?;
    let interval = Interval::starting_at(start, kind.duration())
        .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
    let screen = views::confirm(
        interval,
        draft.topic.as_deref(),
        draft.reschedule_of.is_some(),
        chat.reader,
    );
    Ok(Reply::edit(screen).with_dialog(Dialog::Booking(draft)))
}

/// Confirmed: books (or moves) the meeting, with its .ics files. When the
/// slot went meanwhile, explains and offers the day's remaining slots.
pub async fn confirm(chat: &Chat<'_>, draft: BookingDraft) -> Handled {
    let (Some(code), Some(start)) = (draft.meeting_type.clone(), draft.start) else {
        return Err(UseCaseError::Invalid("error-stale-button"));
    };
    let result = match draft.reschedule_of {
        Some(old) => booking::reschedule(chat.s, chat.from.id, old, start).await,
        None => {
            let input = BookingInput {
                start,
                meeting_type: code.clone(),
                topic: draft.topic.clone(),
            };
            booking::book(chat.s, chat.from.id, input).await
        }
    };
    match result {
        Ok(meeting) => {
            let rescheduled = draft.reschedule_of.is_some();
            // An edited message cannot gain a file, so each .ics comes as its
            // own message. The booking stands when a file cannot be made.
            let mut files = Vec::new();
            let made = calendar_files(chat, &meeting, draft.reschedule_of, &mut files).await;
            let mut reply = Reply::edit(views::booked(&meeting, rescheduled, chat.reader));
            reply.send = files;
            Ok(match made {
                Ok(()) => reply,
                Err(error) => reply.then_error(&error),
            }
            .ending_dialog())
        }
        Err(error @ UseCaseError::Slot(_)) => {
            let date = chat.owner_zone().await?.date_of(start);
            let slots =
                booking::free_slots_moving(chat.s, chat.from.id, date, &code, draft.reschedule_of)
                    .await?;
            let draft = BookingDraft {
                start: None,
                ..draft
            };
            Ok(Reply::error(&error)
                .then_send(views::day_slots(date, &slots, chat.reader))
                .with_dialog(Dialog::Booking(draft)))
        }
        Err(other) => Err(other),
    }
}

/// The .ics invitation of a booked meeting, and the cancellation of the
/// one it replaced, added to `files` as they are made.
async fn calendar_files(
    chat: &Chat<'_>,
    meeting: &Meeting,
    replaced: Option<MeetingId>,
    files: &mut Vec<Screen>,
) -> Result<(), UseCaseError> {
    files.push(chat.calendar_file(meeting, IcsMethod::Request).await?);
    if let Some(old) = replaced
        && let Some(old) = chat.s.store.meeting(old).await?
    {
        files.push(chat.calendar_file(&old, IcsMethod::Cancel).await?);
    }
    Ok(())
}

/// /free [date]: the free times of a day (today by default), in the
/// shortest meeting type; each time starts a booking.
pub async fn free(chat: &Chat<'_>, date: Option<DateArg>) -> Handled {
    let today = chat.today().await?;
    let date = match date {
        None => today,
        Some(date) => date
            .on_or_after(today)
            .ok_or(UseCaseError::Invalid("error-date-invalid"))?,
    };
    let code = shortest_type(chat).await?;
    let slots = booking::free_slots(chat.s, chat.from.id, date, &code).await?;
    let screen = noting_a_silent_calendar(chat, views::free_slots(date, &slots, chat.reader));
    Ok(Reply::edit(screen))
}

/// The shortest meeting type, in which free time is shown.
pub(crate) async fn shortest_type(chat: &Chat<'_>) -> Result<String, UseCaseError> {
    let settings = chat.s.settings().await?;
    settings
        .meeting_types
        .iter()
        .min_by_key(|t| t.minutes())
        .map(|t| t.code().to_owned())
        .ok_or(UseCaseError::Invalid("error-meeting-types-empty"))
}
