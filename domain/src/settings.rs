//! Everything the owner can tune, with the defaults the product promises.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::availability::{Availability, DayWindow, SlotStep, WeeklyHours};
use crate::booking::BookingPolicy;
use crate::cadence::Cadence;
use crate::group::GroupMeeting;
use crate::meeting::MeetingType;
use crate::reminder::ReminderOffsets;
use crate::time::Zone;
use crate::user::Department;

/// The organisation's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The owner's working hours and booking windows.
    pub availability: Availability,
    /// The kinds of meetings offered, with their lengths; never empty.
    pub meeting_types: Vec<MeetingType>,
    /// Limits and the cancellation cutoff.
    pub policy: BookingPolicy,
    /// When reminders go out, unless the meeting's type has its own.
    pub reminders: ReminderOffsets,
    /// Reminder offsets of particular meeting types, by type code. Settings
    /// saved before they existed read as none.
    #[serde(default)]
    pub type_reminders: BTreeMap<String, ReminderOffsets>,
    /// How often managers should meet the owner.
    pub cadence: Cadence,
    /// The departments a person may choose from.
    pub departments: Vec<Department>,
    /// The weekly group meeting with RSVP, when there is one. Settings saved
    /// before it existed read as `None`.
    #[serde(default)]
    pub group_meeting: Option<GroupMeeting>,
}

impl Settings {
    /// The meeting type with this code.
    pub fn meeting_type(&self, code: &str) -> Option<&MeetingType> {
        self.meeting_types.iter().find(|t| t.code() == code)
    }

    /// When the reminders of a meeting of this type go out: its own offsets,
    /// else the general ones.
    pub fn reminders_for(&self, type_code: &str) -> &ReminderOffsets {
        self.type_reminders
            .get(type_code)
            .unwrap_or(&self.reminders)
    }
}

impl Default for Settings {
    /// Monday to Friday 10:00–18:00 Moscow time, 30-minute steps, meetings of
    /// 30, 60, 90 and 120 minutes, no buffer, 1 hour of notice, 30 days ahead,
    /// 3 upcoming meetings each, changes until 24 h before, reminders 24 h,
    /// 2 h and 1 h before, a 14-day cadence.
    fn default() -> Self {
        let hours = DayWindow::new(10 * 60, 18 * 60)
            .unwrap_or_else(|_| unreachable!("a valid constant window"));
        let mut availability =
            Availability::new(Zone::moscow(), WeeklyHours::weekdays(hours), SlotStep::Half)
                .unwrap_or_else(|_| unreachable!("valid constant availability"));
        availability
            .set_notice_minutes(60)
            .unwrap_or_else(|_| unreachable!("a valid constant notice"));
        let meeting_types = [
            ("m30", "30 min", 30),
            ("m60", "1 h", 60),
            ("m90", "1.5 h", 90),
            ("m120", "2 h", 120),
        ]
        .into_iter()
        .filter_map(|(code, name, minutes)| MeetingType::new(code, name, minutes).ok())
        .collect();
        Self {
            availability,
            meeting_types,
            policy: BookingPolicy::default(),
            reminders: ReminderOffsets::default(),
            type_reminders: BTreeMap::new(),
            cadence: Cadence::default(),
            departments: Vec::new(),
            group_meeting: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_through_json() {
        let mut settings = Settings::default();
        settings
            .departments
            .push(Department::new("Продажи").unwrap());
        settings
            .availability
            .set_override("2026-12-31".parse().unwrap(), None);
        let json = serde_json::to_string(&settings).unwrap();
        let back: Settings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, settings);
        assert_eq!(back.meeting_types.len(), 4);
    }

    #[test]
    fn settings_json_with_a_bad_value_is_a_typed_error_not_a_panic() {
        let json = serde_json::to_string(&Settings::default()).unwrap();
        let broken = json.replace("\"Europe/Moscow\"", "\"Nowhere/Land\"");
        assert!(serde_json::from_str::<Settings>(&broken).is_err());
        let negative = json.replace("\"limit\":3", "\"limit\":-3");
        assert!(serde_json::from_str::<Settings>(&negative).is_err());
    }
}
