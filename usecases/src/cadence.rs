//! The meeting cadence: managers with nothing booked are nudged 7, 3 and
//! 1 days before their next meeting is due, and the owners get one digest a
//! day of the managers who are overdue. Both go out from 09:00 in the
//! owner's zone.
//!
//! [`run`] may be called as often as the app likes (and by several
//! instances at once): each nudge and each digest is recorded in the
//! store's done-once ledger before it is sent, so it goes out once at most.
//! Calling it after 09:00 on a day the bot was down at 09:00 still sends
//! that day's messages.

use chrono::{DateTime, NaiveDate, Utc};
use meetbot_domain::{CadenceState, MeetingStatus, Role, User, UserId, cadence_is_due};
use meetbot_ports::{MeetingQuery, Screen, Text, TextArg, UserQuery};

use crate::callback::Callback;
use crate::chat::Command;
use crate::error::UseCaseError;
use crate::screens::button;
use crate::services::Services;

/// The hour (in the owner's zone) from which nudges and the digest go out.
pub use meetbot_domain::cadence::SEND_FROM_HOUR;

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CadenceReport {
    /// Managers nudged in this run.
    pub nudged: Vec<UserId>,
    /// Overdue managers listed in the digest sent in this run (empty when
    /// no digest went out, or one went out earlier today).
    pub digest: Vec<UserId>,
}

/// A manager past their due date, for the digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overdue {
    /// The manager.
    pub user: User,
    /// Days past the due date.
    pub days_over: u32,
}

/// Sends what the cadence asks for at `now` (nothing before 09:00 in the
/// owner's zone). Only ACTIVE, subscribed managers are considered.
pub async fn run(s: &Services, now: DateTime<Utc>) -> Result<CadenceReport, UseCaseError> {
    let settings = s.settings().await?;
    let zone = settings.availability.zone();
    let local = zone.local(now);
    let mut report = CadenceReport::default();
    if !cadence_is_due(now, zone) {
        return Ok(report);
    }
    let today = local.date();
    let managers = s
        .store
        .users(UserQuery {
            role: Some(Role::Manager),
        })
        .await?;
    let mut overdue = Vec::new();
    for manager in managers.into_iter().filter(User::is_reachable) {
        let meetings = s
            .store
            .meetings(MeetingQuery {
                booker: Some(manager.id),
                statuses: vec![MeetingStatus::Scheduled, MeetingStatus::Completed],
                overlapping: None,
            })
            .await?;
        let last_held = meetings
            .iter()
            .filter(|m| m.status == MeetingStatus::Completed)
            .map(|m| zone.date_of(m.interval.start()))
            .max();
        // A meeting under way counts as booked until it is completed.
        let booked = meetings
            .iter()
            .any(|m| m.status == MeetingStatus::Scheduled && m.interval.end() > now);
        let joined = zone.date_of(manager.registered_at);
        match settings.cadence.state(today, last_held, joined, booked) {
            CadenceState::Nudge { due, days_left } => {
                let key = format!("cadence:nudge:{}:{due}:{days_left}", manager.id);
                if s.store.record_once(&key, now).await? {
                    s.tell(&manager, &nudge_screen(due, days_left)).await;
                    report.nudged.push(manager.id);
                }
            }
            CadenceState::Overdue { days_over, .. } => overdue.push(Overdue {
                user: manager,
                days_over,
            }),
            CadenceState::Booked | CadenceState::OnTrack { .. } => {}
        }
    }
    if !overdue.is_empty() && s.store.record_once(&digest_key(today), now).await? {
        s.tell_owners(|_| digest_screen(&overdue), None).await?;
        report.digest = overdue.iter().map(|o| o.user.id).collect();
    }
    Ok(report)
}

fn digest_key(today: NaiveDate) -> String {
    format!("cadence:digest:{today}")
}

/// To a manager: the next meeting is due in `days_left` days; book now.
pub fn nudge_screen(due: NaiveDate, days_left: u32) -> Screen {
    Screen::text(
        Text::new("cadence-nudge")
            .arg("days", TextArg::Number(i64::from(days_left)))
            .arg("due", TextArg::Date(due)),
    )
    .row(vec![button("menu-book", Callback::Command(Command::Book))])
}

/// To the owners: the managers past their due date, most overdue first.
pub fn digest_screen(overdue: &[Overdue]) -> Screen {
    let mut sorted: Vec<&Overdue> = overdue.iter().collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.days_over));
    let mut screen = Screen::text(
        Text::new("cadence-digest").arg("count", TextArg::Number(sorted.len() as i64)),
    );
    for item in sorted {
        screen = screen.then(
            Text::new("cadence-digest-line")
                .plain("name", &item.user.name)
                .arg("days", TextArg::Number(i64::from(item.days_over))),
        );
    }
    screen
}
