//! Reading and changing the organisation's settings (owner only).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use meetbot_domain::availability::{DayWindow, SlotStep};
use meetbot_domain::booking::{ChangeCutoff, UpcomingLimit};
use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, BlockedRange, Cadence, Department, GroupMeeting,
    MeetingStatus, MeetingType, ReminderOffsets, Settings, Topic, UserId, Zone,
};
use meetbot_ports::MeetingQuery;

use crate::chat::SettingCode;
use crate::chat::settings_views::day_code;
use crate::error::UseCaseError;
use crate::screens;
use crate::services::Services;

/// The store key the settings are kept under, as JSON.
pub const SETTINGS_KEY: &str = "settings";

/// The settings a unit of work has read, so that it reads them once: the
/// handling of one update asks for them from several places. Only a unit
/// of work has one; outside, every read goes to the store, where another
/// instance may have changed them.
#[derive(Clone, Debug, Default)]
pub struct SettingsMemo(Arc<Mutex<Option<Settings>>>);

impl SettingsMemo {
    fn get(&self) -> Option<Settings> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn keep(&self, settings: &Settings) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(settings.clone());
    }
}

/// The settings in force: the owner's saved ones, else the configured defaults.
/// Saved settings that no longer parse are an error, never silently replaced.
pub async fn load(s: &Services) -> Result<Settings, UseCaseError> {
    if let Some(settings) = s.settings_read.as_ref().and_then(SettingsMemo::get) {
        return Ok(settings);
    }
    let settings = read(s, s.store.value(SETTINGS_KEY).await?)?;
    if let Some(memo) = &s.settings_read {
        memo.keep(&settings);
    }
    Ok(settings)
}

/// Keeps the settings read with the person at the start of an update
/// (stored as `saved`) for the rest of its unit of work. Saved settings
/// that do not parse are not kept: [`load`] then reports them.
pub fn remember(s: &Services, saved: Option<String>) {
    if let (Some(memo), Ok(settings)) = (&s.settings_read, read(s, saved)) {
        memo.keep(&settings);
    }
}

/// The settings in force given what is saved under [`SETTINGS_KEY`].
fn read(s: &Services, saved: Option<String>) -> Result<Settings, UseCaseError> {
    match saved {
        None => Ok(s.default_settings.clone()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            UseCaseError::Store(meetbot_ports::StoreError::Unexpected(format!(
                "stored settings do not parse: {e}"
            )))
        }),
    }
}

/// One change the owner makes in the settings dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsChange {
    /// Working hours of a weekday as `09:00-18:00`, or `None` for a day off.
    WorkingHours(Weekday, Option<String>),
    /// The owner's time zone, an IANA name.
    Zone(String),
    /// Minutes between offered start times: 15, 30 or 60.
    SlotStep(i64),
    /// Minutes kept free around every meeting.
    Buffer(i64),
    /// Minutes of notice a booking needs.
    Notice(i64),
    /// How many days ahead bookings are taken.
    Horizon(i64),
    /// The most upcoming meetings per manager.
    Limit(i64),
    /// Hours before the start until which managers may cancel or move.
    Cutoff(i64),
    /// A date off, or with its own hours as `10:00-14:00`.
    DateOverride(NaiveDate, Option<String>),
    /// Returns a date to its weekly hours.
    ClearDateOverride(NaiveDate),
    /// The meeting types offered as (code, name, minutes).
    MeetingTypes(Vec<(String, String, i64)>),
    /// Reminder offsets in minutes before the start.
    Reminders(Vec<i64>),
    /// Reminder offsets of one meeting type by its code; `None` returns it
    /// to the general ones.
    TypeReminders(String, Option<Vec<i64>>),
    /// The cadence in days and the nudge days before the due date.
    Cadence(i64, Vec<i64>),
    /// The list of departments.
    Departments(Vec<String>),
    /// The weekly group meeting in its five-line text form (see
    /// [`GroupMeeting::from_text`]), or `None` for no group meeting.
    GroupMeeting(Option<String>),
    /// Closes hours of a date (in the owner's zone), with a reason.
    Block {
        /// The date.
        date: NaiveDate,
        /// The hours closed.
        hours: DayWindow,
        /// Why, shown to the bookers whose meetings fall inside.
        reason: Option<Topic>,
    },
    /// Opens the closed range that starts then again.
    Unblock(DateTime<Utc>),
}

/// The most characters of a new value the audit log keeps (a group
/// meeting is five lines).
const AUDIT_VALUE_CHARS: usize = 200;

