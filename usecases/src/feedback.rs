//! After the meeting: it becomes COMPLETED at its end unless cancelled, and
//! two hours later its booker is asked, once, for 1–5 stars and an optional
//! comment. A second rating replaces the first. The owner sees the ratings
//! in the user list and on each user's card.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use meetbot_domain::feedback::average_tenths;
use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, Denial, Interval, Meeting, MeetingId,
    MeetingStatus, Rating, User, UserId,
};
use meetbot_ports::{Button, Feedback, MeetingQuery, Screen, Text, TextArg};

use crate::callback::Callback;
use crate::error::UseCaseError;
use crate::screens::button;
use crate::services::Services;

/// How long after a meeting's end its booker is asked.
pub const ASK_AFTER: Duration = Duration::hours(2);

/// Meetings that ended longer ago than this (plus [`ASK_AFTER`]) are not
/// asked about any more: after a long outage a late question about an old
/// meeting helps nobody.
pub const ASK_WITHIN: Duration = Duration::days(1);

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// What one round of [`complete_and_ask`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AfterMeetingReport {
    /// Meetings that became COMPLETED.
    pub completed: Vec<MeetingId>,
    /// Meetings whose booker was asked for feedback.
    pub asked: Vec<MeetingId>,
}

/// Completes the meetings that ended by `now`, then asks the bookers of
/// meetings that ended two hours ago (each once, also with several
/// instances running) for their feedback.
pub async fn complete_and_ask(
    s: &Services,
    now: DateTime<Utc>,
) -> Result<AfterMeetingReport, UseCaseError> {
    let completed = s.store.complete_ended_meetings(now).await?;
    let mut report = AfterMeetingReport {
        completed: completed.iter().map(|m| m.id).collect(),
        asked: Vec::new(),
    };
    let until = now - ASK_AFTER;
    let Ok(window) = Interval::new(until - ASK_WITHIN, until) else {
        return Ok(report);
    };
    let meetings = s
        .store
        .meetings(MeetingQuery {
            booker: None,
            statuses: vec![MeetingStatus::Completed],
            overlapping: Some(window),
        })
        .await?;
    let host = s.host().await?;
    for meeting in meetings.iter().filter(|m| m.interval.end() <= until) {
        // The owner does not rate meetings with themselves.
        if host.as_ref().is_some_and(|h| h.id == meeting.booker) {
            continue;
        }
        let Some(booker) = s
            .store
            .user(meeting.booker)
            .await?
            .filter(User::is_reachable)
        else {
            continue;
        };
        let key = format!("feedback:ask:{}", meeting.id);
        if s.store.record_once(&key, now).await? {
            s.tell(&booker, &ask_screen(meeting, &booker)).await;
            if let Some(host) = &host {
                s.tell(host, &owner_notice_screen(meeting, &booker, host))
                    .await;
            }
            report.asked.push(meeting.id);
        }
    }
    Ok(report)
}

/// The meeting `actor` may rate: theirs, and held.
async fn rateable(
    s: &Services,
    actor: UserId,
    id: MeetingId,
) -> Result<(User, Meeting), UseCaseError> {
    let user = s.actor(actor, Action::GiveFeedback).await?;
    let meeting = s.store.meeting(id).await?.ok_or(UseCaseError::NotFound)?;
    if meeting.booker != user.id {
        return Err(s
            .refuse(actor, Action::GiveFeedback, Denial::NotYours)
            .await);
    }
    if meeting.status != MeetingStatus::Completed {
        return Err(UseCaseError::Invalid("error-feedback-not-held"));
    }
    Ok((user, meeting))
}

/// The booker rates a meeting they had; a second rating replaces the first
/// (a comment given before is kept).
pub async fn rate(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    stars: i64,
) -> Result<Feedback, UseCaseError> {
    let rating = Rating::new(stars).map_err(|_| UseCaseError::OutOfRange {
        min: 1,
        max: 5,
        got: stars,
    })?;
    let (user, meeting) = rateable(s, actor, id).await?;
    let earlier = s.store.feedback_of(meeting.id).await?;
    let feedback = Feedback {
        meeting_id: meeting.id,
        author: user.id,
        rating,
        comment: earlier.and_then(|f| f.comment),
        at: s.clock.now(),
    };
    s.store.save_feedback(&feedback).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(actor), AuditAction::FeedbackGiven)
            .on(meeting.id)
            .detailed(&AuditDetails::Rating {
                stars: rating.stars(),
            }),
    )
    .await?;
    Ok(feedback)
}

