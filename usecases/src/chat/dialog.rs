//! Dialog state: where a person is in a multi-step conversation. It is
//! saved in the store after every step, so a restart in the middle of a
//! booking continues where it was.

use chrono::{DateTime, Utc};
use meetbot_domain::{Department, MeetingId, UserId};
use serde::{Deserialize, Serialize};

use super::setting::SettingCode;
use crate::error::UseCaseError;
use crate::services::Services;

/// A conversation in progress; the variants carry what was chosen so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "dialog", rename_all = "snake_case")]
pub enum Dialog {
    /// Registration questions after /start.
    Registration {
        /// The department picked (or skipped).
        department: Option<Department>,
        /// Whether the department question is answered.
        department_answered: bool,
    },
    /// The booking picker (also used to move a meeting).
    Booking(BookingDraft),
    /// The owner is typing a new value for a setting.
    Setting {
        /// The setting being edited, saved as its short code.
        code: SettingCode,
    },
    /// The owner is typing a broadcast.
    Broadcast,
    /// A booker who rated a meeting may type a comment on it.
    FeedbackComment {
        /// The meeting rated.
        meeting: MeetingId,
    },
}

/// What was picked so far in the booking picker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDraft {
    /// The meeting being moved, when this is a reschedule.
    pub reschedule_of: Option<MeetingId>,
    /// The meeting type's code.
    pub meeting_type: Option<String>,
    /// The start picked.
    pub start: Option<DateTime<Utc>>,
    /// The topic typed.
    pub topic: Option<String>,
    /// Whether the next text is the topic.
    pub awaiting_topic: bool,
}

/// The saved dialog of a person; a state that no longer parses (after an
/// upgrade) is dropped rather than misread.
pub async fn load(s: &Services, user: UserId) -> Result<Option<Dialog>, UseCaseError> {
    Ok(s.store
        .dialog(user)
        .await?
        .and_then(|json| match serde_json::from_str(&json) {
            Ok(dialog) => Some(dialog),
            Err(error) => {
                tracing::warn!(%user, %error, "dropping a dialog state that does not parse");
                None
            }
        }))
}

/// Saves (or with `None` ends) a person's dialog.
pub async fn save(s: &Services, user: UserId, dialog: Option<&Dialog>) -> Result<(), UseCaseError> {
    let json = dialog
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| UseCaseError::Store(meetbot_ports::StoreError::Unexpected(e.to_string())))?;
    s.store.save_dialog(user, json).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_setting_dialog_reads_back_and_an_unknown_code_does_not() {
        let saved = r#"{"dialog":"setting","code":"reminders"}"#;
        assert_eq!(
            serde_json::from_str::<Dialog>(saved).unwrap(),
            Dialog::Setting {
                code: SettingCode::Reminders
            }
        );
        let dialog = Dialog::Setting {
            code: SettingCode::Dayoff,
        };
        assert_eq!(
            serde_json::to_string(&dialog).unwrap(),
            r#"{"dialog":"setting","code":"dayoff"}"#
        );
        assert!(serde_json::from_str::<Dialog>(r#"{"dialog":"setting","code":"colour"}"#).is_err());
    }
}
