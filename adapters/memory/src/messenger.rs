use std::sync::Mutex;

use async_trait::async_trait;
use meetbot_domain::{Language, UserId};
use meetbot_ports::{MenuCommand, MessageRef, Messenger, MessengerError, Screen};

use crate::lock;

/// A message the in-memory messenger received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentMessage {
    /// Where it went and its id.
    pub message: MessageRef,
    /// The language it was to be rendered in.
    pub language: Language,
    /// What it said.
    pub screen: Screen,
    /// Whether it replaced an earlier message.
    pub edited: bool,
}

/// A messenger that records every message instead of sending it.
#[derive(Debug, Default)]
pub struct InMemoryMessenger {
    sent: Mutex<Vec<SentMessage>>,
    menus: Mutex<Vec<(UserId, Language, Vec<String>)>>,
    unreachable: Mutex<Vec<UserId>>,
}

impl InMemoryMessenger {
    /// An empty messenger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything sent or edited so far, in order.
    pub fn sent(&self) -> Vec<SentMessage> {
        lock(&self.sent).clone()
    }

    /// Everything sent to one person, in order.
    pub fn sent_to(&self, to: UserId) -> Vec<SentMessage> {
        self.sent()
            .into_iter()
            .filter(|m| m.message.chat == to)
            .collect()
    }

    /// The first-paragraph keys of everything sent to one person.
    pub fn keys_sent_to(&self, to: UserId) -> Vec<String> {
        self.sent_to(to)
            .iter()
            .map(|m| m.screen.key().to_owned())
            .collect()
    }

    /// The command names of the menu last set for a person.
    pub fn menu_of(&self, who: UserId) -> Option<Vec<String>> {
        lock(&self.menus)
            .iter()
            .rev()
            .find(|(to, _, _)| *to == who)
            .map(|(_, _, names)| names.clone())
    }

    /// Forgets what was sent.
    pub fn clear(&self) {
        lock(&self.sent).clear();
    }

    /// From now on, messages to `who` fail as if they blocked the bot.
    pub fn make_unreachable(&self, who: UserId) {
        lock(&self.unreachable).push(who);
    }

    /// Messages to `who` are delivered again (they unblocked the bot).
    pub fn make_reachable(&self, who: UserId) {
        lock(&self.unreachable).retain(|u| *u != who);
    }
}

#[async_trait]
impl Messenger for InMemoryMessenger {
    async fn send(
        &self,
        to: UserId,
        language: Language,
        screen: &Screen,
    ) -> Result<MessageRef, MessengerError> {
        if lock(&self.unreachable).contains(&to) {
            return Err(MessengerError::Unreachable);
        }
        let mut sent = lock(&self.sent);
        let message = MessageRef {
            chat: to,
            message_id: sent.len() as i64 + 1,
        };
        sent.push(SentMessage {
            message,
            language,
            screen: screen.clone(),
            edited: false,
        });
        Ok(message)
    }

    async fn edit(
        &self,
        message: MessageRef,
        language: Language,
        screen: &Screen,
    ) -> Result<(), MessengerError> {
        if lock(&self.unreachable).contains(&message.chat) {
            return Err(MessengerError::Unreachable);
        }
        lock(&self.sent).push(SentMessage {
            message,
            language,
            screen: screen.clone(),
            edited: true,
        });
        Ok(())
    }

    async fn set_menu(
        &self,
        to: UserId,
        language: Language,
        commands: &[MenuCommand],
    ) -> Result<(), MessengerError> {
        let names = commands.iter().map(|c| c.name.clone()).collect();
        lock(&self.menus).push((to, language, names));
        Ok(())
    }
}
