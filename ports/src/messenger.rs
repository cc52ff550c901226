//! Reaching people in their chat.

use async_trait::async_trait;
use meetbot_domain::{Language, UserId};

use crate::screen::{Screen, Text};

/// A message the bot sent, so it can be edited in place later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageRef {
    /// The private chat (the person's id).
    pub chat: UserId,
    /// The transport's message id.
    pub message_id: i64,
}

/// One entry of a person's command menu.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MenuCommand {
    /// The command without the slash, such as `book`.
    pub name: String,
    /// What it does, translated by the adapter.
    pub description: Text,
}

/// Why a message did not reach its reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessengerError {
    /// The person blocked the bot or deleted their account: retrying is useless.
    #[error("the recipient cannot be reached")]
    Unreachable,
    /// The transport asks to wait this many seconds.
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    /// A passing failure (network, 5xx); worth retrying.
    #[error("transport unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("unexpected messenger failure: {0}")]
    Unexpected(String),
}

/// Sends screens to people.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait Messenger: Send + Sync {
    /// Sends `screen` to `to`, rendered in `language`. MUST respect the
    /// transport's rate limits itself; MUST return `Unreachable` when the
    /// person blocked the bot, so callers stop trying.
    async fn send(
        &self,
        to: UserId,
        language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError>;

    /// Replaces an earlier message with `screen`. Editing to identical
    /// content MUST succeed.
    async fn edit(
        &self,
        message: MessageRef,
        language: Language,
        screen: &Screen,
    ) -> Result<(), MessengerError>;

    /// Sets the command menu a person sees, in `language`. Called when they
    /// start, and again when their role or language changes.
    async fn set_menu(
        &self,
        to: UserId,
        language: Language,
        commands: &[MenuCommand],
    ) -> Result<(), MessengerError>;
}
