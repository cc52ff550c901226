//! Calendar sync: draining the outbox of calendar writes, and the calendar's
//! health.
//!
//! A booking is committed to the store first, with an `Upsert` job in the
//! same atomic step (a cancellation queues a `Cancel` job), so a calendar
//! outage never loses or blocks a booking. [`drain_once`] carries the due
//! jobs out; the app calls it in a loop. A passing failure is retried with
//! exponential backoff and full jitter. An authorisation failure (revoked
//! grant, expired key, 401/403) is something only a person can fix, so the
//! sync pauses: it records a flag in the store, tells the owners once what
//! broke and how to fix it, and from then on tries a single job per drain
//! until the calendar accepts writes again.

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::{Language, Meeting, MeetingId, Settings, User};
use meetbot_ports::{
    CalendarAbout, CalendarAccess, CalendarError, CalendarEvent, CalendarJob, CalendarJobKind,
    EventKey, InstallIds, Screen, Store, StoreError, Text,
};
use rand::{Rng, SeedableRng as _};
use serde::{Deserialize, Serialize};

use crate::error::UseCaseError;
use crate::screens::meeting_text;
use crate::services::Services;

/// The store key of the flag set while the calendar refuses our credentials.
pub const AUTH_FAILED_KEY: &str = "calendar.auth_failed";

/// How long a claimed job stays ours: long enough for one slow calendar
/// call, short enough that a crash delays the write by a minute only.
pub const LEASE: Duration = Duration::seconds(60);

/// How many jobs one drain claims.
pub const BATCH: u32 = 50;

/// The first retry waits up to this long.
pub const BACKOFF_BASE: Duration = Duration::seconds(10);

/// No retry waits longer than this.
pub const BACKOFF_CAP: Duration = Duration::hours(1);

/// What one drain did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Events written (created or moved).
    pub written: u32,
    /// Events removed, or found already gone.
    pub cancelled: u32,
    /// Jobs with nothing left to do (their meeting was cancelled or moved
    /// before its event was written, or no longer exists).
    pub skipped: u32,
    /// Jobs put back to be tried later.
    pub retried: u32,
    /// Whether the calendar refuses our credentials after this drain.
    pub paused: bool,
}

/// What the owner is told and `/health` shows while the calendar refuses
/// our credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthFailure {
    /// When the calendar first refused.
    pub since: DateTime<Utc>,
    /// What the calendar said.
    pub error: String,
    /// The calendar (not an event) was not found, rather than refusing us.
    #[serde(default)]
    pub missing: bool,
}

impl AuthFailure {
    /// The failure as the calendar's error.
    pub fn as_error(&self) -> CalendarError {
        if self.missing {
            CalendarError::NotFound
        } else {
            CalendarError::Unauthorised(self.error.clone())
        }
    }
}

/// The calendar's state for `/health` and `doctor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarHealth {
    /// The failure that paused the sync, if it is paused.
    pub auth_failure: Option<AuthFailure>,
    /// What the probe said just now: `Ok` or the error.
    pub probe: Result<(), CalendarError>,
}

impl CalendarHealth {
    /// Whether the calendar works: reachable and not paused.
    pub fn is_ok(&self) -> bool {
        self.auth_failure.is_none() && self.probe.is_ok()
    }

    /// What a person most likely has to do, when only a person can end
    /// the failure (see [`likely_fix`]).
    pub fn fix(&self, about: &CalendarAbout) -> Option<Text> {
        let error = match (&self.auth_failure, &self.probe) {
            (Some(failure), _) => failure.as_error(),
            (None, Err(error)) if error.is_permanent() => error.clone(),
            (None, _) => return None,
        };
        Some(likely_fix(about, &error))
    }
}

