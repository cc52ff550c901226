//! `doctor`: the checks that need only the ports, shared by `meetbot
//! doctor` on the server and the owner's `/doctor` in the chat.
//!
//! Each check gives findings, each with a priority, a message and, when a
//! person can do something about it, a fix. The checks only read: doctor
//! never changes anything, so it is safe to run against a live bot.

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{Interval, MeetingStatus, Role, User};
use meetbot_ports::{
    Calendar, CalendarAccess, MeetingQuery, Screen, Store, Text, TextArg, UserQuery,
};

use crate::calendar_sync;
use crate::error::UseCaseError;

/// A write waiting longer than this in an outbox means people are not
/// being told, or the calendar not written, as they should be.
pub const OUTBOX_AGE_LIMIT: Duration = Duration::minutes(10);

/// A reminder sent, or still unsent, this long after it fell due is late.
pub const REMINDER_LATENESS_LIMIT: Duration = Duration::minutes(5);

/// How far back the reminders are looked at.
pub const REMINDER_WINDOW: Duration = Duration::days(1);

/// How far ahead meetings count as upcoming.
pub const UPCOMING_WINDOW: Duration = Duration::days(365);

/// How bad a finding is; the most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// The bot cannot serve.
    P0,
    /// People are affected.
    P1,
    /// A feature is degraded.
    P2,
    /// Information only.
    P3,
}

impl Priority {
    /// The name shown: `P0` ... `P3`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::P0 => "P0",
            Self::P1 => "P1",
            Self::P2 => "P2",
            Self::P3 => "P3",
        }
    }

    /// The exit code of `meetbot doctor` when this is the worst finding:
    /// 3 for P0 down to 0 for information only, so that a deploy can be
    /// gated on it.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::P0 => 3,
            Self::P1 => 2,
            Self::P2 => 1,
            Self::P3 => 0,
        }
    }
}

/// One thing doctor found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// How bad it is.
    pub priority: Priority,
    /// The check that found it, a stable name such as `calendar`.
    pub check: &'static str,
    /// What was found.
    pub message: Text,
    /// What a person most likely has to do; `None` for information.
    pub fix: Option<Text>,
}

impl Finding {
    fn new(priority: Priority, check: &'static str, message: Text, fix: Option<Text>) -> Self {
        Self {
            priority,
            check,
            message,
            fix,
        }
    }
}

/// The exit code for `findings`: that of the worst, 0 when there is none.
pub fn exit_code(findings: &[Finding]) -> u8 {
    findings
        .iter()
        .map(|f| f.priority)
        .min()
        .map_or(0, Priority::exit_code)
}

/// Every check that needs only the ports, at `now`, the worst first.
pub async fn inside(
    store: &dyn Store,
    calendar: &dyn Calendar,
    now: DateTime<Utc>,
) -> Result<Vec<Finding>, UseCaseError> {
    let mut findings = calendar_check(store, calendar).await?;
    findings.extend(backlog_check(store, now).await?);
    findings.extend(unreachable_check(store).await?);
    findings.extend(counts(store, now).await?);
    findings.sort_by_key(|f| f.priority);
    Ok(findings)
}

/// P1 when the calendar refuses our credentials, is not found, or does
/// not answer, or when the sync is paused because it did.
pub async fn calendar_check(
    store: &dyn Store,
    calendar: &dyn Calendar,
) -> Result<Vec<Finding>, UseCaseError> {
    let about = calendar.about();
    if about.access == CalendarAccess::Builtin {
        return Ok(Vec::new());
    }
    let paused = calendar_sync::stored_auth_failure(store).await?;
    let probe = calendar.probe().await;
    let finding = match (paused, probe) {
        // The probe passes, yet writes were refused: the sync stays paused
        // until a write succeeds, so the refusal is what matters.
        (Some(failure), Ok(())) => Finding::new(
            Priority::P1,
            "calendar",
            Text::new("doctor-calendar-paused")
                .plain("calendar", &about.name)
                .plain("since", failure.since.format("%Y-%m-%d %H:%M UTC"))
                .plain("error", &failure.error),
            Some(calendar_sync::likely_fix(&about, &failure.as_error())),
        ),
        (_, Err(error)) if error.is_permanent() => Finding::new(
            Priority::P1,
            "calendar",
            Text::new("doctor-calendar-refused")
                .plain("calendar", &about.name)
                .plain("error", &error),
            Some(calendar_sync::likely_fix(&about, &error)),
        ),
        (_, Err(error)) => Finding::new(
            Priority::P1,
            "calendar",
            Text::new("doctor-calendar-unreachable")
                .plain("calendar", &about.name)
                .plain("error", &error),
            Some(Text::new("doctor-calendar-unreachable-fix")),
        ),
        (None, Ok(())) => return Ok(Vec::new()),
    };
    Ok(vec![finding])
}

