//! The weekly group meeting with RSVP: when it takes place, when its
//! invitations and reminders go out (cron expressions read in the meeting's
//! zone), and the answers people give.
//!
//! The schedule math is pure: every function takes the instant it reasons
//! about, so a test can walk a whole week in microseconds.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::time::Zone;
use crate::user::ValueError;

/// Why a group meeting definition does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupMeetingError {
    /// The title is empty or longer than 100 characters.
    #[error("the title must be 1 to 100 characters")]
    BadTitle,
    /// The weekday and time are not like `wed 11:00`.
    #[error("{0:?} is not a weekday and time such as \"wed 11:00\"")]
    BadWhen(String),
    /// The meeting must last between 1 minute and 8 hours.
    #[error("the meeting must last 1 to 480 minutes, got {0}")]
    BadDuration(i64),
    /// A schedule is not a cron expression croner understands.
    #[error("{0:?} is not a cron expression (minute hour day month weekday): {1}")]
    BadCron(String, String),
    /// Without an invitation schedule nobody is ever asked.
    #[error("at least one invitation schedule is needed")]
    NoInvitation,
    /// The text form has the wrong number of lines or an unknown zone.
    #[error("the definition does not read: {0}")]
    BadText(String),
}

/// A cron expression (`minute hour day-of-month month weekday`, as croner
/// reads it), evaluated in a zone: `0 10 * * mon` is Monday 10:00 there,
/// whatever the offset to UTC is that week.
#[derive(Clone, Debug)]
pub struct CronSchedule {
    text: String,
    cron: croner::Cron,
}

impl PartialEq for CronSchedule {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for CronSchedule {}

impl CronSchedule {
    /// Parses a cron expression.
    pub fn parse(text: &str) -> Result<Self, GroupMeetingError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let cron = croner::Cron::from_str(&text)
            .map_err(|e| GroupMeetingError::BadCron(text.clone(), e.to_string()))?;
        Ok(Self { text, cron })
    }

    /// The expression as written (white space normalised).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The latest firing in `(after, upto]`, with the pattern read in `zone`.
    pub fn last_between(
        &self,
        after: DateTime<Utc>,
        upto: DateTime<Utc>,
        zone: Zone,
    ) -> Option<DateTime<Utc>> {
        // Firings fall on whole seconds; a fraction would make "inclusive" miss them.
        let upto = upto.with_nanosecond(0).unwrap_or(upto);
        let found = self
            .cron
            .find_previous_occurrence(&upto.with_timezone(&zone.tz()), true)
            .ok()?
            .with_timezone(&Utc);
        (found > after).then_some(found)
    }

    /// The first firing strictly after `after`, with the pattern read in `zone`.
    pub fn next_after(&self, after: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        let after = after.with_nanosecond(0).unwrap_or(after);
        self.cron
            .find_next_occurrence(&after.with_timezone(&zone.tz()), false)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }
}

impl Serialize for CronSchedule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CronSchedule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One meeting of the weekly series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Its date in the meeting's zone; answers are kept per date.
    pub date: NaiveDate,
    /// When it starts.
    pub start: DateTime<Utc>,
}

impl Occurrence {
    /// The stable key answers and sent messages are recorded under.
    pub fn key(&self) -> String {
        format!("group:{}", self.date.format("%Y-%m-%d"))
    }
}

/// What is due for the coming occurrence at some instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupDue {
    /// The occurrence ahead.
    pub occurrence: Occurrence,
    /// The latest invitation firing since the previous occurrence began, if any.
    pub invitation: Option<DateTime<Utc>>,
    /// The latest reminder firing since the previous occurrence began, if any.
    pub reminder: Option<DateTime<Utc>>,
}

