//! One's own account: help, language, status, profile, stopping.

use meetbot_domain::{Action, Denial, Language, Status};
use meetbot_ports::{Screen, Text};

use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::reply::Reply;
use crate::chat::settings_views;
use crate::chat::views;
use crate::error::UseCaseError;
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

/// /timezone: the common zones as buttons; any other zone is typed.
pub async fn choose_zone(chat: &Chat<'_>) -> Handled {
    let Some(user) = &chat.user else {
        return Err(UseCaseError::Denied(Denial::NotRegistered));
    };
    Ok(Reply::send(settings_views::choose_zone(user.zone)).with_dialog(Dialog::TimeZone))
}

/// A zone pressed or typed: every time is shown in it from now on.
pub async fn set_zone(chat: &Chat<'_>, name: &str) -> Handled {
    let user = registration::set_zone(chat.s, chat.from.id, name).await?;
    Ok(Reply::send(settings_views::zone_set(user.zone, chat.s.clock.now())).ending_dialog())
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
