//! The owner's user management, and a member's own profile and status.

use chrono::{DateTime, Utc};
use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, Denial, Department, MeetingStatus, Role, Status,
    User, UserId, permission::authorize_on,
};
use meetbot_ports::{MeetingQuery, UserQuery};

use crate::error::UseCaseError;
use crate::screens;
use crate::services::Services;

async fn target(s: &Services, id: UserId) -> Result<User, UseCaseError> {
    s.store.user(id).await?.ok_or(UseCaseError::NotFound)
}

/// Registrations waiting for approval (owner).
pub async fn pending(s: &Services, actor: UserId) -> Result<Vec<User>, UseCaseError> {
    s.actor(actor, Action::ViewPending).await?;
    Ok(s.store
        .users(UserQuery {
            role: Some(Role::Pending),
        })
        .await?)
}

/// Everybody known to the bot (owner).
pub async fn list(s: &Services, actor: UserId) -> Result<Vec<User>, UseCaseError> {
    s.actor(actor, Action::ViewUsers).await?;
    Ok(s.store.users(UserQuery::default()).await?)
}

/// A user's card (owner).
pub async fn card(s: &Services, actor: UserId, id: UserId) -> Result<User, UseCaseError> {
    s.actor(actor, Action::ViewUsers).await?;
    target(s, id).await
}

/// Gives a user another role (owner). The owner cannot change their own
/// role, and a configured owner stays OWNER.
pub async fn change_role(
    s: &Services,
    actor: UserId,
    id: UserId,
    role: Role,
) -> Result<User, UseCaseError> {
    let owner = s.actor(actor, Action::ChangeRole).await?;
    if id == owner.id {
        return Err(UseCaseError::Invalid("error-cannot-change-self"));
    }
    if s.owner_ids.contains(&id) {
        return Err(UseCaseError::Invalid("error-configured-owner"));
    }
    let mut user = target(s, id).await?;
    if user.role == role {
        return Ok(user);
    }
    let details = AuditDetails::Role {
        from: Some(user.role),
        to: role,
        configured: false,
    };
    user.role = role;
    s.store.update_user(&user).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(owner.id), AuditAction::RoleChanged)
            .on(id)
            .detailed(&details),
    )
    .await?;
    s.tell(&user, &screens::role_changed(role)).await;
    s.refresh_menu(&user).await;
    Ok(user)
}

/// Sets a user's status: the owner for anybody, a member for themselves.
pub async fn change_status(
    s: &Services,
    actor: UserId,
    id: UserId,
    status: Status,
) -> Result<User, UseCaseError> {
    let action = if actor == id {
        Action::SetOwnStatus
    } else {
        Action::ChangeStatus
    };
    let acting = s.actor(actor, action).await?;
    if let Err(denial) = authorize_on(&acting, action, id) {
        return Err(s.refuse(actor, action, denial).await);
    }
    let mut user = target(s, id).await?;
    // Inactive is the owner's word: nobody sets it on themselves, nor
    // leaves it on their own.
    let own_choice = status.is_own_choice() && user.status.is_own_choice();
    if !acting.is_owner() && !own_choice {
        return Err(s.refuse(actor, action, Denial::OwnerOnly).await);
    }
    if user.status == status {
        return Ok(user);
    }
    let details = AuditDetails::Status {
        from: user.status,
        to: status,
    };
    user.status = status;
    s.store.update_user(&user).await?;
    s.audit(
        AuditEvent::new(s.clock.now(), Some(actor), AuditAction::StatusChanged)
            .on(id)
            .detailed(&details),
    )
    .await?;
    if actor != id {
        s.tell(&user, &screens::status_changed(status)).await;
    }
    Ok(user)
}

/// Sets a user's department (owner); it must be one of the configured list
/// when there is a list.
pub async fn change_department(
    s: &Services,
    actor: UserId,
    id: UserId,
    department: Option<Department>,
) -> Result<User, UseCaseError> {
    let owner = s.actor(actor, Action::ChangeDepartment).await?;
    s.check_department(department.as_ref()).await?;
    let mut user = target(s, id).await?;
    let details = AuditDetails::Department {
        from: user.department.as_ref().map(|d| d.as_str().to_owned()),
        to: department.as_ref().map(|d| d.as_str().to_owned()),
    };
    user.department = department;
    s.store.update_user(&user).await?;
    s.audit(
        AuditEvent::new(
            s.clock.now(),
            Some(owner.id),
            AuditAction::DepartmentChanged,
        )
        .on(id)
        .detailed(&details),
    )
    .await?;
    Ok(user)
}

/// What /profile shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileView {
    /// The person.
    pub user: User,
    /// How many of their meetings took place.
    pub meetings_held: usize,
    /// When the last one started.
    pub last_meeting: Option<DateTime<Utc>>,
}

/// /profile: name, department, status, meetings held, last meeting.
pub async fn profile(s: &Services, actor: UserId) -> Result<ProfileView, UseCaseError> {
    let user = s.actor(actor, Action::ViewProfile).await?;
    let held = s
        .store
        .meetings(MeetingQuery {
            booker: Some(actor),
            statuses: vec![MeetingStatus::Completed],
            overlapping: None,
        })
        .await?;
    Ok(ProfileView {
        last_meeting: held.last().map(|m| m.interval.start()),
        meetings_held: held.len(),
        user,
    })
}

/// Marks a person whom Telegram refuses messages to (they blocked the bot)
/// as unreachable from `now`: nothing is sent to them on the bot's own
/// initiative until they write again. Marked once; later refusals keep
/// the first time.
pub async fn mark_unreachable(
    s: &Services,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    let Some(mut user) = s.store.user(id).await? else {
        return Ok(());
    };
    if user.unreachable_since.is_none() {
        tracing::info!(user = %id, "Telegram refuses messages to this person; marked unreachable");
        user.unreachable_since = Some(now);
        s.store.update_user(&user).await?;
    }
    Ok(())
}
