//! Reading and changing the organisation's settings (owner only).

use chrono::{NaiveDate, Weekday};
use meetbot_domain::availability::{DayWindow, SlotStep};
use meetbot_domain::booking::{ChangeCutoff, UpcomingLimit};
use meetbot_domain::{
    Action, AuditAction, AuditEvent, Cadence, Department, GroupMeeting, MeetingType,
    ReminderOffsets, Settings, UserId, Zone,
};

use crate::error::UseCaseError;
use crate::services::Services;

/// The store key the settings are kept under, as JSON.
pub const SETTINGS_KEY: &str = "settings";

/// The settings in force: the owner's saved ones, else the configured defaults.
/// Saved settings that no longer parse are an error, never silently replaced.
pub async fn load(s: &Services) -> Result<Settings, UseCaseError> {
    match s.store.value(SETTINGS_KEY).await? {
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
    let json = serde_json::to_string(&settings)
        .map_err(|e| UseCaseError::Store(meetbot_ports::StoreError::Unexpected(e.to_string())))?;
    s.store.set_value(SETTINGS_KEY, &json).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), AuditAction::SettingsChanged)
            .with(format!("{change:?}")),
    )
    .await?;
    Ok(settings)
}

/// The settings, for the owner's settings screen.
pub async fn view(s: &Services, actor: UserId) -> Result<Settings, UseCaseError> {
    s.actor(actor, Action::EditSettings).await?;
    load(s).await
}