/// The weekly group meeting, as configured and edited by the owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GroupMeetingFields", into = "GroupMeetingFields")]
pub struct GroupMeeting {
    title: String,
    weekday: Weekday,
    time: NaiveTime,
    minutes: u32,
    zone: Zone,
    invitations: Vec<CronSchedule>,
    reminders: Vec<CronSchedule>,
    link: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct GroupMeetingFields {
    title: String,
    when: String,
    minutes: i64,
    zone: Zone,
    invitations: Vec<CronSchedule>,
    reminders: Vec<CronSchedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

impl TryFrom<GroupMeetingFields> for GroupMeeting {
    type Error = GroupMeetingError;
    fn try_from(f: GroupMeetingFields) -> Result<Self, Self::Error> {
        let (weekday, time) = parse_when(&f.when)?;
        GroupMeeting::new(
            &f.title,
            weekday,
            time,
            f.minutes,
            f.zone,
            f.invitations,
            f.reminders,
        )
        .map(|group| group.with_link(f.link))
    }
}

impl From<GroupMeeting> for GroupMeetingFields {
    fn from(g: GroupMeeting) -> Self {
        Self {
            when: g.when(),
            title: g.title,
            minutes: i64::from(g.minutes),
            zone: g.zone,
            invitations: g.invitations,
            reminders: g.reminders,
            link: g.link,
        }
    }
}

const DAY_CODES: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

fn day_code(day: Weekday) -> &'static str {
    DAY_CODES
        .iter()
        .find(|(_, d)| *d == day)
        .map_or("mon", |(code, _)| code)
}

/// Reads `wed 11:00` (a three-letter English weekday and a 24-hour time).
pub fn parse_when(text: &str) -> Result<(Weekday, NaiveTime), GroupMeetingError> {
    let bad = || GroupMeetingError::BadWhen(text.to_owned());
    let mut words = text.split_whitespace();
    let (Some(day), Some(time), None) = (words.next(), words.next(), words.next()) else {
        return Err(bad());
    };
    let day = day.to_ascii_lowercase();
    let weekday = DAY_CODES
        .iter()
        .find(|(code, _)| day.starts_with(code))
        .map(|(_, d)| *d)
        .ok_or_else(bad)?;
    let time = NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| bad())?;
    Ok((weekday, time))
}

