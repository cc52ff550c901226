//! Button data: what a pressed button asks for, encoded as short versioned
//! ASCII (Telegram allows 64 bytes and no guarantee about anything else).
//!
//! Button data is user input, not a capability: decoding it gives a request
//! that is then checked like a typed command.

use std::borrow::Cow;
use std::fmt::{self, Write};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use meetbot_domain::{AuditKind, Language, MeetingId, Role, RsvpAnswer, Status, UserId};
use meetbot_ports::{AuditCursor, AuditId, Screen};

use crate::audit::AuditView;
use crate::chat::{Command, SettingCode};

/// The format version; bump it when the encoding changes so stale buttons
/// are recognised as stale rather than misread.
const VERSION: &str = "1";

/// The format of a button that carries when it was sent: `2:<minute>:`
/// (minutes since 1970, UTC) before the body of a version 1 button.
const STAMPED: &str = "2";

/// How long a button acts on what it shows: after two days, the screen it
/// was on is too old to trust (slots taken, meetings moved, roles changed).
pub const BUTTON_LIFETIME: chrono::Duration = chrono::Duration::hours(48);

/// The most characters of a time zone's name in button data.
const MAX_ZONE_BYTES: usize = 40;

/// The most bytes Telegram accepts as callback data.
pub const MAX_BYTES: usize = 64;

/// A button press, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// Approve a registration.
    Approve(UserId),
    /// Reject a registration.
    Reject(UserId),
    /// Show a month of the booking calendar (year, month).
    Month(i32, u32),
    /// Pick a day in the booking calendar.
    Day(NaiveDate),
    /// Pick a start time.
    Slot(DateTime<Utc>),
    /// Pick a meeting type by code.
    MeetingType(String),
    /// Book without a topic.
    SkipTopic,
    /// Confirm the booking.
    Confirm,
    /// Abandon the current dialog.
    Abort,
    /// Cancel a meeting (asks for confirmation).
    Cancel(MeetingId),
    /// Confirm cancelling a meeting.
    CancelConfirmed(MeetingId),
    /// Move a meeting (starts the picker).
    Reschedule(MeetingId),
    /// Open a user's card (owner).
    UserCard(UserId),
    /// Give a user a role (owner).
    SetRole(UserId, Role),
    /// Give a user a status (owner).
    SetStatus(UserId, Status),
    /// Put a user in a department, by its index in the list (owner).
    SetDepartment(UserId, u16),
    /// Choose a department by its index in the list.
    Department(u16),
    /// Skip an optional registration question.
    Skip,
    /// Switch the language.
    Lang(Language),
    /// Run a command, as if typed (menu buttons).
    Command(Command),
    /// Start editing one setting (owner).
    EditSetting(SettingCode),
    /// Open a meeting (from its reminder): its details with Cancel and Move.
    OpenMeeting(MeetingId),
    /// Rate a meeting held, 1 to 5 stars.
    Rate(MeetingId, u8),
    /// Answer the invitation to the group meeting on a date.
    Rsvp(NaiveDate, RsvpAnswer),
    /// Mark a meeting that has ended a no-show (`true`) or held (owner).
    NoShow(MeetingId, bool),
    /// A button that does nothing (a disabled day, a heading).
    Noop,
    /// A page of the audit log, of a kind, about a person (owner).
    AuditLog(AuditView),
    /// Open again the closed range that starts then (owner).
    Unblock(DateTime<Utc>),
    /// Show times in this zone, an IANA name (one's own setting).
    Zone(String),
}

/// Whether `name` could be an IANA zone name fit for button data:
/// `Asia/Vladivostok`, `America/Port-au-Prince`, `Etc/GMT+3`.
fn is_zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ZONE_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
}

/// Whether `code` is a lowercase ASCII word of at most `max` bytes, fit for button data.
fn is_code(code: &str, max: usize) -> bool {
    !code.is_empty()
        && code.len() <= max
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The one-letter code of an audit log filter in button data.
fn audit_kind_code(kind: Option<AuditKind>) -> &'static str {
    match kind {
        None => "a",
        Some(AuditKind::Bookings) => "b",
        Some(AuditKind::People) => "p",
        Some(AuditKind::Refusals) => "r",
        Some(AuditKind::Other) => "o",
    }
}

