//! The audit log, for the owner: read a page at a time, narrowed to a
//! kind of action or to one person, each entry with what its sentence
//! needs looked up (names, meetings); and exported as CSV.
//!
//! Names are looked up when the log is read, not when it was written, so
//! an entry shows the person's name of today; a person the store no
//! longer knows shows by id.

mod export;

use std::collections::HashMap;

use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, AuditKind, AuditTarget, Meeting, MeetingId,
    UserId,
};
use meetbot_ports::{AuditCursor, AuditEntry, AuditId, AuditQuery};

pub use self::export::{AuditExport, CSV_HEADER, export};
use crate::error::UseCaseError;
use crate::services::Services;

/// How many entries a page of the log shows.
pub const PAGE: u32 = 10;

/// Which part of the log the owner looks at, and where in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuditView {
    /// Only actions of this kind (`None`: every kind).
    pub kind: Option<AuditKind>,
    /// Only entries about this person, done by them or to them.
    pub person: Option<UserId>,
    /// Where the page starts.
    pub cursor: AuditCursor,
}

impl AuditView {
    /// The newest page of the same filters.
    pub fn newest(self) -> Self {
        Self {
            cursor: AuditCursor::Newest,
            ..self
        }
    }

    /// The store's query for a page of this view of at most `limit` entries.
    fn query(self, limit: u32) -> AuditQuery {
        AuditQuery {
            person: self.person,
            actions: self.kind.map(AuditKind::actions).unwrap_or_default(),
            during: None,
            cursor: self.cursor,
            limit,
        }
    }
}

/// A person the log names: their id and, while the store knows them, their name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// Their user id.
    pub id: UserId,
    /// Their name; `None` when the store no longer knows them.
    pub name: Option<String>,
}

/// One entry of the log, with what it names looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditLine {
    /// The store's id of the entry.
    pub id: AuditId,
    /// The event as recorded.
    pub event: AuditEvent,
    /// Its details, typed; `None` when it has none or they are of an
    /// unknown form.
    pub details: Option<AuditDetails>,
    /// Who did it; `None` for the bot itself.
    pub actor: Option<Named>,
    /// Who it was done to: the person targeted, the booker of the meeting,
    /// the recipient of a failed reminder.
    pub person: Option<Named>,
    /// The meeting it is about, when the store has it.
    pub meeting: Option<Meeting>,
    /// For a move, the meeting that replaced the one moved.
    pub moved_to: Option<Meeting>,
    /// For a refusal, what was refused; `None` for a stale button.
    pub refused: Option<Action>,
}

/// A page of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    /// The view shown.
    pub view: AuditView,
    /// The person the view is narrowed to.
    pub person: Option<Named>,
    /// The entries, newest first.
    pub lines: Vec<AuditLine>,
    /// The cursor of the next older page, when there is one.
    pub older: Option<AuditCursor>,
    /// The cursor of the next newer page, when there is one.
    pub newer: Option<AuditCursor>,
}

/// Looks up the people and meetings entries name, each once.
struct Lookup<'a> {
    s: &'a Services,
    names: HashMap<UserId, Option<String>>,
    meetings: HashMap<MeetingId, Option<Meeting>>,
}

impl<'a> Lookup<'a> {
    fn new(s: &'a Services) -> Self {
        Self {
            s,
            names: HashMap::new(),
            meetings: HashMap::new(),
        }
    }

    async fn person(&mut self, id: UserId) -> Result<Named, UseCaseError> {
        if !self.names.contains_key(&id) {
            let name = self.s.store.user(id).await?.map(|u| u.name.to_string());
            self.names.insert(id, name);
        }
        let name = self.names.get(&id).cloned().flatten();
        Ok(Named { id, name })
    }

    async fn meeting(&mut self, id: MeetingId) -> Result<Option<Meeting>, UseCaseError> {
        if !self.meetings.contains_key(&id) {
            let meeting = self.s.store.meeting(id).await?;
            self.meetings.insert(id, meeting);
        }
        Ok(self.meetings.get(&id).cloned().flatten())
    }

