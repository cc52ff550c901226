//! The owner's settings: the screen, and editing one value.

use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::parse;
use crate::chat::reply::Reply;
use crate::chat::setting::SettingCode;
use crate::chat::views;
use crate::settings;

/// /settings: the values in force, each with a button to change it.
pub async fn show(chat: &Chat<'_>) -> Handled {
    let settings = settings::view(chat.s, chat.from.id).await?;
    Ok(Reply::send(views::settings(&settings)))
}

/// A setting's button: asks for its new value.
pub async fn edit(chat: &Chat<'_>, code: SettingCode) -> Handled {
    // Only the owner may: checked before the dialog starts.
    settings::view(chat.s, chat.from.id).await?;
    Ok(Reply::send(views::ask_setting(code)).with_dialog(Dialog::Setting { code }))
}

/// The new value typed: saved, and the settings shown again.
pub async fn value(chat: &Chat<'_>, code: SettingCode, text: &str) -> Handled {
    let change = parse::setting(code, text, chat.today().await?)?;
    let saved = settings::change(chat.s, chat.from.id, change).await?;
    Ok(Reply::send(views::note("setting-saved"))
        .then_send(views::settings(&saved))
        .ending_dialog())
}
