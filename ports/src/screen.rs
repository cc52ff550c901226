//! Transport-neutral screens: what the bot says and which buttons it offers,
//! as text keys and arguments that each chat adapter renders in the reader's
//! language (Telegram as a message with an inline keyboard, the console as
//! numbered choices).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::Zone;
use serde::{Deserialize, Serialize};

/// A piece of text to translate: a message key of the locale files and its arguments.
///
/// Keys and argument names are nearly always literals in the code: they are
/// borrowed then, so that a screen of fifty buttons allocates no string
/// for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// The key in the locale files, such as `booking-confirmed`.
    pub key: Cow<'static, str>,
    /// Named arguments of the message.
    pub args: Vec<(Cow<'static, str>, TextArg)>,
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
    /// Another message with arguments of its own, translated in place (a
    /// short date, a name or "user 1001" when the person is gone).
    Text(Box<Text>),
    /// Messages of their own, one per line, translated in place (the
    /// weekly hours, the closed ranges).
    Lines(Vec<Text>),
}

impl Text {
    /// A message without arguments.
    pub fn new(key: impl Into<Cow<'static, str>>) -> Self {
        Self {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: impl Into<Cow<'static, str>>, value: TextArg) -> Self {
        self.args.push((name.into(), value));
        self
    }

    /// Adds a plain-text argument.
    pub fn plain(self, name: impl Into<Cow<'static, str>>, value: impl ToString) -> Self {
        self.arg(name, TextArg::Plain(value.to_string()))
    }

    /// Adds an argument that is itself a message key.
    pub fn key(self, name: impl Into<Cow<'static, str>>, key: impl Into<String>) -> Self {
        self.arg(name, TextArg::Key(key.into()))
    }

    /// Adds an argument that is itself a message with arguments.
    pub fn text(self, name: impl Into<Cow<'static, str>>, text: Text) -> Self {
        self.arg(name, TextArg::Text(Box::new(text)))
    }

    /// Adds an argument of several messages, one per line.
    pub fn lines(self, name: impl Into<Cow<'static, str>>, lines: Vec<Text>) -> Self {
        self.arg(name, TextArg::Lines(lines))
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

/// A chart sent as a picture: its figures and labels, which the chat
/// adapter draws in the reader's language (so a queued chart is a few
/// numbers, not an image).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    /// The heading drawn above the chart.
    pub title: Text,
    /// What is drawn.
    pub plot: Plot,
}

/// The kinds of chart the bot draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Plot {
    /// One bar per category, stacked from the values of each series (such
    /// as meetings per week, by outcome). Every series has one value per
    /// category.
    StackedBars {
        /// The labels under the bars, in order.
        categories: Vec<Text>,
        /// The layers of every bar, bottom first, each with its legend label.
        series: Vec<Series>,
    },
    /// A grid of counts, each cell shaded by its size (such as meetings by
    /// weekday and hour). `values` has one row per row label and one value
    /// per column label in each row.
    HeatMap {
        /// The labels of the rows, top first.
        rows: Vec<Text>,
        /// The labels of the columns, left first.
        columns: Vec<Text>,
        /// The counts, row by row.
        values: Vec<Vec<u32>>,
    },
    /// A line over categories with gaps where there is no value (such as
    /// the average rating per week). Values are in hundredths, drawn on an
    /// axis from `low` to `high` hundredths.
    Line {
        /// The labels along the axis, in order.
        categories: Vec<Text>,
        /// One value per category, in hundredths, or none.
        values: Vec<Option<u32>>,
        /// The bottom of the value axis, in hundredths.
        low: u32,
        /// The top of the value axis, in hundredths.
        high: u32,
    },
}

/// One layer of a stacked bar chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    /// Its name in the legend.
    pub label: Text,
    /// One value per category.
    pub values: Vec<u32>,
}

/// One message of the bot: text, buttons in rows, maybe a file or a chart.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Screen {
    /// The paragraphs of the message, in order.
    pub texts: Vec<Text>,
    /// Buttons, row by row.
    pub buttons: Vec<Vec<Button>>,
    /// A file sent along.
    pub attachment: Option<Attachment>,
    /// A chart sent as a picture, the texts as its caption.
    #[serde(default)]
    pub chart: Option<Chart>,
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

    /// Sends a chart, drawn as a picture, with the screen.
    pub fn with_chart(mut self, chart: Chart) -> Self {
        self.chart = Some(chart);
        self
    }

    /// The key of the first paragraph, which names the screen.
    pub fn key(&self) -> &str {
        self.texts.first().map_or("", |t| &t.key)
    }

    /// Every button, row after row.
    pub fn all_buttons(&self) -> impl Iterator<Item = &Button> {
        self.buttons.iter().flatten()
    }
}
