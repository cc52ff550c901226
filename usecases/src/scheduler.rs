//! The loops that make things happen on time: reminders, meeting
//! completion and feedback requests, the cadence nudges and digest, the
//! weekly group meeting's invitations and reminders, and the calendar
//! outbox's drain.
//!
//! Every rule lives in the other use cases (and the domain); this module only
//! decides when to call them. Each use case is safe to call again and from
//! several instances at once (claims with leases, a done-once ledger), so
//! the loops never need to coordinate: a restart, a late wake-up or a second
//! instance cannot double a message.
//!
//! Time is read from the `Clock` port. tokio's timer does the sleeping (so
//! tests can pause it) and a cancellation token stops the loops: the only
//! use of tokio in the use cases.

use std::time::Duration;

use chrono::{DateTime, Utc};
use meetbot_domain::next_cadence_run;
use tokio_util::sync::CancellationToken;

use crate::reminders::{self, Dispatch};
use crate::services::Services;
use crate::{cadence, calendar_sync, feedback, rsvp};

/// How often and how long the loops wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// How reminders are claimed and retried.
    pub dispatch: Dispatch,
    /// The reminder dispatcher sleeps until the next reminder falls due,
    /// but never longer than this: another instance (or a booking made
    /// meanwhile) may have added an earlier one.
    pub longest_sleep: Duration,
    /// How often ended meetings are completed and feedback requested.
    pub after_meetings_every: Duration,
    /// The cadence run happens at 09:00 in the owner's zone; it is checked
    /// at least this often so a changed zone or a late start is noticed.
    pub cadence_longest_sleep: Duration,
    /// The group meeting loop sleeps until its next cron firing, but never
    /// longer than this, so the owner's changes to it are picked up.
    pub group_longest_sleep: Duration,
    /// How long a loop waits after the store failed before trying again.
    pub after_failure: Duration,
    /// How often the calendar outbox is drained.
    pub outbox_every: Duration,
}

impl Default for SchedulerConfig {
    /// Sleeps of at most 30 s for reminders, a minute for completion and
    /// feedback, an hour for the cadence, five minutes for the group meeting;
    /// the calendar outbox drained every five seconds.
    fn default() -> Self {
        Self {
            dispatch: Dispatch::default(),
            longest_sleep: Duration::from_secs(30),
            after_meetings_every: Duration::from_secs(60),
            cadence_longest_sleep: Duration::from_secs(3600),
            group_longest_sleep: Duration::from_secs(300),
            after_failure: Duration::from_secs(5),
            outbox_every: Duration::from_secs(5),
        }
    }
}

/// Runs every loop but the calendar outbox's (see
/// [`drain_calendar_outbox`]) until `shutdown` is cancelled.
pub async fn run(services: Services, config: SchedulerConfig, shutdown: CancellationToken) {
    tracing::info!("scheduler started: reminders, meeting completion, cadence, group meeting");
    tokio::join!(
        dispatch_reminders(services.clone(), config, shutdown.clone()),
        after_meetings(services.clone(), config, shutdown.clone()),
        cadence_loop(services.clone(), config, shutdown.clone()),
        group_meeting_loop(services, config, shutdown),
    );
}

/// Sleeps for `wait`, or returns `false` at once when shutdown is requested.
async fn pause(wait: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        () = shutdown.cancelled() => false,
        () = tokio::time::sleep(wait) => true,
    }
}

/// The time from the clock's now until `at`, zero when it has passed, at most `cap`.
fn until(services: &Services, at: DateTime<Utc>, cap: Duration) -> Duration {
    (at - services.clock.now())
        .to_std()
        .unwrap_or(Duration::ZERO)
        .min(cap)
}