/// Numbers as the owner types them: `1440, 120, 60`.
fn listed(numbers: &[i64]) -> String {
    numbers
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl SettingsChange {
    /// The setting this change is to, as the settings dialog names it.
    pub fn setting(&self) -> SettingCode {
        match self {
            Self::WorkingHours(..) => SettingCode::Hours,
            Self::Zone(_) => SettingCode::Zone,
            Self::SlotStep(_) => SettingCode::Step,
            Self::Buffer(_) => SettingCode::Buffer,
            Self::Notice(_) => SettingCode::Notice,
            Self::Horizon(_) => SettingCode::Horizon,
            Self::Limit(_) => SettingCode::Limit,
            Self::Cutoff(_) => SettingCode::Cutoff,
            Self::DateOverride(..) | Self::ClearDateOverride(_) => SettingCode::Dayoff,
            Self::MeetingTypes(_) => SettingCode::Types,
            Self::Reminders(_) | Self::TypeReminders(..) => SettingCode::Reminders,
            Self::Cadence(..) => SettingCode::Cadence,
            Self::Departments(_) => SettingCode::Departments,
            Self::GroupMeeting(_) => SettingCode::Group,
            Self::Block { .. } | Self::Unblock(_) => SettingCode::Blocks,
        }
    }

    /// What the audit log keeps of the change: the setting, and the new
    /// value much as the owner typed it (`sat 10:00-14:00`, a dash for
    /// none), or what went back to its default.
    pub fn audit_details(&self) -> AuditDetails {
        let or_dash = |text: &Option<String>| text.clone().unwrap_or_else(|| "—".to_owned());
        let (value, reset) = match self {
            Self::WorkingHours(day, hours) => {
                (format!("{} {}", day_code(*day), or_dash(hours)), false)
            }
            Self::Zone(name) => (name.clone(), false),
            Self::SlotStep(n)
            | Self::Buffer(n)
            | Self::Notice(n)
            | Self::Horizon(n)
            | Self::Limit(n)
            | Self::Cutoff(n) => (n.to_string(), false),
            Self::DateOverride(date, hours) => (format!("{date} {}", or_dash(hours)), false),
            Self::ClearDateOverride(date) => (date.to_string(), true),
            Self::MeetingTypes(types) => {
                let minutes: Vec<i64> = types.iter().map(|(_, _, minutes)| *minutes).collect();
                (listed(&minutes), false)
            }
            Self::Reminders(minutes) => (listed(minutes), false),
            Self::TypeReminders(code, Some(minutes)) => {
                (format!("{code}: {}", listed(minutes)), false)
            }
            Self::TypeReminders(code, None) => (code.clone(), true),
            Self::Cadence(every, nudges) => (format!("{every} ({})", listed(nudges)), false),
            Self::Departments(names) if names.is_empty() => ("—".to_owned(), false),
            Self::Departments(names) => (names.join(", "), false),
            Self::GroupMeeting(text) => (
                or_dash(text)
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("; "),
                false,
            ),
            Self::Block {
                date,
                hours,
                reason,
            } => (
                format!(
                    "{date} {hours} {}",
                    reason.as_ref().map_or("", |reason| reason.as_str())
                )
                .trim_end()
                .to_owned(),
                false,
            ),
            Self::Unblock(start) => (start.to_rfc3339(), true),
        };
        AuditDetails::Setting {
            setting: self.setting().code().to_owned(),
            value: value.chars().take(AUDIT_VALUE_CHARS).collect(),
            reset,
        }
    }
}

/// The setting a change was to, from the free form the audit log kept
/// changes in before they were typed (`WorkingHours(Sat, Some("10:00-14:00"))`).
pub fn setting_of_free_form(details: &str) -> Option<SettingCode> {
    let name = details.split_once('(').map_or(details, |(name, _)| name);
    Some(match name.trim() {
        "WorkingHours" => SettingCode::Hours,
        "Zone" => SettingCode::Zone,
        "SlotStep" => SettingCode::Step,
        "Buffer" => SettingCode::Buffer,
        "Notice" => SettingCode::Notice,
        "Horizon" => SettingCode::Horizon,
        "Limit" => SettingCode::Limit,
        "Cutoff" => SettingCode::Cutoff,
        "DateOverride" | "ClearDateOverride" => SettingCode::Dayoff,
        "MeetingTypes" => SettingCode::Types,
        "Reminders" | "TypeReminders" => SettingCode::Reminders,
        "Cadence" => SettingCode::Cadence,
        "Departments" => SettingCode::Departments,
        "GroupMeeting" => SettingCode::Group,
        _ => return None,
    })
}

fn window(text: Option<&String>) -> Result<Option<DayWindow>, UseCaseError> {
    text.map(|t| DayWindow::parse(t))
        .transpose()
        .map_err(UseCaseError::from)
}

/// Applies one change to `settings`, validating it with the domain's rules.
pub fn apply(settings: &mut Settings, change: &SettingsChange) -> Result<(), UseCaseError> {
    let availability = &mut settings.availability;
    match change {
        SettingsChange::WorkingHours(day, hours) => {
            let mut weekly = *availability.weekly();
            weekly.set(*day, window(hours.as_ref())?);
            availability.set_weekly(weekly);
        }
        SettingsChange::Zone(name) => availability.set_zone(Zone::parse(name)?),
        SettingsChange::SlotStep(minutes) => {
            availability.set_step(SlotStep::from_minutes(*minutes)?)
        }
        SettingsChange::Buffer(minutes) => availability.set_buffer_minutes(*minutes)?,
        SettingsChange::Notice(minutes) => availability.set_notice_minutes(*minutes)?,
        SettingsChange::Horizon(days) => availability.set_horizon_days(*days)?,
        SettingsChange::Limit(limit) => settings.policy.limit = UpcomingLimit::new(*limit)?,
        SettingsChange::Cutoff(hours) => settings.policy.cutoff = ChangeCutoff::from_hours(*hours)?,
        SettingsChange::DateOverride(date, hours) => {
            availability.set_override(*date, window(hours.as_ref())?)
        }
        SettingsChange::ClearDateOverride(date) => availability.clear_override(*date),
        SettingsChange::MeetingTypes(types) => {
            let types = types
                .iter()
                .map(|(code, name, minutes)| MeetingType::new(code, name, *minutes))
                .collect::<Result<Vec<_>, _>>()?;
            if types.is_empty() {
                return Err(UseCaseError::Invalid("error-meeting-types-empty"));
            }
            settings.meeting_types = types;
        }
        SettingsChange::Reminders(minutes) => {
            settings.reminders = ReminderOffsets::from_minutes(minutes)?
        }
        SettingsChange::TypeReminders(code, minutes) => {
            if settings.meeting_type(code).is_none() {
                return Err(UseCaseError::Invalid("error-meeting-type-unknown"));
            }
            match minutes {
                Some(minutes) => {
                    let offsets = ReminderOffsets::from_minutes(minutes)?;
                    settings.type_reminders.insert(code.clone(), offsets);
                }
                None => {
                    settings.type_reminders.remove(code);
                }
            }
        }
        SettingsChange::Cadence(every, nudges) => settings.cadence = Cadence::new(*every, nudges)?,
        SettingsChange::Departments(names) => {
            settings.departments = names
                .iter()
                .map(|n| Department::new(n))
                .collect::<Result<Vec<_>, _>>()?;
        }
        SettingsChange::Block {
            date,
            hours,
            reason,
        } => {
            let interval = hours
                .on(*date, availability.zone())
                .ok_or(UseCaseError::Invalid("error-hours-invalid"))?;
            availability.add_block(BlockedRange {
                interval,
                reason: reason.clone(),
            });
        }
        SettingsChange::Unblock(start) => {
            availability.remove_block(*start);
        }
        SettingsChange::GroupMeeting(text) => {
            settings.group_meeting = text
                .as_deref()
                .map(GroupMeeting::from_text)
                .transpose()
                .map_err(|_| UseCaseError::Invalid("error-group-invalid"))?;
        }
    }
    Ok(())
}

/// Changes the settings (owner only), saves them and records the change.
pub async fn change(
    s: &Services,
    actor: UserId,
    change: SettingsChange,
) -> Result<Settings, UseCaseError> {
    let owner = s.actor(actor, Action::EditSettings).await?;
    let mut settings = load(s).await?;
    apply(&mut settings, &change)?;
    settings.availability.forget_blocks_before(s.clock.now());
    let json = serde_json::to_string(&settings)
        .map_err(|e| UseCaseError::Store(meetbot_ports::StoreError::Unexpected(e.to_string())))?;
    s.store.set_value(SETTINGS_KEY, &json).await?;
    if let Some(memo) = &s.settings_read {
        memo.keep(&settings);
    }
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), AuditAction::SettingsChanged)
            .detailed(&change.audit_details()),
    )
    .await?;
    Ok(settings)
}

