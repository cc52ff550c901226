//! The owner's settings screen and the person's own zone: the values in
//! force in the reader's language, each with its button, and the zones
//! offered by /timezone.

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{Settings, Zone};
use meetbot_ports::{Button, Screen, Text, TextArg};

use super::setting::SettingCode;
use super::views::abort_row;
use crate::callback::Callback;
use crate::screens::{blocked_range, button, closed_hours};

/// The zones offered as buttons by /timezone, west to east: Russia's,
/// where most people of the organisation are. Any other is typed.
pub const COMMON_ZONES: [&str; 12] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
];

/// /timezone: the person's zone now, the common ones as buttons (each a
/// city in the reader's language), and a name may be typed instead.
pub fn choose_zone(current: Zone) -> Screen {
    let mut screen = Screen::text(Text::new("choose-zone").plain("zone", current));
    for chunk in COMMON_ZONES.chunks(3) {
        screen = screen.row(
            chunk
                .iter()
                .map(|name| button(city_key(name), Callback::Zone((*name).to_owned())))
                .collect(),
        );
    }
    screen.row(abort_row())
}

/// The message key of a zone's city: `city-vladivostok` for
/// `Asia/Vladivostok`.
pub fn city_key(zone: &str) -> String {
    let city = zone.rsplit('/').next().unwrap_or(zone);
    format!("city-{}", city.to_lowercase())
}

/// The zone saved, with the time there now so the person can check it.
pub fn zone_set(zone: Zone, now: DateTime<Utc>) -> Screen {
    Screen::text(
        Text::new("zone-set")
            .plain("zone", zone)
            .arg("now", TextArg::Clock { at: now, zone }),
    )
}

/// How many bookers were told that their meeting's hours were closed.
pub fn bookers_told(count: usize) -> Screen {
    Screen::text(Text::new("bookers-told").arg(
        "count",
        TextArg::Number(i64::try_from(count).unwrap_or(i64::MAX)),
    ))
}

/// /settings: the values in force, each with a button to change it.
pub fn settings(settings: &Settings) -> Screen {
    let mut screen = Screen::text(settings_text(settings));
    let zone = settings.availability.zone();
    for block in settings.availability.blocks() {
        screen = screen.row(vec![Button {
            // The hours alone: a reason can be long for a button.
            label: Text::new("button-unblock")
                .text("range", closed_hours("blocked-range", block.interval, zone)),
            data: Callback::Unblock(block.interval.start()).encode(),
        }]);
    }
    for chunk in SettingCode::ALL.chunks(3) {
        screen = screen.row(
            chunk
                .iter()
                .map(|setting| {
                    button(
                        format!("setting-{}", setting.code()),
                        Callback::EditSetting(*setting),
                    )
                })
                .collect(),
        );
    }
    screen
}

/// A list shown as it is, or a dash when empty.
fn or_dash(items: &[String], separator: &str) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(separator)
    }
}

/// The weekly hours, a line a day in the reader's language: `Пн 09:00-17:00`, `Сб выходной`.
fn weekly_hours(availability: &meetbot_domain::Availability) -> Vec<Text> {
    (0..7)
        .map(|d| {
            let day = chrono::Weekday::try_from(d as u8).unwrap_or(chrono::Weekday::Mon);
            Text::new("weekday-hours")
                .key("day", format!("weekday-{}", day.number_from_monday()))
                .text("hours", day_hours(availability.weekly().on(day)))
        })
        .collect()
}

/// A day's working hours, or that it is a day off.
fn day_hours(window: Option<meetbot_domain::DayWindow>) -> Text {
    match window {
        Some(window) => Text::new("hours-window").plain("window", window),
        None => Text::new("day-off"),
    }
}

/// The dates with their own hours: `24 декабря 2030: 10:00-14:00`.
fn date_overrides(availability: &meetbot_domain::Availability) -> Vec<Text> {
    availability
        .overrides()
        .iter()
        .map(|(date, window)| {
            Text::new("date-hours")
                .arg("date", TextArg::Date(*date))
                .text("hours", day_hours(*window))
        })
        .collect()
}

/// A list of lines, or a line saying there is nothing.
fn or_none(lines: Vec<Text>) -> TextArg {
    if lines.is_empty() {
        TextArg::Key("nothing".to_owned())
    } else {
        TextArg::Lines(lines)
    }
}

/// The reminders for every meeting, then those of single types: `1440, 60; m30: 15`.
fn reminders_text(settings: &Settings) -> String {
    let minutes = |offsets: &meetbot_domain::ReminderOffsets| -> String {
        offsets
            .minutes()
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut reminders = vec![minutes(&settings.reminders)];
    reminders.extend(
        settings
            .type_reminders
            .iter()
            .map(|(code, offsets)| format!("{code}: {}", minutes(offsets))),
    );
    reminders.join("; ")
}

/// The settings in force, as the text of the settings screen.
fn settings_text(settings: &Settings) -> Text {
    let availability = &settings.availability;
    let types: Vec<String> = settings
        .meeting_types
        .iter()
        .map(|t| t.minutes().to_string())
        .collect();
    let nudges: Vec<String> = settings
        .cadence
        .nudge_days_before()
        .iter()
        .map(u32::to_string)
        .collect();
    let departments: Vec<String> = settings
        .departments
        .iter()
        .map(|d| d.as_str().to_owned())
        .collect();
    let minutes = |duration: Duration| TextArg::Number(duration.num_minutes());
    Text::new("settings")
        .lines("hours", weekly_hours(availability))
        .plain("zone", availability.zone())
        .arg("step", TextArg::Number(availability.step().minutes()))
        .plain("types", types.join(", "))
        .arg("buffer", minutes(availability.buffer()))
        .arg("notice", minutes(availability.notice()))
        .arg(
            "horizon",
            TextArg::Number(i64::from(availability.horizon_days())),
        )
        .arg(
            "limit",
            TextArg::Number(i64::from(settings.policy.limit.get())),
        )
        .arg(
            "cutoff",
            TextArg::Number(i64::from(settings.policy.cutoff.hours())),
        )
        .arg("overrides", or_none(date_overrides(availability)))
        .arg(
            "blocks",
            or_none(
                availability
                    .blocks()
                    .iter()
                    .map(|block| blocked_range(block, availability.zone()))
                    .collect(),
            ),
        )
        .plain("reminders", reminders_text(settings))
        .plain(
            "cadence",
            format!("{} ({})", settings.cadence.every_days(), nudges.join(", ")),
        )
        .plain("departments", or_dash(&departments, ", "))
        .plain(
            "group",
            settings
                .group_meeting
                .as_ref()
                .map_or("—".to_owned(), |g| g.to_text()),
        )
}

/// The short code of a weekday used in the hours setting: mon … sun.
pub fn day_code(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "mon",
        chrono::Weekday::Tue => "tue",
        chrono::Weekday::Wed => "wed",
        chrono::Weekday::Thu => "thu",
        chrono::Weekday::Fri => "fri",
        chrono::Weekday::Sat => "sat",
        chrono::Weekday::Sun => "sun",
    }
}

/// Asks for a setting's new value, with an example of the format.
pub fn ask_setting(setting: SettingCode) -> Screen {
    Screen::text(Text::new(format!("ask-setting-{}", setting.code()))).row(abort_row())
}