/// The delay before retry number `attempts + 1`: a random duration between
/// zero and `min(cap, base · 2^attempts)` ("full jitter"). Spreading the
/// retries over the whole window keeps many jobs that failed together (one
/// outage) from hitting the calendar together again when it comes back.
pub fn backoff_delay(attempts: u32, base: Duration, cap: Duration, rng: &mut impl Rng) -> Duration {
    // 2^20 · 10 s is far beyond any sensible cap; stopping there avoids overflow.
    let factor = 1i64 << attempts.min(20);
    let ceiling = base
        .num_milliseconds()
        .saturating_mul(factor)
        .min(cap.num_milliseconds())
        .max(0);
    Duration::milliseconds(rng.random_range(0..=ceiling))
}

/// Carries out the calendar jobs due at `now`, each at most once.
///
/// Returns what was done. A job whose calendar call fails is put back with
/// a later `not_before`; a store failure stops the drain (the job's lease
/// runs out and it is claimed again later).
pub async fn drain_once(s: &Services, now: DateTime<Utc>) -> Result<DrainReport, UseCaseError> {
    let jobs = s.store.claim_calendar_jobs(now, LEASE, BATCH).await?;
    let mut report = DrainReport::default();
    let mut paused = auth_failure(s).await?.is_some();
    // While paused, one job per drain asks the calendar whether it accepts
    // our credentials again; the others wait without burning a request.
    let mut asked_while_paused = false;
    // A seeded generator rather than the thread-local one, which is not
    // `Send`: the drain runs in a spawned task that may move between threads.
    let mut rng = rand::rngs::StdRng::from_rng(&mut rand::rng());

    for job in jobs {
        let Some(work) = work_for(s, &job).await? else {
            // Nothing to ask the calendar, so nothing to wait for either.
            s.store.finish_calendar_job(job.id).await?;
            report.skipped += 1;
            continue;
        };
        if paused && asked_while_paused {
            let delay = backoff_delay(job.attempts, BACKOFF_BASE, BACKOFF_CAP, &mut rng);
            s.store
                .retry_calendar_job(job.id, now + delay, "paused: calendar access is refused")
                .await?;
            report.retried += 1;
            continue;
        }
        asked_while_paused = paused;

        match perform(s, work).await {
            Ok(done) => {
                s.store.finish_calendar_job(job.id).await?;
                // What the calendar said about busy time is older than this write.
                s.busy_reads.forget();
                match done {
                    Done::Written {
                        meeting,
                        video_link,
                    } => {
                        report.written += 1;
                        if let Some(link) = video_link {
                            keep_video_link(s, meeting, &link).await?;
                        }
                    }
                    Done::Cancelled => report.cancelled += 1,
                }
                // The calendar answered a write: access works again.
                if paused {
                    paused = false;
                    restore(s).await?;
                }
            }
            Err(error) => {
                let delay = backoff_delay(job.attempts, BACKOFF_BASE, BACKOFF_CAP, &mut rng);
                s.store
                    .retry_calendar_job(job.id, now + delay, &error.to_string())
                    .await?;
                report.retried += 1;
                if error.is_permanent() {
                    if !paused {
                        pause(s, now, &error).await?;
                    }
                    paused = true;
                    asked_while_paused = true;
                } else {
                    tracing::warn!(job = job.id.0, meeting = %job.meeting_id, attempts = job.attempts + 1, %error, "calendar write failed; retrying later");
                }
            }
        }
    }
    report.paused = paused;
    Ok(report)
}

/// What a job asks of the calendar.
enum Work {
    /// Write this event.
    Upsert(CalendarEvent),
    /// Remove this event.
    Cancel(EventKey),
}

/// What a carried-out job did.
enum Done {
    /// The event of `meeting` is in the calendar, with the video link the
    /// calendar made for it, if any.
    Written {
        meeting: MeetingId,
        video_link: Option<String>,
    },
    Cancelled,
}

