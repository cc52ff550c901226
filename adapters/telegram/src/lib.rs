//! The Telegram transport of meetbot, on frankenstein's async Bot API client.
//!
//! In: long polling ([`polling::poll`], the offset kept in the store) or a
//! webhook ([`webhook::router`], secret checked in constant time); every
//! update recorded in the store's processed set first, so that it is handled
//! at most once, then handled by the conversation (`usecases::chat`) with
//! bounded concurrency and in order per person ([`Dispatcher`]).
//!
//! [`TelegramTransport`] runs all of it from start-up to shutdown: the
//! default command menu, `setWebhook` or `deleteWebhook`, the pruning of
//! old processed update ids, the drain of accepted updates at shutdown.
//!
//! Out: [`TelegramMessenger`], the `Messenger` port, renders screens with
//! the i18n translator into plain text and inline keyboards and sends them
//! through the one rate-limited [`Sender`].
//!
//! The bot token is part of every request URL, so no URL is ever logged or
//! printed here (see [`api`]).
//!
//! Depends on ports, domain, usecases and i18n; never on the storage
//! adapters or the app.

pub mod api;
pub mod config;
pub mod dispatch;
pub mod messenger;
pub mod polling;
pub mod sender;
pub mod serve;
pub mod webhook;

pub use api::{BotApi, CallError};
pub use config::{Limits, TelegramConfig, TelegramMode};
pub use dispatch::{Accepted, Dispatcher};
pub use messenger::TelegramMessenger;
pub use sender::Sender;
pub use serve::TelegramTransport;

/// A failure to set the transport up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// A Bot API call needed at start failed.
    #[error("the Bot API call {method} failed: {error}")]
    Call {
        /// The method, such as `setWebhook`.
        method: &'static str,
        /// How it failed.
        error: CallError,
    },
}
