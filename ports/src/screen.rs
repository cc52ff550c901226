//! Transport-neutral screens: what the bot says and which buttons it offers,
//! as text keys and arguments that each chat adapter renders in the reader's
//! language (Telegram as a message with an inline keyboard, the console as
//! numbered choices).

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::Zone;
use serde::{Deserialize, Serialize};

/// A piece of text to translate: a message key of the locale files and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// The key in the locale files, such as `booking-confirmed`.
    pub key: String,
    /// Named arguments of the message.
    pub args: Vec<(String, TextArg)>,
}

/// An argument of a message, rendered by the adapter in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextArg {
    /// Text shown as it is (a name, a topic).
    Plain(String),
    /// A number.
    Number(i64),
    /// Another message key, translated in place (a role, a status, a reason).
    Key(String),
    /// An instant, shown as wall-clock time in a zone.
    Time {
        /// The instant.
        at: DateTime<Utc>,
        /// The zone to show it in.
        zone: Zone,
    },
    /// A calendar date.
    Date(NaiveDate),
    /// Only the wall-clock time of an instant in a zone, such as `10:30`.
    Clock {
        /// The instant.
        at: DateTime<Utc>,
        /// The zone to show it in.
        zone: Zone,
    },
}

impl Text {
    /// A message without arguments.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: impl Into<String>, value: TextArg) -> Self {
        self.args.push((name.into(), value));
        self
    }

    /// Adds a plain-text argument.
    pub fn plain(self, name: impl Into<String>, value: impl ToString) -> Self {
        self.arg(name, TextArg::Plain(value.to_string()))
    }

    /// Adds an argument that is itself a message key.
    pub fn key(self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.arg(name, TextArg::Key(key.into()))
    }

    /// The argument of that name.
    pub fn get(&self, name: &str) -> Option<&TextArg> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A button: its label and the data it sends back when pressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// What the button says.
    pub label: Text,
    /// What pressing it sends back: ASCII, at most 64 bytes (Telegram's limit).
    pub data: String,
}

/// A file sent with a screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name, such as `meeting.ics`.
    pub file_name: String,
    /// The MIME type.
    pub mime: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// One message of the bot: text, buttons in rows, maybe a file.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Screen {
    /// The paragraphs of the message, in order.
    pub texts: Vec<Text>,
    /// Buttons, row by row.
    pub buttons: Vec<Vec<Button>>,
    /// A file sent along.
    pub attachment: Option<Attachment>,
}

impl Screen {
    /// A screen of one text.
    pub fn text(text: Text) -> Self {
        Self {
            texts: vec![text],
            ..Self::default()
        }
    }

    /// Adds a paragraph.
    pub fn then(mut self, text: Text) -> Self {
        self.texts.push(text);
        self
    }

    /// Adds a row of buttons.
    pub fn row(mut self, buttons: Vec<Button>) -> Self {
        if !buttons.is_empty() {
            self.buttons.push(buttons);
        }
        self
    }

    /// The key of the first paragraph, which names the screen.
    pub fn key(&self) -> &str {
        self.texts.first().map_or("", |t| t.key.as_str())
    }

    /// Every button, row after row.
    pub fn all_buttons(&self) -> impl Iterator<Item = &Button> {
        self.buttons.iter().flatten()
    }
}
