//! The weekly group meeting with RSVP.
//!
//! Its definition (title, weekday and time, zone, cron schedules of the
//! invitation and the reminders) is part of the settings: configured, and
//! editable by the owner. When an invitation schedule fires, every member
//! who is ACTIVE and subscribed gets an invitation with "Yes, I'll come /
//! No, I can't"; answers can change until the meeting starts; when a
//! reminder schedule fires, only those whose latest answer is yes are
//! reminded. /stop takes a person out, /start brings them back.
//!
//! [`tick`] may run any time and in several instances: every message is
//! recorded in the done-once ledger (per occurrence, firing and person)
//! before it goes out. After downtime the latest firing since the previous
//! occurrence is still honoured, so a late invitation still goes out while
//! the meeting is ahead.

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::{Action, GroupMeeting, Occurrence, Role, RsvpAnswer, User, UserId};
use meetbot_ports::{Button, Rsvp, Screen, Text, TextArg, UserQuery};

use crate::callback::Callback;
use crate::error::UseCaseError;
use crate::services::Services;

/// What one tick sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RsvpReport {
    /// People invited in this tick.
    pub invited: Vec<UserId>,
    /// People reminded in this tick.
    pub reminded: Vec<UserId>,
}

/// The group meeting in force, if there is one.
pub async fn definition(s: &Services) -> Result<Option<GroupMeeting>, UseCaseError> {
    Ok(s.settings().await?.group_meeting)
}

/// Whether a person is invited: an approved member (manager or owner) who
/// is ACTIVE and subscribed.
fn is_invited(user: &User) -> bool {
    matches!(user.role, Role::Manager | Role::Owner) && user.is_reachable()
}

/// Everybody who is invited.
async fn invitees(s: &Services) -> Result<Vec<User>, UseCaseError> {
    Ok(s.store
        .users(UserQuery::default())
        .await?
        .into_iter()
        .filter(is_invited)
        .collect())
}

/// The start of the done-once keys of the invitations to an occurrence
/// (one key per person invited, so counting them counts the invited).
pub fn invitation_prefix(occurrence_key: &str) -> String {
    format!("rsvp:invite:{occurrence_key}:")
}

/// Sends the invitations and reminders due at `now`.
pub async fn tick(s: &Services, now: DateTime<Utc>) -> Result<RsvpReport, UseCaseError> {
    let mut report = RsvpReport::default();
    let Some(group) = definition(s).await? else {
        return Ok(report);
    };
    let due = group.due(now);
    let occurrence = due.occurrence;
    if due.invitation.is_some() {
        for user in invitees(s).await? {
            let key = format!("{}{}", invitation_prefix(&occurrence.key()), user.id);
            if s.store.record_once(&key, now).await? {
                s.tell(&user, &invitation_screen(&group, occurrence, &user))
                    .await;
                report.invited.push(user.id);
            }
        }
    }
    if let Some(fired) = due.reminder {
        for answer in s.store.rsvps(&occurrence.key()).await? {
            if answer.answer != RsvpAnswer::Yes {
                continue;
            }
            let Some(user) = s.store.user(answer.user).await?.filter(User::is_reachable) else {
                continue;
            };
            let key = format!(
                "rsvp:remind:{}:{}:{}",
                occurrence.key(),
                fired.timestamp(),
                user.id
            );
            if s.store.record_once(&key, now).await? {
                s.tell(&user, &reminder_screen(&group, occurrence, &user))
                    .await;
                report.reminded.push(user.id);
            }
        }
    }
    Ok(report)
}

/// When [`tick`] next has something to do after `now`, so the app can sleep until then.
pub async fn next_tick(
    s: &Services,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, UseCaseError> {
    Ok(definition(s).await?.and_then(|g| g.next_firing(now)))
}

/// A member answers the invitation to the occurrence on `date`. The answer
/// replaces an earlier one; after the start it is refused.
pub async fn answer(
    s: &Services,
    actor: UserId,
    date: NaiveDate,
    answer: RsvpAnswer,
) -> Result<Occurrence, UseCaseError> {
    let user = s.actor(actor, Action::AnswerInvitation).await?;
    let group = definition(s)
        .await?
        .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
    let occurrence = group
        .occurrence_on(date)
        .ok_or(UseCaseError::Invalid("error-stale-button"))?;
    let now = s.clock.now();
    if now >= occurrence.start {
        return Err(UseCaseError::Invalid("rsvp-closed"));
    }
    s.store
        .save_rsvp(&Rsvp {
            occurrence: occurrence.key(),
            user: user.id,
            answer,
            at: now,
        })
        .await?;
    Ok(occurrence)
}

/// Who comes to the next occurrence: names of yes, no, and no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadCount {
    /// The occurrence.
    pub occurrence: Occurrence,
    /// Said yes (latest answer).
    pub yes: Vec<User>,
    /// Said no (latest answer).
    pub no: Vec<User>,
    /// Invited members who have not answered.
    pub silent: Vec<User>,
}

