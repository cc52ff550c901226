//! Booking: the owner's free slots, the month view, booking and moving a meeting.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, DayLoad, DaySlots, Interval, Meeting, MeetingId,
    MeetingStatus, MeetingType, NewMeeting, Settings, Topic, User, UserId,
    permission::authorize_on,
};
use meetbot_ports::{BookingRequest, MeetingQuery, Screen, Text};

use crate::busy_reads::Freshness;
use crate::calendar_sync;
use crate::error::UseCaseError;
use crate::screens;
use crate::services::Services;

/// Busy time in a range, and whether the owner's calendar answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Busy {
    /// The busy intervals; the whole range when the calendar did not answer.
    pub intervals: Vec<Interval>,
    /// The calendar did not answer: the range counts as taken.
    pub calendar_silent: bool,
}

/// Busy time in `range`: the meetings meetbot holds plus what the owner's
/// calendar says. A calendar that fails or is too slow to answer (see
/// [`crate::busy_reads`]) makes the whole range busy: time nobody could
/// check is not offered. The owner hears of it once per outage.
pub async fn busy_between(
    s: &Services,
    range: Interval,
    ignore: Option<MeetingId>,
    freshness: Freshness,
) -> Result<Busy, UseCaseError> {
    let meetings = s
        .store
        .meetings(MeetingQuery {
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: Some(range),
            booker: None,
        })
        .await?;
    let mut intervals: Vec<Interval> = meetings
        .iter()
        .filter(|m| Some(m.id) != ignore)
        .map(|m| m.interval)
        .collect();
    let own: Vec<Interval> = meetings
        .iter()
        .filter(|m| Some(m.id) == ignore)
        .map(|m| m.interval)
        .collect();
    let read = s
        .busy_reads
        .read(s.calendar.as_ref(), range, s.clock.now(), freshness)
        .await;
    if read.outage_ended {
        tracing::info!("the calendar answers busy-time reads again");
        s.tell_owners(|_| Screen::text(Text::new("calendar-answers-again")), None)
            .await?;
    }
    let calendar_silent = match read.busy {
        // The calendar also shows the meeting being moved; it must not block its own new time.
        Ok(external) => {
            intervals.extend(external.into_iter().filter(|b| !own.contains(b)));
            false
        }
        Err(error) => {
            tracing::warn!(%error, "calendar busy time unavailable; the range counts as taken");
            if error.is_permanent() {
                calendar_sync::refused(s, s.clock.now(), &error).await?;
            } else if read.outage_began {
                let error = error.to_string();
                s.tell_owners(
                    |_| Screen::text(Text::new("calendar-silent-alert").plain("error", &error)),
                    None,
                )
                .await?;
            }
            intervals.push(range);
            true
        }
    };
    Ok(Busy {
        intervals,
        calendar_silent,
    })
}

fn meeting_type<'a>(settings: &'a Settings, code: &str) -> Result<&'a MeetingType, UseCaseError> {
    settings
        .meeting_type(code)
        .ok_or(UseCaseError::Invalid("error-meeting-type-unknown"))
}

fn day_range(settings: &Settings, date: NaiveDate) -> Result<Interval, UseCaseError> {
    let zone = settings.availability.zone();
    let start = zone.start_of_day(date);
    let end = zone.start_of_day(date + Duration::days(1));
    // A whole day plus the buffer on both sides catches every meeting that can block it.
    Interval::new(start, end)
        .map(|day| day.widened(settings.availability.buffer()))
        .map_err(|_| UseCaseError::Invalid("error-date-invalid"))
}

/// The slots of a meeting type on a day, for the slot keyboard and /free.
pub async fn free_slots(
    s: &Services,
    actor: UserId,
    date: NaiveDate,
    type_code: &str,
) -> Result<DaySlots, UseCaseError> {
    free_slots_moving(s, actor, date, type_code, None).await
}

/// As [`free_slots`], for moving the meeting `moving`: its own time is free.
pub async fn free_slots_moving(
    s: &Services,
    actor: UserId,
    date: NaiveDate,
    type_code: &str,
    moving: Option<MeetingId>,
) -> Result<DaySlots, UseCaseError> {
    s.actor(actor, Action::ViewFreeSlots).await?;
    let settings = s.settings().await?;
    let duration = meeting_type(&settings, type_code)?.duration();
    let busy = busy_between(s, day_range(&settings, date)?, moving, Freshness::Recent).await?;
    let availability = &settings.availability;
    Ok(availability.day_slots(
        date,
        duration,
        &availability.busy_times(&busy.intervals),
        s.clock.now(),
    ))
}

