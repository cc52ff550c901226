//! One's own account: help, language, status, profile, stopping.

use meetbot_domain::{Action, Language, Status};
use meetbot_ports::{Screen, Text};

use crate::chat::context::{Chat, Handled};
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::{members, registration};

/// /help for the person's role.
pub fn help(chat: &Chat<'_>) -> Reply {
    Reply::send(views::help(chat.role()))
}

/// /lang: the language choice.
pub fn choose_language() -> Reply {
    Reply::send(views::choose_language())
}

/// A language picked: confirmed in that language.
pub async fn set_language(chat: &Chat<'_>, language: Language) -> Handled {
    registration::set_language(chat.s, chat.from.id, language).await?;
    Ok(Reply {
        language: Some(language),
        ..Reply::edit(views::note("language-set"))
    })
}

/// /stop: no more messages.
pub async fn stop(chat: &Chat<'_>) -> Handled {
    registration::stop(chat.s, chat.from.id).await?;
    Ok(Reply::send(views::note("stopped")))
}

/// /profile.
pub async fn profile(chat: &Chat<'_>) -> Handled {
    let view = members::profile(chat.s, chat.from.id).await?;
    Ok(Reply::send(views::profile(&view, chat.reader)))
}

/// /feed: the address of the person's calendar feed; /feed off ends it.
pub async fn feed(chat: &Chat<'_>, revoke: bool) -> Handled {
    if revoke {
        crate::feed::revoke(chat.s, chat.from.id).await?;
        return Ok(Reply::send(views::note("feed-revoked")));
    }
    let Some(base) = &chat.s.feed_base else {
        // Checked after the permission, so nobody learns more than a member.
        chat.s.actor(chat.from.id, Action::ViewOwnMeetings).await?;
        return Ok(Reply::send(views::note("feed-not-configured")));
    };
    let token = crate::feed::token(chat.s, chat.from.id).await?;
    let url = format!("{}/feed/{token}.ics", base.trim_end_matches('/'));
    let webcal = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    Ok(Reply::send(Screen::text(
        Text::new("feed-link")
            .plain("url", url)
            .plain("webcal", webcal),
    )))
}

/// /vacation, /sick, /trip, /active: one's own status.
pub async fn set_status(chat: &Chat<'_>, status: Status) -> Handled {
    let me = chat.from.id;
    members::change_status(chat.s, me, me, status).await?;
    Ok(Reply::send(views::status_set(status)))
}
