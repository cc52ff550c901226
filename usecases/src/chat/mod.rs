//! The conversation: what a person types or presses, turned into use cases,
//! and the screens they get back. Transport-neutral: the Telegram and the
//! console adapters both feed [`Incoming`] events to [`handle`].
//!
//! An event is read once into a typed input (a [`Command`], a [`Callback`],
//! or text), the dialog in progress is loaded once, and one routing step
//! matches on the two and hands over to the handler of a flow (registration,
//! booking, my meetings, owner tools, settings, feedback and RSVP). Handlers
//! return a [`Reply`]; only [`handle`] saves the dialog and queues the
//! answer in the outbox, all in one unit of work with the flow's changes,
//! so [`answer`] gives a flow's screens without a messenger.

pub mod audit_views;
pub mod command;
mod context;
pub mod dialog;
mod flows;
pub mod parse;
pub mod reply;
pub mod sentence_views;
pub mod setting;
pub mod settings_views;
pub mod stats_views;
pub mod views;

use chrono::{DateTime, Utc};
use meetbot_domain::{Language, Role};
use meetbot_ports::{Delivery, MessageRef, Outgoing, QueuedMessage, StoreError};

pub use self::command::{Command, DateArg};
pub use self::reply::{DialogUpdate, Reply};
pub use self::setting::SettingCode;

use self::context::{Chat, Handled};
use self::dialog::{BookingDraft, Dialog};
use self::flows::{
    account, booking, feedback, meetings, owner, registration, sentence, settings, stats,
};
use self::views::Reader;
use crate::audit::AuditView;
use crate::callback::{Callback, Pressed};
use crate::error::UseCaseError;
use crate::outbox;
use crate::registration::Profile;
use crate::services::Services;

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

/// A typed message, a voice message or a pressed button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A text message; commands start with `/`.
    Text(String),
    /// A voice message: what it said, as the transport's speech-to-text
    /// heard it, or `None` when it could not be turned into text (no
    /// speech-to-text configured, or it failed). A transcript is shown back
    /// and then handled like typed text.
    Voice(Option<String>),
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
    Command::menu_for(role)
        .map(|command| (command.name(), format!("command-{}", command.name())))
        .collect()
}

/// What a person did, read once: a command, a text, a button.
enum Input {
    /// A typed command; an error when its arguments do not read.
    Command(Result<Command, UseCaseError>),
    /// Any other text.
    Text(String),
    /// A text longer than anything a person types.
    TooLong,
    /// A button press.
    Button(Callback),
    /// Button data that does not decode: forged, or from another version.
    UnreadableButton,
    /// A button on a message older than [`callback::BUTTON_LIFETIME`].
    ExpiredButton,
    /// A voice message that could not be turned into text.
    Unheard,
}

impl Input {
    fn read(event: &Event, now: DateTime<Utc>) -> Self {
        match event {
            Event::Text(text) | Event::Voice(Some(text)) => Self::read_text(text),
            Event::Voice(None) => Self::Unheard,
            Event::Button { data, .. } => match Pressed::read(data) {
                Some(pressed) if pressed.is_stale(now) => Self::ExpiredButton,
                Some(pressed) => Self::Button(pressed.callback),
                None => Self::UnreadableButton,
            },
        }
    }

    fn read_text(text: &str) -> Self {
        if text.chars().count() > MAX_INPUT_CHARS {
            return Self::TooLong;
        }
        match Command::parse(text) {
            Some(command) => Self::Command(command),
            None => Self::Text(text.to_owned()),
        }
    }
}

/// How many times a unit of work is tried when the database fails in it.
const ATTEMPTS: u32 = 3;

/// Handles one event completely: every outcome, refusals and failures
/// included, is answered to the person in their language.
pub async fn handle(s: &Services, incoming: Incoming) {
    handle_received(s, &incoming, None).await;
}

