//! My meetings: the list, one meeting opened, cancelling.

use chrono::{DateTime, Utc};
use meetbot_domain::{Meeting, MeetingId, Settings};

use crate::error::UseCaseError;

use crate::chat::context::{Chat, Handled};
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::ics::IcsMethod;
use crate::meetings;

/// /my: upcoming meetings, each with Cancel and Move.
pub async fn list(chat: &Chat<'_>) -> Handled {
    let upcoming = meetings::upcoming(chat.s, chat.from.id).await?;
    let rows = my_rows(chat, upcoming).await?;
    Ok(Reply::edit(views::my_meetings(&rows, chat.reader)))
}

/// The rows of /my: each meeting with its booker and whether it may still
/// be changed.
pub async fn my_rows(
    chat: &Chat<'_>,
    meetings: Vec<Meeting>,
) -> Result<Vec<views::MyMeeting>, UseCaseError> {
    let settings = chat.s.settings().await?;
    let mut rows = Vec::with_capacity(meetings.len());
    for meeting in meetings {
        // The reader's own meetings need no name on them.
        let booker = if meeting.booker == chat.from.id {
            None
        } else {
            chat.s.store.user(meeting.booker).await?
        };
        let closed = closed_since(chat, &settings, &meeting);
        rows.push((meeting, booker, closed));
    }
    Ok(rows)
}

/// Since when the person acting may no longer cancel or move `meeting`
/// (the cutoff before its start); `None` while they may. Buttons that
/// would only be refused are not offered.
pub async fn change_closed_since(
    chat: &Chat<'_>,
    meeting: &Meeting,
) -> Result<Option<DateTime<Utc>>, UseCaseError> {
    let settings = chat.s.settings().await?;
    Ok(closed_since(chat, &settings, meeting))
}

fn closed_since(chat: &Chat<'_>, settings: &Settings, meeting: &Meeting) -> Option<DateTime<Utc>> {
    let actor = chat.user.as_ref()?;
    let policy = &settings.policy;
    policy
        .check_change(
            actor,
            meeting,
            chat.s.clock.now(),
            settings.availability.is_closed(&meeting.interval),
        )
        .err()
        .map(|_| meeting.interval.start() - policy.cutoff.duration())
}

/// One meeting, opened from its reminder.
pub async fn open(chat: &Chat<'_>, id: MeetingId) -> Handled {
    let (_, meeting) = meetings::get(chat.s, chat.from.id, id).await?;
    let booker = chat.s.store.user(meeting.booker).await?;
    let closed = change_closed_since(chat, &meeting).await?;
    let card = views::meeting_card(&meeting, booker.as_ref(), chat.reader, closed);
    Ok(Reply::edit(super::stats::with_no_show_button(
        chat, card, &meeting,
    )))
}

/// Cancel pressed: asks to confirm.
pub async fn ask_cancel(chat: &Chat<'_>, id: MeetingId) -> Handled {
    let (_, meeting) = meetings::get(chat.s, chat.from.id, id).await?;
    Ok(Reply::edit(views::confirm_cancel(&meeting, chat.reader)))
}

/// Cancelling confirmed: cancels, with the .ics cancellation.
pub async fn cancel(chat: &Chat<'_>, id: MeetingId) -> Handled {
    let meeting = meetings::cancel(chat.s, chat.from.id, id).await?;
    let reply = Reply::edit(views::cancelled(&meeting, chat.reader));
    // The meeting is cancelled even when its file cannot be made.
    Ok(
        match chat.calendar_file(&meeting, IcsMethod::Cancel).await {
            Ok(file) => reply.then_send(file),
            Err(error) => reply.then_error(&error),
        },
    )
}