/// The load of every day of a month, for the coloured booking calendar.
pub async fn month(
    s: &Services,
    actor: UserId,
    year: i32,
    month: u32,
    type_code: &str,
) -> Result<Vec<(NaiveDate, DayLoad)>, UseCaseError> {
    month_moving(s, actor, (year, month), type_code, None).await
}

/// As [`month`], for moving the meeting `moving`: its own time is free.
pub async fn month_moving(
    s: &Services,
    actor: UserId,
    (year, month): (i32, u32),
    type_code: &str,
    moving: Option<MeetingId>,
) -> Result<Vec<(NaiveDate, DayLoad)>, UseCaseError> {
    s.actor(actor, Action::ViewFreeSlots).await?;
    let settings = s.settings().await?;
    let duration = meeting_type(&settings, type_code)?.duration();
    let first = NaiveDate::from_ymd_opt(year, month, 1)
        .ok_or(UseCaseError::Invalid("error-date-invalid"))?;
    let next = first + Duration::days(32);
    let next_first = NaiveDate::from_ymd_opt(next.year(), next.month(), 1)
        .ok_or(UseCaseError::Invalid("error-date-invalid"))?;
    let last = next_first - Duration::days(1);
    // From the first day's widened start to the last day's widened end, so a
    // meeting whose buffer reaches into the month is counted too.
    let range = Interval::new(
        day_range(&settings, first)?.start(),
        day_range(&settings, last)?.end(),
    )
    .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
    // One query for the month, not one per day, and the busy time sorted
    // and merged once for all of its days.
    let busy = busy_between(s, range, moving, Freshness::Recent).await?;
    let availability = &settings.availability;
    let busy = availability.busy_times(&busy.intervals);
    let now = s.clock.now();
    let days = first.iter_days().take_while(|d| *d < next_first);
    Ok(availability.day_loads(days, duration, &busy, now))
}

/// How many upcoming meetings `booker` holds at `now`, not counting
/// `except` (the meeting being moved).
async fn upcoming_of(
    s: &Services,
    booker: UserId,
    except: Option<MeetingId>,
    now: DateTime<Utc>,
) -> Result<u32, UseCaseError> {
    let count = s
        .store
        .meetings(MeetingQuery {
            booker: Some(booker),
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: None,
        })
        .await?
        .iter()
        .filter(|m| m.is_upcoming(now) && Some(m.id) != except)
        .count();
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// How many meetings a manager holds against their limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Upcoming meetings booked.
    pub upcoming: u32,
    /// The most they may hold.
    pub limit: u32,
}

/// Whether `booker` may begin a booking at all, checked before its first
/// step: their status and their limit. The owner has no limit (`None`).
pub async fn may_begin(s: &Services, booker: &User) -> Result<Option<Quota>, UseCaseError> {
    let settings = s.settings().await?;
    let upcoming = upcoming_of(s, booker.id, None, s.clock.now()).await?;
    settings
        .policy
        .check_booking(booker, upcoming)
        .map_err(UseCaseError::Booking)?;
    Ok((!booker.is_owner()).then(|| Quota {
        upcoming,
        limit: settings.policy.limit.get(),
    }))
}

/// What a person asks to book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingInput {
    /// The start time picked.
    pub start: DateTime<Utc>,
    /// The meeting type's code.
    pub meeting_type: String,
    /// What it is about, as typed.
    pub topic: Option<String>,
}

/// What a booking that passed every check takes: its type, topic and time.
struct Checked {
    settings: Settings,
    topic: Option<Topic>,
    slot: Interval,
}

/// Every rule a booking (or, with `replacing`, a move) for `booker` must
/// pass before the store is asked: the topic, the booker's limit, the
/// notice, the horizon, the working hours and the busy time.
async fn check(
    s: &Services,
    booker: &User,
    input: &BookingInput,
    replacing: Option<&Meeting>,
) -> Result<Checked, UseCaseError> {
    let settings = s.settings().await?;
    let now = s.clock.now();
    let kind = meeting_type(&settings, &input.meeting_type)?;
    let topic = input.topic.as_deref().map(Topic::new).transpose()?;
    let slot = Interval::starting_at(input.start, kind.duration())
        .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;

    let upcoming = upcoming_of(s, booker.id, replacing.map(|r| r.id), now).await?;
    settings
        .policy
        .check_booking(booker, upcoming)
        .map_err(UseCaseError::Booking)?;

    let range = day_range(
        &settings,
        settings.availability.zone().date_of(slot.start()),
    )?;
    let busy = busy_between(s, range, replacing.map(|m| m.id), Freshness::Now).await?;
    if busy.calendar_silent {
        return Err(UseCaseError::Invalid("error-calendar-silent"));
    }
    let availability = &settings.availability;
    availability
        .check_slot(&slot, &availability.busy_times(&busy.intervals), now)
        .map_err(UseCaseError::Slot)?;
    Ok(Checked {
        settings,
        topic,
        slot,
    })
}

