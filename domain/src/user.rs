//! People who talk to the bot: who they are, what role they hold, whether
//! they are around.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::Zone;

/// A person's Telegram user id; also the id of their private chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A value a person typed that does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Nothing but white space.
    #[error("the value is empty")]
    Empty,
    /// Longer than allowed.
    #[error("the value is longer than {max} characters")]
    TooLong {
        /// The longest allowed, in characters.
        max: usize,
    },
    /// Not an e-mail address.
    #[error("{0:?} is not an e-mail address")]
    NotAnEmail(String),
    /// Not one of the known codes.
    #[error("{0:?} is not a known value")]
    Unknown(String),
}

/// Whether `c` changes the direction of the text around it: the embeddings
/// and overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the
/// marks (U+200E, U+200F, U+061C).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// `text` without bidi control characters. Text one person typed is shown
/// to others inside the bot's own sentences; a right-to-left override in a
/// name would turn the rest of such a sentence around (display spoofing).
pub fn without_bidi_controls(text: &str) -> String {
    text.chars().filter(|&c| !is_bidi_control(c)).collect()
}

/// `raw` when it has the shape Telegram gives usernames (up to 32 ASCII
/// letters, digits and `_`), else `None`: anything else did not come from
/// Telegram and is not shown to anyone as a username.
pub fn telegram_username(raw: &str) -> Option<String> {
    let shaped = !raw.is_empty()
        && raw.len() <= 32
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    shaped.then(|| raw.to_owned())
}