/// The settings, for the owner's settings screen.
pub async fn view(s: &Services, actor: UserId) -> Result<Settings, UseCaseError> {
    s.actor(actor, Action::EditSettings).await?;
    load(s).await
}

/// Applies a change as [`change`] does; when it closes hours, the bookers
/// of the upcoming meetings inside them (but the owner) are told and
/// offered to move or cancel. Returns the settings and how many were told.
pub async fn change_telling(
    s: &Services,
    actor: UserId,
    requested: SettingsChange,
) -> Result<(Settings, usize), UseCaseError> {
    let settings = change(s, actor, requested.clone()).await?;
    let SettingsChange::Block {
        date,
        hours,
        reason,
    } = requested
    else {
        return Ok((settings, 0));
    };
    let Some(interval) = hours.on(date, settings.availability.zone()) else {
        return Ok((settings, 0));
    };
    let block = BlockedRange { interval, reason };
    let now = s.clock.now();
    let inside = s
        .store
        .meetings(MeetingQuery {
            booker: None,
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: Some(interval),
        })
        .await?;
    let mut told = 0;
    for meeting in inside.iter().filter(|m| m.interval.start() > now) {
        match s.store.user(meeting.booker).await? {
            Some(booker) if booker.id != actor => {
                s.tell(&booker, &screens::time_closed(meeting, &block, &booker))
                    .await;
                told += 1;
            }
            _ => {}
        }
    }
    Ok((settings, told))
}