/// The reminder dispatcher: sends what is due, then sleeps until the next
/// reminder falls due (at most [`SchedulerConfig::longest_sleep`]) — no
/// polling every second.
pub async fn dispatch_reminders(
    services: Services,
    config: SchedulerConfig,
    shutdown: CancellationToken,
) {
    while !shutdown.is_cancelled() {
        let now = services.clock.now();
        let wait = match reminders::send_due_with(&services, now, &config.dispatch).await {
            Ok(report) => {
                if report.claimed > 0 {
                    tracing::info!(?report, "reminders dispatched");
                }
                if report.was_full(&config.dispatch) || report.cut_short {
                    // More may be due right now.
                    Duration::ZERO
                } else {
                    match services.store.next_reminder_at().await {
                        Ok(Some(at)) => until(&services, at, config.longest_sleep),
                        Ok(None) => config.longest_sleep,
                        Err(error) => {
                            tracing::warn!(%error, "could not read when the next reminder is due");
                            config.after_failure
                        }
                    }
                    // Never spin: a reminder due "now" that the claim just
                    // missed is picked up a moment later.
                    .max(Duration::from_millis(10))
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not dispatch reminders");
                config.after_failure
            }
        };
        if wait.is_zero() {
            tokio::task::yield_now().await;
        } else if !pause(wait, &shutdown).await {
            return;
        }
    }
}

/// Completes ended meetings and asks for feedback two hours after the end.
pub async fn after_meetings(
    services: Services,
    config: SchedulerConfig,
    shutdown: CancellationToken,
) {
    loop {
        match feedback::complete_and_ask(&services, services.clock.now()).await {
            Ok(report) if !report.completed.is_empty() || !report.asked.is_empty() => {
                tracing::info!(?report, "meetings completed, feedback requested");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not complete meetings or ask for feedback"),
        }
        if !pause(config.after_meetings_every, &shutdown).await {
            return;
        }
    }
}

/// The cadence: nudges and the owner's digest at 09:00 in the owner's zone.
/// It also runs at start-up, so a bot that was down at 09:00 catches up.
pub async fn cadence_loop(
    services: Services,
    config: SchedulerConfig,
    shutdown: CancellationToken,
) {
    loop {
        let now = services.clock.now();
        let wait = match cadence::run(&services, now).await {
            Ok(report) => {
                if !report.nudged.is_empty() || !report.digest.is_empty() {
                    tracing::info!(?report, "cadence nudges and digest sent");
                }
                // An unreadable zone is read again after the longest sleep.
                let zone = services
                    .settings()
                    .await
                    .ok()
                    .map(|s| s.availability.zone());
                match zone.and_then(|zone| next_cadence_run(now, zone)) {
                    Some(at) => until(&services, at, config.cadence_longest_sleep),
                    None => config.cadence_longest_sleep,
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not run the cadence");
                config.after_failure
            }
        };
        if !pause(wait.max(Duration::from_secs(1)), &shutdown).await {
            return;
        }
    }
}

/// The group meeting: invitations and reminders when their cron fires.
pub async fn group_meeting_loop(
    services: Services,
    config: SchedulerConfig,
    shutdown: CancellationToken,
) {
    loop {
        let now = services.clock.now();
        let wait = match rsvp::tick(&services, now).await {
            Ok(report) => {
                if !report.invited.is_empty() || !report.reminded.is_empty() {
                    tracing::info!(?report, "group meeting invitations and reminders sent");
                }
                match rsvp::next_tick(&services, now).await {
                    Ok(Some(at)) => until(&services, at, config.group_longest_sleep),
                    Ok(None) => config.group_longest_sleep,
                    Err(error) => {
                        tracing::warn!(%error, "could not read the group meeting");
                        config.after_failure
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not send the group meeting's messages");
                config.after_failure
            }
        };
        if !pause(wait.max(Duration::from_millis(100)), &shutdown).await {
            return;
        }
    }
}

/// Drains the calendar outbox every [`SchedulerConfig::outbox_every`] until
/// shutdown. The drain itself backs off failing jobs and pauses on refused
/// credentials; this loop only keeps calling it.
pub async fn drain_calendar_outbox(
    services: Services,
    config: SchedulerConfig,
    shutdown: CancellationToken,
) {
    loop {
        match calendar_sync::drain_once(&services, services.clock.now()).await {
            Ok(report) if report != calendar_sync::DrainReport::default() => {
                tracing::debug!(?report, "calendar outbox drained");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not drain the calendar outbox"),
        }
        if !pause(config.outbox_every, &shutdown).await {
            return;
        }
    }
}
