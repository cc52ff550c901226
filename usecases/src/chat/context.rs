//! One event being handled: who acts, in which language and zone, and the
//! reads and refusals every flow shares.

use chrono::NaiveDate;
use meetbot_domain::{AuditAction, AuditDetails, AuditEvent, Meeting, Role, User, Zone};
use meetbot_ports::{BookerSummary, MeetingQuery, Screen};

use super::reply::Reply;
use super::stats_views;
use super::views::{self, Reader};
use crate::calendar_sync::{CalendarOf, type_name};
use crate::error::UseCaseError;
use crate::feedback;
use crate::ics::{self, IcsMethod};
use crate::registration::Profile;
use crate::services::Services;
use crate::statistics;

/// How many of a person's latest meetings their card lists.
const HISTORY_MEETINGS: usize = 5;

/// What a handler returns: the reply, or why nothing was done.
pub type Handled = Result<Reply, UseCaseError>;

/// One event being handled.
pub struct Chat<'a> {
    /// The services the use cases run on.
    pub s: &'a Services,
    /// Who acts, as the transport knows them.
    pub from: &'a Profile,
    /// Who acts, as the store knows them (read once per event).
    pub user: Option<User>,
    /// The language and zone of the replies.
    pub reader: Reader,
    /// The data of the pressed button, kept for the audit of a stale press.
    pub button: Option<&'a str>,
}

impl Chat<'_> {
    /// The role of the person acting; `None` when not registered.
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// The owner's zone, in which days are counted.
    pub async fn owner_zone(&self) -> Result<Zone, UseCaseError> {
        Ok(self.s.settings().await?.availability.zone())
    }

    /// Today, in the owner's zone.
    pub async fn today(&self) -> Result<NaiveDate, UseCaseError> {
        Ok(self.owner_zone().await?.date_of(self.s.clock.now()))
    }

    /// A button that no longer fits (or never did): audited as a refusal,
    /// and the person is told it is stale.
    pub async fn stale(&self) -> Handled {
        let data = self.button.unwrap_or_default();
        let event = AuditEvent::new(
            self.s.clock.now(),
            Some(self.from.id),
            AuditAction::PermissionDenied,
        )
        .on("button")
        .detailed(&AuditDetails::StaleButton {
            data: data.chars().take(64).collect(),
        });
        self.s.audit(event).await?;
        if !self.may_tell_refusal() {
            return Ok(Reply::nothing());
        }
        Ok(Reply::send(views::note("error-stale-button")))
    }

    /// A button on a screen sent too long ago to act on: the person is
    /// told so and given their menu afresh (at most once in a few seconds).
    pub async fn expired(&self) -> Handled {
        if !self.may_tell_refusal() {
            return Ok(Reply::nothing());
        }
        Ok(Reply::send(views::button_expired(self.role())))
    }

    /// Whether the person may be told now that a button was refused: once
    /// in a few seconds at most (see [`crate::refusals`]).
    pub fn may_tell_refusal(&self) -> bool {
        self.s.refusals.may_tell(self.from.id, self.s.clock.now())
    }

    /// A user's card for the owner, with their feedback summary.
    pub async fn user_card(&self, user: &User) -> Result<Screen, UseCaseError> {
        let rating = feedback::summary(self.s, user.id).await?;
        let settings = self.s.settings().await?;
        let card = views::user_card(user, rating.as_ref(), &settings.departments);
        let now = self.s.clock.now();
        let summary = self
            .s
            .store
            .booker_summaries(Some(user.id), now)
            .await?
            .pop()
            .unwrap_or_else(|| BookerSummary::empty(user.id));
        let zone = settings.availability.zone();
        let cadence = (user.role == Role::Manager).then(|| {
            statistics::cadence_line(&settings.cadence, user, &summary, zone, zone.date_of(now))
        });
        let meetings = self
            .s
            .store
            .meetings(MeetingQuery {
                booker: Some(user.id),
                statuses: Vec::new(),
                overlapping: None,
            })
            .await?;
        let recent: Vec<&Meeting> = meetings.iter().rev().take(HISTORY_MEETINGS).collect();
        Ok(stats_views::user_history(
            card,
            &summary,
            cadence.as_ref(),
            &recent,
            self.reader,
        ))
    }

    /// The .ics file of a meeting for the reader's own calendar: an
    /// invitation, or the cancellation that supersedes it.
    pub async fn calendar_file(
        &self,
        meeting: &Meeting,
        method: IcsMethod,
    ) -> Result<Screen, UseCaseError> {
        let booker = self
            .s
            .store
            .user(meeting.booker)
            .await?
            .ok_or(UseCaseError::NotFound)?;
        let host = self.s.organizer().await?;
        let settings = self.s.settings().await?;
        let file = ics::IcsFile {
            method,
            sequence: if method == IcsMethod::Cancel {
                ics::RESCHEDULED_SEQUENCE
            } else {
                0
            },
            uid: self.s.event_uid(meeting.id),
            reader: if self.from.id == meeting.booker {
                CalendarOf::Booker
            } else {
                CalendarOf::Owner
            },
            type_name: type_name(&settings, &meeting.meeting_type),
        };
        let content = ics::meeting_ics(meeting, &booker, host.as_ref(), &file);
        Ok(views::calendar_file(
            meeting.id,
            content,
            method == IcsMethod::Cancel,
        ))
    }
}
