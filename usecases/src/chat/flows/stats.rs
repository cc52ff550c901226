//! The owner's statistics and the no-show mark.

use meetbot_domain::{Meeting, MeetingId, Role};

use crate::chat::command::StatsPeriod;
use crate::chat::context::{Chat, Handled};
use crate::chat::reply::Reply;
use crate::chat::stats_views::{stats_screens, typed_days};
use crate::chat::views;
use crate::error::UseCaseError;
use crate::meetings;
use crate::statistics::{self, StatsSpan};

/// /stats and its period buttons: the figures, then the charts.
pub async fn show(chat: &Chat<'_>, period: StatsPeriod) -> Handled {
    let span = match period {
        StatsPeriod::Week => StatsSpan::Week,
        StatsPeriod::Month => StatsSpan::Month,
        StatsPeriod::Quarter => StatsSpan::Quarter,
        StatsPeriod::All => StatsSpan::All,
        StatsPeriod::Range(from, to) => {
            let today = chat.today().await?;
            let (from, to) =
                typed_days(from, to, today).ok_or(UseCaseError::Invalid("error-date-invalid"))?;
            StatsSpan::Range(from, to)
        }
    };
    let report = statistics::stats(chat.s, chat.from.id, span).await?;
    let mut screens = stats_screens(&report, chat.reader).into_iter();
    let Some(first) = screens.next() else {
        return Ok(Reply::nothing());
    };
    Ok(screens.fold(Reply::send(first), Reply::then_send))
}

/// No-show (or held after all) pressed on a meeting card or the notice
/// after a meeting: the card again, with the new state.
pub async fn no_show(chat: &Chat<'_>, id: MeetingId, no_show: bool) -> Handled {
    let meeting = meetings::mark_no_show(chat.s, chat.from.id, id, no_show).await?;
    let booker = chat.s.store.user(meeting.booker).await?;
    let closed = super::meetings::change_closed_since(chat, &meeting).await?;
    let card = views::meeting_card(&meeting, booker.as_ref(), chat.reader, closed);
    Ok(Reply::edit(with_no_show_button(chat, card, &meeting)))
}

/// Adds the owner's no-show (or held) button to a meeting's card once the
/// meeting has taken place.
pub fn with_no_show_button(
    chat: &Chat<'_>,
    card: meetbot_ports::Screen,
    meeting: &Meeting,
) -> meetbot_ports::Screen {
    if chat.role() != Some(Role::Owner) || !meeting.has_taken_place(chat.s.clock.now()) {
        return card;
    }
    card.row(vec![views::no_show_button(meeting)])
}
