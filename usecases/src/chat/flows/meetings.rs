//! My meetings: the list, one meeting opened, cancelling.

use meetbot_domain::MeetingId;

use crate::chat::context::{Chat, Handled};
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::ics::IcsMethod;
use crate::meetings;

/// /my: upcoming meetings, each with Cancel and Move.
pub async fn list(chat: &Chat<'_>) -> Handled {
    let upcoming = meetings::upcoming(chat.s, chat.from.id).await?;
    let mut rows = Vec::with_capacity(upcoming.len());
    for meeting in upcoming {
        let booker = chat.s.store.user(meeting.booker).await?;
        rows.push((meeting, booker));
    }
    Ok(Reply::edit(views::my_meetings(&rows, chat.reader)))
}

/// One meeting, opened from its reminder.
pub async fn open(chat: &Chat<'_>, id: MeetingId) -> Handled {
    let (_, meeting) = meetings::get(chat.s, chat.from.id, id).await?;
    let booker = chat.s.store.user(meeting.booker).await?;
    let card = views::meeting_card(&meeting, booker.as_ref(), chat.reader);
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