/// An audit log filter read back; `None` for a code not known.
fn audit_kind(code: &str) -> Option<Option<AuditKind>> {
    [
        None,
        Some(AuditKind::Bookings),
        Some(AuditKind::People),
        Some(AuditKind::Refusals),
        Some(AuditKind::Other),
    ]
    .into_iter()
    .find(|kind| audit_kind_code(*kind) == code)
}

/// Where a page of the audit log starts, read back: `n` for the newest,
/// `o<id>` older than an entry, `w<id>` newer than one.
fn audit_cursor(code: &str) -> Option<AuditCursor> {
    let id = |digits: &str| digits.parse::<i64>().ok().map(AuditId);
    match code.split_at_checked(1)? {
        ("n", "") => Some(AuditCursor::Newest),
        ("o", digits) => Some(AuditCursor::OlderThan(id(digits)?)),
        ("w", digits) => Some(AuditCursor::NewerThan(id(digits)?)),
        _ => None,
    }
}

/// Writes a date as `%Y%m%d` (`20260331`). A month picker writes 31 of
/// these, and chrono's `format` reads its pattern anew every time, so a
/// four-digit year (every date a person can book) is written as one
/// zero-padded number, `yyyymmdd`.
fn write_compact_date(f: &mut fmt::Formatter<'_>, date: NaiveDate) -> fmt::Result {
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => {
            write!(f, "{:08}", year * 10_000 + date.month() * 100 + date.day())
        }
        _ => write!(f, "{}", date.format("%Y%m%d")),
    }
}

/// The body of a callback's data: what follows the version.
struct Body<'a>(&'a Callback);

impl fmt::Display for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Callback::Approve(u) => write!(f, "ap:{u}"),
            Callback::Reject(u) => write!(f, "rj:{u}"),
            Callback::Month(y, m) => write!(f, "mo:{y}:{m}"),
            Callback::Day(d) => {
                f.write_str("dy:")?;
                write_compact_date(f, *d)
            }
            Callback::Slot(at) => write!(f, "sl:{}", at.timestamp()),
            Callback::MeetingType(code) => write!(f, "mt:{code}"),
            Callback::SkipTopic => f.write_str("nt"),
            Callback::Confirm => f.write_str("ok"),
            Callback::Abort => f.write_str("ab"),
            Callback::Cancel(m) => write!(f, "cx:{m}"),
            Callback::CancelConfirmed(m) => write!(f, "cy:{m}"),
            Callback::Reschedule(m) => write!(f, "rs:{m}"),
            Callback::UserCard(u) => write!(f, "uc:{u}"),
            Callback::SetRole(u, r) => write!(f, "ur:{u}:{}", r.as_str()),
            Callback::SetDepartment(u, i) => write!(f, "ud:{u}:{i}"),
            Callback::SetStatus(u, s) => write!(f, "us:{u}:{}", s.as_str()),
            Callback::Department(i) => write!(f, "dp:{i}"),
            Callback::Skip => f.write_str("sk"),
            Callback::Lang(l) => write!(f, "lg:{}", l.as_str()),
            Callback::Command(command) => write!(f, "cm:{}", command.button_code()),
            Callback::EditSetting(setting) => write!(f, "es:{}", setting.code()),
            Callback::OpenMeeting(m) => write!(f, "om:{m}"),
            Callback::Rate(m, stars) => write!(f, "rt:{m}:{stars}"),
            Callback::Rsvp(date, answer) => write!(
                f,
                "rv:{}:{}",
                date.format("%Y%m%d"),
                match answer {
                    RsvpAnswer::Yes => "y",
                    RsvpAnswer::No => "n",
                }
            ),
            Callback::NoShow(m, no_show) => write!(f, "ns:{m}:{}", u8::from(*no_show)),
            Callback::Noop => f.write_str("no"),
            Callback::Unblock(start) => write!(f, "ub:{}", start.timestamp()),
            Callback::Zone(name) => write!(f, "tz:{name}"),
            Callback::AuditLog(view) => {
                write!(f, "al:{}:", audit_kind_code(view.kind))?;
                match &view.person {
                    Some(person) => write!(f, "{person}:")?,
                    None => f.write_str("-:")?,
                }
                match &view.cursor {
                    AuditCursor::Newest => f.write_str("n"),
                    AuditCursor::OlderThan(id) => write!(f, "o{}", id.0),
                    AuditCursor::NewerThan(id) => write!(f, "w{}", id.0),
                }
            }
        }
    }
}

