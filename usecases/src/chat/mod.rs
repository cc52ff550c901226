//! The conversation: what a person types or presses, turned into use cases,
//! and the screens they get back. Transport-neutral: the Telegram and the
//! console adapters both feed [`Incoming`] events to [`handle`].

pub mod dialog;
pub mod parse;
pub mod views;

use chrono::{Datelike, NaiveDate};
use meetbot_domain::{
    Action, AuditAction, AuditEvent, Department, Email, Interval, Language, Meeting, MeetingId,
    Role, Status, Topic, User, Zone,
};
use meetbot_ports::{MessageRef, Screen};

use self::dialog::{BookingDraft, Dialog};
use self::views::Reader;
use crate::booking::{self, BookingInput};
use crate::callback::Callback;
use crate::error::UseCaseError;
use crate::ics::{self, IcsMethod};
use crate::registration::{self, Profile, StartOutcome};
use crate::services::Services;
use crate::{audit, broadcast, feedback, meetings, members, rsvp, settings};

/// The longest text accepted from a person (Telegram's own message limit).
pub const MAX_INPUT_CHARS: usize = 4096;

/// Something a person did in the chat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incoming {
    /// Who did it, as the transport knows them.
    pub from: Profile,
    /// What they did.
    pub event: Event,
}

/// A typed message or a pressed button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A text message; commands start with `/`.
    Text(String),
    /// A button press: its data, and the message it was on (edited in place).
    Button {
        /// The button's data.
        data: String,
        /// The message carrying the button.
        message: Option<MessageRef>,
    },
}

/// The commands of a role's command menu (`None`: not registered), each with
/// the message key of its description.
pub fn commands_for(role: Option<Role>) -> Vec<(&'static str, String)> {
    let mut names = vec!["start", "help", "lang", "stop"];
    if matches!(role, Some(Role::Manager | Role::Owner)) {
        names.extend([
            "book", "my", "free", "profile", "vacation", "sick", "trip", "active",
        ]);
    }
    if role == Some(Role::Owner) {
        names.extend([
            "pending",
            "users",
            "settings",
            "broadcast",
            "audit",
            "export",
            "rsvp",
        ]);
    }
    names
        .into_iter()
        .map(|n| (n, format!("command-{n}")))
        .collect()
}

/// Handles one event completely: every outcome, refusals and failures
/// included, is answered to the person in their language.
pub async fn handle(s: &Services, incoming: Incoming) {
    let from = &incoming.from;
    let user = match s.store.user(from.id).await {
        Ok(user) => user,
        Err(error) => {
            tracing::error!(%error, "could not read the user");
            None
        }
    };
    let reader = Reader {
        language: user.as_ref().map_or_else(
            || Language::from_telegram(from.language_code.as_deref()),
            |u| u.language,
        ),
        zone: user
            .as_ref()
            .map_or_else(|| s.default_settings.availability.zone(), |u| u.zone),
    };
    let message = match &incoming.event {
        Event::Button { message, .. } => *message,
        Event::Text(_) => None,
    };
    let chat = Chat {
        s,
        from,
        user,
        reader,
        message,
    };
    let result = match &incoming.event {
        Event::Text(text) => chat.on_text(text).await,
        Event::Button { data, .. } => chat.on_button(data).await,
    };
    if let Err(error) = result {
        if let UseCaseError::Store(cause) = &error {
            tracing::error!(%cause, "a request failed in the store");
        }
        chat.send(views::error(&error)).await;
    }
}

/// One event being handled.
struct Chat<'a> {
    s: &'a Services,
    from: &'a Profile,
    user: Option<User>,
    reader: Reader,
    message: Option<MessageRef>,
}

type Outcome = Result<(), UseCaseError>;

