//! Feedback on a meeting held, and the group meeting's invitations.

use chrono::NaiveDate;
use meetbot_domain::{Action, MeetingId, RsvpAnswer};

use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::error::UseCaseError;
use crate::{feedback, rsvp};

/// Stars given: thanks, and the next text is a comment.
pub async fn rate(chat: &Chat<'_>, meeting: MeetingId, stars: u8) -> Handled {
    let given = feedback::rate(chat.s, chat.from.id, meeting, i64::from(stars)).await?;
    Ok(Reply::edit(feedback::thanks_screen(&given))
        .with_dialog(Dialog::FeedbackComment { meeting }))
}

/// The comment typed.
pub async fn comment(chat: &Chat<'_>, meeting: MeetingId, text: &str) -> Handled {
    feedback::comment(chat.s, chat.from.id, meeting, text).await?;
    Ok(Reply::send(views::note("feedback-done")).ending_dialog())
}

/// No comment.
pub fn skip_comment() -> Reply {
    Reply::edit(views::note("feedback-done")).ending_dialog()
}

/// An invitation to the group meeting answered.
pub async fn answer(chat: &Chat<'_>, date: NaiveDate, answer: RsvpAnswer) -> Handled {
    let me = chat.from.id;
    let occurrence = rsvp::answer(chat.s, me, date, answer).await?;
    let group = rsvp::definition(chat.s)
        .await?
        .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
    let user = chat.s.actor(me, Action::AnswerInvitation).await?;
    Ok(Reply::edit(rsvp::answered_screen(
        &group, occurrence, answer, &user,
    )))
}

/// /rsvp: the head count of the next group meeting (owner).
pub async fn head_count(chat: &Chat<'_>) -> Handled {
    let me = chat.from.id;
    let count = rsvp::head_count(chat.s, me).await?;
    let group = rsvp::definition(chat.s)
        .await?
        .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
    let owner = chat.s.actor(me, Action::ViewStatistics).await?;
    Ok(Reply::send(rsvp::head_count_screen(&group, &count, &owner)))
}