/// The booker adds (or replaces) the comment of a meeting they rated.
pub async fn comment(
    s: &Services,
    actor: UserId,
    id: MeetingId,
    text: &str,
) -> Result<Feedback, UseCaseError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UseCaseError::Invalid("error-value-empty"));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(UseCaseError::Invalid("error-value-too-long"));
    }
    let (_, meeting) = rateable(s, actor, id).await?;
    let mut feedback = s
        .store
        .feedback_of(meeting.id)
        .await?
        .ok_or(UseCaseError::Invalid("error-stale-button"))?;
    feedback.comment = Some(text.to_owned());
    feedback.at = s.clock.now();
    s.store.save_feedback(&feedback).await?;
    Ok(feedback)
}

/// What the owner sees of a person's feedback.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RatingSummary {
    /// The average in tenths of a star (4.5 stars is 45).
    pub average_tenths: i64,
    /// How many meetings were rated.
    pub count: usize,
    /// The latest comment, if any was written.
    pub last_comment: Option<String>,
}

/// Every rater's summary, for the owner's user list.
pub async fn summaries(s: &Services) -> Result<HashMap<UserId, RatingSummary>, UseCaseError> {
    let mut by_author: HashMap<UserId, Vec<Feedback>> = HashMap::new();
    for feedback in s.store.feedbacks(None).await? {
        by_author.entry(feedback.author).or_default().push(feedback);
    }
    Ok(by_author
        .into_iter()
        .filter_map(|(author, list)| summary_of(&list).map(|s| (author, s)))
        .collect())
}

/// One person's summary, for their card.
pub async fn summary(s: &Services, author: UserId) -> Result<Option<RatingSummary>, UseCaseError> {
    Ok(summary_of(&s.store.feedbacks(Some(author)).await?))
}

fn summary_of(list: &[Feedback]) -> Option<RatingSummary> {
    let ratings: Vec<Rating> = list.iter().map(|f| f.rating).collect();
    Some(RatingSummary {
        average_tenths: average_tenths(&ratings)?,
        count: list.len(),
        last_comment: list.iter().rev().find_map(|f| f.comment.clone()),
    })
}

/// The average as text: `4.5`.
pub fn stars_text(average_tenths: i64) -> String {
    format!("{}.{}", average_tenths / 10, average_tenths % 10)
}

/// To the booker: how was the meeting? Five star buttons.
pub fn ask_screen(meeting: &Meeting, booker: &User) -> Screen {
    let stars: Vec<Button> = (1..=5u8)
        .map(|n| Button {
            label: Text::new("button-stars").arg("n", TextArg::Number(i64::from(n))),
            data: Callback::Rate(meeting.id, n).encode(),
        })
        .collect();
    Screen::text(Text::new("feedback-ask").arg(
        "when",
        TextArg::Time {
            at: meeting.interval.start(),
            zone: booker.zone,
        },
    ))
    .row(stars)
}

/// To the owner, when the booker is asked: the meeting is over and rated
/// by its booker soon; if the booker did not come, one press says so.
pub fn owner_notice_screen(meeting: &Meeting, booker: &User, owner: &User) -> Screen {
    Screen::text(
        Text::new("feedback-owner-notice")
            .plain("name", &booker.name)
            .arg(
                "when",
                TextArg::Time {
                    at: meeting.interval.start(),
                    zone: owner.zone,
                },
            ),
    )
    .row(vec![
        button("button-mark-no-show", Callback::NoShow(meeting.id, true)),
        button("button-open-meeting", Callback::OpenMeeting(meeting.id)),
    ])
}

/// To the booker: thanks; a comment may follow.
pub fn thanks_screen(feedback: &Feedback) -> Screen {
    Screen::text(
        Text::new("feedback-thanks").arg("n", TextArg::Number(i64::from(feedback.rating.stars()))),
    )
    .row(vec![button("button-no-comment", Callback::Skip)])
}