impl GroupMeeting {
    /// A weekly meeting titled `title` every `weekday` at `time` in `zone`,
    /// lasting `minutes`, with invitation and reminder schedules.
    pub fn new(
        title: &str,
        weekday: Weekday,
        time: NaiveTime,
        minutes: i64,
        zone: Zone,
        invitations: Vec<CronSchedule>,
        reminders: Vec<CronSchedule>,
    ) -> Result<Self, GroupMeetingError> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 100 || title.chars().any(char::is_control) {
            return Err(GroupMeetingError::BadTitle);
        }
        let minutes = u32::try_from(minutes)
            .ok()
            .filter(|m| (1..=480).contains(m))
            .ok_or(GroupMeetingError::BadDuration(minutes))?;
        if invitations.is_empty() {
            return Err(GroupMeetingError::NoInvitation);
        }
        Ok(Self {
            title: title.to_owned(),
            weekday,
            time: time.with_second(0).unwrap_or(time),
            minutes,
            zone,
            invitations,
            reminders,
            link: None,
        })
    }

    /// The same meeting held at `link` (a video call), or in a room.
    #[must_use]
    pub fn with_link(self, link: Option<String>) -> Self {
        Self { link, ..self }
    }

    /// Where it is held online, if it is.
    pub fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }

    /// The example of the product: Wednesday 11:00 in `zone` for an hour,
    /// invitations on Monday 10:00, reminders on Wednesday 09:00 and 10:40.
    pub fn example(zone: Zone) -> Self {
        let parse = |text: &str| CronSchedule::parse(text);
        let built = (|| {
            Self::new(
                "Weekly meeting",
                Weekday::Wed,
                NaiveTime::from_hms_opt(11, 0, 0).unwrap_or_default(),
                60,
                zone,
                vec![parse("0 10 * * mon")?],
                vec![parse("0 9 * * wed")?, parse("40 10 * * wed")?],
            )
        })();
        built.unwrap_or_else(|_| unreachable!("a valid constant definition"))
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The weekday and time as `wed 11:00`.
    pub fn when(&self) -> String {
        format!("{} {}", day_code(self.weekday), self.time.format("%H:%M"))
    }

    /// How long it lasts, in minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }

    /// The zone its time and schedules are read in.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// When invitations go out.
    pub fn invitations(&self) -> &[CronSchedule] {
        &self.invitations
    }

    /// When those who said yes are reminded.
    pub fn reminders(&self) -> &[CronSchedule] {
        &self.reminders
    }

    /// The occurrence on `date`, if the meeting takes place that day.
    pub fn occurrence_on(&self, date: NaiveDate) -> Option<Occurrence> {
        (date.weekday() == self.weekday).then(|| Occurrence {
            date,
            start: self.zone.to_utc(date.and_time(self.time)),
        })
    }

    /// The first occurrence starting after `at`.
    pub fn occurrence_after(&self, at: DateTime<Utc>) -> Occurrence {
        let today = self.zone.date_of(at);
        let ahead = (i64::from(self.weekday.num_days_from_monday())
            - i64::from(today.weekday().num_days_from_monday()))
        .rem_euclid(7);
        let mut date = today + Duration::days(ahead);
        loop {
            if let Some(occurrence) = self.occurrence_on(date)
                && occurrence.start > at
            {
                return occurrence;
            }
            date += Duration::days(7);
        }
    }

    /// What is due at `now` for the occurrence ahead: the latest invitation
    /// and reminder firings since the previous occurrence started. Running
    /// late (after downtime) still finds them, so nothing is skipped for
    /// having been asleep; the caller sends each at most once.
    pub fn due(&self, now: DateTime<Utc>) -> GroupDue {
        let occurrence = self.occurrence_after(now);
        let previous = self
            .occurrence_on(occurrence.date - Duration::days(7))
            .map_or(occurrence.start - Duration::days(7), |o| o.start);
        let latest = |schedules: &[CronSchedule]| {
            schedules
                .iter()
                .filter_map(|s| s.last_between(previous, now, self.zone))
                .max()
        };
        GroupDue {
            occurrence,
            invitation: latest(&self.invitations),
            reminder: latest(&self.reminders),
        }
    }

    /// The next instant after `now` at which an invitation or reminder fires.
    pub fn next_firing(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.invitations
            .iter()
            .chain(&self.reminders)
            .filter_map(|s| s.next_after(now, self.zone))
            .min()
    }

    /// The definition as the owner edits it: five lines (title; weekday,
    /// time and minutes; zone; invitation schedules; reminder schedules,
    /// several separated by `;`).
    pub fn to_text(&self) -> String {
        let join = |schedules: &[CronSchedule]| {
            schedules
                .iter()
                .map(CronSchedule::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!(
            "{}\n{} {}\n{}\n{}\n{}",
            self.title,
            self.when(),
            self.minutes,
            self.zone,
            join(&self.invitations),
            join(&self.reminders)
        )
    }

    /// Reads the five-line text form of [`GroupMeeting::to_text`].
    pub fn from_text(text: &str) -> Result<Self, GroupMeetingError> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        match lines.as_slice() {
            [title, when, zone, invitations, reminders] => {
                Self::from_parts(title, when, zone, invitations, reminders)
            }
            // A definition without reminders is fine: four lines.
            [title, when, zone, invitations] => {
                Self::from_parts(title, when, zone, invitations, "")
            }
            _ => Err(GroupMeetingError::BadText(format!(
                "expected 4 or 5 lines, got {}",
                lines.len()
            ))),
        }
    }

    fn from_parts(
        title: &str,
        when: &str,
        zone: &str,
        invitations: &str,
        reminders: &str,
    ) -> Result<Self, GroupMeetingError> {
        let words: Vec<&str> = when.split_whitespace().collect();
        let (when, minutes) = match words.as_slice() {
            [day, time] => (format!("{day} {time}"), 60),
            [day, time, minutes] => (
                format!("{day} {time}"),
                minutes
                    .parse::<i64>()
                    .map_err(|_| GroupMeetingError::BadWhen(when.to_owned()))?,
            ),
            _ => return Err(GroupMeetingError::BadWhen(when.to_owned())),
        };
        let (weekday, time) = parse_when(&when)?;
        let zone = Zone::parse(zone).map_err(|e| GroupMeetingError::BadText(e.to_string()))?;
        let schedules = |text: &str| {
            text.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(CronSchedule::parse)
                .collect::<Result<Vec<_>, _>>()
        };
        Self::new(
            title,
            weekday,
            time,
            minutes,
            zone,
            schedules(invitations)?,
            schedules(reminders)?,
        )
    }
}

/// A person's answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RsvpAnswer {
    /// "Yes, I'll come".
    Yes,
    /// "No, I can't".
    No,
}