/// The head-count of the next occurrence (owner).
pub async fn head_count(s: &Services, actor: UserId) -> Result<HeadCount, UseCaseError> {
    s.actor(actor, Action::ViewStatistics).await?;
    let group = definition(s)
        .await?
        .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
    let occurrence = group.occurrence_after(s.clock.now());
    let answers = s.store.rsvps(&occurrence.key()).await?;
    // One list of everybody serves both the answers' names and the silent.
    let users = s.store.users(UserQuery::default()).await?;
    let mut count = HeadCount {
        occurrence,
        yes: Vec::new(),
        no: Vec::new(),
        silent: Vec::new(),
    };
    for answer in &answers {
        if let Some(user) = users.iter().find(|u| u.id == answer.user) {
            match answer.answer {
                RsvpAnswer::Yes => count.yes.push(user.clone()),
                RsvpAnswer::No => count.no.push(user.clone()),
            }
        }
    }
    count.silent = users
        .into_iter()
        .filter(|u| is_invited(u) && !answers.iter().any(|a| a.user == u.id))
        .collect();
    Ok(count)
}

fn when(occurrence: Occurrence, reader: &User) -> TextArg {
    TextArg::Time {
        at: occurrence.start,
        zone: reader.zone,
    }
}

/// The invitation, with Yes and No.
pub fn invitation_screen(group: &GroupMeeting, occurrence: Occurrence, reader: &User) -> Screen {
    with_link(
        group,
        Screen::text(
            Text::new("rsvp-invitation")
                .plain("title", group.title())
                .arg("when", when(occurrence, reader))
                .arg("minutes", TextArg::Number(i64::from(group.minutes()))),
        ),
    )
    .row(answer_buttons(occurrence.date))
}

/// A screen about the group meeting, with its link when it has one.
fn with_link(group: &GroupMeeting, screen: Screen) -> Screen {
    match group.link() {
        Some(link) => screen.then(Text::new("video-link").plain("link", link)),
        None => screen,
    }
}

fn answer_buttons(date: NaiveDate) -> Vec<Button> {
    vec![
        crate::screens::button("button-rsvp-yes", Callback::Rsvp(date, RsvpAnswer::Yes)),
        crate::screens::button("button-rsvp-no", Callback::Rsvp(date, RsvpAnswer::No)),
    ]
}

/// The reminder to those who said yes; they can still change their mind.
pub fn reminder_screen(group: &GroupMeeting, occurrence: Occurrence, reader: &User) -> Screen {
    with_link(
        group,
        Screen::text(
            Text::new("rsvp-reminder")
                .plain("title", group.title())
                .arg("when", when(occurrence, reader)),
        ),
    )
    .row(vec![crate::screens::button(
        "button-rsvp-no",
        Callback::Rsvp(occurrence.date, RsvpAnswer::No),
    )])
}

/// The answer is recorded; the buttons stay so it can be changed.
pub fn answered_screen(
    group: &GroupMeeting,
    occurrence: Occurrence,
    answer: RsvpAnswer,
    reader: &User,
) -> Screen {
    let key = match answer {
        RsvpAnswer::Yes => "rsvp-answered-yes",
        RsvpAnswer::No => "rsvp-answered-no",
    };
    Screen::text(
        Text::new(key)
            .plain("title", group.title())
            .arg("when", when(occurrence, reader)),
    )
    .row(answer_buttons(occurrence.date))
}

fn names(users: &[User]) -> String {
    if users.is_empty() {
        return "—".to_owned();
    }
    users
        .iter()
        .map(|u| u.name.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The owner's head-count.
pub fn head_count_screen(group: &GroupMeeting, count: &HeadCount, reader: &User) -> Screen {
    Screen::text(
        Text::new("rsvp-head-count")
            .plain("title", group.title())
            .arg("when", when(count.occurrence, reader))
            .arg("yes_count", TextArg::Number(count.yes.len() as i64))
            .plain("yes", names(&count.yes))
            .arg("no_count", TextArg::Number(count.no.len() as i64))
            .plain("no", names(&count.no))
            .arg("silent_count", TextArg::Number(count.silent.len() as i64))
            .plain("silent", names(&count.silent)),
    )
}
