//! A person's calendar feed: a secret address their calendar program
//! subscribes to (webcal), serving their meetings as iCalendar with the
//! same UIDs as the invitations and the owner's calendar, so nothing is
//! duplicated. The owner's feed has every meeting; a manager's their own.
//!
//! The secret is random and kept in the store both ways (person → token,
//! token → person); revoking it empties both, and a new one is made on
//! the next request.

use meetbot_domain::{Action, Meeting, MeetingStatus, Role, UserId};
use meetbot_ports::MeetingQuery;
use rand::Rng as _;
use rand::distr::Alphanumeric;

use crate::calendar_sync::CalendarOf;
use crate::error::UseCaseError;
use crate::ics::{bookers_of, publish};
use crate::services::Services;

/// Letters and digits in a token: 32 of 62 symbols, about 190 bits.
const TOKEN_LENGTH: usize = 32;

fn token_key(token: &str) -> String {
    format!("feed.token.{token}")
}

fn owner_key(person: UserId) -> String {
    format!("feed.of.{person}")
}

/// The person's feed token, made now if they have none.
pub async fn token(s: &Services, actor: UserId) -> Result<String, UseCaseError> {
    s.actor(actor, Action::ViewOwnMeetings).await?;
    if let Some(token) = current(s, actor).await? {
        return Ok(token);
    }
    let token: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(TOKEN_LENGTH)
        .map(char::from)
        .collect();
    // The way back first: a token that leads nowhere is harmless.
    s.store
        .set_value(&token_key(&token), &actor.to_string())
        .await?;
    s.store.set_value(&owner_key(actor), &token).await?;
    Ok(token)
}

/// Ends the person's feed: its address answers "not found" from now on.
pub async fn revoke(s: &Services, actor: UserId) -> Result<(), UseCaseError> {
    s.actor(actor, Action::ViewOwnMeetings).await?;
    if let Some(token) = current(s, actor).await? {
        // The store cannot delete a value; an empty one leads nowhere.
        s.store.set_value(&token_key(&token), "").await?;
        s.store.set_value(&owner_key(actor), "").await?;
    }
    Ok(())
}

async fn current(s: &Services, person: UserId) -> Result<Option<String>, UseCaseError> {
    Ok(s.store
        .value(&owner_key(person))
        .await?
        .filter(|token| !token.is_empty()))
}

/// The iCalendar feed behind `token`; `None` for a token that is not (or
/// no longer) anybody's, or whose person may no longer see meetings.
pub async fn feed(s: &Services, token: &str) -> Result<Option<String>, UseCaseError> {
    let well_formed =
        token.len() == TOKEN_LENGTH && token.bytes().all(|b| b.is_ascii_alphanumeric());
    if !well_formed {
        return Ok(None);
    }
    let Some(person) = s
        .store
        .value(&token_key(token))
        .await?
        .and_then(|id| id.parse().ok())
        .map(UserId)
    else {
        return Ok(None);
    };
    let Some(reader) = s.store.user(person).await? else {
        return Ok(None);
    };
    if !matches!(reader.role, Role::Owner | Role::Manager) {
        return Ok(None);
    }
    let (booker, side) = if reader.role == Role::Owner {
        (None, CalendarOf::Owner)
    } else {
        (Some(reader.id), CalendarOf::Booker)
    };
    let meetings: Vec<Meeting> = s
        .store
        .meetings(MeetingQuery {
            booker,
            ..MeetingQuery::default()
        })
        .await?
        .into_iter()
        // A moved meeting lives on as its new one, under its own UID.
        .filter(|m| m.status != MeetingStatus::Rescheduled)
        .collect();
    let bookers = bookers_of(s, &meetings).await?;
    let host = s.organizer().await?;
    Ok(Some(
        publish(s, &meetings, &bookers, host.as_ref(), side).await?,
    ))
}
