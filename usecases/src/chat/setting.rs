//! The settings the owner edits from the chat, each named by a stable
//! short code: the code is what button data and saved dialogs carry, and
//! what the message keys `setting-<code>` and `ask-setting-<code>` end with.

use serde::{Deserialize, Serialize};

/// One editable setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SettingCode {
    /// The working hours of a weekday.
    Hours,
    /// The owner's time zone.
    Zone,
    /// The step between start times, in minutes.
    Step,
    /// The meeting lengths offered.
    Types,
    /// The gap kept free around meetings, in minutes.
    Buffer,
    /// How long before a start a booking must be made, in minutes.
    Notice,
    /// How many days ahead one may book.
    Horizon,
    /// How many meetings a person may have booked at once.
    Limit,
    /// How many hours before a start a meeting may still be changed.
    Cutoff,
    /// Other hours, or a day off, on one date.
    Dayoff,
    /// When reminders go out, for every meeting or one type.
    Reminders,
    /// How often people are nudged to book, and when.
    Cadence,
    /// The departments people choose from.
    Departments,
    /// The recurring group meeting.
    Group,
    /// Hours closed inside a working day (`/block`).
    Blocks,
}

impl SettingCode {
    /// Every setting, in the order of the settings screen.
    pub const ALL: [Self; 15] = [
        Self::Hours,
        Self::Zone,
        Self::Step,
        Self::Types,
        Self::Buffer,
        Self::Notice,
        Self::Horizon,
        Self::Limit,
        Self::Cutoff,
        Self::Dayoff,
        Self::Blocks,
        Self::Reminders,
        Self::Cadence,
        Self::Departments,
        Self::Group,
    ];

    /// The stable short ASCII code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Hours => "hours",
            Self::Zone => "zone",
            Self::Step => "step",
            Self::Types => "types",
            Self::Buffer => "buffer",
            Self::Notice => "notice",
            Self::Horizon => "horizon",
            Self::Limit => "limit",
            Self::Cutoff => "cutoff",
            Self::Dayoff => "dayoff",
            Self::Reminders => "reminders",
            Self::Cadence => "cadence",
            Self::Departments => "departments",
            Self::Group => "group",
            Self::Blocks => "blocks",
        }
    }

    /// The setting a code names; `None` for a code not known.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|setting| setting.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_code_round_trips_and_serde_uses_the_same_code() {
        for setting in SettingCode::ALL {
            assert_eq!(SettingCode::from_code(setting.code()), Some(setting));
            let json = serde_json::to_string(&setting).unwrap();
            assert_eq!(json, format!("\"{}\"", setting.code()));
            assert_eq!(serde_json::from_str::<SettingCode>(&json).unwrap(), setting);
        }
    }

    #[test]
    fn unknown_setting_codes_are_refused() {
        assert_eq!(SettingCode::from_code("colour"), None);
        assert_eq!(SettingCode::from_code("Hours"), None);
        assert_eq!(SettingCode::from_code(""), None);
        assert!(serde_json::from_str::<SettingCode>("\"colour\"").is_err());
    }
}