impl Chat<'_> {
    fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// Sends a new message.
    async fn send(&self, screen: Screen) {
        if let Err(error) = self
            .s
            .messenger
            .send(self.from.id, self.reader.language, &screen)
            .await
        {
            tracing::warn!(%error, key = screen.key(), "reply not delivered");
        }
    }

    /// Replaces the message whose button was pressed, or sends a new one.
    async fn reply(&self, screen: Screen) {
        match self.message {
            Some(message) => {
                if let Err(error) = self
                    .s
                    .messenger
                    .edit(message, self.reader.language, &screen)
                    .await
                {
                    tracing::warn!(%error, key = screen.key(), "edit failed; sending anew");
                    self.send(screen).await;
                }
            }
            None => self.send(screen).await,
        }
    }

    async fn dialog(&self) -> Result<Option<Dialog>, UseCaseError> {
        dialog::load(self.s, self.from.id).await
    }

    async fn save(&self, dialog: Option<&Dialog>) -> Outcome {
        dialog::save(self.s, self.from.id, dialog).await
    }

    async fn on_text(&self, text: &str) -> Outcome {
        if text.chars().count() > MAX_INPUT_CHARS {
            return Err(UseCaseError::Invalid("error-value-too-long"));
        }
        if let Some((name, argument)) = parse::command(text) {
            // A command always ends a dialog in progress.
            self.save(None).await?;
            return self.command(&name, &argument).await;
        }
        match self.dialog().await? {
            Some(Dialog::Registration {
                department,
                department_answered,
            }) => {
                self.registration_text(text, department, department_answered)
                    .await
            }
            Some(Dialog::Booking(draft)) if draft.awaiting_topic => {
                let topic = Topic::new(text)?;
                let draft = BookingDraft {
                    topic: Some(topic.as_str().to_owned()),
                    awaiting_topic: false,
                    ..draft
                };
                self.show_confirmation(draft).await
            }
            Some(Dialog::Setting { code }) => self.setting_text(&code, text).await,
            Some(Dialog::Broadcast) => {
                let report = broadcast::broadcast(self.s, self.from.id, text).await?;
                self.save(None).await?;
                self.send(views::broadcast_done(report.delivered, report.failed))
                    .await;
                Ok(())
            }
            Some(Dialog::FeedbackComment { meeting }) => {
                feedback::comment(self.s, self.from.id, meeting, text).await?;
                self.save(None).await?;
                self.send(views::note("feedback-done")).await;
                Ok(())
            }
            Some(Dialog::Booking(_)) | None => {
                self.send(views::note("not-understood")).await;
                Ok(())
            }
        }
    }

    async fn command(&self, name: &str, argument: &str) -> Outcome {
        let s = self.s;
        let me = self.from.id;
        match name {
            "start" => self.start().await,
            "help" => {
                self.send(views::help(self.role())).await;
                Ok(())
            }
            "lang" => {
                self.send(views::choose_language()).await;
                Ok(())
            }
            "stop" => {
                registration::stop(s, me).await?;
                self.send(views::note("stopped")).await;
                Ok(())
            }
            "book" => self.begin_booking(BookingDraft::default()).await,
            "my" => self.my_meetings().await,
            "free" => {
                let today = self.owner_zone().await?.date_of(s.clock.now());
                let date = if argument.is_empty() {
                    today
                } else {
                    parse::date(argument, today)
                        .ok_or(UseCaseError::Invalid("error-date-invalid"))?
                };
                self.free(date).await
            }
            "profile" => {
                let view = members::profile(s, me).await?;
                self.send(views::profile(&view, self.reader)).await;
                Ok(())
            }
            "vacation" | "sick" | "trip" | "active" => {
                let status = match name {
                    "vacation" => Status::Vacation,
                    "sick" => Status::Sick,
                    "trip" => Status::BusinessTrip,
                    _ => Status::Active,
                };
                members::change_status(s, me, me, status).await?;
                self.send(views::status_set(status)).await;
                Ok(())
            }
            "pending" => {
                let users = members::pending(s, me).await?;
                self.send(views::pending(&users)).await;
                Ok(())
            }
            "users" => {
                let users = members::list(s, me).await?;
                let ratings = feedback::summaries(s).await?;
                self.reply(views::users(&users, &ratings)).await;
                Ok(())
            }
            "rsvp" => {
                let count = rsvp::head_count(s, me).await?;
                let group = rsvp::definition(s)
                    .await?
                    .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
                let owner = s.actor(me, Action::ViewStatistics).await?;
                self.send(rsvp::head_count_screen(&group, &count, &owner))
                    .await;
                Ok(())
            }
            "settings" => {
                let settings = settings::view(s, me).await?;
                self.send(views::settings(&settings)).await;
                Ok(())
            }
            "broadcast" => {
                s.actor(me, Action::Broadcast).await?;
                self.save(Some(&Dialog::Broadcast)).await?;
                self.send(views::note("ask-broadcast")).await;
                Ok(())
            }
            "audit" => {
                let events = audit::recent(s, me, 20).await?;
                self.send(views::audit(&events, self.reader)).await;
                Ok(())
            }
            "export" => self.export(argument).await,
            "cancel" => {
                self.send(views::note("dialog-aborted")).await;
                Ok(())
            }
            other => match other
                .strip_prefix("free")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
            {
                Some(date) => self.free(date).await,
                None => {
                    self.send(views::note("unknown-command")).await;
                    Ok(())
                }
            },
        }
    }

    async fn start(&self) -> Outcome {
        match registration::start(self.s, self.from).await? {
            StartOutcome::Welcome(user) => {
                self.s.refresh_menu(&user).await;
                self.send(views::welcome(&user)).await;
            }
            StartOutcome::NeedsRegistration => {
                let departments = self.s.settings().await?.departments;
                let dialog = Dialog::Registration {
                    department: None,
                    department_answered: departments.is_empty(),
                };
                self.save(Some(&dialog)).await?;
                self.send(views::note("registration-intro")).await;
                if departments.is_empty() {
                    self.send(views::ask_email()).await;
                } else {
                    self.send(views::ask_department(&departments)).await;
                }
            }
            StartOutcome::AwaitingApproval(_) => {
                self.send(views::note("registration-pending")).await
            }
            StartOutcome::Rejected(_) => self.send(views::note("registration-rejected")).await,
            StartOutcome::Blocked(_) => self.send(views::note("error-blocked")).await,
        }
        Ok(())
    }

    async fn registration_text(
        &self,
        text: &str,
        department: Option<Department>,
        answered: bool,
    ) -> Outcome {
        if !answered {
            let departments = self.s.settings().await?.departments;
            let chosen = departments
                .iter()
                .find(|d| d.as_str().to_lowercase() == text.trim().to_lowercase());
            return match chosen {
                Some(department) => self.department_chosen(department.clone()).await,
                None => {
                    self.send(views::error(&UseCaseError::Invalid(
                        "error-department-unknown",
                    )))
                    .await;
                    self.send(views::ask_department(&departments)).await;
                    Ok(())
                }
            };
        }
        let email = Email::new(text)?;
        self.finish_registration(department, Some(email)).await
    }

    async fn department_chosen(&self, department: Department) -> Outcome {
        let dialog = Dialog::Registration {
            department: Some(department),
            department_answered: true,
        };
        self.save(Some(&dialog)).await?;
        self.reply(views::ask_email()).await;
        Ok(())
    }

    async fn finish_registration(
        &self,
        department: Option<Department>,
        email: Option<Email>,
    ) -> Outcome {
        let result = registration::register(self.s, self.from, department, email).await;
        self.save(None).await?;
        match result {
            Ok(_) => self.reply(views::note("registration-sent")).await,
            Err(UseCaseError::AlreadyDecided) => {
                self.reply(views::note("registration-pending")).await
            }
            Err(other) => return Err(other),
        }
        Ok(())
    }

    async fn setting_text(&self, code: &str, text: &str) -> Outcome {
        let today = self.owner_zone().await?.date_of(self.s.clock.now());
        let change = parse::setting(code, text, today)?;
        let saved = settings::change(self.s, self.from.id, change).await?;
        self.save(None).await?;
        self.send(views::note("setting-saved")).await;
        self.send(views::settings(&saved)).await;
        Ok(())
    }

    async fn owner_zone(&self) -> Result<Zone, UseCaseError> {
        Ok(self.s.settings().await?.availability.zone())
    }

    async fn shortest_type(&self) -> Result<String, UseCaseError> {
        let settings = self.s.settings().await?;
        settings
            .meeting_types
            .iter()
            .min_by_key(|t| t.minutes())
            .map(|t| t.code().to_owned())
            .ok_or(UseCaseError::Invalid("error-meeting-types-empty"))
    }

    async fn free(&self, date: NaiveDate) -> Outcome {
        let code = self.shortest_type().await?;
        let slots = booking::free_slots(self.s, self.from.id, date, &code).await?;
        self.reply(views::free_slots(date, &slots, self.reader))
            .await;
        Ok(())
    }

    async fn my_meetings(&self) -> Outcome {
        let list = meetings::upcoming(self.s, self.from.id).await?;
        let mut rows = Vec::with_capacity(list.len());
        for meeting in list {
            let booker = self.s.store.user(meeting.booker).await?;
            rows.push((meeting, booker));
        }
        self.reply(views::my_meetings(&rows, self.reader)).await;
        Ok(())
    }

    /// Opens the picker: the meeting type first when there is a choice, then the month.
    async fn begin_booking(&self, mut draft: BookingDraft) -> Outcome {
        self.s.actor(self.from.id, Action::Book).await?;
        let types = self.s.settings().await?.meeting_types;
        if draft.meeting_type.is_none() && types.len() == 1 {
            draft.meeting_type = types.first().map(|t| t.code().to_owned());
        }
        if draft.meeting_type.is_none() {
            self.save(Some(&Dialog::Booking(draft))).await?;
            self.reply(views::pick_meeting_type(&types)).await;
            return Ok(());
        }
        let today = self.owner_zone().await?.date_of(self.s.clock.now());
        self.show_month(draft, today.year(), today.month()).await
    }

    async fn show_month(&self, draft: BookingDraft, year: i32, month: u32) -> Outcome {
        let code = draft
            .meeting_type
            .clone()
            .ok_or(UseCaseError::Invalid("error-stale-button"))?;
        let days = booking::month(self.s, self.from.id, year, month, &code).await?;
        self.save(Some(&Dialog::Booking(draft))).await?;
        self.reply(views::month(year, month, &days)).await;
        Ok(())
    }

    async fn show_day(&self, draft: BookingDraft, date: NaiveDate) -> Outcome {
        let code = draft
            .meeting_type
            .clone()
            .ok_or(UseCaseError::Invalid("error-stale-button"))?;
        let slots = booking::free_slots(self.s, self.from.id, date, &code).await?;
        self.save(Some(&Dialog::Booking(draft))).await?;
        self.reply(views::day_slots(date, &slots, self.reader))
            .await;
        Ok(())
    }

    async fn show_confirmation(&self, draft: BookingDraft) -> Outcome {
        let (Some(code), Some(start)) = (draft.meeting_type.as_deref(), draft.start) else {
            return Err(UseCaseError::Invalid("error-stale-button"));
        };
        let settings = self.s.settings().await?;
        let kind = settings
            .meeting_type(code)
            .ok_or(UseCaseError::Invalid("error-meeting-type-unknown"))?;
        let interval = meetbot_domain::Interval::starting_at(start, kind.duration())
            .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
        let screen = views::confirm(
            interval,
            draft.topic.as_deref(),
            draft.reschedule_of.is_some(),
            self.reader,
        );
        self.save(Some(&Dialog::Booking(draft))).await?;
        self.reply(screen).await;
        Ok(())
    }

    async fn confirm_booking(&self, draft: BookingDraft) -> Outcome {
        let (Some(code), Some(start)) = (draft.meeting_type.clone(), draft.start) else {
            return Err(UseCaseError::Invalid("error-stale-button"));
        };
        let result = match draft.reschedule_of {
            Some(old) => booking::reschedule(self.s, self.from.id, old, start).await,
            None => {
                booking::book(
                    self.s,
                    self.from.id,
                    BookingInput {
                        start,
                        meeting_type: code,
                        topic: draft.topic.clone(),
                    },
                )
                .await
            }
        };
        match result {
            Ok(meeting) => {
                self.save(None).await?;
                self.reply(views::booked(
                    &meeting,
                    draft.reschedule_of.is_some(),
                    self.reader,
                ))
                .await;
                // An edited message cannot gain a file, so the .ics comes as its own message.
                self.send(self.calendar_file(&meeting, IcsMethod::Request).await?)
                    .await;
                if let Some(old) = draft.reschedule_of
                    && let Some(old) = self.s.store.meeting(old).await?
                {
                    self.send(self.calendar_file(&old, IcsMethod::Cancel).await?)
                        .await;
                }
                Ok(())
            }
            Err(error @ UseCaseError::Slot(_)) => {
                // The slot went meanwhile: explain, then offer the day's remaining slots.
                self.send(views::error(&error)).await;
                let date = self.owner_zone().await?.date_of(start);
                let draft = BookingDraft {
                    start: None,
                    ..draft
                };
                let screen = {
                    let code = draft.meeting_type.clone().unwrap_or_default();
                    let slots = booking::free_slots(self.s, self.from.id, date, &code).await?;
                    views::day_slots(date, &slots, self.reader)
                };
                self.save(Some(&Dialog::Booking(draft))).await?;
                self.send(screen).await;
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    async fn booking_draft(&self) -> Result<Option<BookingDraft>, UseCaseError> {
        Ok(match self.dialog().await? {
            Some(Dialog::Booking(draft)) => Some(draft),
            _ => None,
        })
    }

    async fn stale(&self, data: &str) -> Outcome {
        let event = AuditEvent::new(
            self.s.clock.now(),
            Some(self.from.id),
            AuditAction::PermissionDenied,
        )
        .on("button")
        .with(data.chars().take(64).collect::<String>());
        self.s.audit(event).await?;
        self.send(views::note("error-stale-button")).await;
        Ok(())
    }

    async fn on_button(&self, data: &str) -> Outcome {
        let Some(callback) = Callback::decode(data) else {
            return self.stale(data).await;
        };
        let s = self.s;
        let me = self.from.id;
        match callback {
            Callback::Noop => Ok(()),
            Callback::Command(code) => self.command(&code, "").await,
            Callback::Lang(language) => {
                registration::set_language(s, me, language).await?;
                let chat = Chat {
                    reader: Reader {
                        language,
                        ..self.reader
                    },
                    user: self.user.clone(),
                    ..*self
                };
                chat.reply(views::note("language-set")).await;
                Ok(())
            }
            Callback::Approve(user) | Callback::Reject(user) => {
                let approved = matches!(callback, Callback::Approve(_));
                let decided = if approved {
                    registration::approve(s, me, user).await?
                } else {
                    registration::reject(s, me, user).await?
                };
                self.reply(views::decided(&decided, approved)).await;
                Ok(())
            }
            Callback::Department(index) => {
                let Some(Dialog::Registration { .. }) = self.dialog().await? else {
                    return self.stale(data).await;
                };
                let departments = s.settings().await?.departments;
                match departments.get(usize::from(index)) {
                    Some(department) => self.department_chosen(department.clone()).await,
                    None => self.stale(data).await,
                }
            }
            Callback::Skip => match self.dialog().await? {
                Some(Dialog::Registration {
                    department,
                    department_answered: false,
                }) => {
                    let dialog = Dialog::Registration {
                        department,
                        department_answered: true,
                    };
                    self.save(Some(&dialog)).await?;
                    self.reply(views::ask_email()).await;
                    Ok(())
                }
                Some(Dialog::Registration {
                    department,
                    department_answered: true,
                }) => self.finish_registration(department, None).await,
                Some(Dialog::FeedbackComment { .. }) => {
                    self.save(None).await?;
                    self.reply(views::note("feedback-done")).await;
                    Ok(())
                }
                _ => self.stale(data).await,
            },
            Callback::MeetingType(code) => {
                let draft = self.booking_draft().await?.unwrap_or_default();
                self.begin_booking(BookingDraft {
                    meeting_type: Some(code),
                    ..draft
                })
                .await
            }
            Callback::Month(year, month) => match self.booking_draft().await? {
                Some(draft) => self.show_month(draft, year, month).await,
                None => self.stale(data).await,
            },
            Callback::Day(date) => match self.booking_draft().await? {
                Some(draft) => self.show_day(draft, date).await,
                None => self.stale(data).await,
            },
            Callback::Slot(start) => {
                let draft = match self.booking_draft().await? {
                    Some(draft) => draft,
                    // A slot pressed in /free starts a booking of the shortest type.
                    None => BookingDraft {
                        meeting_type: Some(self.shortest_type().await?),
                        ..BookingDraft::default()
                    },
                };
                let draft = BookingDraft {
                    start: Some(start),
                    ..draft
                };
                if draft.reschedule_of.is_some() {
                    return self.show_confirmation(draft).await;
                }
                s.actor(me, Action::Book).await?;
                self.save(Some(&Dialog::Booking(BookingDraft {
                    awaiting_topic: true,
                    ..draft
                })))
                .await?;
                self.reply(views::ask_topic()).await;
                Ok(())
            }
            Callback::SkipTopic => match self.booking_draft().await? {
                Some(draft) => {
                    self.show_confirmation(BookingDraft {
                        awaiting_topic: false,
                        topic: None,
                        ..draft
                    })
                    .await
                }
                None => self.stale(data).await,
            },
            Callback::Confirm => match self.booking_draft().await? {
                Some(draft) => self.confirm_booking(draft).await,
                None => self.stale(data).await,
            },
            Callback::Abort => {
                self.save(None).await?;
                self.reply(views::note("dialog-aborted")).await;
                Ok(())
            }
            Callback::Cancel(id) => {
                let (_, meeting) = meetings::get(s, me, id).await?;
                self.reply(views::confirm_cancel(&meeting, self.reader))
                    .await;
                Ok(())
            }
            Callback::CancelConfirmed(id) => {
                let meeting = meetings::cancel(s, me, id).await?;
                self.reply(views::cancelled(&meeting, self.reader)).await;
                self.send(self.calendar_file(&meeting, IcsMethod::Cancel).await?)
                    .await;
                Ok(())
            }
            Callback::Reschedule(id) => self.begin_reschedule(id).await,
            Callback::UserCard(user) => {
                let user = members::card(s, me, user).await?;
                self.show_card(user).await
            }
            Callback::SetRole(user, role) => {
                let user = members::change_role(s, me, user, role).await?;
                self.show_card(user).await
            }
            Callback::SetStatus(user, status) => {
                let user = members::change_status(s, me, user, status).await?;
                self.show_card(user).await
            }
            Callback::SetDepartment(user, index) => {
                let departments = s.settings().await?.departments;
                let Some(department) = departments.get(usize::from(index)) else {
                    return self.stale(data).await;
                };
                let user =
                    members::change_department(s, me, user, Some(department.clone())).await?;
                self.show_card(user).await
            }
            Callback::OpenMeeting(id) => {
                let (_, meeting) = meetings::get(s, me, id).await?;
                let booker = s.store.user(meeting.booker).await?;
                self.reply(views::meeting_card(&meeting, booker.as_ref(), self.reader))
                    .await;
                Ok(())
            }
            Callback::Rate(id, stars) => {
                let given = feedback::rate(s, me, id, i64::from(stars)).await?;
                self.save(Some(&Dialog::FeedbackComment { meeting: id }))
                    .await?;
                self.reply(feedback::thanks_screen(&given)).await;
                Ok(())
            }
            Callback::Rsvp(date, answer) => {
                let occurrence = rsvp::answer(s, me, date, answer).await?;
                let group = rsvp::definition(s)
                    .await?
                    .ok_or(UseCaseError::Invalid("rsvp-not-configured"))?;
                let user = s.actor(me, Action::AnswerInvitation).await?;
                self.reply(rsvp::answered_screen(&group, occurrence, answer, &user))
                    .await;
                Ok(())
            }
            Callback::EditSetting(code) => {
                if !views::SETTING_CODES.contains(&code.as_str()) {
                    return self.stale(data).await;
                }
                settings::view(s, me).await?;
                self.save(Some(&Dialog::Setting { code: code.clone() }))
                    .await?;
                self.send(views::ask_setting(&code)).await;
                Ok(())
            }
        }
    }

    /// A user's card for the owner, with their feedback summary.
    async fn show_card(&self, user: User) -> Outcome {
        let rating = feedback::summary(self.s, user.id).await?;
        let departments = self.s.settings().await?.departments;
        self.reply(views::user_card(&user, rating.as_ref(), &departments))
            .await;
        Ok(())
    }

    /// The .ics file of a meeting for the reader's own calendar: an
    /// invitation, or the cancellation that supersedes it.
    async fn calendar_file(
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
        let host = self.s.host().await?;
        let sequence = if method == IcsMethod::Cancel {
            ics::RESCHEDULED_SEQUENCE
        } else {
            0
        };
        let content = ics::meeting_ics(
            meeting,
            &booker,
            host.as_ref(),
            method,
            sequence,
            ics::DEFAULT_UID_DOMAIN,
        );
        Ok(views::calendar_file(
            meeting.id,
            content,
            method == IcsMethod::Cancel,
        ))
    }

    /// /export [from to]: the owner's meetings of a range as .ics and CSV;
    /// by default from 30 days back to 90 days ahead.
    async fn export(&self, argument: &str) -> Outcome {
        let zone = self.owner_zone().await?;
        let today = zone.date_of(self.s.clock.now());
        let (from, to) = match argument.split_whitespace().collect::<Vec<_>>().as_slice() {
            [] => (
                today - chrono::Duration::days(30),
                today + chrono::Duration::days(90),
            ),
            [from, to] => {
                // An export looks back as often as ahead: a date without a year is in this year.
                let this_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
                let read = |d: &str| {
                    parse::date(d, this_year).ok_or(UseCaseError::Invalid("error-date-invalid"))
                };
                (read(from)?, read(to)?)
            }
            _ => return Err(UseCaseError::Invalid("error-date-invalid")),
        };
        let range = Interval::new(
            zone.start_of_day(from),
            zone.start_of_day(to + chrono::Duration::days(1)),
        )
        .map_err(|_| UseCaseError::Invalid("error-date-invalid"))?;
        let export = ics::export(self.s, self.from.id, range).await?;
        let (ics_file, csv_file) = views::export_files(from, to, &export);
        self.send(ics_file).await;
        self.send(csv_file).await;
        Ok(())
    }

    async fn begin_reschedule(&self, id: MeetingId) -> Outcome {
        let meeting = meetings::check_reschedulable(self.s, self.from.id, id).await?;
        let draft = BookingDraft {
            reschedule_of: Some(meeting.id),
            meeting_type: Some(meeting.meeting_type.clone()),
            topic: meeting.topic.as_ref().map(|t| t.as_str().to_owned()),
            ..BookingDraft::default()
        };
        let date = self.owner_zone().await?.date_of(meeting.interval.start());
        self.show_month(draft, date.year(), date.month()).await
    }
}