    /// An entry with what it names.
    async fn line(&mut self, entry: AuditEntry) -> Result<AuditLine, UseCaseError> {
        let AuditEntry { id, event } = entry;
        let details = event.read_details();
        let actor = match event.actor {
            Some(actor) => Some(self.person(actor).await?),
            None => None,
        };
        let target = event.target.as_deref().unwrap_or_default();
        let mut line = AuditLine {
            id,
            details,
            actor,
            person: None,
            meeting: None,
            moved_to: None,
            refused: None,
            event: event.clone(),
        };
        match event.action.target() {
            AuditTarget::Person => {
                if let Ok(user) = target.parse() {
                    line.person = Some(self.person(UserId(user)).await?);
                }
            }
            AuditTarget::Meeting => self.about_meeting(&mut line, target).await?,
            AuditTarget::Action => line.refused = Action::parse(target).ok(),
            AuditTarget::Nothing => {}
        }
        Ok(line)
    }

    /// The meeting an entry is about, its booker (or the recipient of a
    /// failed reminder) and, for a move, the meeting that replaced it.
    async fn about_meeting(
        &mut self,
        line: &mut AuditLine,
        target: &str,
    ) -> Result<(), UseCaseError> {
        if let Ok(meeting) = target.parse() {
            line.meeting = self.meeting(MeetingId(meeting)).await?;
        }
        let person = match (&line.details, &line.meeting) {
            (Some(AuditDetails::ReminderFailed { recipient, .. }), _) => Some(*recipient),
            (_, Some(meeting)) if line.event.action != AuditAction::ReminderFailed => {
                Some(meeting.booker)
            }
            _ => None,
        };
        if let Some(person) = person {
            line.person = Some(self.person(person).await?);
        }
        if line.event.action == AuditAction::MeetingRescheduled {
            let moved_to = match &line.details {
                Some(AuditDetails::Moved { to, .. }) => Some(*to),
                _ => line.meeting.as_ref().and_then(|m| m.rescheduled_to),
            };
            if let Some(moved_to) = moved_to {
                line.moved_to = self.meeting(moved_to).await?;
            }
        }
        Ok(())
    }
}

/// Whether the view has any entry at `cursor`.
async fn any(s: &Services, view: AuditView, cursor: AuditCursor) -> Result<bool, UseCaseError> {
    let query = AuditView { cursor, ..view }.query(1);
    Ok(!s.store.audit_log(query).await?.is_empty())
}

/// A page of the audit log (owner). A page going back towards the newest
/// that comes out short is the newest page, so every page is full while
/// the log has entries enough.
pub async fn page(s: &Services, actor: UserId, view: AuditView) -> Result<AuditPage, UseCaseError> {
    s.actor(actor, Action::ViewAuditLog).await?;
    let mut view = view;
    let mut entries = s.store.audit_log(view.query(PAGE)).await?;
    if matches!(view.cursor, AuditCursor::NewerThan(_)) && entries.len() < PAGE as usize {
        view = view.newest();
        entries = s.store.audit_log(view.query(PAGE)).await?;
    }
    let older = match entries.last() {
        Some(last) if any(s, view, AuditCursor::OlderThan(last.id)).await? => {
            Some(AuditCursor::OlderThan(last.id))
        }
        _ => None,
    };
    let newer = match entries.first() {
        Some(first) if any(s, view, AuditCursor::NewerThan(first.id)).await? => {
            Some(AuditCursor::NewerThan(first.id))
        }
        _ => None,
    };
    let mut lookup = Lookup::new(s);
    let person = match view.person {
        Some(person) => Some(lookup.person(person).await?),
        None => None,
    };
    let mut lines = Vec::with_capacity(entries.len());
    for entry in entries {
        lines.push(lookup.line(entry).await?);
    }
    Ok(AuditPage {
        view,
        person,
        lines,
        older,
        newer,
    })
}