/// What the calendar must do for a job; `None` when nothing is left to do
/// (the meeting is gone, or was cancelled or moved before its event was
/// written).
async fn work_for(s: &Services, job: &CalendarJob) -> Result<Option<Work>, UseCaseError> {
    match job.kind {
        CalendarJobKind::Upsert => {
            let Some(meeting) = s.store.meeting(job.meeting_id).await? else {
                tracing::warn!(meeting = %job.meeting_id, "calendar job for an unknown meeting dropped");
                return Ok(None);
            };
            // A meeting cancelled or moved before its event was written has
            // a Cancel job of its own; writing it now would leave an orphan
            // event if that Cancel job ran first.
            if meeting.is_called_off() {
                return Ok(None);
            }
            let booker = s.store.user(meeting.booker).await?;
            let host = s.host().await?;
            let settings = s.settings().await?;
            Ok(Some(Work::Upsert(calendar_event(
                s.install.key(meeting.id),
                &meeting,
                booker.as_ref(),
                host.as_ref(),
                &settings,
            ))))
        }
        CalendarJobKind::Cancel => Ok(Some(Work::Cancel(s.install.key(job.meeting_id)))),
    }
}

async fn perform(s: &Services, work: Work) -> Result<Done, CalendarError> {
    match work {
        Work::Upsert(event) => {
            s.calendar
                .upsert_event(&event)
                .await
                .map(|video_link| Done::Written {
                    meeting: event.key.meeting,
                    video_link,
                })
        }
        Work::Cancel(key) => match s.calendar.cancel_event(&key).await {
            // Nothing to remove is what a cancel wants.
            Ok(()) | Err(CalendarError::NotFound | CalendarError::Gone) => Ok(Done::Cancelled),
            Err(error) => Err(error),
        },
    }
}

/// Keeps the video link the calendar made for a meeting, and sends it to
/// the booker, who got the confirmation before the event was written. A
/// link already known (a retried write) is not sent again.
async fn keep_video_link(s: &Services, id: MeetingId, link: &str) -> Result<(), UseCaseError> {
    let Some(meeting) = s.store.meeting(id).await? else {
        return Ok(());
    };
    if meeting.video_link.as_deref() == Some(link) {
        return Ok(());
    }
    s.store.set_video_link(id, link).await?;
    if let Some(booker) = s.store.user(meeting.booker).await? {
        let text = meeting_text("meeting-video-link", &meeting, booker.zone).plain("link", link);
        s.tell(&booker, &Screen::text(text)).await;
    }
    Ok(())
}

/// The event of a meeting in the owner's calendar, named `key`, in the
/// owner's zone: see [`event_text`] for what it says, the booker invited
/// when their e-mail is known.
pub fn calendar_event(
    key: EventKey,
    meeting: &Meeting,
    booker: Option<&User>,
    host: Option<&User>,
    settings: &Settings,
) -> CalendarEvent {
    let type_name = type_name(settings, &meeting.meeting_type);
    let (title, description) = event_text(meeting, booker, host, CalendarOf::Owner, &type_name);
    CalendarEvent {
        key,
        interval: meeting.interval,
        zone: settings.availability.zone(),
        title,
        description,
        attendees: booker
            .and_then(|b| b.email.as_ref())
            .map(|e| vec![e.as_str().to_owned()])
            .unwrap_or_default(),
    }
}

/// Whose calendar a meeting's event is in: its title names the other side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarOf {
    /// The owner, who is booked.
    Owner,
    /// The person who booked.
    Booker,
}

/// The name of a meeting type as the owner set it; its code if the type
/// is gone from the settings.
pub fn type_name(settings: &Settings, code: &str) -> String {
    settings
        .meeting_type(code)
        .map_or(code, |t| t.name())
        .to_owned()
}