/// Handles one event as one unit of work: what it changes, the answer and
/// every notice it queues in the outbox, and the mark that the inbox's
/// update `update` is handled, are committed together, and the answer is
/// delivered after. When the database fails in the middle, the work is
/// rolled back and done again, a few times. Returns whether it was
/// committed; when not, nothing of it happened and the update is still
/// unhandled, for the caller to try later.
pub async fn handle_received(s: &Services, incoming: &Incoming, update: Option<i64>) -> bool {
    let message = match &incoming.event {
        Event::Button { message, .. } => *message,
        Event::Text(_) | Event::Voice(_) => None,
    };
    for attempt in 1..=ATTEMPTS {
        let last = attempt == ATTEMPTS;
        let transaction = match s.store.begin().await {
            Ok(transaction) => transaction,
            Err(error) => {
                tracing::error!(%error, "could not begin handling an update");
                pause(attempt).await;
                continue;
            }
        };
        let unit = s.within(transaction.clone());
        let (chat, reply) = answer_with(&unit, incoming).await;
        let recorded = record(&chat, message, reply, update).await;
        let (queued, claimed) = match recorded {
            // On the last try a failure inside the work stays: its answer
            // says to try again, and that answer is better than none.
            Ok(recorded) if last || !transaction.failed() => recorded,
            Err(UseCaseError::Store(StoreError::Conflict(reason))) => {
                tracing::info!(%reason, "an update handled by another instance is left to it");
                transaction.rollback().await;
                return true;
            }
            outcome => {
                if let Err(error) = outcome {
                    tracing::error!(%error, attempt, "could not record the handling of an update");
                }
                transaction.rollback().await;
                pause(attempt).await;
                continue;
            }
        };
        match transaction.commit().await {
            Ok(()) => {
                outbox::deliver_claimed(s, queued, claimed).await;
                return true;
            }
            Err(error) => {
                tracing::error!(%error, attempt, "could not commit the handling of an update");
                pause(attempt).await;
            }
        }
    }
    false
}

/// After handling an update failed for a reason of the bot's own (a panic
/// in a handler): the person is told something went wrong, and the update
/// is marked handled in the same transaction, so that it is neither lost
/// silently nor taken up again at every start. Returns whether that was
/// stored.
pub async fn answer_failure(s: &Services, to: &Profile, update: i64) -> bool {
    let language = match s.store.user(to.id).await {
        Ok(Some(user)) => user.language,
        _ => Language::from_telegram(to.language_code.as_deref()),
    };
    let told = [Outgoing::send(
        to.id,
        language,
        views::note("error-try-later"),
    )];
    let stored = async {
        let transaction = s.store.begin().await?;
        let unit = s.within(transaction.clone());
        let now = s.clock.now();
        let claimed = unit
            .store
            .queue_messages(&told, now, Some(outbox::LEASE))
            .await?;
        unit.store.update_handled(update, now).await?;
        transaction.commit().await?;
        Ok::<_, StoreError>(claimed)
    }
    .await;
    match stored {
        Ok(claimed) => {
            outbox::deliver_claimed(s, told.len(), claimed).await;
            true
        }
        Err(error) => {
            tracing::error!(%error, "could not tell a person that their update failed");
            s.store.update_handled(update, s.clock.now()).await.is_ok()
        }
    }
}

/// A short wait before a unit of work is tried again.
async fn pause(attempt: u32) {
    tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(attempt))).await;
}

/// What the chat answers to one event, without showing it or saving the
/// dialog: the use cases run (and change the store), the screens and the
/// next dialog are returned. [`handle`] is this and the showing.
pub async fn answer(s: &Services, incoming: &Incoming) -> Reply {
    answer_with(s, incoming).await.1
}