/// Checks and books (or, with `replacing`, moves) a meeting for `booker`.
async fn place(
    s: &Services,
    booker: &User,
    input: &BookingInput,
    replacing: Option<&Meeting>,
) -> Result<Meeting, UseCaseError> {
    let Checked {
        settings,
        topic,
        slot,
    } = check(s, booker, input, replacing).await?;
    let now = s.clock.now();
    let kind = meeting_type(&settings, &input.meeting_type)?;
    let host = s.host().await?;
    let mut recipients = vec![booker.id];
    recipients.extend(host.as_ref().map(|h| h.id).filter(|id| *id != booker.id));
    let request = BookingRequest {
        meeting: NewMeeting {
            booker: booker.id,
            interval: slot,
            meeting_type: kind.code().to_owned(),
            topic,
            rescheduled_from: replacing.map(|m| m.id),
            created_at: now,
        },
        buffer: settings.availability.buffer(),
        max_upcoming: (!booker.is_owner()).then_some(settings.policy.limit.get()),
        now,
        reminders: settings
            .reminders_for(kind.code())
            .plan(slot.start(), &recipients, now),
    };
    // The store decides atomically: the checks above give good reasons, the
    // store makes sure that two presses at once cannot both win.
    Ok(s.store.book(request).await?)
}

/// Whether `actor` could book `input` now, without booking it: the reason
/// comes before the confirmation screen rather than after it.
pub async fn check_booking(
    s: &Services,
    actor: UserId,
    input: &BookingInput,
) -> Result<(), UseCaseError> {
    let booker = s.actor(actor, Action::Book).await?;
    check(s, &booker, input, None).await.map(drop)
}

/// Whether `actor` could move meeting `id` to `new_start` now, without
/// moving it.
pub async fn check_reschedule(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    new_start: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    let (acting, old) =
        crate::meetings::changeable(s, actor, id, Action::RescheduleOwnMeeting).await?;
    let booker = crate::meetings::booker_of(s, &acting, &old).await?;
    check(s, &booker, &moved(&old, new_start), Some(&old))
        .await
        .map(drop)
}

/// The booking that moves `old` to `new_start`: same type, same topic.
fn moved(old: &Meeting, new_start: DateTime<Utc>) -> BookingInput {
    BookingInput {
        start: new_start,
        meeting_type: old.meeting_type.clone(),
        topic: old.topic.as_ref().map(|t| t.as_str().to_owned()),
    }
}

/// Books a meeting with the owner. The owner is told; the booker sees the
/// returned meeting as their confirmation.
pub async fn book(
    s: &Services,
    actor: UserId,
    input: BookingInput,
) -> Result<Meeting, UseCaseError> {
    let booker = s.actor(actor, Action::Book).await?;
    let meeting = place(s, &booker, &input, None).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(actor), AuditAction::MeetingBooked)
            .on(meeting.id)
            .detailed(&AuditDetails::Booked {
                start: meeting.interval.start(),
            }),
    )
    .await?;
    s.tell_owners(
        |owner| screens::meeting_booked(&meeting, &booker, owner),
        Some(actor),
    )
    .await?;
    Ok(meeting)
}

/// Moves a meeting to a new start: the booker's own until the cutoff, or
/// anybody's for the owner. The old meeting becomes RESCHEDULED, linked to
/// the new one, and the other side is told.
pub async fn reschedule(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    new_start: DateTime<Utc>,
) -> Result<Meeting, UseCaseError> {
    let (acting, old) =
        crate::meetings::changeable(s, actor, id, Action::RescheduleOwnMeeting).await?;
    let booker = crate::meetings::booker_of(s, &acting, &old).await?;
    let new = place(s, &booker, &moved(&old, new_start), Some(&old)).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(actor), AuditAction::MeetingRescheduled)
            .on(old.id)
            .detailed(&AuditDetails::Moved {
                to: new.id,
                start: new.interval.start(),
            }),
    )
    .await?;
    crate::meetings::tell_other_side(s, &acting, &booker, |reader| {
        screens::meeting_rescheduled(&old, &new, &acting, reader)
    })
    .await?;
    Ok(new)
}

/// Whether `actor` may act on `meeting` as the owner or as its booker.
pub(crate) fn may_touch(
    actor: &User,
    meeting: &Meeting,
    action: Action,
) -> Result<(), meetbot_domain::Denial> {
    let action = if actor.is_owner() {
        Action::CancelAnyMeeting
    } else {
        action
    };
    authorize_on(actor, action, meeting.booker)
}