/// The title and description of a meeting's event as `reader` sees it:
/// titled with the other side's name in the reader's language; the topic
/// when there is one, the meeting type by name and, to the owner, the
/// booker's Telegram.
pub fn event_text(
    meeting: &Meeting,
    booker: Option<&User>,
    host: Option<&User>,
    reader: CalendarOf,
    type_name: &str,
) -> (String, String) {
    let (me, other) = match reader {
        CalendarOf::Owner => (
            host,
            Some(booker.map_or_else(|| format!("#{}", meeting.booker), |b| b.name.to_string())),
        ),
        CalendarOf::Booker => (booker, host.map(|h| h.name.to_string())),
    };
    let language = me.map_or(Language::Ru, |u| u.language);
    let (with, meeting_word, topic_label, type_label, via) = match language {
        Language::Ru => (
            "Встреча с",
            "Встреча",
            "Тема",
            "Тип",
            "Забронировано через meetbot",
        ),
        Language::En => (
            "Meeting with",
            "Meeting",
            "Topic",
            "Type",
            "Booked with meetbot",
        ),
    };
    let mut description = Vec::new();
    if let Some(topic) = &meeting.topic {
        description.push(format!("{topic_label}: {}", topic.as_str()));
    }
    description.push(format!("{type_label}: {type_name}"));
    if reader == CalendarOf::Owner
        && let Some(username) = booker.and_then(|b| b.username.as_deref())
    {
        description.push(format!("Telegram: @{username}"));
    }
    description.push(format!("{via} (#{})", meeting.id));
    let title = match other {
        Some(name) => format!("{with} {name}"),
        None => meeting_word.to_owned(),
    };
    (title, description.join("\n"))
}

/// The store key of this install's id (see [`InstallIds`]), made with the
/// database by a migration.
pub const INSTALL_ID_KEY: &str = "calendar.install_id";
/// The store key of the first meeting whose event is named with the install
/// id; older meetings keep the names their events were written under.
pub const FIRST_INSTALL_MEETING_KEY: &str = "calendar.first_install_meeting";

/// This install's part of its event names, as the database keeps it.
pub async fn install_ids(store: &dyn Store) -> Result<InstallIds, UseCaseError> {
    let broken = |what: String| UseCaseError::Store(StoreError::Unexpected(what));
    let install = store
        .value(INSTALL_ID_KEY)
        .await?
        .ok_or_else(|| broken(format!("the database has no {INSTALL_ID_KEY}")))?;
    let first = store
        .value(FIRST_INSTALL_MEETING_KEY)
        .await?
        .ok_or_else(|| broken(format!("the database has no {FIRST_INSTALL_MEETING_KEY}")))?;
    let first = first
        .parse()
        .map_err(|e| broken(format!("{FIRST_INSTALL_MEETING_KEY} {first:?}: {e}")))?;
    InstallIds::new(&install, MeetingId(first)).map_err(broken)
}

/// The failure that paused calendar sync, if it is paused.
pub async fn auth_failure(s: &Services) -> Result<Option<AuthFailure>, UseCaseError> {
    stored_auth_failure(s.store.as_ref()).await
}

/// The failure that paused calendar sync, as `store` keeps it.
pub async fn stored_auth_failure(store: &dyn Store) -> Result<Option<AuthFailure>, UseCaseError> {
    let value = store.value(AUTH_FAILED_KEY).await?;
    // The store cannot delete a value, so an empty one means "not paused".
    Ok(value.filter(|v| !v.is_empty()).map(|v| {
        serde_json::from_str(&v).unwrap_or(AuthFailure {
            since: DateTime::<Utc>::MIN_UTC,
            error: v,
            missing: false,
        })
    }))
}

/// The calendar refuses us or cannot be found, which only a person can
/// fix: the sync pauses (see the module documentation) and the owners are
/// told once, with the calendar's name and the likely fix. A failure while
/// paused already changes nothing.
pub async fn refused(
    s: &Services,
    now: DateTime<Utc>,
    error: &CalendarError,
) -> Result<(), UseCaseError> {
    if auth_failure(s).await?.is_some() {
        return Ok(());
    }
    pause(s, now, error).await
}

