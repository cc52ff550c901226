//! How often a person is told in the chat that a button was refused: a
//! flood of presses on forged or outdated buttons must not become a flood
//! of messages queued ahead of the person's own next command.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::UserId;

/// At most one refusal message per person in this long.
pub const REFUSAL_QUIET: Duration = Duration::seconds(5);

/// Above this many people remembered, those told before the quiet time are
/// forgotten, so the memory stays small however many people press.
const REMEMBERED: usize = 4096;

/// When each person was last told of a refused button, in this process.
#[derive(Debug, Default)]
pub struct RefusalNotes {
    told: Mutex<HashMap<UserId, DateTime<Utc>>>,
}

impl RefusalNotes {
    /// Whether `person` may be told of a refusal at `now`; when so, it
    /// counts as told.
    pub fn may_tell(&self, person: UserId, now: DateTime<Utc>) -> bool {
        let mut told = self
            .told
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if told
            .get(&person)
            .is_some_and(|last| now - *last < REFUSAL_QUIET)
        {
            return false;
        }
        if told.len() >= REMEMBERED {
            told.retain(|_, last| now - *last < REFUSAL_QUIET);
        }
        told.insert(person, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_told_of_a_refused_button_once_in_the_quiet_time() {
        let notes = RefusalNotes::default();
        let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        let (anna, boris) = (UserId(1), UserId(2));
        assert!(notes.may_tell(anna, now));
        assert!(!notes.may_tell(anna, now + Duration::seconds(4)));
        assert!(notes.may_tell(boris, now + Duration::seconds(4)));
        assert!(notes.may_tell(anna, now + Duration::seconds(5)));
    }

    #[test]
    fn many_people_are_remembered_without_the_memory_growing_past_the_bound() {
        let notes = RefusalNotes::default();
        let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        for id in 0..10_000 {
            let at = now + Duration::seconds(id);
            assert!(notes.may_tell(UserId(id), at));
        }
        let told = notes.told.lock().map(|t| t.len()).unwrap_or_default();
        assert!(told <= REMEMBERED, "{told}");
    }
}
