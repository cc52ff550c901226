//! The owner's tools: registrations, people, broadcast, audit, export.

use chrono::{Datelike, Duration, NaiveDate};
use meetbot_domain::{Action, Interval, Role, Status, UserId};

use crate::audit::AuditView;
use crate::chat::audit_views;
use crate::chat::command::DateArg;
use crate::chat::context::{Chat, Handled};
use crate::chat::dialog::Dialog;
use crate::chat::reply::Reply;
use crate::chat::views;
use crate::error::UseCaseError;
use crate::{audit, broadcast, doctor, feedback, ics, members, registration};

/// /pending: registrations waiting, each with Approve / Reject.
pub async fn pending(chat: &Chat<'_>) -> Handled {
    let users = members::pending(chat.s, chat.from.id).await?;
    Ok(Reply::send(views::pending(&users)))
}

/// Approve or Reject pressed on a registration.
pub async fn decide(chat: &Chat<'_>, user: UserId, approved: bool) -> Handled {
    let decided = if approved {
        registration::approve(chat.s, chat.from.id, user).await?
    } else {
        registration::reject(chat.s, chat.from.id, user).await?
    };
    // The message may be the /pending list: the requests still waiting
    // keep their entries and buttons.
    let waiting = members::pending(chat.s, chat.from.id).await?;
    Ok(Reply::edit(views::decided(&decided, approved, &waiting)))
}

/// /users: everybody, with their ratings.
pub async fn users(chat: &Chat<'_>) -> Handled {
    let users = members::list(chat.s, chat.from.id).await?;
    let ratings = feedback::summaries(chat.s).await?;
    Ok(Reply::edit(views::users(&users, &ratings)))
}

/// A user's card opened.
pub async fn card(chat: &Chat<'_>, user: UserId) -> Handled {
    let user = members::card(chat.s, chat.from.id, user).await?;
    Ok(Reply::edit(chat.user_card(&user).await?))
}

/// A role given on a user's card.
pub async fn set_role(chat: &Chat<'_>, user: UserId, role: Role) -> Handled {
    let user = members::change_role(chat.s, chat.from.id, user, role).await?;
    Ok(Reply::edit(chat.user_card(&user).await?))
}

/// A status given on a user's card.
pub async fn set_status(chat: &Chat<'_>, user: UserId, status: Status) -> Handled {
    let user = members::change_status(chat.s, chat.from.id, user, status).await?;
    // Only the owner is shown a card: a member who pressed a card's button
    // for themselves is answered as /vacation or /active would be.
    if chat.role() != Some(Role::Owner) {
        return Ok(Reply::send(views::status_set(status)));
    }
    Ok(Reply::edit(chat.user_card(&user).await?))
}

/// A department given on a user's card, by its index in the list.
pub async fn set_department(chat: &Chat<'_>, user: UserId, index: u16) -> Handled {
    let departments = chat.s.settings().await?.departments;
    let Some(department) = departments.get(usize::from(index)) else {
        return chat.stale().await;
    };
    let user =
        members::change_department(chat.s, chat.from.id, user, Some(department.clone())).await?;
    Ok(Reply::edit(chat.user_card(&user).await?))
}

/// /broadcast: the next text goes to everybody.
pub async fn begin_broadcast(chat: &Chat<'_>) -> Handled {
    chat.s.actor(chat.from.id, Action::Broadcast).await?;
    Ok(Reply::send(views::note("ask-broadcast")).with_dialog(Dialog::Broadcast))
}

/// The broadcast typed: sent, and counted.
pub async fn broadcast(chat: &Chat<'_>, text: &str) -> Handled {
    let report = broadcast::broadcast(chat.s, chat.from.id, text).await?;
    Ok(Reply::send(views::broadcast_done(report.queued)).ending_dialog())
}

/// /audit, or a button of its screen: a page of the log, sent anew or
/// in place of the page it was pressed on.
pub async fn audit(chat: &Chat<'_>, view: AuditView, in_place: bool) -> Handled {
    let page = audit::page(chat.s, chat.from.id, view).await?;
    let screen = audit_views::page(&page, chat.reader, chat.s.clock.now());
    Ok(if in_place {
        Reply::edit(screen)
    } else {
        Reply::send(screen)
    })
}

/// /doctor: the checks the bot can make from inside (calendar, outboxes,
/// reminders, people, counts), worst first, each with its fix.
pub async fn doctor(chat: &Chat<'_>) -> Handled {
    chat.s.actor(chat.from.id, Action::ViewStatistics).await?;
    let s = chat.s;
    let findings = doctor::inside(s.store.as_ref(), s.calendar.as_ref(), s.clock.now()).await?;
    Ok(Reply::send(doctor::screen(&findings)))
}

/// /export [from to]: the meetings of a range as .ics and CSV, and the
/// audit log of the range as CSV; by default from 30 days back to 90 days
/// ahead.
pub async fn export(chat: &Chat<'_>, range: Option<(DateArg, DateArg)>) -> Handled {
    let zone = chat.owner_zone().await?;
    let today = zone.date_of(chat.s.clock.now());
    let (from, to) = match range {
        None => (today - Duration::days(30), today + Duration::days(90)),
        Some((from, to)) => {
            // An export looks back as often as ahead: a date without a year is in this year.
            let new_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
            let read = |date: DateArg| {
                date.on_or_after(new_year)
                    .ok_or(UseCaseError::Invalid("error-date-invalid"))
            };
            (read(from)?, read(to)?)
        }
    };
    let range = Interval::new(
        zone.start_of_day(from),
        zone.start_of_day(to + Duration::days(1)),
    )
    .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
    let export = ics::export(chat.s, chat.from.id, range).await?;
    let (ics_file, csv_file) = views::export_files(from, to, &export);
    let audit = audit::export(chat.s, chat.from.id, range).await?;
    Ok(Reply::send(ics_file)
        .then_send(csv_file)
        .then_send(audit_views::export_file(from, to, &audit)))
}