impl Callback {
    /// The ASCII data for the button, at most 64 bytes: written once into
    /// one string, as a screen may hold fifty buttons.
    pub fn encode(&self) -> String {
        let mut data = String::with_capacity(MAX_BYTES / 2);
        data.push_str(VERSION);
        data.push(':');
        // Writing to a string cannot fail.
        let _ = write!(data, "{}", Body(self));
        data
    }

    /// Reads button data back, stamped or not; `None` for anything
    /// malformed, forged or from another version.
    pub fn decode(data: &str) -> Option<Self> {
        Pressed::read(data).map(|pressed| pressed.callback)
    }

    /// Reads the body of version 1 button data (what follows `1:`).
    fn decode_body(rest: &str) -> Option<Self> {
        let mut parts = rest.split(':');
        let tag = parts.next()?;
        let args: Vec<&str> = parts.collect();
        let user = |s: &str| s.parse::<i64>().ok().map(UserId);
        let meeting = |s: &str| s.parse::<i64>().ok().map(MeetingId);
        let callback = match (tag, args.as_slice()) {
            ("ap", [u]) => Self::Approve(user(u)?),
            ("rj", [u]) => Self::Reject(user(u)?),
            ("mo", [y, m]) => {
                let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                Self::Month(y.parse().ok().filter(|y| (2000..=2200).contains(y))?, month)
            }
            ("dy", [d]) => Self::Day(NaiveDate::parse_from_str(d, "%Y%m%d").ok()?),
            ("sl", [t]) => Self::Slot(DateTime::from_timestamp(t.parse().ok()?, 0)?),
            ("mt", [code]) if is_code(code, 16) => Self::MeetingType((*code).to_owned()),
            ("lg", [l]) => Self::Lang(Language::parse(l).ok()?),
            // A command's code may carry a date range (`export20300101_20300131`).
            ("cm", [c]) if is_code(c, 32) => Self::Command(Command::from_button_code(c)),
            ("es", [c]) => Self::EditSetting(SettingCode::from_code(c)?),
            ("nt", []) => Self::SkipTopic,
            ("ok", []) => Self::Confirm,
            ("ab", []) => Self::Abort,
            ("cx", [m]) => Self::Cancel(meeting(m)?),
            ("cy", [m]) => Self::CancelConfirmed(meeting(m)?),
            ("rs", [m]) => Self::Reschedule(meeting(m)?),
            ("uc", [u]) => Self::UserCard(user(u)?),
            ("ur", [u, r]) => Self::SetRole(user(u)?, Role::parse(r).ok()?),
            ("ud", [u, i]) => Self::SetDepartment(user(u)?, i.parse().ok()?),
            ("us", [u, s]) => Self::SetStatus(user(u)?, Status::parse(s).ok()?),
            ("dp", [i]) => Self::Department(i.parse().ok()?),
            ("sk", []) => Self::Skip,
            ("om", [m]) => Self::OpenMeeting(meeting(m)?),
            ("rt", [m, stars]) => Self::Rate(
                meeting(m)?,
                stars.parse().ok().filter(|s| (1..=5).contains(s))?,
            ),
            ("rv", [d, answer]) => Self::Rsvp(
                NaiveDate::parse_from_str(d, "%Y%m%d").ok()?,
                match *answer {
                    "y" => RsvpAnswer::Yes,
                    "n" => RsvpAnswer::No,
                    _ => return None,
                },
            ),
            ("ns", [m, "1"]) => Self::NoShow(meeting(m)?, true),
            ("ns", [m, "0"]) => Self::NoShow(meeting(m)?, false),
            ("no", []) => Self::Noop,
            ("ub", [t]) => Self::Unblock(DateTime::from_timestamp(t.parse().ok()?, 0)?),
            ("tz", [name]) if is_zone_name(name) => Self::Zone((*name).to_owned()),
            ("al", [kind, person, cursor]) => Self::AuditLog(AuditView {
                kind: audit_kind(kind)?,
                person: match *person {
                    "-" => None,
                    person => Some(user(person)?),
                },
                cursor: audit_cursor(cursor)?,
            }),
            _ => return None,
        };
        Some(callback)
    }
}

/// A button press read back: what it asks, and when its button was sent
/// when the button says so (buttons sent before stamping did not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pressed {
    /// What the button asks for.
    pub callback: Callback,
    /// When the message carrying it was sent, to the minute.
    pub issued: Option<DateTime<Utc>>,
}