async fn answer_with<'a>(s: &'a Services, incoming: &'a Incoming) -> (Chat<'a>, Reply) {
    let from = &incoming.from;
    let (user, dialog) = match s
        .store
        .first_read(from.id, crate::settings::SETTINGS_KEY)
        .await
    {
        Ok(first) => {
            crate::settings::remember(s, first.value);
            let mut person = first.person;
            // Writing again is the sign they unblocked the bot.
            if let Some(user) = person.as_mut().filter(|u| u.unreachable_since.is_some()) {
                user.unreachable_since = None;
                if let Err(error) = s.store.update_user(user).await {
                    tracing::warn!(%error, "could not clear a person's unreachable mark");
                }
            }
            (person, Ok(dialog::read(from.id, first.dialog)))
        }
        Err(error) => {
            tracing::error!(%error, "could not read the person and their dialog");
            (None, Err(UseCaseError::from(error)))
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
    let button = match &incoming.event {
        Event::Button { data, .. } => Some(data.as_str()),
        Event::Text(_) | Event::Voice(_) => None,
    };
    let chat = Chat {
        s,
        from,
        user,
        reader,
        button,
    };
    let input = Input::read(&incoming.event, s.clock.now());
    let reply = match dialog {
        Ok(dialog) => route(&chat, dialog, input).await,
        Err(error) => Err(error),
    };
    let reply = match reply {
        // A refused button (not allowed, not there, decided already) is
        // told in the chat at most once in a few seconds; anything else,
        // a time taken meanwhile or the bot's own failure, always is.
        Err(error) if button.is_some() && error.is_refusal() => {
            if chat.may_tell_refusal() {
                Reply::error(&error)
            } else {
                Reply::nothing()
            }
        }
        reply => reply.unwrap_or_else(|error| Reply::error(&error)),
    };
    // What a voice message said comes first, so the answer reads as one to it.
    let reply = match &incoming.event {
        Event::Voice(Some(transcript)) => reply.preceded_by(sentence_views::heard(transcript)),
        _ => reply,
    };
    (chat, reply)
}

/// The one routing step: what the input means in the dialog in progress.
async fn route(chat: &Chat<'_>, dialog: Option<Dialog>, input: Input) -> Handled {
    match (dialog, input) {
        (_, Input::TooLong) => Err(UseCaseError::Invalid("error-value-too-long")),
        // A typed command always ends the dialog in progress, even when it fails.
        (_, Input::Command(command)) => {
            let reply = match command {
                Ok(command) => run(chat, command).await,
                Err(error) => Err(error),
            };
            Ok(reply
                .unwrap_or_else(|error| Reply::error(&error))
                .leaving_dialog())
        }
        (_, Input::UnreadableButton) => chat.stale().await,
        (_, Input::ExpiredButton) => chat.expired().await,
        (_, Input::Unheard) => Ok(Reply::send(views::note("voice-unavailable"))),
        (dialog, Input::Button(callback)) => on_button(chat, dialog, callback).await,
        (Some(dialog), Input::Text(text)) => on_text(chat, dialog, &text).await,
        (None, Input::Text(text)) => sentence::text(chat, &text, None).await,
    }
}

/// A text typed in a dialog: the answer to its question.
async fn on_text(chat: &Chat<'_>, dialog: Dialog, text: &str) -> Handled {
    match dialog {
        Dialog::Registration {
            department,
            department_answered,
        } => registration::text(chat, text, department, department_answered).await,
        Dialog::Booking(draft) if draft.awaiting_topic => booking::topic(chat, draft, text).await,
        Dialog::Setting { code } => settings::value(chat, code, text).await,
        Dialog::Broadcast => owner::broadcast(chat, text).await,
        Dialog::FeedbackComment { meeting } => feedback::comment(chat, meeting, text).await,
        Dialog::Clarify { partial } => sentence::text(chat, text, Some(partial)).await,
        Dialog::TimeZone => account::set_zone(chat, text).await,
        // A sentence instead of the buttons of a picker starts over from it.
        Dialog::Booking(_) | Dialog::MoveTo { .. } => sentence::text(chat, text, None).await,
    }
}

/// A command, typed or from a menu button.
async fn run(chat: &Chat<'_>, command: Command) -> Handled {
    match command {
        Command::Start => registration::start(chat).await,
        Command::Help => Ok(account::help(chat)),
        Command::Lang => Ok(account::choose_language()),
        Command::Stop => account::stop(chat).await,
        Command::Book => booking::begin(chat, BookingDraft::default()).await,
        Command::My => meetings::list(chat).await,
        Command::Free(date) => booking::free(chat, date).await,
        Command::Profile => account::profile(chat).await,
        Command::Feed { revoke } => account::feed(chat, revoke).await,
        Command::SetStatus(status) => account::set_status(chat, status).await,
        Command::Pending => owner::pending(chat).await,
        Command::Users => owner::users(chat).await,
        Command::Settings => settings::show(chat).await,
        Command::Broadcast => owner::begin_broadcast(chat).await,
        Command::Audit => owner::audit(chat, AuditView::default(), false).await,
        Command::Export(range) => owner::export(chat, range).await,
        Command::Rsvp => feedback::head_count(chat).await,
        Command::Stats(period) => stats::show(chat, period).await,
        Command::Doctor => owner::doctor(chat).await,
        Command::Block(range) => settings::block(chat, range).await,
        Command::TimeZone(Some(name)) => account::set_zone(chat, &name).await,
        Command::TimeZone(None) => account::choose_zone(chat).await,
        Command::Cancel => Ok(Reply::send(views::note("dialog-aborted"))),
        Command::Unknown => Ok(Reply::send(views::note("unknown-command"))),
    }
}

/// A button pressed. Buttons of a dialog that is no longer in progress are stale.
async fn on_button(chat: &Chat<'_>, dialog: Option<Dialog>, callback: Callback) -> Handled {
    let draft = match &dialog {
        Some(Dialog::Booking(draft)) => Some(draft.clone()),
        _ => None,
    };
    match callback {
        Callback::Noop => Ok(Reply::nothing()),
        // A menu button does not end the dialog in progress, unlike a typed command.
        Callback::Command(command) => run(chat, command).await,
        Callback::Lang(language) => account::set_language(chat, language).await,
        Callback::Approve(user) => owner::decide(chat, user, true).await,
        Callback::Reject(user) => owner::decide(chat, user, false).await,
        Callback::Department(index) => {
            registration::department_button(chat, dialog.as_ref(), index).await
        }
        Callback::Skip => skip(chat, dialog).await,
        Callback::MeetingType(code) => booking::meeting_type(chat, draft, code).await,
        Callback::Month(year, month) => match draft {
            Some(draft) => booking::month(chat, draft, year, month).await,
            None => chat.stale().await,
        },
        Callback::Day(date) => match draft {
            Some(draft) => booking::day(chat, draft, date).await,
            None => chat.stale().await,
        },
        Callback::Slot(start) => booking::slot(chat, draft, start).await,
        Callback::SkipTopic => match draft {
            Some(draft) => booking::skip_topic(chat, draft).await,
            None => chat.stale().await,
        },
        Callback::Confirm => match draft {
            Some(draft) => booking::confirm(chat, draft).await,
            None => chat.stale().await,
        },
        Callback::Abort => Ok(Reply::edit(views::note("dialog-aborted")).ending_dialog()),
        Callback::Cancel(id) => meetings::ask_cancel(chat, id).await,
        Callback::CancelConfirmed(id) => meetings::cancel(chat, id).await,
        Callback::Reschedule(id) => match dialog {
            Some(Dialog::MoveTo { to }) => sentence::move_to(chat, id, to).await,
            _ => booking::begin_reschedule(chat, id).await,
        },
        Callback::OpenMeeting(id) => meetings::open(chat, id).await,
        Callback::UserCard(user) => owner::card(chat, user).await,
        Callback::SetRole(user, role) => owner::set_role(chat, user, role).await,
        Callback::SetStatus(user, status) => owner::set_status(chat, user, status).await,
        Callback::SetDepartment(user, index) => owner::set_department(chat, user, index).await,
        Callback::Rate(meeting, stars) => feedback::rate(chat, meeting, stars).await,
        Callback::Rsvp(date, answer) => feedback::answer(chat, date, answer).await,
        Callback::NoShow(meeting, no_show) => stats::no_show(chat, meeting, no_show).await,
        Callback::EditSetting(code) => settings::edit(chat, code).await,
        Callback::AuditLog(view) => owner::audit(chat, view, true).await,
        Callback::Unblock(start) => settings::unblock(chat, start).await,
        Callback::Zone(name) => account::set_zone(chat, &name).await,
    }
}

/// Skip: an optional registration question, or the comment after a rating.
async fn skip(chat: &Chat<'_>, dialog: Option<Dialog>) -> Handled {
    match dialog {
        Some(Dialog::Registration {
            department,
            department_answered,
        }) => registration::skip(chat, department, department_answered).await,
        Some(Dialog::FeedbackComment { .. }) => Ok(feedback::skip_comment()),
        _ => chat.stale().await,
    }
}

/// The one place that records an answer: the dialog first (what is shown
/// must match what is saved), then the menu, the edited screen and the new
/// messages, queued in the outbox in order (those the asker may have at
/// once come back claimed), and the inbox's update marked handled.
async fn record(
    chat: &Chat<'_>,
    message: Option<MessageRef>,
    reply: Reply,
    update: Option<i64>,
) -> Result<(usize, Vec<QueuedMessage>), UseCaseError> {
    match &reply.dialog {
        DialogUpdate::Keep => {}
        DialogUpdate::Set(dialog) => dialog::save(chat.s, chat.from.id, Some(dialog)).await?,
        DialogUpdate::End => dialog::save(chat.s, chat.from.id, None).await?,
    }
    // What the work told others comes first, as it was told, then the answer.
    let mut messages = chat.s.outbox.take_kept();
    if let Some(user) = &reply.menu_for {
        messages.push(Services::menu_of(user));
    }
    let language = reply.language.unwrap_or(chat.reader.language);
    if let Some(screen) = reply.edit {
        messages.push(match message {
            Some(pressed) => Outgoing {
                to: pressed.chat,
                language,
                delivery: Delivery::Edit {
                    message_id: pressed.message_id,
                    screen,
                },
            },
            None => Outgoing::send(chat.from.id, language, screen),
        });
    }
    for screen in reply.send {
        messages.push(Outgoing::send(chat.from.id, language, screen));
    }
    let now = chat.s.clock.now();
    let claimed = if messages.is_empty() {
        Vec::new()
    } else {
        chat.s
            .store
            .queue_messages(&messages, now, Some(outbox::LEASE))
            .await?
    };
    if let Some(update) = update {
        chat.s.store.update_handled(update, now).await?;
    }
    Ok((messages.len(), claimed))
}