async fn pause(
    s: &Services,
    now: DateTime<Utc>,
    error: &CalendarError,
) -> Result<(), UseCaseError> {
    let failure = AuthFailure {
        since: now,
        error: error.to_string(),
        missing: error.is_missing(),
    };
    let json = serde_json::to_string(&failure)
        .map_err(|e| UseCaseError::Store(meetbot_ports::StoreError::Unexpected(e.to_string())))?;
    // The flag is written before the owners are told, so a crash between the
    // two loses the alert rather than repeating it on every drain.
    s.store.set_value(AUTH_FAILED_KEY, &json).await?;
    let about = s.calendar.about();
    tracing::error!(%error, calendar = %about.name, "the calendar refuses us or is not found; calendar sync paused and the owner alerted");
    s.tell_owners(|_| refused_screen(&about, error), None).await
}

async fn restore(s: &Services) -> Result<(), UseCaseError> {
    s.store.set_value(AUTH_FAILED_KEY, "").await?;
    tracing::info!("the calendar accepts our writes again; calendar sync resumed");
    s.tell_owners(|_| Screen::text(Text::new("calendar-auth-restored")), None)
        .await
}

/// To the owners: the calendar `about` refuses us or cannot be found.
/// `error` says what broke; `fix` how to mend it.
pub fn refused_screen(about: &CalendarAbout, error: &CalendarError) -> Screen {
    Screen::text(
        Text::new("calendar-auth-failed")
            .plain("calendar", &about.name)
            .plain("error", error)
            .text("fix", likely_fix(about, error)),
    )
}

/// What a person most likely has to do when `about` fails with `error`:
/// by how the bot gets in, and whether it was refused or found nothing.
pub fn likely_fix(about: &CalendarAbout, error: &CalendarError) -> Text {
    let key = match (&about.access, error.is_missing()) {
        (CalendarAccess::GoogleServiceAccount { account }, true) => {
            return Text::new("calendar-fix-google-share")
                .plain("calendar", &about.name)
                .plain("account", account);
        }
        (CalendarAccess::GoogleServiceAccount { account }, false) => {
            return Text::new("calendar-fix-google-key").plain("account", account);
        }
        (CalendarAccess::GoogleUser, true) => "calendar-fix-google-id",
        (CalendarAccess::GoogleUser, false) => "calendar-fix-google-grant",
        (CalendarAccess::CalDav, true) => "calendar-fix-caldav-url",
        (CalendarAccess::CalDav, false) => "calendar-fix-caldav-password",
        (CalendarAccess::Builtin, _) => "calendar-auth-fix",
    };
    Text::new(key).plain("calendar", &about.name)
}

/// The calendar's health for `/health` and `doctor`: the pause flag and a
/// live probe. A probe that succeeds does not lift the pause by itself; the
/// next successful write does.
pub async fn calendar_health(s: &Services) -> Result<CalendarHealth, UseCaseError> {
    let auth_failure = auth_failure(s).await?;
    let probe = s.calendar.probe().await;
    Ok(CalendarHealth {
        auth_failure,
        probe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_backoff_grows_exponentially_with_full_jitter_and_a_cap() {
        let mut rng = rand::rng();
        for attempts in 0..40 {
            let ceiling = (BACKOFF_BASE * (1 << attempts.min(20))).min(BACKOFF_CAP);
            let delays: Vec<Duration> = (0..200)
                .map(|_| backoff_delay(attempts, BACKOFF_BASE, BACKOFF_CAP, &mut rng))
                .collect();
            assert!(
                delays
                    .iter()
                    .all(|d| *d >= Duration::zero() && *d <= ceiling)
            );
            // Full jitter spreads over the whole window, not just its top.
            assert!(delays.iter().any(|d| *d < ceiling / 2));
        }
        assert_eq!(
            backoff_delay(3, BACKOFF_BASE, Duration::zero(), &mut rng),
            Duration::zero()
        );
    }
}