impl Pressed {
    /// Reads button data, stamped (`2:<minute>:…`) or not (`1:…`); `None`
    /// for anything malformed, forged or from another version.
    pub fn read(data: &str) -> Option<Self> {
        if data.len() > MAX_BYTES || !data.is_ascii() {
            return None;
        }
        let (version, rest) = data.split_once(':')?;
        let (issued, body) = match version {
            VERSION => (None, rest),
            STAMPED => {
                let (minute, body) = rest.split_once(':')?;
                let minute: i64 = minute.parse().ok()?;
                (
                    Some(DateTime::from_timestamp(minute.checked_mul(60)?, 0)?),
                    body,
                )
            }
            _ => return None,
        };
        Some(Self {
            callback: Callback::decode_body(body)?,
            issued,
        })
    }

    /// Whether the button is older than [`BUTTON_LIFETIME`] at `now`.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.issued
            .is_some_and(|issued| now - issued > BUTTON_LIFETIME)
    }
}

/// Button data with the time its message is sent: `1:cx:5` sent at
/// 2030-01-07 09:00 UTC is `2:34190100:cx:5`. Data of another form, and a
/// button that does nothing, stay as they are.
pub fn stamped(data: &str, issued: DateTime<Utc>) -> Option<String> {
    let body = data.strip_prefix(VERSION)?.strip_prefix(':')?;
    if body == "no" {
        return None;
    }
    let stamped = format!("{STAMPED}:{}:{body}", issued.timestamp().div_euclid(60));
    (stamped.len() <= MAX_BYTES).then_some(stamped)
}

