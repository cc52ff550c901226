//! Updates in: each one stored in the inbox before Telegram is told it
//! arrived, then handled with bounded concurrency — one person's updates in
//! order, different people's side by side, never more than a fixed number
//! at once and never more than a fixed number waiting in memory (the rest
//! wait in the inbox). Handling an update and marking it handled are one
//! transaction, so after any stop, a crash included, the updates not yet
//! handled are handled at the next start ([`Dispatcher::recover`]), and
//! none twice. A voice message is downloaded and transcribed here, when
//! speech to text is configured, and handed over as what it said.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use frankenstein::types::{ChatType, MaybeInaccessibleMessage, User, Voice};
use frankenstein::updates::{Update, UpdateContent};
use meetbot_domain::{Language, UserId};
use meetbot_i18n::Translator;
use meetbot_ports::speech::{Audio, SpeechToText};
use meetbot_ports::{InboxUpdate, MessageRef, StoreError, Text};
use meetbot_usecases::chat::{self, Event, Incoming};
use meetbot_usecases::registration::Profile;
use meetbot_usecases::{Callback, Services};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::api::BotApi;

/// How many updates are handled at the same time, over all people.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// How many stored updates may wait in memory to be handled; accepting
/// more waits (polling simply asks later, a webhook request is answered
/// later).
pub const DEFAULT_BACKLOG: usize = 1024;

/// How many unhandled updates are read from the inbox at a time at start.
const RECOVER_PAGE: u32 = 256;

/// The longest wait before an update whose handling failed is tried again.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// Whether an update is new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// New: it was stored and queued (or it carries nothing for us).
    Queued,
    /// Seen before (a redelivery): skipped.
    Duplicate,
}

