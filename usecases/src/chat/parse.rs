//! Reading what people type: commands, dates, setting values.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::UseCaseError;
use crate::settings::SettingsChange;

/// A command and its argument: `/book@meetbot tomorrow` → (`book`, `tomorrow`).
pub fn command(text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix('/')?;
    let (head, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or(head).to_lowercase();
    if name.is_empty() || name.len() > 32 {
        return None;
    }
    Some((name, argument.trim().to_owned()))
}

/// A date as `2030-01-09`, `09.01.2030` or `09.01` (this year, or next year once passed).
pub fn date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%d.%m.%Y") {
        return Some(date);
    }
    let (day, month) = text.split_once('.')?;
    let (day, month): (u32, u32) = (day.parse().ok()?, month.parse().ok()?);
    match NaiveDate::from_ymd_opt(today.year(), month, day) {
        Some(this_year) if this_year >= today => Some(this_year),
        _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
    }
}

fn weekday(text: &str) -> Option<Weekday> {
    Some(match text.to_lowercase().as_str() {
        "mon" | "пн" => Weekday::Mon,
        "tue" | "вт" => Weekday::Tue,
        "wed" | "ср" => Weekday::Wed,
        "thu" | "чт" => Weekday::Thu,
        "fri" | "пт" => Weekday::Fri,
        "sat" | "сб" => Weekday::Sat,
        "sun" | "вс" => Weekday::Sun,
        _ => return None,
    })
}

fn is_off(text: &str) -> bool {
    matches!(text.to_lowercase().as_str(), "off" | "выходной" | "-")
}

fn numbers(text: &str) -> Option<Vec<i64>> {
    text.split([',', ' ', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| p.trim().parse().ok())
        .collect()
}

/// Reads the value typed for a setting; the error key explains the expected format.
pub fn setting(code: &str, text: &str, today: NaiveDate) -> Result<SettingsChange, UseCaseError> {
    let bad = || UseCaseError::Invalid("error-setting-format");
    let text = text.trim();
    let number = || text.parse::<i64>().map_err(|_| bad());
    Ok(match code {
        "hours" => {
            let (day, hours) = text.split_once(char::is_whitespace).ok_or_else(bad)?;
            let day = weekday(day).ok_or_else(bad)?;
            let hours = hours.trim();
            SettingsChange::WorkingHours(day, (!is_off(hours)).then(|| hours.to_owned()))
        }
        "zone" => SettingsChange::Zone(text.to_owned()),
        "step" => SettingsChange::SlotStep(number()?),
        "buffer" => SettingsChange::Buffer(number()?),
        "notice" => SettingsChange::Notice(number()?),
        "horizon" => SettingsChange::Horizon(number()?),
        "limit" => SettingsChange::Limit(number()?),
        "cutoff" => SettingsChange::Cutoff(number()?),
        "types" => {
            let minutes = numbers(text).ok_or_else(bad)?;
            SettingsChange::MeetingTypes(
                minutes
                    .into_iter()
                    .map(|m| (format!("m{m}"), format!("{m} min"), m))
                    .collect(),
            )
        }
        "dayoff" => {
            let (day, rest) = text
                .split_once(char::is_whitespace)
                .unwrap_or((text, "off"));
            let date = date(day, today).ok_or_else(bad)?;
            match rest.trim().to_lowercase().as_str() {
                "clear" | "сброс" => SettingsChange::ClearDateOverride(date),
                hours if is_off(hours) => SettingsChange::DateOverride(date, None),
                hours => SettingsChange::DateOverride(date, Some(hours.to_owned())),
            }
        }
        // `1440, 120, 60` for every meeting, `m30: 60, 15` for one type, `m30: default` to undo that.
        "reminders" => match text.split_once(':') {
            Some((code, rest)) if rest.trim().eq_ignore_ascii_case("default") => {
                SettingsChange::TypeReminders(code.trim().to_owned(), None)
            }
            Some((code, rest)) => SettingsChange::TypeReminders(
                code.trim().to_owned(),
                Some(numbers(rest).ok_or_else(bad)?),
            ),
            None => SettingsChange::Reminders(numbers(text).ok_or_else(bad)?),
        },
        "cadence" => {
            let mut parts = numbers(text).ok_or_else(bad)?.into_iter();
            let every = parts.next().ok_or_else(bad)?;
            SettingsChange::Cadence(every, parts.collect())
        }
        "group" => SettingsChange::GroupMeeting((!is_off(text)).then(|| text.to_owned())),
        "departments" => SettingsChange::Departments(
            text.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        _ => return Err(bad()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_lose_the_bot_name_and_keep_their_argument() {
        assert_eq!(
            command("/free@meetbot 09.01"),
            Some(("free".into(), "09.01".into()))
        );
        assert_eq!(command("/BOOK"), Some(("book".into(), String::new())));
        assert_eq!(command("hello"), None);
        assert_eq!(command("/"), None);
    }

    #[test]
    fn dates_without_a_year_are_the_next_such_day() {
        let today = NaiveDate::from_ymd_opt(2030, 12, 20).unwrap();
        assert_eq!(date("05.01", today), NaiveDate::from_ymd_opt(2031, 1, 5));
        assert_eq!(date("24.12", today), NaiveDate::from_ymd_opt(2030, 12, 24));
        assert_eq!(date("2030-02-30", today), None);
        assert_eq!(date("31.02", today), None);
    }

    #[test]
    fn setting_values_are_read_or_refused_with_the_format_hint() {
        let today = NaiveDate::from_ymd_opt(2030, 1, 7).unwrap();
        assert_eq!(
            setting("hours", "sat 10:00-14:00", today),
            Ok(SettingsChange::WorkingHours(
                Weekday::Sat,
                Some("10:00-14:00".into())
            ))
        );
        assert_eq!(
            setting("hours", "вс выходной", today),
            Ok(SettingsChange::WorkingHours(Weekday::Sun, None))
        );
        assert_eq!(
            setting("limit", "five", today),
            Err(UseCaseError::Invalid("error-setting-format"))
        );
        assert_eq!(
            setting("dayoff", "2030-01-15", today),
            Ok(SettingsChange::DateOverride(
                NaiveDate::from_ymd_opt(2030, 1, 15).unwrap(),
                None
            ))
        );
        assert_eq!(
            setting("reminders", "m30: 60, 15", today),
            Ok(SettingsChange::TypeReminders(
                "m30".into(),
                Some(vec![60, 15])
            ))
        );
        assert_eq!(
            setting("reminders", "m30: default", today),
            Ok(SettingsChange::TypeReminders("m30".into(), None))
        );
        assert_eq!(
            setting("cadence", "14 7,3,1", today),
            Ok(SettingsChange::Cadence(14, vec![7, 3, 1]))
        );
    }
}