crate::user::stable_names!(RsvpAnswer {
    Yes => "YES",
    No => "NO",
});

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn moscow(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, day, hour - 3, minute, 0)
            .unwrap()
    }

    #[test]
    fn the_example_meets_on_wednesday_and_invites_on_monday_in_moscow() {
        let group = GroupMeeting::example(Zone::moscow());
        // Monday 2030-01-07, 09:00 Moscow: the invitation is an hour away.
        let early = group.due(moscow(7, 9, 0));
        assert_eq!(early.occurrence.start, moscow(9, 11, 0));
        assert_eq!(early.invitation, None);
        assert_eq!(group.next_firing(moscow(7, 9, 0)), Some(moscow(7, 10, 0)));
        let monday = group.due(moscow(7, 10, 0));
        assert_eq!(monday.invitation, Some(moscow(7, 10, 0)));
        assert_eq!(monday.reminder, None);
        let wednesday = group.due(moscow(9, 10, 45));
        assert_eq!(wednesday.reminder, Some(moscow(9, 10, 40)));
        assert_eq!(wednesday.occurrence.key(), "group:2030-01-09");
        // Once it started, the next week's occurrence is ahead and nothing is due yet.
        let after = group.due(moscow(9, 11, 0));
        assert_eq!(after.occurrence.date.to_string(), "2030-01-16");
        assert_eq!(after.invitation, None);
    }

    #[test]
    fn cron_schedules_follow_the_zone_across_a_dst_switch() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let monday_ten = CronSchedule::parse("0 10 * * mon").unwrap();
        // Winter (UTC+1), summer from 31 March (UTC+2), winter again from
        // 27 October: 10:00 local every time.
        let winter = monday_ten
            .next_after(Utc.with_ymd_and_hms(2030, 3, 20, 0, 0, 0).unwrap(), berlin)
            .unwrap();
        assert_eq!(winter, Utc.with_ymd_and_hms(2030, 3, 25, 9, 0, 0).unwrap());
        let summer = monday_ten
            .next_after(Utc.with_ymd_and_hms(2030, 3, 28, 0, 0, 0).unwrap(), berlin)
            .unwrap();
        assert_eq!(summer, Utc.with_ymd_and_hms(2030, 4, 1, 8, 0, 0).unwrap());
        let winter_again = monday_ten
            .next_after(Utc.with_ymd_and_hms(2030, 10, 27, 0, 0, 0).unwrap(), berlin)
            .unwrap();
        assert_eq!(
            winter_again,
            Utc.with_ymd_and_hms(2030, 10, 28, 9, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_group_meeting_reads_back_from_its_text_and_json() {
        let group = GroupMeeting::example(Zone::moscow());
        let text = group.to_text();
        assert_eq!(GroupMeeting::from_text(&text).unwrap(), group);
        let json = serde_json::to_string(&group).unwrap();
        assert_eq!(serde_json::from_str::<GroupMeeting>(&json).unwrap(), group);
    }

    #[test]
    fn a_bad_group_meeting_is_refused_with_the_reason() {
        assert!(matches!(
            CronSchedule::parse("every monday"),
            Err(GroupMeetingError::BadCron(..))
        ));
        assert!(matches!(
            GroupMeeting::from_text("T\nfunday 10:00\nEurope/Moscow\n0 10 * * mon"),
            Err(GroupMeetingError::BadWhen(_))
        ));
        assert!(matches!(
            GroupMeeting::from_text("T\nwed 10:00\nEurope/Moscow\n "),
            Err(GroupMeetingError::BadText(_))
        ));
        assert!(matches!(
            GroupMeeting::from_text("T\nwed 10:00 0\nEurope/Moscow\n0 10 * * mon"),
            Err(GroupMeetingError::BadDuration(0))
        ));
        let json = serde_json::to_string(&GroupMeeting::example(Zone::moscow())).unwrap();
        assert!(serde_json::from_str::<GroupMeeting>(&json.replace("0 10 * * mon", "x")).is_err());
    }
}
