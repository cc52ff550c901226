//! The two durable queues at the edges of the bot: the inbox of updates a
//! transport received, and the outbox of messages the bot owes people.
//!
//! An update is stored in the inbox before the transport tells its sender
//! that it arrived, and marked done in the same transaction as what handling
//! it changed; a message is written to the outbox in the transaction of the
//! change it reports, and sent after. Together they make a person's request
//! done once, and its answer delivered at least once, whatever stops the
//! process in between.

use chrono::{DateTime, Utc};
use meetbot_domain::{Language, UserId};
use serde::{Deserialize, Serialize};

use crate::messenger::MenuCommand;
use crate::screen::Screen;

/// An update as the transport received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxUpdate {
    /// The transport's id of the update; the inbox keeps one of each.
    pub id: i64,
    /// The update as received (Telegram's JSON), to be handled from.
    pub payload: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// The store's id of a queued message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OutgoingId(pub i64);

/// What to do in a person's chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Send a new message.
    Send(Screen),
    /// Show `screen` in place of the bot's message `message_id` (the one
    /// whose button was pressed); sent as a new message when that one can
    /// no longer be edited.
    Edit {
        /// The message to replace.
        message_id: i64,
        /// What it shows now.
        screen: Screen,
    },
    /// Set the person's command menu.
    Menu(Vec<MenuCommand>),
}

/// A message the bot owes someone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Who gets it.
    pub to: UserId,
    /// The language it is shown in.
    pub language: Language,
    /// What it does in their chat.
    pub delivery: Delivery,
}

impl Outgoing {
    /// A new message to `to`.
    pub fn send(to: UserId, language: Language, screen: Screen) -> Self {
        Self {
            to,
            language,
            delivery: Delivery::Send(screen),
        }
    }
}

/// A message in the outbox, claimed for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMessage {
    /// The store's id.
    pub id: OutgoingId,
    /// The message.
    pub message: Outgoing,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
}
