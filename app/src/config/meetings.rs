//! `[reminders]`, `[cadence]` and `[group_meeting]`: the defaults of the
//! meeting settings, read as written and turned into the domain's values
//! by [`MeetingsConfig::from_sections`].

use meetbot_domain::{Cadence, CronSchedule, GroupMeeting, ReminderOffsets, Settings, Zone};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::{ConfigError, Got, lists, zone, zone_name};

/// Default group meeting invitation schedule: Monday 10:00.
pub const DEFAULT_GROUP_INVITATION: &str = "0 10 * * mon";
/// Default group meeting reminder schedules: Wednesday 09:00 and 10:40.
pub const DEFAULT_GROUP_REMINDERS: &str = "0 9 * * wed; 40 10 * * wed";

/// `[reminders]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// `reminders.offsets`: minutes before a meeting its reminders go out.
    #[serde(deserialize_with = "minutes")]
    pub offsets: Vec<i64>,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        Self {
            offsets: vec![24 * 60, 120, 60],
        }
    }
}

/// `[cadence]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CadenceConfig {
    /// `cadence.every_days`: managers meet the owner every so many days.
    pub every_days: i64,
    /// `cadence.nudge_days`: days before the due date a manager is nudged.
    #[serde(deserialize_with = "days")]
    pub nudge_days: Vec<i64>,
}

impl Default for CadenceConfig {
    fn default() -> Self {
        Self {
            every_days: 14,
            nudge_days: vec![7, 3, 1],
        }
    }
}

/// `[group_meeting]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GroupMeetingConfig {
    /// `group_meeting.enabled`: whether there is a weekly group meeting.
    pub enabled: bool,
    /// `group_meeting.title`
    pub title: String,
    /// `group_meeting.when`: a weekday and a 24-hour time, `wed 11:00`.
    #[serde(deserialize_with = "when")]
    pub when: String,
    /// `group_meeting.minutes`: how long it lasts.
    pub minutes: i64,
    /// `group_meeting.time_zone`: the zone of its time; `None` is the
    /// organisation's.
    #[serde(
        deserialize_with = "some_zone",
        serialize_with = "some_zone_name",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_zone: Option<Zone>,
    /// `group_meeting.invitation`: when invitations go out.
    pub invitation: Schedules,
    /// `group_meeting.reminders`: when those who said yes are reminded.
    pub reminders: Schedules,
    /// `group_meeting.link`: where it is held online, shown in its
    /// invitations and reminders.
    #[serde(deserialize_with = "link", skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Default for GroupMeetingConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            title: "Weekly meeting".to_owned(),
            when: "wed 11:00".to_owned(),
            minutes: 60,
            time_zone: None,
            invitation: Schedules::default_invitation(),
            reminders: Schedules::default_reminders(),
            link: None,
        }
    }
}

/// Cron expressions separated by `;`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Schedules(pub Vec<CronSchedule>);

impl Schedules {
    fn parse(raw: &str) -> Result<Self, String> {
        raw.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                CronSchedule::parse(s).map_err(|err| {
                    format!(
                        "be cron expressions (minute hour day month weekday) separated by ; \
                         ({err}), got {raw:?}"
                    )
                })
            })
            .collect::<Result<_, _>>()
            .map(Schedules)
    }

    fn default_invitation() -> Self {
        Self::parse(DEFAULT_GROUP_INVITATION).unwrap_or(Schedules(Vec::new()))
    }

    fn default_reminders() -> Self {
        Self::parse(DEFAULT_GROUP_REMINDERS).unwrap_or(Schedules(Vec::new()))
    }
}

impl TryFrom<String> for Schedules {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl Serialize for Schedules {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let joined: Vec<&str> = self.0.iter().map(CronSchedule::as_str).collect();
        serializer.serialize_str(&joined.join("; "))
    }
}

/// The meeting defaults as the domain's values.
#[derive(Debug, Clone, Default)]
pub struct MeetingsConfig {
    /// `reminders.offsets`
    pub reminders: ReminderOffsets,
    /// `cadence.every_days` and `cadence.nudge_days`.
    pub cadence: Cadence,
    /// `group_meeting.*`: the weekly group meeting, when enabled.
    pub group_meeting: Option<GroupMeeting>,
}

impl MeetingsConfig {
    /// Puts these defaults into the settings used until the owner saves their own.
    pub fn apply(&self, settings: &mut Settings) {
        settings.reminders = self.reminders.clone();
        settings.cadence = self.cadence.clone();
        settings.group_meeting = self.group_meeting.clone();
    }

    /// The domain's values of the three sections; every section that does
    /// not describe a valid value is reported.
    pub(super) fn from_sections(
        reminders: &RemindersConfig,
        cadence: &CadenceConfig,
        group: &GroupMeetingConfig,
        organisation_zone: Zone,
    ) -> Result<Self, Vec<ConfigError>> {
        let invalid = |key: &str, expected: String| ConfigError::Invalid {
            key: key.to_owned(),
            expected,
            got: Got::hidden(),
            origin: super::Origin::Default,
        };
        let reminders = ReminderOffsets::from_minutes(&reminders.offsets).map_err(|err| {
            invalid(
                "reminders.offsets",
                format!("be minutes before the meeting, each from 1 to 20160 ({err})"),
            )
        });
        let cadence = Cadence::new(cadence.every_days, &cadence.nudge_days).map_err(|err| {
            invalid(
                "cadence.every_days",
                format!("be from 1 to 365 with nudge_days within it ({err})"),
            )
        });
        let group_meeting = group_meeting(group, organisation_zone).map_err(|err| {
            invalid(
                "group_meeting.title",
                format!("describe a weekly meeting ({err})"),
            )
        });
        match (reminders, cadence, group_meeting) {
            (Ok(reminders), Ok(cadence), Ok(group_meeting)) => Ok(Self {
                reminders,
                cadence,
                group_meeting: group.enabled.then_some(group_meeting),
            }),
            (reminders, cadence, group_meeting) => {
                Err([reminders.err(), cadence.err(), group_meeting.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

fn group_meeting(
    group: &GroupMeetingConfig,
    organisation_zone: Zone,
) -> Result<GroupMeeting, meetbot_domain::group::GroupMeetingError> {
    let (weekday, time) = meetbot_domain::group::parse_when(&group.when)?;
    GroupMeeting::new(
        &group.title,
        weekday,
        time,
        group.minutes,
        group.time_zone.unwrap_or(organisation_zone),
        group.invitation.0.clone(),
        group.reminders.0.clone(),
    )
    .map(|meeting| meeting.with_link(group.link.clone()))
}

fn link<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    meetbot_ports::config::http_url(&raw)
        .map(|url| Some(url.to_string()))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "be an http:// or https:// URL, such as https://meet.example.org/weekly, got {raw:?}"
            ))
        })
}

fn minutes<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<i64>, D::Error> {
    lists::whole_numbers(de, "minutes")
}

fn days<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<i64>, D::Error> {
    lists::whole_numbers(de, "days")
}

fn when<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    match meetbot_domain::group::parse_when(raw.trim()) {
        Ok(_) => Ok(raw.trim().to_owned()),
        Err(_) => Err(de::Error::custom(format!(
            "be a weekday and a 24-hour time, such as \"wed 11:00\", got {raw:?}"
        ))),
    }
}

fn some_zone<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Zone>, D::Error> {
    zone(de).map(Some)
}

fn some_zone_name<S: Serializer>(zone: &Option<Zone>, serializer: S) -> Result<S::Ok, S::Error> {
    match zone {
        Some(zone) => zone_name(zone, serializer),
        None => serializer.serialize_none(),
    }
}