/// Hands updates to the conversation, in order per person.
#[derive(Debug, Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    services: Services,
    api: BotApi,
    /// Turns voice messages into text; `None`: they are not transcribed.
    speech: Option<Arc<dyn SpeechToText>>,
    /// Queued updates per person; a person with an entry has a worker.
    /// A std mutex: held for queue operations only, never across an await.
    queues: Mutex<HashMap<i64, VecDeque<Queued>>>,
    /// The ids queued or being handled, so that one is never queued twice
    /// (a redelivery during the start-up recovery).
    queued: Mutex<HashSet<i64>>,
    /// Permits to handle an update now: the global cap.
    running: Semaphore,
    /// Permits to hold an update in a queue: the bound on waiting work.
    backlog: Arc<Semaphore>,
    backlog_size: u32,
    /// `true` once the updates left unhandled by the last run are queued:
    /// new ones queue behind them, so each person's stay in order.
    recovered: watch::Sender<bool>,
    /// Cancelled at shutdown: no update is taken up after it.
    stopping: CancellationToken,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("services", &self.services)
            .field("transcribes_voice", &self.speech.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Queued {
    /// The update as the inbox holds it, read again when its turn comes:
    /// a read update takes kilobytes (Telegram's message has well over a
    /// hundred fields), its text a few hundred bytes, and a full backlog
    /// of read updates was most of the memory a burst left behind.
    stored: InboxUpdate,
    /// Returned to the backlog when the update has been handled.
    _slot: OwnedSemaphorePermit,
}

impl Dispatcher {
    /// A dispatcher handling at most `concurrency` updates at once and
    /// holding at most `backlog` waiting.
    pub fn new(services: Services, api: BotApi, concurrency: usize, backlog: usize) -> Self {
        Self::with_speech(services, api, None, concurrency, backlog)
    }

    /// A dispatcher that also transcribes voice messages with `speech`.
    pub fn with_speech(
        services: Services,
        api: BotApi,
        speech: Option<Arc<dyn SpeechToText>>,
        concurrency: usize,
        backlog: usize,
    ) -> Self {
        let backlog = backlog.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        Self {
            inner: Arc::new(Inner {
                services,
                api,
                speech,
                queues: Mutex::new(HashMap::new()),
                queued: Mutex::new(HashSet::new()),
                running: Semaphore::new(concurrency.max(1)),
                backlog: Arc::new(Semaphore::new(backlog)),
                backlog_size: u32::try_from(backlog).unwrap_or(u32::MAX),
                recovered: watch::Sender::new(true),
                stopping: CancellationToken::new(),
            }),
        }
    }

    /// Holds new updates back until [`recover`](Self::recover) has queued
    /// those the last run left, so that each person's stay in order. A
    /// dispatcher that never recovers (a test's) takes them at once.
    #[must_use]
    pub fn recovering_first(self) -> Self {
        self.inner.recovered.send_replace(false);
        self
    }

    /// Takes one raw update (a webhook's); see [`accept_all`](Self::accept_all).
    pub async fn accept(&self, update: serde_json::Value) -> Result<Accepted, StoreError> {
        Ok(self
            .accept_all(vec![update])
            .await?
            .into_iter()
            .next()
            .unwrap_or(Accepted::Duplicate))
    }

    /// Takes raw updates in the order Telegram sent them: stores them in the
    /// inbox in one transaction (a redelivery is skipped), then queues the
    /// new ones. Fails only when the store cannot take them; then nothing
    /// was stored and they should come again. Once this returns, they
    /// survive any crash, and Telegram may be told they arrived.
    pub async fn accept_all(
        &self,
        updates: Vec<serde_json::Value>,
    ) -> Result<Vec<Accepted>, StoreError> {
        let now = self.inner.services.clock.now();
        let received: Vec<InboxUpdate> = updates
            .iter()
            .filter_map(|update| {
                let Some(id) = update.get("update_id").and_then(serde_json::Value::as_i64) else {
                    tracing::warn!("an update without an update_id was ignored");
                    return None;
                };
                Some(InboxUpdate {
                    id,
                    payload: update.to_string(),
                    received_at: now,
                })
            })
            .collect();
        let new = self.inner.services.store.receive_updates(&received).await?;
        let mut accepted = Vec::with_capacity(received.len());
        for (update, new) in received.into_iter().zip(new) {
            if new {
                self.take_up(update).await;
                accepted.push(Accepted::Queued);
            } else {
                tracing::debug!(update_id = update.id, "a redelivered update was skipped");
                accepted.push(Accepted::Duplicate);
            }
        }
        Ok(accepted)
    }

    /// Queues every update the last run left unhandled, oldest first, and
    /// then lets new ones queue behind them. Called once, at start.
    pub async fn recover(&self) {
        let store = &self.inner.services.store;
        let mut after = None;
        let mut recovered = 0_usize;
        loop {
            let page = match store.unhandled_updates(after, RECOVER_PAGE).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(%error, "could not read the unhandled updates; trying again");
                    tokio::select! {
                        () = self.inner.stopping.cancelled() => return,
                        () = tokio::time::sleep(MAX_RETRY_WAIT) => continue,
                    }
                }
            };
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            recovered += page.len();
            for update in page {
                self.queue_stored(update).await;
            }
        }
        if recovered > 0 {
            tracing::info!(
                updates = recovered,
                "handling the updates left from the last run"
            );
        }
        self.inner.recovered.send_replace(true);
    }

    /// Reads a stored update and queues it behind those before it.
    async fn take_up(&self, update: InboxUpdate) {
        let mut recovered = self.inner.recovered.subscribe();
        if recovered.wait_for(|done| *done).await.is_err() {
            return;
        }
        self.queue_stored(update).await;
    }

    /// Queues a stored update behind the earlier ones of the same person.
    async fn queue_stored(&self, stored: InboxUpdate) {
        let Some(update) = read(&self.inner.services, &stored).await else {
            return;
        };
        let id = stored.id;
        metrics::counter!("meetbot_updates_received_total", "kind" => kind_of(&update))
            .increment(1);
        let Some(key) = person_of(&update) else {
            tracing::debug!(update_id = id, "an update for nobody was ignored");
            handled_without_answer(&self.inner.services, id).await;
            return;
        };
        drop(update);
        if !self
            .inner
            .queued
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id)
        {
            return;
        }
        let Ok(slot) = self.inner.backlog.clone().acquire_owned().await else {
            return;
        };
        let queued = Queued {
            stored,
            _slot: slot,
        };
        let start_worker = {
            let mut queues = self.inner.queues.lock().unwrap_or_else(|p| p.into_inner());
            match queues.entry(key) {
                Entry::Occupied(mut queue) => {
                    queue.get_mut().push_back(queued);
                    false
                }
                Entry::Vacant(vacant) => {
                    vacant.insert(VecDeque::from([queued]));
                    true
                }
            }
        };
        if start_worker {
            // One worker per person with queued updates: bounded by the backlog.
            tokio::spawn(work(self.inner.clone(), key));
        }
    }

    /// Stops taking up queued updates: those in hand are finished, the
    /// others stay in the inbox for the next start.
    pub fn stop(&self) {
        self.inner.stopping.cancel();
    }

    /// Waits until every queued update has been handled (after
    /// [`stop`](Self::stop): every update in hand), at most `limit`;
    /// returns whether it finished in time.
    pub async fn drain(&self, limit: Duration) -> bool {
        let all = self.inner.backlog.acquire_many(self.inner.backlog_size);
        match tokio::time::timeout(limit, all).await {
            Ok(Ok(permits)) => {
                drop(permits);
                true
            }
            _ => false,
        }
    }
}

