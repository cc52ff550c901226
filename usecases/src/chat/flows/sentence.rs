//! Sentences instead of buttons: what the interpreter made of a message,
//! led to the screen the buttons lead to (the booking confirmation, the
//! list of meetings, the free times, the move or cancel confirmation), with
//! every rule of the button flow applied. What the sentence left out is
//! asked in one short question; the dialog keeps what was understood.

use chrono::{Duration, NaiveDate};
use meetbot_domain::request::{
    BookRequest, DateRange, Interpretation, MeetingRef, MoveTarget, PartialRequest, Request,
};
use meetbot_domain::{Action, Meeting, MeetingId, MeetingType, Topic};
use meetbot_ports::interpreter::Situation;

use super::{booking, meetings as my_meetings};
use crate::callback::Callback;
use crate::chat::command::DateArg;
use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::{BookingDraft, Dialog};
use crate::chat::reply::Reply;
use crate::chat::{sentence_views, views};
use crate::error::UseCaseError;
use crate::meetings;

/// The most days whose free times one answer shows (a week).
const MAX_FREE_DAYS: i64 = 7;

/// A text that is no command: read by the interpreter in the person's own
/// zone and language, `pending` being the request a question was asked
/// about. A request ends the dialog in progress (or starts its own), a
/// question starts one; a refusal or a text that is no request leaves it
/// as it was, so the question can still be answered.
pub async fn text(chat: &Chat<'_>, text: &str, pending: Option<PartialRequest>) -> Handled {
    let situation = Situation {
        now: chat.s.clock.now(),
        zone: chat.reader.zone,
        language: chat.reader.language,
        pending,
    };
    let interpretation = match chat.s.interpreter.interpret(text, &situation).await {
        Ok(interpretation) => interpretation,
        Err(error) => {
            tracing::warn!(%error, "a sentence could not be interpreted");
            return Ok(Reply::send(views::note("nl-unavailable")));
        }
    };
    Ok(match interpretation {
        Interpretation::Request(request) => self::request(chat, request)
            .await
            .unwrap_or_else(|error| Reply::error(&error))
            .leaving_dialog(),
        Interpretation::Clarify { missing, partial } => {
            Reply::send(sentence_views::ask(missing)).with_dialog(Dialog::Clarify { partial })
        }
        Interpretation::Refused(refusal) => Reply::send(sentence_views::refused(&refusal)),
        // The short help, never a guess.
        Interpretation::NotUnderstood => Reply::send(views::note("not-understood")),
    })
}

async fn request(chat: &Chat<'_>, request: Request) -> Handled {
    match request {
        Request::Book(book) => self::book(chat, book).await,
        Request::Query { range } => query(chat, range).await,
        Request::Free { range } => free(chat, range).await,
        Request::Move { which, to } => move_meeting(chat, which, to).await,
        Request::Cancel { which } => cancel(chat, which).await,
    }
}

/// The meeting type a length asks for.
enum Length {
    /// A type of exactly that length (or the default type when none was said).
    Type(String),
    /// No type has that length: the nearest ones.
    Nearest(u32, Vec<MeetingType>),
}

/// The default type is the first the owner lists; a length said must be
/// one of the types, else the nearest two are offered.
fn length(types: &[MeetingType], minutes: Option<u32>) -> Result<Length, UseCaseError> {
    let Some(minutes) = minutes else {
        return types
            .first()
            .map(|kind| Length::Type(kind.code().to_owned()))
            .ok_or(UseCaseError::Invalid("error-meeting-types-empty"));
    };
    if let Some(kind) = types.iter().find(|kind| kind.minutes() == minutes) {
        return Ok(Length::Type(kind.code().to_owned()));
    }
    let mut nearest = types.to_vec();
    nearest.sort_by_key(|kind| (kind.minutes().abs_diff(minutes), kind.minutes()));
    nearest.truncate(2);
    nearest.sort_by_key(MeetingType::minutes);
    Ok(Length::Nearest(minutes, nearest))
}

/// A booking: its confirmation, or why it cannot be, before anything else.
async fn book(chat: &Chat<'_>, request: BookRequest) -> Handled {
    chat.s.actor(chat.from.id, Action::Book).await?;
    // The topic passes the check of a typed one.
    let topic = request
        .topic
        .as_ref()
        .map(|topic| Topic::new(topic.as_str()))
        .transpose()?;
    let draft = BookingDraft {
        start: Some(request.start),
        topic: topic.map(|topic| topic.as_str().to_owned()),
        from_sentence: true,
        ..BookingDraft::default()
    };
    let types = chat.s.settings().await?.meeting_types;
    match length(&types, request.minutes)? {
        Length::Type(code) => {
            let draft = BookingDraft {
                meeting_type: Some(code),
                ..draft
            };
            booking::checked_confirmation(chat, draft).await
        }
        Length::Nearest(minutes, nearest) => {
            Ok(Reply::edit(sentence_views::pick_length(minutes, &nearest))
                .with_dialog(Dialog::Booking(draft)))
        }
    }
}

