//! Reading what people type: dates and setting values.

use chrono::{NaiveDate, Weekday};
use meetbot_domain::Topic;
use meetbot_domain::availability::DayWindow;

use super::command::DateArg;
use super::setting::SettingCode;
use crate::error::UseCaseError;
use crate::settings::SettingsChange;

/// A date as `2030-01-09`, `09.01.2030` or `09.01` (this year, or next year once passed).
pub fn date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    DateArg::parse(text)?.on_or_after(today)
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
pub fn setting(
    code: SettingCode,
    text: &str,
    today: NaiveDate,
) -> Result<SettingsChange, UseCaseError> {
    let bad = || UseCaseError::Invalid("error-setting-format");
    let text = text.trim();
    let number = || text.parse::<i64>().map_err(|_| bad());
    Ok(match code {
        SettingCode::Hours => {
            let (day, hours) = text.split_once(char::is_whitespace).ok_or_else(bad)?;
            let day = weekday(day).ok_or_else(bad)?;
            let hours = hours.trim();
            SettingsChange::WorkingHours(day, (!is_off(hours)).then(|| hours.to_owned()))
        }
        SettingCode::Zone => SettingsChange::Zone(text.to_owned()),
        SettingCode::Step => SettingsChange::SlotStep(number()?),
        SettingCode::Buffer => SettingsChange::Buffer(number()?),
        SettingCode::Notice => SettingsChange::Notice(number()?),
        SettingCode::Horizon => SettingsChange::Horizon(number()?),
        SettingCode::Limit => SettingsChange::Limit(number()?),
        SettingCode::Cutoff => SettingsChange::Cutoff(number()?),
        SettingCode::Types => {
            let minutes = numbers(text).ok_or_else(bad)?;
            SettingsChange::MeetingTypes(
                minutes
                    .into_iter()
                    .map(|m| (format!("m{m}"), format!("{m} min"), m))
                    .collect(),
            )
        }
        SettingCode::Dayoff => {
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
        SettingCode::Reminders => match text.split_once(':') {
            Some((code, rest)) if rest.trim().eq_ignore_ascii_case("default") => {
                SettingsChange::TypeReminders(code.trim().to_owned(), None)
            }
            Some((code, rest)) => SettingsChange::TypeReminders(
                code.trim().to_owned(),
                Some(numbers(rest).ok_or_else(bad)?),
            ),
            None => SettingsChange::Reminders(numbers(text).ok_or_else(bad)?),
        },
        SettingCode::Cadence => {
            let mut parts = numbers(text).ok_or_else(bad)?.into_iter();
            let every = parts.next().ok_or_else(bad)?;
            SettingsChange::Cadence(every, parts.collect())
        }
        SettingCode::Group => {
            SettingsChange::GroupMeeting((!is_off(text)).then(|| text.to_owned()))
        }
        // `24.12 10:00-14:00 врач`: a date, the hours, then why.
        SettingCode::Blocks => {
            let mut words = text.splitn(3, char::is_whitespace);
            let date = words.next().and_then(|d| date(d, today)).ok_or_else(bad)?;
            let hours = DayWindow::parse(words.next().ok_or_else(bad)?)?;
            let reason = words
                .next()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(Topic::new)
                .transpose()?;
            SettingsChange::Block {
                date,
                hours,
                reason,
            }
        }
        SettingCode::Departments => SettingsChange::Departments(
            text.split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            setting(SettingCode::Hours, "sat 10:00-14:00", today),
            Ok(SettingsChange::WorkingHours(
                Weekday::Sat,
                Some("10:00-14:00".into())
            ))
        );
        assert_eq!(
            setting(SettingCode::Hours, "вс выходной", today),
            Ok(SettingsChange::WorkingHours(Weekday::Sun, None))
        );
        assert_eq!(
            setting(SettingCode::Limit, "five", today),
            Err(UseCaseError::Invalid("error-setting-format"))
        );
        assert_eq!(
            setting(SettingCode::Dayoff, "2030-01-15", today),
            Ok(SettingsChange::DateOverride(
                NaiveDate::from_ymd_opt(2030, 1, 15).unwrap(),
                None
            ))
        );
        assert_eq!(
            setting(SettingCode::Reminders, "m30: 60, 15", today),
            Ok(SettingsChange::TypeReminders(
                "m30".into(),
                Some(vec![60, 15])
            ))
        );
        assert_eq!(
            setting(SettingCode::Reminders, "m30: default", today),
            Ok(SettingsChange::TypeReminders("m30".into(), None))
        );
        assert_eq!(
            setting(SettingCode::Cadence, "14 7,3,1", today),
            Ok(SettingsChange::Cadence(14, vec![7, 3, 1]))
        );
    }
}
