//! A person's meetings: listing and cancelling them.

use meetbot_domain::{
    Action, AuditAction, AuditEvent, Meeting, MeetingId, MeetingStatus, User, UserId,
};
use meetbot_ports::{MeetingQuery, Screen};

use crate::error::UseCaseError;
use crate::screens;
use crate::services::Services;

/// Upcoming meetings: the person's own, or everybody's for the owner.
pub async fn upcoming(s: &Services, actor: UserId) -> Result<Vec<Meeting>, UseCaseError> {
    let user = s.actor(actor, Action::ViewOwnMeetings).await?;
    let now = s.clock.now();
    let booker = (!user.is_owner()).then_some(user.id);
    let meetings = s
        .store
        .meetings(MeetingQuery {
            booker,
            statuses: vec![MeetingStatus::Scheduled],
            overlapping: None,
        })
        .await?;
    Ok(meetings
        .into_iter()
        .filter(|m| m.interval.end() > now)
        .collect())
}

/// The acting person and a meeting they may do `action` on: their own, or
/// any for the owner. A refusal is recorded in the audit log.
async fn owned(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    action: Action,
) -> Result<(User, Meeting), UseCaseError> {
    let acting = s.actor(actor, action).await?;
    let meeting = s.store.meeting(id).await?.ok_or(UseCaseError::NotFound)?;
    if let Err(denial) = crate::booking::may_touch(&acting, &meeting, action) {
        return Err(s.refuse(actor, action, denial).await);
    }
    Ok((acting, meeting))
}

/// One meeting of the acting person (any meeting for the owner).
pub async fn get(
    s: &Services,
    actor: UserId,
    id: MeetingId,
) -> Result<(User, Meeting), UseCaseError> {
    owned(s, actor, id, Action::ViewOwnMeetings).await
}

/// Who booked `meeting`: `acting` when it is theirs, else read from the store.
pub(crate) async fn booker_of(
    s: &Services,
    acting: &User,
    meeting: &Meeting,
) -> Result<User, UseCaseError> {
    if meeting.booker == acting.id {
        return Ok(acting.clone());
    }
    s.store
        .user(meeting.booker)
        .await?
        .ok_or(UseCaseError::NotFound)
}

/// Checks, before the picker opens, that a meeting may be moved now.
pub async fn check_reschedulable(
    s: &Services,
    actor: UserId,
    id: MeetingId,
) -> Result<Meeting, UseCaseError> {
    changeable(s, actor, id, Action::RescheduleOwnMeeting)
        .await
        .map(|(_, meeting)| meeting)
}

/// The acting person and the meeting, if they may change it now: it must be
/// theirs (or they the owner), SCHEDULED, and before the cutoff (owner exempt).
pub(crate) async fn changeable(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    action: Action,
) -> Result<(User, Meeting), UseCaseError> {
    let (acting, meeting) = owned(s, actor, id, action).await?;
    let settings = s.settings().await?;
    settings
        .policy
        .check_change(
            &acting,
            &meeting,
            s.clock.now(),
            settings.availability.is_closed(&meeting.interval),
        )
        .map_err(UseCaseError::Change)?;
    Ok((acting, meeting))
}

/// Tells the side of a meeting that did not act: the owners when the booker
/// acted, the booker when an owner did.
pub(crate) async fn tell_other_side(
    s: &Services,
    acting: &User,
    booker: &User,
    screen_for: impl Fn(&User) -> Screen + Send + Sync,
) -> Result<(), UseCaseError> {
    if acting.id != booker.id {
        s.tell(booker, &screen_for(booker)).await;
    }
    s.tell_owners(screen_for, Some(acting.id)).await
}

/// Cancels a meeting; its reminders stop and the other side is told.
pub async fn cancel(s: &Services, actor: UserId, id: MeetingId) -> Result<Meeting, UseCaseError> {
    let (acting, meeting) = changeable(s, actor, id, Action::CancelOwnMeeting).await?;
    let cancelled = s
        .store
        .cancel_meeting(meeting.id, acting.id, s.clock.now())
        .await?;
    s.audit(AuditEvent::new(s.clock.now(), Some(actor), AuditAction::MeetingCancelled).on(id))
        .await?;
    let booker = booker_of(s, &acting, &meeting).await?;
    tell_other_side(s, &acting, &booker, |reader| {
        screens::meeting_cancelled(&cancelled, &acting, reader)
    })
    .await?;
    Ok(cancelled)
}

/// The owner marks a meeting that has ended a no-show (`no_show`), or held
/// after all. Refused before the meeting's end and for a meeting that was
/// cancelled or moved.
pub async fn mark_no_show(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    no_show: bool,
) -> Result<Meeting, UseCaseError> {
    s.actor(actor, Action::MarkNoShow).await?;
    let now = s.clock.now();
    let meeting = s.store.meeting(id).await?.ok_or(UseCaseError::NotFound)?;
    if meeting.is_called_off() {
        return Err(UseCaseError::Invalid("error-no-show-called-off"));
    }
    if !meeting.has_taken_place(now) {
        return Err(UseCaseError::Invalid("error-no-show-not-ended"));
    }
    let marked = s.store.mark_no_show(id, no_show, now).await?;
    let action = if no_show {
        AuditAction::NoShowMarked
    } else {
        AuditAction::NoShowCleared
    };
    s.audit(AuditEvent::new(now, Some(actor), action).on(id))
        .await?;
    Ok(marked)
}