/// The screen with every button stamped with `issued`, the time it is sent.
/// A screen without buttons is not copied.
pub fn stamp_buttons(screen: &Screen, issued: DateTime<Utc>) -> Cow<'_, Screen> {
    if screen.buttons.is_empty() {
        return Cow::Borrowed(screen);
    }
    let mut screen = screen.clone();
    for button in screen.buttons.iter_mut().flatten() {
        if let Some(data) = stamped(&button.data, issued) {
            button.data = data;
        }
    }
    Cow::Owned(screen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_round_trips_and_stays_within_64_ascii_bytes() {
        let big = UserId(i64::MIN);
        let samples = [
            Callback::Approve(big),
            Callback::Reject(UserId(i64::MAX)),
            Callback::Month(2026, 12),
            Callback::Day(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap_or_default()),
            Callback::Slot(DateTime::from_timestamp(4_102_444_800, 0).unwrap_or_default()),
            Callback::MeetingType("abcdefghijklmnop".into()),
            Callback::SkipTopic,
            Callback::Confirm,
            Callback::Abort,
            Callback::Cancel(MeetingId(i64::MAX)),
            Callback::CancelConfirmed(MeetingId(i64::MAX)),
            Callback::Reschedule(MeetingId(i64::MAX)),
            Callback::UserCard(big),
            Callback::SetRole(big, Role::Manager),
            Callback::SetDepartment(big, u16::MAX),
            Callback::SetStatus(big, Status::BusinessTrip),
            Callback::Department(u16::MAX),
            Callback::Skip,
            Callback::Lang(Language::En),
            Callback::Command(Command::Book),
            Callback::Command(Command::from_button_code("export20300101_20300131")),
            Callback::Command(Command::from_button_code("free0901")),
            Callback::Command(Command::Unknown),
            Callback::EditSetting(SettingCode::Departments),
            Callback::OpenMeeting(MeetingId(i64::MIN)),
            Callback::Rate(MeetingId(i64::MIN), 5),
            Callback::Rsvp(
                NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or_default(),
                RsvpAnswer::Yes,
            ),
            Callback::Rsvp(
                NaiveDate::from_ymd_opt(2030, 1, 9).unwrap_or_default(),
                RsvpAnswer::No,
            ),
            Callback::NoShow(MeetingId(i64::MIN), true),
            Callback::NoShow(MeetingId(i64::MAX), false),
            Callback::Command(Command::from_button_code("stats20300101_20300331")),
            Callback::Command(Command::from_button_code("statsall")),
            Callback::Noop,
            Callback::AuditLog(AuditView::default()),
            Callback::Unblock(DateTime::from_timestamp(4_102_444_800, 0).unwrap_or_default()),
            Callback::Zone("America/Argentina/ComodRivadavia".into()),
            Callback::AuditLog(AuditView {
                kind: Some(AuditKind::Refusals),
                person: Some(big),
                cursor: AuditCursor::OlderThan(AuditId(i64::MIN)),
            }),
            Callback::AuditLog(AuditView {
                kind: Some(AuditKind::Other),
                person: Some(UserId(i64::MAX)),
                cursor: AuditCursor::NewerThan(AuditId(i64::MAX)),
            }),
        ];
        let sent = DateTime::from_timestamp(4_102_444_800, 0).unwrap_or_default();
        for callback in samples {
            let data = callback.encode();
            assert!(data.is_ascii() && data.len() <= MAX_BYTES, "{data}");
            assert_eq!(Callback::decode(&data), Some(callback.clone()));
            if callback == Callback::Noop {
                continue;
            }
            let stamped = stamped(&data, sent).unwrap_or_default();
            assert!(
                stamped.is_ascii() && stamped.len() <= MAX_BYTES,
                "{stamped}"
            );
            assert_eq!(
                Pressed::read(&stamped),
                Some(Pressed {
                    callback,
                    issued: Some(sent)
                })
            );
        }
    }

    #[test]
    fn a_day_button_writes_its_date_as_chrono_does_for_any_year() {
        for (year, month, day) in [
            (2026, 3, 1),
            (2026, 12, 31),
            (999, 1, 9),
            (0, 2, 29),
            (12345, 6, 7),
            (-44, 3, 15),
        ] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
            assert_eq!(
                Callback::Day(date).encode(),
                format!("1:dy:{}", date.format("%Y%m%d")),
                "{date}"
            );
        }
    }

    #[test]
    fn callback_data_that_is_forged_stale_or_malformed_decodes_to_nothing() {
        for data in [
            "",
            "0:ap:1",
            "1:ap",
            "1:ap:x",
            "1:mo:2026:13",
            "1:ur:5:ADMIN",
            "1:zz",
            "1:ap:1:2",
            "1:dy:20260230",
            "1:ок",
            "1:rt:5:0",
            "1:rt:5:6",
            "1:rv:20300109:maybe",
            "1:om:x",
            "1:es:colour",
            "1:cm:Book",
            "1:ns:5:2",
            "1:ns:x:1",
            "1:al:x:-:n",
            "1:al:a:-:n5",
            "1:al:a:anna:n",
            "1:al:a:-:o",
            "1:al:a:-:q5",
            "1:al:a:-",
            "1:tz:Asia/Vladivostok;rm",
            "1:tz:",
            "1:ub:x",
            "2:x:ok",
            "2::ok",
            "2:99999999999999999:ok",
            "3:1:ok",
        ] {
            assert_eq!(Callback::decode(data), None, "{data}");
        }
        assert_eq!(Callback::decode(&"1:no".repeat(20)), None);
    }

    #[test]
    fn stale_button_48h_a_stamped_button_is_stale_two_days_after_it_was_sent() {
        let sent = DateTime::from_timestamp(1_893_988_800, 0).unwrap_or_default();
        let data = stamped(&Callback::Confirm.encode(), sent).unwrap_or_default();
        assert_eq!(data, format!("2:{}:ok", 1_893_988_800 / 60));
        let pressed = Pressed::read(&data).unwrap();
        assert!(!pressed.is_stale(sent + chrono::Duration::hours(48)));
        assert!(pressed.is_stale(sent + chrono::Duration::hours(49)));
        let unstamped = Pressed::read("1:ok").unwrap();
        assert!(!unstamped.is_stale(sent + chrono::Duration::days(400)));
        assert_eq!(stamped("1:no", sent), None, "a button that does nothing");
    }

    #[test]
    fn buttons_already_sent_keep_their_meaning() {
        let sent = [
            ("1:cm:book", Callback::Command(Command::Book)),
            ("1:cm:users", Callback::Command(Command::Users)),
            (
                "1:cm:free20300109",
                Callback::Command(Command::from_button_code("free20300109")),
            ),
            ("1:cm:nonsense", Callback::Command(Command::Unknown)),
            ("1:es:hours", Callback::EditSetting(SettingCode::Hours)),
            ("1:es:group", Callback::EditSetting(SettingCode::Group)),
        ];
        for (data, callback) in sent {
            assert_eq!(Callback::decode(data), Some(callback), "{data}");
        }
        assert!(matches!(
            Callback::decode("1:cm:free20300109"),
            Some(Callback::Command(Command::Free(Some(_))))
        ));
    }
}