/// Reads a stored update. One of a kind (or with a field) newer than our
/// client is skipped, so that it never blocks the updates after it.
async fn read(services: &Services, stored: &InboxUpdate) -> Option<Update> {
    let error = match serde_json::from_str::<Update>(&stored.payload) {
        Ok(update) => return Some(update),
        Err(error) => error,
    };
    tracing::warn!(update_id = stored.id, %error, "an unreadable update was skipped");
    handled_without_answer(services, stored.id).await;
    None
}

/// Marks an update handled that needs no answer (an update for nobody, a
/// kind this client does not read): otherwise every start would take it up.
/// Returns whether it was marked.
async fn handled_without_answer(services: &Services, id: i64) -> bool {
    let marked = services
        .store
        .update_handled(id, services.clock.now())
        .await;
    if let Err(error) = &marked {
        tracing::warn!(update_id = id, %error, "could not mark an update handled");
    }
    marked.is_ok()
}

/// Handles one person's queue until it is empty, or the dispatcher stops.
async fn work(inner: Arc<Inner>, key: i64) {
    loop {
        let next = {
            let mut queues = inner.queues.lock().unwrap_or_else(|p| p.into_inner());
            let next = if inner.stopping.is_cancelled() {
                None
            } else {
                queues.get_mut(&key).and_then(VecDeque::pop_front)
            };
            match next {
                Some(next) => next,
                None => {
                    // Stopping: what is left stays in the inbox.
                    queues.remove(&key);
                    return;
                }
            }
        };
        let Ok(_running) = inner.running.acquire().await else {
            return;
        };
        if inner.stopping.is_cancelled() {
            // Not begun: it stays in the inbox, with the rest of the queue.
            drop(next);
            continue;
        }
        // Boxed: a worker waiting for its turn then holds a few bytes, not
        // the state of a whole handling.
        Box::pin(handle_stored(&inner, &next.stored)).await;
        inner
            .queued
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&next.stored.id);
    }
}

/// Reads a stored update and handles it until done.
async fn handle_stored(inner: &Arc<Inner>, stored: &InboxUpdate) {
    let Some(update) = read(&inner.services, stored).await else {
        return;
    };
    let kind = kind_of(&update);
    // Every log line of this update, whatever task writes it, carries its id
    // and a short request id to find them all with one grep.
    let span = tracing::info_span!("update", update_id = stored.id, request = %request_id());
    let started = std::time::Instant::now();
    handle_until_done(inner, update).instrument(span).await;
    metrics::counter!("meetbot_updates_handled_total", "kind" => kind).increment(1);
    metrics::histogram!("meetbot_update_handling_seconds", "kind" => kind)
        .record(started.elapsed().as_secs_f64());
}

/// Handles an update, trying again while the store fails (the person's
/// later updates wait, to stay in order) unless the dispatcher stops.
async fn handle_until_done(inner: &Arc<Inner>, update: Update) {
    let update_id = i64::from(update.update_id);
    let mut wait = Duration::from_secs(1);
    loop {
        let services = inner.services.clone();
        let api = inner.api.clone();
        let speech = inner.speech.clone();
        let this_try = update.clone();
        // In a task of its own so that a panic in a handler is reported
        // here and the person's later updates still get handled.
        let handled = tokio::spawn(
            async move { handle(&services, &api, speech.as_deref(), this_try).await }
                .in_current_span(),
        )
        .await;
        match handled {
            Ok(true) => return,
            Ok(false) => {
                tracing::warn!(
                    update_id,
                    ?wait,
                    "an update could not be handled; trying again"
                );
            }
            Err(error) => {
                // Handling it again would fail the same way, at every start:
                // the person is told, and it is skipped.
                tracing::error!(update_id, %error, "handling an update failed; it is skipped");
                metrics::counter!("meetbot_update_panics_total").increment(1);
                match sender_of(&update).and_then(profile) {
                    Some(person) => chat::answer_failure(&inner.services, &person, update_id).await,
                    None => handled_without_answer(&inner.services, update_id).await,
                };
                return;
            }
        }
        tokio::select! {
            () = inner.stopping.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(MAX_RETRY_WAIT);
    }
}

/// The kind of an update, as the metrics name it.
fn kind_of(update: &Update) -> &'static str {
    match &update.content {
        UpdateContent::Message(message) if message.voice.is_some() => "voice",
        UpdateContent::Message(_) => "message",
        UpdateContent::CallbackQuery(_) => "button",
        _ => "other",
    }
}

/// A short random id for the log lines of one request.
fn request_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// The person whose updates must stay in order: the sender.
fn person_of(update: &Update) -> Option<i64> {
    i64::try_from(sender_of(update)?.id).ok()
}