/// The person's meetings in `range` (the owner's: everybody's), as /my
/// shows them; without a range, all those ahead.
async fn query(chat: &Chat<'_>, range: Option<DateRange>) -> Handled {
    let span = range
        .map(|range| range.interval(chat.reader.zone))
        .transpose()
        .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
    let upcoming = meetings::upcoming(chat.s, chat.from.id)
        .await?
        .into_iter()
        .filter(|meeting| span.is_none_or(|span| span.overlaps(&meeting.interval)))
        .collect();
    let rows = super::meetings::my_rows(chat, upcoming).await?;
    Ok(Reply::edit(views::my_meetings(&rows, chat.reader)))
}

/// The free times of a day as /free shows them, or of several days (at
/// most a week from today on) under a line per day.
async fn free(chat: &Chat<'_>, range: Option<DateRange>) -> Handled {
    let Some(range) = range else {
        return booking::free(chat, None).await;
    };
    if range.first() == range.last() {
        return booking::free(chat, Some(DateArg::Full(range.first()))).await;
    }
    let today = chat.today().await?;
    let first = range.first().max(today);
    let last = range.last().min(first + Duration::days(MAX_FREE_DAYS - 1));
    if last < first {
        return Err(UseCaseError::Slot(meetbot_domain::SlotRefusal::InPast));
    }
    let code = booking::shortest_type(chat).await?;
    let mut days = Vec::new();
    for date in first.iter_days().take_while(|date| *date <= last) {
        let slots = crate::booking::free_slots(chat.s, chat.from.id, date, &code).await?;
        days.push((date, slots));
    }
    Ok(Reply::edit(sentence_views::free_days(&days, chat.reader)))
}

/// The person's meetings ahead that `which` describes (the owner: anybody's).
async fn matching(chat: &Chat<'_>, which: MeetingRef) -> Result<Vec<Meeting>, UseCaseError> {
    let zone = chat.reader.zone;
    Ok(meetings::upcoming(chat.s, chat.from.id)
        .await?
        .into_iter()
        .filter(|meeting| {
            let local = zone.local(meeting.interval.start());
            which.date.is_none_or(|date| local.date() == date)
                && which.time.is_none_or(|time| local.time() == time)
        })
        .collect())
}

/// A move: the confirmation for the one meeting meant, or a button per
/// meeting when several match.
async fn move_meeting(chat: &Chat<'_>, which: MeetingRef, to: MoveTarget) -> Handled {
    match matching(chat, which).await?.as_slice() {
        [] => Ok(Reply::send(views::note("nl-no-such-meeting"))),
        [meeting] => move_to(chat, meeting.id, to).await,
        several => Ok(Reply::edit(sentence_views::which_meeting(
            several,
            Callback::Reschedule,
            chat.reader,
        ))
        .with_dialog(Dialog::MoveTo { to })),
    }
}

/// Meeting `id` to `to`: a date keeps its wall-clock time, a time keeps
/// its day, both in the person's zone; then the checked confirmation.
pub async fn move_to(chat: &Chat<'_>, id: MeetingId, to: MoveTarget) -> Handled {
    let meeting = meetings::check_reschedulable(chat.s, chat.from.id, id).await?;
    let zone = chat.reader.zone;
    let now = zone.local(meeting.interval.start());
    let (date, time): (NaiveDate, _) = match to {
        MoveTarget::Date(date) => (date, now.time()),
        MoveTarget::Time(time) => (now.date(), time),
        MoveTarget::DateTime(date, time) => (date, time),
    };
    let draft = BookingDraft {
        reschedule_of: Some(meeting.id),
        meeting_type: Some(meeting.meeting_type.clone()),
        start: Some(zone.to_utc(date.and_time(time))),
        topic: meeting.topic.as_ref().map(|t| t.as_str().to_owned()),
        awaiting_topic: false,
        from_sentence: true,
    };
    booking::checked_confirmation(chat, draft).await
}

/// A cancel: always its confirmation first, for the one meeting meant, or
/// a button per meeting when several match.
async fn cancel(chat: &Chat<'_>, which: MeetingRef) -> Handled {
    match matching(chat, which).await?.as_slice() {
        [] => Ok(Reply::send(views::note("nl-no-such-meeting"))),
        [meeting] => my_meetings::ask_cancel(chat, meeting.id).await,
        several => Ok(Reply::edit(sentence_views::which_meeting(
            several,
            Callback::Cancel,
            chat.reader,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<MeetingType> {
        [("m30", 30), ("m60", 60), ("m90", 90), ("m120", 120)]
            .into_iter()
            .map(|(code, minutes)| MeetingType::new(code, code, minutes).unwrap())
            .collect()
    }

    fn codes(length: Length) -> Vec<String> {
        match length {
            Length::Type(code) => vec![code],
            Length::Nearest(_, nearest) => nearest.iter().map(|t| t.code().to_owned()).collect(),
        }
    }

    #[test]
    fn a_length_is_a_type_of_that_length_the_default_type_or_the_nearest_two() {
        assert_eq!(codes(length(&types(), Some(60)).unwrap()), ["m60"]);
        assert_eq!(codes(length(&types(), None).unwrap()), ["m30"]);
        assert_eq!(codes(length(&types(), Some(45)).unwrap()), ["m30", "m60"]);
        assert_eq!(codes(length(&types(), Some(240)).unwrap()), ["m90", "m120"]);
        assert!(length(&[], None).is_err());
    }
}
