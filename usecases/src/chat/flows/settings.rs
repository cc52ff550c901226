//! The owner's settings: the screen, and editing one value.

use chrono::{DateTime, Utc};

use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::parse;
use crate::chat::reply::Reply;
use crate::chat::setting::SettingCode;
use crate::chat::settings_views;
use crate::chat::views;
use crate::settings::{self, SettingsChange};

/// /settings: the values in force, each with a button to change it.
pub async fn show(chat: &Chat<'_>) -> Handled {
    let settings = settings::view(chat.s, chat.from.id).await?;
    Ok(Reply::send(settings_views::settings(&settings)))
}

/// A setting's button: asks for its new value.
pub async fn edit(chat: &Chat<'_>, code: SettingCode) -> Handled {
    // Only the owner may: checked before the dialog starts.
    settings::view(chat.s, chat.from.id).await?;
    Ok(Reply::send(settings_views::ask_setting(code)).with_dialog(Dialog::Setting { code }))
}

/// The new value typed: saved, and the settings shown again. Closing
/// hours also says how many bookers were told.
pub async fn value(chat: &Chat<'_>, code: SettingCode, text: &str) -> Handled {
    let change = parse::setting(code, text, chat.today().await?)?;
    let (saved, told) = settings::change_telling(chat.s, chat.from.id, change).await?;
    let mut reply = Reply::send(views::note("setting-saved"));
    if told > 0 {
        reply = reply.then_send(settings_views::bookers_told(told));
    }
    Ok(reply
        .then_send(settings_views::settings(&saved))
        .ending_dialog())
}

/// /block: closes the hours typed after it, or asks for them.
pub async fn block(chat: &Chat<'_>, range: Option<String>) -> Handled {
    match range {
        Some(range) => value(chat, SettingCode::Blocks, &range).await,
        None => edit(chat, SettingCode::Blocks).await,
    }
}

/// A closed range's button on the settings screen: opened again.
pub async fn unblock(chat: &Chat<'_>, start: DateTime<Utc>) -> Handled {
    let saved = settings::change(chat.s, chat.from.id, SettingsChange::Unblock(start)).await?;
    Ok(Reply::edit(settings_views::settings(&saved)))
}
