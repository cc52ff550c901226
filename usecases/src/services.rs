//! The ports a use case works with, and the steps every use case shares:
//! who is acting, may they, and telling people.

use std::sync::Arc;

use meetbot_domain::{
    Action, AuditAction, AuditDetails, AuditEvent, Denial, Department, Email, MeetingId, Role,
    Settings, User, UserId, authorize,
};
use meetbot_ports::interpreter::Interpreter;
use meetbot_ports::{
    Calendar, Clock, Delivery, InstallIds, MenuCommand, Messenger, Outgoing, Screen, Store, Text,
    Transaction, UserQuery,
};

use crate::busy_reads::BusyReads;
use crate::error::UseCaseError;
use crate::outbox::{self, Outbox};
use crate::refusals::RefusalNotes;
use crate::settings::SettingsMemo;

/// The ports and the configuration every use case needs.
#[derive(Clone)]
pub struct Services {
    /// Persistent state.
    pub store: Arc<dyn Store>,
    /// The owner's calendar.
    pub calendar: Arc<dyn Calendar>,
    /// The chat transport.
    pub messenger: Arc<dyn Messenger>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Reads the sentences people write instead of pressing buttons.
    pub interpreter: Arc<dyn Interpreter>,
    /// Telegram ids that are OWNER from their first message (configuration).
    pub owner_ids: Vec<UserId>,
    /// Settings used until the owner saves their own.
    pub default_settings: Settings,
    /// This install's part of its calendar event names.
    pub install: InstallIds,
    /// Where the HTTP listener is reached from outside (`http.public_url`),
    /// for the addresses of calendar feeds; `None`: no feeds.
    pub feed_base: Option<String>,
    /// Recent busy-time answers of the calendar, and whether it fails now.
    pub busy_reads: Arc<BusyReads>,
    /// When each person was last told that a button was refused.
    pub refusals: Arc<RefusalNotes>,
    /// The owner's address as the organizer of invitations
    /// (`organisation.owner_email`), before the one in their profile.
    pub owner_email: Option<Email>,
    /// The link to the outbox of messages: wakes its sender, and keeps
    /// what a unit of work queued for delivery after its commit.
    pub outbox: Outbox,
    /// In a unit of work, the settings it has read (see [`SettingsMemo`]);
    /// `None` outside one.
    pub settings_read: Option<SettingsMemo>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("owner_ids", &self.owner_ids)
            .finish_non_exhaustive()
    }
}

impl Services {
    /// The acting person, read fresh from the store, if they may do `action`.
    /// A refusal is recorded in the audit log before it is returned.
    pub async fn actor(&self, id: UserId, action: Action) -> Result<User, UseCaseError> {
        let user = self.store.user(id).await?;
        match authorize(user.as_ref().map(|u| u.role), action) {
            Ok(()) => user.ok_or(UseCaseError::Denied(Denial::NotRegistered)),
            Err(denial) => Err(self.refuse(id, action, denial).await),
        }
    }

    /// The UID of a meeting's event, in the owner's calendar and in .ics files.
    pub fn event_uid(&self, meeting: MeetingId) -> String {
        self.calendar.event_uid(&self.install.key(meeting))
    }

    /// Records a refusal in the audit log and returns it as an error.
    pub async fn refuse(&self, actor: UserId, action: Action, denial: Denial) -> UseCaseError {
        let event = AuditEvent::new(self.clock.now(), Some(actor), AuditAction::PermissionDenied)
            .on(action)
            .detailed(&AuditDetails::Refused { denial });
        if let Err(error) = self.store.append_audit(&event).await {
            tracing::error!(%error, "could not record a refusal in the audit log");
        }
        UseCaseError::Denied(denial)
    }

    /// Appends to the audit log.
    pub async fn audit(&self, event: AuditEvent) -> Result<(), UseCaseError> {
        self.store.append_audit(&event).await?;
        Ok(())
    }

    /// Every OWNER in the store.
    pub async fn owners(&self) -> Result<Vec<User>, UseCaseError> {
        Ok(self
            .store
            .users(UserQuery {
                role: Some(Role::Owner),
            })
            .await?)
    }

    /// The owner whose calendar is booked: the first configured owner known
    /// to the store, else the first OWNER who registered.
    pub async fn host(&self) -> Result<Option<User>, UseCaseError> {
        let owners = self.owners().await?;
        let configured = self
            .owner_ids
            .iter()
            .find_map(|id| owners.iter().find(|o| o.id == *id));
        Ok(configured.or(owners.first()).cloned())
    }

    /// The host as the organizer of invitations: with the configured
    /// owner address, else the one in their profile.
    pub async fn organizer(&self) -> Result<Option<User>, UseCaseError> {
        let mut host = self.host().await?;
        if let Some(host) = &mut host
            && let Some(email) = &self.owner_email
        {
            host.email = Some(email.clone());
        }
        Ok(host)
    }

    /// The same services, reading and writing through `transaction`, and
    /// keeping the messages they queue for delivery after its commit.
    pub fn within(&self, transaction: Arc<dyn Transaction>) -> Self {
        Self {
            store: transaction,
            outbox: self.outbox.for_unit(),
            settings_read: Some(SettingsMemo::default()),
            ..self.clone()
        }
    }

    /// Queues messages in the outbox (see [`outbox::queue`]). A failure to
    /// queue does not undo what was done; it is logged here, where it is
    /// handled.
    pub async fn queue(&self, messages: &[Outgoing]) {
        if let Err(error) = outbox::queue(self, messages).await {
            tracing::error!(%error, count = messages.len(), "messages could not be queued");
        }
    }

    /// Tells a person something, through the outbox.
    pub async fn tell(&self, to: &User, screen: &Screen) {
        self.queue(&[Outgoing::send(to.id, to.language, screen.clone())])
            .await;
    }

    /// The command menu of a person's role, in their language, to be set.
    pub fn menu_of(user: &User) -> Outgoing {
        let role =
            matches!(user.role, Role::Owner | Role::Manager | Role::Pending).then_some(user.role);
        let commands: Vec<MenuCommand> = crate::chat::commands_for(role)
            .into_iter()
            .map(|(name, key)| MenuCommand {
                name: name.to_owned(),
                description: Text::new(key),
            })
            .collect();
        Outgoing {
            to: user.id,
            language: user.language,
            delivery: Delivery::Menu(commands),
        }
    }

    /// Shows a person the command menu of their role, in their language.
    pub async fn refresh_menu(&self, user: &User) {
        self.queue(&[Self::menu_of(user)]).await;
    }

    /// Tells every owner something, except `except` (who did it themselves);
    /// the screen is made for each reader, so times show in their zone.
    pub async fn tell_owners(
        &self,
        screen_for: impl Fn(&User) -> Screen + Send + Sync,
        except: Option<UserId>,
    ) -> Result<(), UseCaseError> {
        for owner in self.owners().await? {
            if Some(owner.id) != except {
                self.tell(&owner, &screen_for(&owner)).await;
            }
        }
        Ok(())
    }

    /// Checks that a department is one of the configured list (any is fine
    /// when there is no list).
    pub async fn check_department(
        &self,
        department: Option<&Department>,
    ) -> Result<(), UseCaseError> {
        let Some(department) = department else {
            return Ok(());
        };
        let known = self.settings().await?.departments;
        if known.is_empty() || known.contains(department) {
            Ok(())
        } else {
            Err(UseCaseError::Invalid("error-department-unknown"))
        }
    }

    /// The organisation's current settings.
    pub async fn settings(&self) -> Result<Settings, UseCaseError> {
        crate::settings::load(self).await
    }
}
