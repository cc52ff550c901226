//! Registration: /start, the owner's approval or rejection, /stop and /lang.

use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, Denial, Department, DisplayName, Email,
    Language, Role, Status, User, UserId, Zone, telegram_username,
};
use meetbot_ports::StoreError;

use crate::error::UseCaseError;
use crate::screens;
use crate::services::Services;

/// Who a person is on Telegram, as the transport tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Their Telegram id.
    pub id: UserId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: Option<String>,
    /// @username without the @.
    pub username: Option<String>,
    /// Telegram's language code, such as `ru` or `en-US`.
    pub language_code: Option<String>,
}

impl Profile {
    /// The name shown to others: first and last name, else the username, else the id.
    pub fn display_name(&self) -> DisplayName {
        let full = match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        };
        DisplayName::new(&full)
            .or_else(|_| DisplayName::new(self.username.as_deref().unwrap_or_default()))
            .or_else(|_| DisplayName::new(&format!("#{}", self.id)))
            .unwrap_or_else(|_| unreachable!("a number is a valid name"))
    }
}

/// What /start found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartOutcome {
    /// An approved member or the owner: welcome (back).
    Welcome(User),
    /// New here: the registration questions come next.
    NeedsRegistration,
    /// Registered and waiting; no second request is sent.
    AwaitingApproval(User),
    /// The owner turned the registration down.
    Rejected(User),
    /// The owner barred the person.
    Blocked(User),
}

/// /start: recognises the person, makes configured owners OWNER, and
/// resubscribes anybody who had sent /stop.
pub async fn start(s: &Services, profile: &Profile) -> Result<StartOutcome, UseCaseError> {
    let now = s.clock.now();
    let is_configured_owner = s.owner_ids.contains(&profile.id);
    let Some(mut user) = s.store.user(profile.id).await? else {
        if !is_configured_owner {
            return Ok(StartOutcome::NeedsRegistration);
        }
        let owner = new_user(s, profile, Role::Owner, None, None);
        s.store.insert_user(&owner).await?;
        s.audit(
            AuditEvent::new(now, Some(owner.id), AuditAction::Registered)
                .on(owner.id)
                .detailed(&AuditDetails::Role {
                    from: None,
                    to: Role::Owner,
                    configured: true,
                }),
        )
        .await?;
        return Ok(StartOutcome::Welcome(owner));
    };
    let mut changed = false;
    if is_configured_owner && user.role != Role::Owner {
        s.audit(
            AuditEvent::new(now, None, AuditAction::RoleChanged)
                .on(user.id)
                .detailed(&AuditDetails::Role {
                    from: Some(user.role),
                    to: Role::Owner,
                    configured: true,
                }),
        )
        .await?;
        user.role = Role::Owner;
        changed = true;
    }
    if !user.subscribed && user.role != Role::Blocked {
        user.subscribed = true;
        changed = true;
        s.audit(AuditEvent::new(now, Some(user.id), AuditAction::Resubscribed).on(user.id))
            .await?;
    }
    if changed {
        s.store.update_user(&user).await?;
    }
    Ok(match user.role {
        Role::Owner | Role::Manager => StartOutcome::Welcome(user),
        Role::Pending => StartOutcome::AwaitingApproval(user),
        Role::Rejected => StartOutcome::Rejected(user),
        Role::Blocked => StartOutcome::Blocked(user),
    })
}

fn new_user(
    s: &Services,
    profile: &Profile,
    role: Role,
    department: Option<Department>,
    email: Option<Email>,
) -> User {
    User {
        id: profile.id,
        name: profile.display_name(),
        username: profile.username.as_deref().and_then(telegram_username),
        role,
        status: Status::Active,
        department,
        email,
        language: Language::from_telegram(profile.language_code.as_deref()),
        zone: s.default_settings.availability.zone(),
        subscribed: true,
        registered_at: s.clock.now(),
        unreachable_since: None,
    }
}

/// Files a registration: the person becomes PENDING and every owner gets a
/// message with Approve / Reject buttons. One request per person: a second
/// one is refused with `AlreadyDecided` and sends nothing.
pub async fn register(
    s: &Services,
    profile: &Profile,
    department: Option<Department>,
    email: Option<Email>,
) -> Result<User, UseCaseError> {
    s.check_department(department.as_ref()).await?;
    let user = new_user(s, profile, Role::Pending, department, email);
    match s.store.insert_user(&user).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => return Err(UseCaseError::AlreadyDecided),
        Err(other) => return Err(other.into()),
    }
    s.audit(
        AuditEvent::new(user.registered_at, Some(user.id), AuditAction::Registered).on(user.id),
    )
    .await?;
    s.tell_owners(|_| screens::registration_request(&user), None)
        .await?;
    Ok(user)
}

/// The owner approves a PENDING registration: the person becomes MANAGER and is told.
pub async fn approve(s: &Services, actor: UserId, target: UserId) -> Result<User, UseCaseError> {
    decide(s, actor, target, Action::ApproveRegistration, Role::Manager).await
}

/// The owner rejects a PENDING registration: the person is told and cannot file another.
pub async fn reject(s: &Services, actor: UserId, target: UserId) -> Result<User, UseCaseError> {
    decide(s, actor, target, Action::RejectRegistration, Role::Rejected).await
}

async fn decide(
    s: &Services,
    actor: UserId,
    target: UserId,
    action: Action,
    to: Role,
) -> Result<User, UseCaseError> {
    let owner = s.actor(actor, action).await?;
    // Conditional in the store: two owners pressing at once decide once.
    let user = s.store.change_role(target, Role::Pending, to).await?;
    let audit_action = if to == Role::Manager {
        AuditAction::Approved
    } else {
        AuditAction::Rejected
    };
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), audit_action)
            .on(user.id)
            .detailed(&AuditDetails::Role {
                from: Some(Role::Pending),
                to,
                configured: false,
            }),
    )
    .await?;
    s.tell(&user, &screens::registration_decided(to == Role::Manager))
        .await;
    s.refresh_menu(&user).await;
    Ok(user)
}

/// /stop: the person gets no broadcasts, invitations or reminders until /start.
pub async fn stop(s: &Services, actor: UserId) -> Result<Option<User>, UseCaseError> {
    let Some(mut user) = s.store.user(actor).await? else {
        return Ok(None);
    };
    if user.subscribed {
        user.subscribed = false;
        s.store.update_user(&user).await?;
        s.audit(AuditEvent::new(s.clock.now(), Some(actor), AuditAction::Unsubscribed).on(actor))
            .await?;
    }
    Ok(Some(user))
}

/// /lang: the language the bot speaks to a registered person.
pub async fn set_language(
    s: &Services,
    actor: UserId,
    language: Language,
) -> Result<Option<User>, UseCaseError> {
    let Some(mut user) = s.store.user(actor).await? else {
        return Ok(None);
    };
    user.language = language;
    s.store.update_user(&user).await?;
    s.refresh_menu(&user).await;
    Ok(Some(user))
}

/// Sets the zone a registered person's times are shown in, from its IANA
/// name (`Asia/Vladivostok`).
pub async fn set_zone(s: &Services, actor: UserId, name: &str) -> Result<User, UseCaseError> {
    let zone = Zone::parse(name)?;
    let Some(mut user) = s.store.user(actor).await? else {
        return Err(UseCaseError::Denied(Denial::NotRegistered));
    };
    if user.zone != zone {
        user.zone = zone;
        s.store.update_user(&user).await?;
    }
    Ok(user)
}