/// P1 for writes held in an outbox longer than [`OUTBOX_AGE_LIMIT`], and
/// for reminders of the last day that failed, were missed or are late.
pub async fn backlog_check(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Vec<Finding>, UseCaseError> {
    let backlog = store
        .backlog(now - REMINDER_WINDOW, now, REMINDER_LATENESS_LIMIT)
        .await?;
    let mut findings = Vec::new();
    let minutes_since = |at: DateTime<Utc>| (now - at).num_minutes();
    if let Some(oldest) = backlog.oldest_message
        && now - oldest > OUTBOX_AGE_LIMIT
    {
        findings.push(Finding::new(
            Priority::P1,
            "outbox",
            Text::new("doctor-outbox-messages")
                .arg("count", number(backlog.queued_messages))
                .arg("minutes", number(minutes_since(oldest))),
            Some(Text::new("doctor-outbox-messages-fix")),
        ));
    }
    if let Some(oldest) = backlog.oldest_calendar_job
        && now - oldest > OUTBOX_AGE_LIMIT
    {
        findings.push(Finding::new(
            Priority::P1,
            "outbox",
            Text::new("doctor-outbox-calendar")
                .arg("count", number(backlog.calendar_jobs))
                .arg("minutes", number(minutes_since(oldest))),
            Some(Text::new("doctor-outbox-calendar-fix")),
        ));
    }
    let troubled = backlog.reminders_failed + backlog.reminders_missed + backlog.reminders_late;
    if troubled > 0 {
        findings.push(Finding::new(
            Priority::P1,
            "reminders",
            Text::new("doctor-reminders")
                .arg("failed", number(backlog.reminders_failed))
                .arg("missed", number(backlog.reminders_missed))
                .arg("late", number(backlog.reminders_late)),
            Some(Text::new("doctor-reminders-fix")),
        ));
    }
    Ok(findings)
}

/// P2 for the people who blocked the bot: nothing reaches them.
pub async fn unreachable_check(store: &dyn Store) -> Result<Vec<Finding>, UseCaseError> {
    let users = store.users(UserQuery::default()).await?;
    let unreachable: Vec<&User> = users
        .iter()
        .filter(|u| u.unreachable_since.is_some())
        .collect();
    if unreachable.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = unreachable.iter().map(|u| u.name.to_string()).collect();
    Ok(vec![Finding::new(
        Priority::P2,
        "users",
        Text::new("doctor-unreachable")
            .arg("count", number(unreachable.len()))
            .plain("names", names.join(", ")),
        Some(Text::new("doctor-unreachable-fix")),
    )])
}

/// P3: how many people of each role, and the meetings ahead.
pub async fn counts(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<Finding>, UseCaseError> {
    let users = store.users(UserQuery::default()).await?;
    let with_role = |role: Role| number(users.iter().filter(|u| u.role == role).count());
    let upcoming = match Interval::new(now, now + UPCOMING_WINDOW) {
        Ok(ahead) => store
            .meetings(MeetingQuery {
                statuses: vec![MeetingStatus::Scheduled],
                overlapping: Some(ahead),
                ..MeetingQuery::default()
            })
            .await?
            .len(),
        // Only at the very end of representable time; nothing is ahead then.
        Err(_) => 0,
    };
    Ok(vec![
        Finding::new(
            Priority::P3,
            "counts",
            Text::new("doctor-users")
                .arg("owners", with_role(Role::Owner))
                .arg("managers", with_role(Role::Manager))
                .arg("pending", with_role(Role::Pending)),
            None,
        ),
        Finding::new(
            Priority::P3,
            "counts",
            Text::new("doctor-meetings").arg("count", number(upcoming)),
            None,
        ),
    ])
}

/// The owner's `/doctor`: the findings, worst first, each on its line with
/// its fix; a note that the server-side checks are `meetbot doctor`'s.
pub fn screen(findings: &[Finding]) -> Screen {
    let mut screen = Screen::text(Text::new("doctor-title"));
    if !findings.iter().any(|f| f.priority < Priority::P3) {
        screen = screen.then(Text::new("doctor-all-good"));
    }
    for finding in findings {
        let line = Text::new("doctor-finding")
            .plain("priority", finding.priority.as_str())
            .plain("check", finding.check)
            .text("message", finding.message.clone());
        screen = screen.then(match &finding.fix {
            Some(fix) => Text::new("doctor-finding-fix")
                .text("finding", line)
                .text("fix", fix.clone()),
            None => line,
        });
    }
    screen.then(Text::new("doctor-server-checks"))
}

/// A count as a message argument, so that plural rules apply to it.
fn number(n: impl TryInto<i64>) -> TextArg {
    TextArg::Number(n.try_into().unwrap_or(i64::MAX))
}
