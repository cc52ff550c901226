//! What the chat answers to one event, as a value: the screens to show and
//! where the dialog goes next. Handlers return it; one place in
//! [`super::handle`] shows it and saves the dialog, so a flow can be tested
//! without a messenger.

use meetbot_domain::{Language, User};
use meetbot_ports::Screen;

use super::dialog::Dialog;
use super::views;
use crate::error::UseCaseError;

/// What happens to the person's dialog after an event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DialogUpdate {
    /// It stays as it was.
    #[default]
    Keep,
    /// It becomes this one (saved, so it survives a restart).
    Set(Dialog),
    /// It ends.
    End,
}

/// The answer to one event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Shown in place of the message whose button was pressed; sent as a
    /// new message when there is none (or it cannot be edited). Shown first.
    pub edit: Option<Screen>,
    /// New messages, in order, after the edited one.
    pub send: Vec<Screen>,
    /// Where the dialog goes next.
    pub dialog: DialogUpdate,
    /// The language to show this reply in, when the event changed it.
    pub language: Option<Language>,
    /// A person whose command menu is to be refreshed (their role changed
    /// what they may do).
    pub menu_for: Option<User>,
}

impl Reply {
    /// Nothing to show.
    pub fn nothing() -> Self {
        Self::default()
    }

    /// One new message.
    pub fn send(screen: Screen) -> Self {
        Self::default().then_send(screen)
    }

    /// One screen in place of the pressed one.
    pub fn edit(screen: Screen) -> Self {
        Self {
            edit: Some(screen),
            ..Self::default()
        }
    }

    /// An error explained, as a new message. A store failure is logged
    /// here, where it is handled; the person is only asked to try again.
    pub fn error(error: &UseCaseError) -> Self {
        Self::default().then_error(error)
    }

    /// Adds an error explained after the messages already in the reply
    /// (something failed after part of the work was done).
    pub fn then_error(self, error: &UseCaseError) -> Self {
        if let UseCaseError::Store(cause) = error {
            tracing::error!(%cause, "a request failed in the store");
        }
        self.then_send(views::error(error))
    }

    /// Adds a new message after those already in the reply.
    pub fn then_send(mut self, screen: Screen) -> Self {
        self.send.push(screen);
        self
    }

    /// Continues with `dialog`.
    pub fn with_dialog(self, dialog: Dialog) -> Self {
        Self {
            dialog: DialogUpdate::Set(dialog),
            ..self
        }
    }

    /// Ends the dialog.
    pub fn ending_dialog(self) -> Self {
        Self {
            dialog: DialogUpdate::End,
            ..self
        }
    }

    /// Ends the dialog unless the reply starts another one: a typed command
    /// always leaves the dialog it interrupted.
    pub fn leaving_dialog(self) -> Self {
        match self.dialog {
            DialogUpdate::Set(_) => self,
            DialogUpdate::Keep | DialogUpdate::End => self.ending_dialog(),
        }
    }

    /// Shows `screen` before everything else of the reply; a screen that
    /// was to replace a pressed one becomes a new message after it.
    pub fn preceded_by(mut self, screen: Screen) -> Self {
        let mut send = vec![screen];
        send.extend(self.edit.take());
        send.append(&mut self.send);
        self.send = send;
        self
    }

    /// Every screen of the reply, in the order shown.
    pub fn screens(&self) -> impl Iterator<Item = &Screen> {
        self.edit.iter().chain(&self.send)
    }
}