/// Who sent an update, as Telegram says.
fn sender_of(update: &Update) -> Option<&User> {
    match &update.content {
        UpdateContent::Message(message) => message.from.as_deref(),
        UpdateContent::CallbackQuery(query) => Some(&query.from),
        _ => None,
    }
}

fn profile(user: &User) -> Option<Profile> {
    Some(Profile {
        id: UserId(i64::try_from(user.id).ok()?),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        username: user.username.clone(),
        language_code: user.language_code.clone(),
    })
}

/// Handles one update completely: as a unit of work with its inbox mark,
/// or, when it carries nothing to answer, by the mark alone. Returns
/// whether it was done; when not, nothing of it happened.
async fn handle(
    services: &Services,
    api: &BotApi,
    speech: Option<&dyn SpeechToText>,
    update: Update,
) -> bool {
    let id = i64::from(update.update_id);
    match incoming(api, speech, update).await {
        Some(incoming) => chat::handle_received(services, &incoming, Some(id)).await,
        None => handled_without_answer(services, id).await,
    }
}

/// What an update says to the conversation, or `None` when it says nothing.
async fn incoming(
    api: &BotApi,
    speech: Option<&dyn SpeechToText>,
    update: Update,
) -> Option<Incoming> {
    match update.content {
        UpdateContent::Message(message) => {
            // The bot talks to people in private chats only; in a group it
            // would answer in the person's private chat, which surprises.
            if message.chat.type_field != ChatType::Private {
                return None;
            }
            let from = message.from.as_deref()?;
            if from.is_bot {
                return None;
            }
            let from = profile(from)?;
            let event = match (message.text, message.voice) {
                (Some(text), _) => Event::Text(text),
                (None, Some(voice)) => Event::Voice(transcribe(api, speech, &voice).await),
                // Stickers, photos and the like carry nothing for us.
                (None, None) => return None,
            };
            tracing::debug!(update_id = update.update_id, user = %from.id, "a message");
            Some(Incoming { from, event })
        }
        UpdateContent::CallbackQuery(query) => {
            // A button whose data none of our screens made (forged, or from
            // a far older version) gets a toast and nothing else: no chat
            // message, so a flood of them costs the person nothing.
            let readable = query.data.as_deref().and_then(Callback::decode).is_some();
            let toast = (!readable).then(|| {
                let language = Language::from_telegram(query.from.language_code.as_deref());
                Translator::shared().text(language, &Text::new("error-stale-button"))
            });
            // Answer first: the person's button stops spinning at once, and
            // Telegram wants the answer within seconds, before any slow work.
            if let Err(error) = api.answer_callback_query(&query.id, toast.as_deref()).await {
                tracing::warn!(%error, "a button press was not answered");
            }
            if !readable {
                tracing::debug!(
                    update_id = update.update_id,
                    "an unreadable button was answered with a toast"
                );
                return None;
            }
            let data = query.data?;
            // The actor is who pressed, as Telegram says; nothing in the
            // data is trusted to name them.
            let from = profile(&query.from)?;
            let message = query.message.map(|message| match message {
                MaybeInaccessibleMessage::Message(m) => MessageRef {
                    chat: UserId(m.chat.id),
                    message_id: i64::from(m.message_id),
                },
                MaybeInaccessibleMessage::InaccessibleMessage(m) => MessageRef {
                    chat: UserId(m.chat.id),
                    message_id: i64::from(m.message_id),
                },
            });
            tracing::debug!(update_id = update.update_id, user = %from.id, "a button press");
            Some(Incoming {
                from,
                event: Event::Button { data, message },
            })
        }
        _ => None,
    }
}

/// What a voice message says, or `None` when that cannot be known: no
/// speech to text is configured, or a step failed (logged here, where it
/// is handled; the person is then told that typing works).
async fn transcribe(
    api: &BotApi,
    speech: Option<&dyn SpeechToText>,
    voice: &Voice,
) -> Option<String> {
    let speech = speech?;
    let bytes = match api.download(&voice.file_id).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "a voice message could not be downloaded");
            return None;
        }
    };
    let audio = Audio {
        bytes,
        file_name: "voice.ogg".to_owned(),
        mime: voice
            .mime_type
            .clone()
            .unwrap_or_else(|| "audio/ogg".to_owned()),
    };
    match speech.transcribe(&audio).await {
        Ok(text) if !text.is_empty() => Some(text),
        Ok(_) => None,
        Err(error) => {
            tracing::warn!(%error, "a voice message could not be transcribed");
            None
        }
    }
}

#[cfg(test)]
mod tests;