fn bounded_text(raw: &str, max: usize) -> Result<String, ValueError> {
    let cleaned = without_bidi_controls(raw);
    let text = cleaned.trim();
    if text.is_empty() {
        return Err(ValueError::Empty);
    }
    if text.chars().count() > max {
        return Err(ValueError::TooLong { max });
    }
    if text.chars().any(char::is_control) {
        return Err(ValueError::Unknown(text.to_owned()));
    }
    Ok(text.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The longest allowed, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Removes bidi control characters, trims the text and checks
            /// it is neither empty, nor too long, nor holding control
            /// characters.
            pub fn new(raw: &str) -> Result<Self, ValueError> {
                bounded_text(raw, Self::MAX_CHARS).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValueError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// How a person is called in messages, from Telegram's first and last name.
    DisplayName,
    128
);
text_value!(
    /// A department of the organisation, from the configured list.
    Department,
    64
);

/// An e-mail address in the common form `local@domain`: the local part
/// is dot-separated atoms (RFC 5322's dot-atom, letters of any script
/// allowed as RFC 6531 does), the domain two or more dot-separated labels
/// of letters, digits and inner hyphens. Quoted local parts, comments and
/// address literals are refused: nobody needs them to book a meeting, and
/// they are where angle brackets, spaces and control characters get in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// The longest address SMTP carries (RFC 5321's path limit less the
/// angle brackets).
const EMAIL_MAX_CHARS: usize = 254;
/// The longest local part (RFC 5321).
const EMAIL_LOCAL_MAX_CHARS: usize = 64;
/// The longest domain label (RFC 1035).
const EMAIL_LABEL_MAX_CHARS: usize = 63;

/// A character of an atom: ASCII letters and digits, the specials RFC 5322
/// allows, and any other alphanumeric character (RFC 6531).
fn is_atom_char(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// One or more atoms joined by single dots.
fn is_dot_atom(text: &str) -> bool {
    text.split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(is_atom_char))
}

/// Two or more labels joined by single dots, none starting or ending with
/// a hyphen.
fn is_domain(text: &str) -> bool {
    let mut labels = 0;
    for label in text.split('.') {
        labels += 1;
        let fits = !label.is_empty()
            && label.chars().count() <= EMAIL_LABEL_MAX_CHARS
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !fits {
            return false;
        }
    }
    labels >= 2
}

impl Email {
    /// Checks an address against the grammar above; surrounding white space
    /// is trimmed, anything else outside it (angle brackets, inner white
    /// space, control or bidi characters) is refused.
    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if text.chars().count() > EMAIL_MAX_CHARS {
            return Err(ValueError::TooLong {
                max: EMAIL_MAX_CHARS,
            });
        }
        let valid = match text.split_once('@') {
            Some((local, domain)) => {
                local.chars().count() <= EMAIL_LOCAL_MAX_CHARS
                    && is_dot_atom(local)
                    && is_domain(domain)
            }
            None => false,
        };
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(ValueError::NotAnEmail(text.to_owned()))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

/// Generates `as_str`/`parse` for an enum stored as a stable string.
macro_rules! stable_names {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name stored in databases and callback data.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stable name back.
            pub fn parse(text: &str) -> Result<Self, ValueError> {
                match text { $($text => Ok($name::$variant),)+ other => Err(ValueError::Unknown(other.to_owned())) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use stable_names;

/// What a person may do in the organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Whose calendar is booked; administers everything.
    Owner,
    /// Books and manages meetings with the owner.
    Manager,
    /// Registered, waiting for the owner's approval.
    Pending,
    /// The owner turned the registration down.
    Rejected,
    /// Barred by the owner; the bot ignores their requests.
    Blocked,
}

stable_names!(Role {
    Owner => "OWNER",
    Manager => "MANAGER",
    Pending => "PENDING",
    Rejected => "REJECTED",
    Blocked => "BLOCKED",
});

/// Whether a person is around.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// At work: may book, gets invitations and reminders.
    Active,
    /// On holiday.
    Vacation,
    /// Off sick.
    Sick,
    /// Travelling for work.
    BusinessTrip,
    /// Not working with the organisation for now.
    Inactive,
}

impl Status {
    /// Whether a person may give themselves this status: they go on
    /// holiday, fall sick, travel and come back to work on their own; only
    /// the owner makes somebody inactive.
    pub fn is_own_choice(self) -> bool {
        !matches!(self, Self::Inactive)
    }
}

stable_names!(Status {
    Active => "ACTIVE",
    Vacation => "VACATION",
    Sick => "SICK",
    BusinessTrip => "BUSINESS_TRIP",
    Inactive => "INACTIVE",
});

/// The language the bot speaks to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Russian, the first language of the bot.
    #[default]
    Ru,
    /// English.
    En,
}

stable_names!(Language {
    Ru => "ru",
    En => "en",
});

impl Language {
    /// Picks the language from Telegram's `language_code`: Russian for the
    /// languages of its readers, English for everything else, Russian when unknown.
    pub fn from_telegram(code: Option<&str>) -> Self {
        match code.map(|c| c.split(['-', '_']).next().unwrap_or(c).to_ascii_lowercase()) {
            None => Language::Ru,
            Some(code) if matches!(code.as_str(), "ru" | "uk" | "be" | "kk" | "") => Language::Ru,
            Some(_) => Language::En,
        }
    }
}

/// A person known to the bot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Their Telegram id.
    pub id: UserId,
    /// Their name as shown to others.
    pub name: DisplayName,
    /// Their Telegram @username, when they have one.
    pub username: Option<String>,
    /// What they may do.
    pub role: Role,
    /// Whether they are around.
    pub status: Status,
    /// Their department, when given.
    pub department: Option<Department>,
    /// Their e-mail, when given.
    pub email: Option<Email>,
    /// The language the bot speaks to them.
    pub language: Language,
    /// The zone their times are shown in.
    pub zone: Zone,
    /// False after /stop: they get no broadcasts, invitations or reminders.
    pub subscribed: bool,
    /// When they first wrote to the bot.
    pub registered_at: DateTime<Utc>,
    /// Since when Telegram refuses messages to them (they blocked the
    /// bot); `None` while it delivers. Cleared when they write again.
    #[serde(default)]
    pub unreachable_since: Option<DateTime<Utc>>,
}

impl User {
    /// Whether the person is at work and listening: only such a person gets
    /// invitations and reminders, and only such a person can be booked. A
    /// person who blocked the bot is not, until they write again.
    pub fn is_reachable(&self) -> bool {
        self.status == Status::Active && self.subscribed && self.unreachable_since.is_none()
    }

    /// Whether the person is the owner.
    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_a_username_is_kept_only_in_the_shape_telegram_gives_it() {
        assert_eq!(telegram_username("anna_p1"), Some("anna_p1".to_owned()));
        assert_eq!(telegram_username("\u{202e}anna"), None);
        assert_eq!(telegram_username("anna petrova"), None);
        assert_eq!(telegram_username(""), None);
        assert_eq!(telegram_username(&"a".repeat(33)), None);
    }

    #[test]
    fn an_empty_or_over_long_name_is_refused_by_the_constructor() {
        assert_eq!(DisplayName::new("   "), Err(ValueError::Empty));
        assert_eq!(
            DisplayName::new(&"я".repeat(129)),
            Err(ValueError::TooLong { max: 128 })
        );
        assert_eq!(DisplayName::new("  Иван  ").unwrap().as_str(), "Иван");
    }

    #[test]
    fn a_malformed_email_is_refused_by_the_constructor() {
        for bad in [
            "ivan",
            "ivan@",
            "@mail.ru",
            "ivan@mail",
            "iv an@mail.ru",
            "a@b@c.ru",
        ] {
            assert!(Email::new(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(Email::new("ivan@mail.ru").unwrap().as_str(), "ivan@mail.ru");
    }

    #[test]
    fn bidi_an_email_with_angle_brackets_white_space_control_or_bidi_characters_is_refused() {
        for bad in [
            "<b>\u{202e}@evil.example",
            "<ivan@mail.ru>",
            "Ivan <ivan@mail.ru>",
            "ivan\u{202e}@mail.ru",
            "ivan@mail\u{2066}.ru",
            "ivan\u{200f}@mail.ru",
            "iv\tan@mail.ru",
            "ivan@mail.ru\u{0}",
            "\"iv an\"@mail.ru",
            "ivan@[127.0.0.1]",
            "ivan..petrov@mail.ru",
            ".ivan@mail.ru",
            "ivan@-mail.ru",
            "ivan@mail..ru",
        ] {
            assert!(Email::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn bidi_common_addresses_are_accepted_as_typed() {
        for good in [
            "ivan.petrov+meetings@mail.ru",
            "o'brien@example.co.uk",
            "иван@почта.рф",
            "a_b-c@sub-domain.example.com",
        ] {
            assert_eq!(
                Email::new(good).map(|e| e.as_str().to_owned()),
                Ok(good.to_owned())
            );
        }
        assert_eq!(
            Email::new("  ivan@mail.ru ").unwrap().as_str(),
            "ivan@mail.ru"
        );
    }

    #[test]
    fn bidi_control_characters_are_removed_from_names_and_departments() {
        let name = DisplayName::new("\u{202e}Ivan\u{2066} \u{200e}Petrov\u{061c}\u{2069}").unwrap();
        assert_eq!(name.as_str(), "Ivan Petrov");
        assert_eq!(DisplayName::new("\u{202e}\u{202c}"), Err(ValueError::Empty));
        assert_eq!(
            Department::new("Sales\u{202b}\u{202a}\u{202d}\u{200f}")
                .unwrap()
                .as_str(),
            "Sales"
        );
    }

    #[test]
    fn an_unknown_role_or_status_name_is_a_typed_error() {
        assert_eq!(
            Role::parse("ADMIN"),
            Err(ValueError::Unknown("ADMIN".into()))
        );
        assert_eq!(Status::parse("BUSINESS_TRIP"), Ok(Status::BusinessTrip));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
    }

    #[test]
    fn the_language_follows_telegram_and_falls_back_to_russian() {
        assert_eq!(Language::from_telegram(Some("en-US")), Language::En);
        assert_eq!(Language::from_telegram(Some("ru")), Language::Ru);
        assert_eq!(Language::from_telegram(Some("de")), Language::En);
        assert_eq!(Language::from_telegram(None), Language::Ru);
    }
}
