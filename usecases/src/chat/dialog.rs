//! Dialog state: where a person is in a multi-step conversation. It is
//! saved in the store after every step, so a restart in the middle of a
//! booking continues where it was.

use chrono::{DateTime, Utc};
use meetbot_domain::request::{MoveTarget, PartialRequest};
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
    /// A sentence lacked its day or time and a question was asked; the next
    /// text is read as the answer, with what was understood so far.
    Clarify {
        /// The request understood so far.
        partial: PartialRequest,
    },
    /// The person is typing the name of their time zone (`/timezone`).
    TimeZone,
    /// A sentence asked to move a meeting and several matched; the meeting's
    /// button says which one goes to `to`.
    MoveTo {
        /// Where the meeting goes, in the person's zone.
        to: MoveTarget,
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
    /// Whether the draft came from a sentence: its topic was said (or left
    /// out) there, so a start picked later goes straight to the confirmation.
    /// Drafts saved before it existed read as `false`.
    #[serde(default)]
    pub from_sentence: bool,
}

/// The saved dialog of a person; a state that no longer parses (after an
/// upgrade) is dropped rather than misread.
pub async fn load(s: &Services, user: UserId) -> Result<Option<Dialog>, UseCaseError> {
    Ok(read(user, s.store.dialog(user).await?))
}

/// A saved dialog state read back; one that no longer parses (from an
/// older version) is dropped, and the person starts afresh.
pub fn read(user: UserId, saved: Option<String>) -> Option<Dialog> {
    saved.and_then(|json| match serde_json::from_str(&json) {
        Ok(dialog) => Some(dialog),
        Err(error) => {
            tracing::warn!(%user, %error, "dropping a dialog state that does not parse");
            None
        }
    })
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

    #[test]
    fn a_question_about_a_sentence_survives_a_restart() {
        let dialog = Dialog::Clarify {
            partial: PartialRequest::Book {
                date: chrono::NaiveDate::from_ymd_opt(2030, 1, 8),
                time: None,
                minutes: Some(60),
                topic: None,
            },
        };

        let saved = serde_json::to_string(&dialog).unwrap();

        assert_eq!(serde_json::from_str::<Dialog>(&saved).unwrap(), dialog);
    }

    #[test]
    fn a_booking_draft_saved_before_sentences_reads_as_one_of_the_picker() {
        let saved = r#"{"dialog":"booking","reschedule_of":null,"meeting_type":"m30","start":null,"topic":null,"awaiting_topic":false}"#;

        let Dialog::Booking(draft) = serde_json::from_str::<Dialog>(saved).unwrap() else {
            panic!("not a booking");
        };

        assert!(!draft.from_sentence);
    }
}
