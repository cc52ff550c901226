//! The one way out: every message the bot sends passes through [`Sender`],
//! which keeps the configured limits ([`Limits`], Telegram's by default)
//! with token buckets (governor's GCRA), waits out a chat's `retry_after`
//! without holding up other chats, and retries passing failures a bounded
//! number of times.
//!
//! The buckets read tokio's clock and every wait is a tokio sleep until the
//! instant a bucket names: no timer thread of governor's (futures-timer,
//! whose wake-ups cost a context switch each), and tests with paused tokio
//! time drive the pacing like every other wait. Nobody waits in a crowd:
//! one message per chat is on its way at a time (the chat's others queue
//! behind it, in order), and the messages ready to go queue in one fair
//! line for the overall bucket, whose head alone sleeps on the timer. A
//! token is taken only when it is used, at the moment of sending.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{NotUntil, Quota, RateLimiter};
use tokio::sync::OwnedMutexGuard;
use tokio::time::Instant;

use crate::api::CallError;
use crate::config::Limits;

/// Every so many sends the keyed buckets forget chats that are quiet again.
const FORGET_EVERY: u64 = 1024;

/// Each bucket spreads its messages over its window and this much more, so
/// that requests bunched up by up to this much on their way still arrive
/// within the limit (30 a second: one every 33.7 ms rather than 33.3 ms).
/// It costs 1% of the limit; bunching beyond it on a persistent connection
/// is rare, and a 429 it causes is waited out for its chat only.
const SLACK: Duration = Duration::from_millis(10);

/// At high overall rates the bucket lets this many seconds' worth through
/// at once (and correspondingly less afterwards, so that no second holds
/// more than the limit): tokio's timer wakes on whole milliseconds, and
/// without it a 1000/s limit would pace at 500/s.
const OVERALL_BURST_SECONDS: f64 = 0.02;

/// However high the overall limit, no more than this many go at once:
/// Telegram takes 30 messages at once and refuses the rest with 429s,
/// whatever the rate allowed over a second, and it counts them as they
/// arrive; half of it leaves room for messages spaced out here that
/// arrive bunched up by a few milliseconds.
const OVERALL_BURST_MAX: u32 = 15;

/// The longest period a bucket is given; governor's nanosecond counters
/// end after 584 years, so an absurd limit made in code must stop short.
const LONGEST_PERIOD: Duration = Duration::from_secs(86_400);

/// Counts a call made again after a 429 or a passing failure
/// (`meetbot_telegram_retries_total`).
fn count_retry() {
    metrics::counter!("meetbot_telegram_retries_total").increment(1);
}

/// A message on its way through the sender, counted in
/// `meetbot_send_queue_length` (waiting for its chat's turn, for tokens,
/// or being sent) for as long as this lives.
struct Queued;

impl Queued {
    fn count() -> Self {
        metrics::gauge!("meetbot_send_queue_length").increment(1.0);
        Self
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        metrics::gauge!("meetbot_send_queue_length").decrement(1.0);
    }
}

/// The longest `retry_after` waited out at once; a longer one is waited
/// out again after the next 429.
const LONGEST_RETRY_AFTER: u64 = 86_400;

/// The longest delay between two retries of a passing failure.
const LONGEST_BACKOFF: Duration = Duration::from_secs(60);

/// governor's view of tokio's clock: the time since the sender was made.
/// Under paused tokio time (tests) it stands still until the runtime
/// advances it, like every tokio timer.
#[derive(Clone, Copy, Debug)]
struct TokioClock {
    origin: Instant,
}

impl TokioClock {
    fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }

    /// The instant a bucket's refusal names as the earliest it may pass.
    fn earliest(&self, refusal: &NotUntil<Duration>) -> Instant {
        self.origin + refusal.earliest_possible()
    }
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.origin)
    }
}

/// A keyed bucket's key: the chat, and whether the measurement takes a
/// token or only looks whether one is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ChatKey {
    chat: i64,
    take: bool,
}

/// The states of a keyed bucket, one per chat, behind a std mutex that is
/// held for a map lookup and a compare-and-swap, never across an await.
/// (governor's own keyed map, without its std feature, spins on its lock.)
#[derive(Debug, Default)]
struct ChatStates(Mutex<HashMap<i64, InMemoryState>>);

impl ChatStates {
    fn lock(&self) -> MutexGuard<'_, HashMap<i64, InMemoryState>> {
        lock(&self.0)
    }
}

/// The theoretical arrival time a state holds. A state shows it only to
/// the closure of a measurement; one that refuses changes nothing.
fn arrival(state: &InMemoryState) -> Option<Nanos> {
    state
        .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        .err()
        .flatten()
}

impl StateStore for ChatStates {
    type Key = ChatKey;

    fn measure_and_replace<T, F, E>(&self, key: &ChatKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = self.lock();
        if key.take {
            return states
                .entry(key.chat)
                .or_default()
                .measure_and_replace(&NotKeyed::NonKey, f);
        }
        // A look: governor's own arithmetic decides, and nothing is stored,
        // so the answer says exactly when the chat's token will be there.
        let tat = states.get(&key.chat).and_then(arrival);
        f(tat).map(|(allowed, _)| allowed)
    }
}

impl ShrinkableKeyedStateStore<ChatKey> for ChatStates {
    fn retain_recent(&self, drop_below: Nanos) {
        self.lock()
            .retain(|_, state| arrival(state).is_some_and(|tat| tat > drop_below));
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

/// A std mutex's contents, even after a panic elsewhere: every map here
/// stays consistent between its statements.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The lines of chats that have a message on its way; a chat's entry goes
/// when its last message is through.
type ChatLines = Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>;

/// A chat's turn: while it is held, no other message to the chat is sent.
struct ChatTurn<'a> {
    lines: &'a ChatLines,
    chat: i64,
    _turn: OwnedMutexGuard<()>,
}

impl Drop for ChatTurn<'_> {
    fn drop(&mut self) {
        let mut lines = lock(self.lines);
        // The map's handle and this turn's: nobody else waits for the chat.
        if lines
            .get(&self.chat)
            .is_some_and(|line| Arc::strong_count(line) == 2)
        {
            lines.remove(&self.chat);
        }
    }
}

/// One bucket over all chats.
type DirectLimiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;
/// One bucket per chat.
type KeyedLimiter = RateLimiter<ChatKey, ChatStates, TokioClock, NoOpMiddleware<Duration>>;

/// Paces and retries Bot API calls that write to chats.
#[derive(Debug)]
pub struct Sender {
    limits: Limits,
    clock: TokioClock,
    overall: DirectLimiter,
    /// The line for the overall bucket. Fair (first come, first served):
    /// its head sleeps until the bucket's next token while the others wait
    /// their turn without a timer of their own.
    line: tokio::sync::Mutex<()>,
    /// One message per chat on its way at a time: a chat's messages keep
    /// their order, a 429 is known before the next one goes, and only one
    /// of them waits for the chat's buckets.
    chats: ChatLines,
    per_chat: KeyedLimiter,
    per_group: KeyedLimiter,
    /// Chats Telegram told us to leave alone until the instant given. A std
    /// mutex: it is held for a map lookup, never across an await.
    paused: Mutex<HashMap<i64, Instant>>,
    sends: AtomicU64,
}

/// A bucket whose `per_window` messages, the first `burst` of them at once,
/// are spread over `window` and [`SLACK`], so that no window holds more than
/// `per_window`; `fallback` (one a window) when the numbers make no bucket:
/// a limit of 0 or NaN made in code (configuration refuses those).
fn quota(window: Duration, per_window: f64, burst: u32, fallback: Quota) -> Quota {
    // b at once, then one per period: a window holds b + (window / period)
    // - 1 of them, which is per_window for this period.
    let intervals = per_window - f64::from(burst) + 1.0;
    Duration::try_from_secs_f64((window + SLACK).as_secs_f64() / intervals)
        .ok()
        .filter(|period| *period <= LONGEST_PERIOD)
        .and_then(Quota::with_period)
        .map_or(fallback, |quota| quota.allow_burst(non_zero(burst)))
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Sender {
    /// A sender keeping `limits`.
    pub fn new(limits: Limits) -> Self {
        let second = Duration::from_secs(1);
        // The overall limit is Telegram's "N a second", so no second may
        // hold more than N, bursts included. (A NaN rate casts to 0.)
        let overall_burst = ((limits.overall_per_second * OVERALL_BURST_SECONDS) as u32)
            .clamp(1, OVERALL_BURST_MAX);
        let overall = quota(
            second,
            limits.overall_per_second,
            overall_burst,
            Quota::per_second(NonZeroU32::MIN),
        );
        // A chat's burst comes on top of its rate: Telegram tolerates it.
        let per_chat = quota(
            second,
            limits.per_chat_per_second,
            1,
            Quota::per_second(NonZeroU32::MIN),
        )
        .allow_burst(non_zero(limits.per_chat_burst));
        let per_group = quota(
            Duration::from_secs(60),
            limits.per_group_per_minute,
            1,
            Quota::per_minute(NonZeroU32::MIN),
        );
        let clock = TokioClock::new();
        Self {
            limits,
            clock,
            overall: RateLimiter::direct_with_clock(overall, clock),
            line: tokio::sync::Mutex::new(()),
            chats: Mutex::new(HashMap::new()),
            per_chat: RateLimiter::new(per_chat, ChatStates::default(), clock),
            per_group: RateLimiter::new(per_group, ChatStates::default(), clock),
            paused: Mutex::new(HashMap::new()),
            sends: AtomicU64::new(0),
        }
    }

    /// The limits kept.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs `call` for `chat` when the buckets allow it, waiting out 429s for
    /// this chat only and retrying passing failures with backoff. Messages
    /// to one chat go one after the other, in the order they came.
    pub async fn send<T, F, Fut>(&self, chat: i64, call: F) -> Result<T, CallError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        let _queued = Queued::count();
        let _turn = self.turn_of(chat).await;
        let mut failures = 0;
        let mut rate_limited = 0;
        loop {
            self.wait_for_tokens(chat).await;
            self.count_send();
            match call().await {
                Err(CallError::RateLimited(seconds)) => {
                    rate_limited += 1;
                    self.pause(chat, seconds);
                    tracing::warn!(chat, seconds, "Telegram asked to slow down for a chat");
                    if rate_limited > self.limits.rate_limited_retries {
                        return Err(CallError::RateLimited(seconds));
                    }
                    count_retry();
                }
                Err(CallError::Transient(reason)) if failures < self.limits.retries => {
                    failures += 1;
                    count_retry();
                    let delay = self.backoff(failures);
                    tracing::debug!(chat, %reason, ?delay, "a passing failure; retrying");
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }

    /// Runs a call that is not a message to a chat (a command menu): only
    /// the overall bucket applies, with the same retries.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T, CallError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        let mut failures = 0;
        loop {
            self.overall_token().await;
            match call().await {
                Err(CallError::RateLimited(seconds)) if failures < self.limits.retries => {
                    failures += 1;
                    count_retry();
                    let wait = Duration::from_secs(seconds.clamp(1, LONGEST_RETRY_AFTER));
                    tokio::time::sleep(wait).await;
                }
                Err(CallError::Transient(_)) if failures < self.limits.retries => {
                    failures += 1;
                    count_retry();
                    tokio::time::sleep(self.backoff(failures)).await;
                }
                other => return other,
            }
        }
    }

    /// The delay before retry number `failure` (from 1): doubling from the
    /// configured backoff, at most [`LONGEST_BACKOFF`].
    fn backoff(&self, failure: u32) -> Duration {
        let doublings = 2u32.saturating_pow(failure.saturating_sub(1));
        self.limits
            .retry_backoff()
            .saturating_mul(doublings)
            .min(LONGEST_BACKOFF)
    }

    /// Waits until no other message to `chat` is on its way.
    async fn turn_of(&self, chat: i64) -> ChatTurn<'_> {
        let line = lock(&self.chats).entry(chat).or_default().clone();
        ChatTurn {
            lines: &self.chats,
            chat,
            _turn: line.lock_owned().await,
        }
    }

    /// Waits, in `chat`'s turn, until it may be written to: no
    /// `retry_after` pending, then a token of its own buckets, then one of
    /// the overall bucket.
    ///
    /// The chat's tokens are taken only once the overall one is in hand, so
    /// that both are taken at the moment of sending: a chat token taken
    /// before a long wait in the line would let the chat's next message
    /// follow too closely. Before joining the line the chat looks whether
    /// its tokens are there, so that no overall token is taken in vain; as
    /// nobody else takes them during its turn and time only moves on, they
    /// are still there when its turn in the line comes.
    async fn wait_for_tokens(&self, chat: i64) {
        loop {
            if let Some(until) = self.paused_until(chat) {
                tokio::time::sleep_until(until).await;
            }
            if let Err(earliest) = self.chat_tokens(chat, false) {
                tokio::time::sleep_until(earliest).await;
                continue;
            }
            self.overall_token().await;
            if self.chat_tokens(chat, true).is_ok() {
                return;
            }
        }
    }

    /// Takes `chat`'s tokens (or, unless `take`, only looks whether they are
    /// there), or says from when on they are. A group (negative id) asks
    /// its stricter per-group bucket first.
    fn chat_tokens(&self, chat: i64, take: bool) -> Result<(), Instant> {
        let key = ChatKey { chat, take };
        if chat < 0 {
            self.per_group
                .check_key(&key)
                .map_err(|refusal| self.clock.earliest(&refusal))?;
        }
        self.per_chat
            .check_key(&key)
            .map_err(|refusal| self.clock.earliest(&refusal))
    }

    /// Waits for a token of the overall bucket, in line.
    async fn overall_token(&self) {
        let _turn = self.line.lock().await;
        while let Err(refusal) = self.overall.check() {
            tokio::time::sleep_until(self.clock.earliest(&refusal)).await;
        }
    }

    fn pause(&self, chat: i64, seconds: u64) {
        let wait = Duration::from_secs(seconds.clamp(1, LONGEST_RETRY_AFTER));
        let until = Instant::now() + wait;
        let mut paused = lock(&self.paused);
        let entry = paused.entry(chat).or_insert(until);
        *entry = (*entry).max(until);
    }

    /// Until when Telegram asked to leave `chat` alone, if that is still
    /// ahead.
    fn paused_until(&self, chat: i64) -> Option<Instant> {
        let mut paused = lock(&self.paused);
        match paused.get(&chat) {
            Some(until) if *until > Instant::now() => Some(*until),
            Some(_) => {
                paused.remove(&chat);
                None
            }
            None => None,
        }
    }

    fn count_send(&self) {
        if self.sends.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.per_chat.retain_recent();
            self.per_group.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::sync::atomic::AtomicU32;

    use meetbot_testkit::telegram::most_in_any_window;

    use super::*;

    fn fast_limits() -> Limits {
        Limits {
            retry_backoff_ms: 1,
            ..Limits::default()
        }
    }

    /// Sends `per_chat` messages to each of `chats` at once, each message
    /// from its own task, and returns when each chat's messages were sent
    /// (since the start) and when the last one was.
    async fn burst(
        sender: Sender,
        chats: &[i64],
        per_chat: usize,
    ) -> (BTreeMap<i64, Vec<Duration>>, Duration) {
        let sender = Arc::new(sender);
        let started = Instant::now();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = tokio::task::JoinSet::new();
        // Round by round, as a broadcast and its follow-ups would come.
        for _ in 0..per_chat {
            for &chat in chats {
                let (sender, sent) = (sender.clone(), sent.clone());
                tasks.spawn(async move {
                    sender
                        .send(chat, || async {
                            sent.lock().unwrap().push((chat, started.elapsed()));
                            Ok(())
                        })
                        .await
                });
            }
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
        let mut per_chat_times: BTreeMap<i64, Vec<Duration>> = BTreeMap::new();
        for (chat, at) in sent.lock().unwrap().iter() {
            per_chat_times.entry(*chat).or_default().push(*at);
        }
        (per_chat_times, started.elapsed())
    }

    fn all_times(per_chat: &BTreeMap<i64, Vec<Duration>>) -> Vec<Duration> {
        let mut all: Vec<Duration> = per_chat.values().flatten().copied().collect();
        all.sort_unstable();
        all
    }

    #[tokio::test(start_paused = true)]
    async fn sender_limits_of_5_a_second_and_1_per_2_s_per_chat_hold_for_a_burst_to_several_chats()
    {
        let limits = Limits {
            overall_per_second: 5.0,
            per_chat_per_second: 0.5,
            per_chat_burst: 1,
            ..fast_limits()
        };
        let chats: Vec<i64> = (1..=8).collect();

        let (sent, elapsed) = burst(Sender::new(limits), &chats, 3).await;

        let all = all_times(&sent);
        assert_eq!(all.len(), 24);
        let most = most_in_any_window(&all, Duration::from_secs(1));
        assert!(most <= 5, "{most} messages within one second: {all:?}");
        for (chat, times) in &sent {
            let most = most_in_any_window(times, Duration::from_secs(2));
            assert!(most <= 1, "chat {chat} got {most} within 2 s: {times:?}");
        }
        // Paced, not stalled: the eighth chat's first message waits for
        // seven others (1.41 s), its next two 2.02 s each; nothing waits in
        // vain, so the last goes at about 5.45 s.
        assert!(elapsed >= Duration::from_millis(5400), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn sender_limits_default_to_telegrams_for_a_burst_to_people_and_a_group() {
        let sender = Sender::new(Limits::default());
        assert_eq!(sender.limits(), Limits::default());
        let mut chats: Vec<i64> = (100..140).collect();
        chats.push(-1001);

        let (sent, elapsed) = burst(sender, &chats, 3).await;

        let all = all_times(&sent);
        assert_eq!(all.len(), 123);
        let most = most_in_any_window(&all, Duration::from_secs(1));
        assert!(most <= 30, "{most} messages within one second");
        let group = &sent[&-1001];
        let most = most_in_any_window(group, Duration::from_secs(3));
        assert_eq!(
            most, 1,
            "20 a minute in a group is one every 3 s: {group:?}"
        );
        // 123 messages at 30 a second take about 4 s; the group's last one
        // comes 6 s after its first, which waited for 40 others.
        assert!(elapsed >= Duration::from_secs(6), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
        let last_to_people = sent.range(100..).flat_map(|(_, times)| times).max();
        assert!(
            last_to_people < Some(&Duration::from_millis(4500)),
            "{last_to_people:?}"
        );
    }

    #[tokio::test]
    async fn passing_failures_are_retried_a_bounded_number_of_times() {
        let sender = Sender::new(fast_limits());
        let calls = Arc::new(AtomicU32::new(0));

        let result: Result<(), CallError> = sender
            .call(|| {
                let calls = calls.clone();
                async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err(CallError::Transient("502".into()))
                }
            })
            .await;

        assert!(matches!(result, Err(CallError::Transient(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn a_passing_failure_then_success_is_a_success() {
        let sender = Sender::new(fast_limits());
        let calls = Arc::new(AtomicU32::new(0));

        let result = sender
            .send(5, || {
                let calls = calls.clone();
                async move {
                    match calls.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(CallError::Transient("timeout".into())),
                        _ => Ok(42),
                    }
                }
            })
            .await;

        assert_eq!(result, Ok(42));
    }

    #[tokio::test(start_paused = true)]
    async fn the_overall_bucket_paces_calls_on_tokios_clock() {
        let sender = Sender::new(fast_limits());
        let started = Instant::now();

        for _ in 0..61 {
            let _: Result<(), CallError> = sender.call(|| async { Ok(()) }).await;
        }

        // 61 calls at 30 a second: the first at once, the others 1/30 s
        // apart (and a little more), so at least two seconds of paused time.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(2200), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn one_chat_waits_a_second_per_message_after_its_burst() {
        let sender = Sender::new(fast_limits());
        let started = Instant::now();
        let mut times = Vec::new();

        for _ in 0..5 {
            sender.send(5, || async { Ok(()) }).await.unwrap();
            times.push(started.elapsed());
        }

        // A burst of 3 at once, then one a second.
        assert!(times[2] < Duration::from_millis(200), "{times:?}");
        assert!(times[3] >= Duration::from_secs(1), "{times:?}");
        assert!(times[4] >= Duration::from_secs(2), "{times:?}");
        assert!(times[4] < Duration::from_millis(2200), "{times:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_gets_at_most_20_messages_a_minute() {
        let sender = Sender::new(fast_limits());
        let started = Instant::now();

        for _ in 0..21 {
            sender.send(-100, || async { Ok(()) }).await.unwrap();
        }

        // 20 a minute, one token: the 21st comes 20 intervals of 3 s later.
        let elapsed = started.elapsed();
        assert!(elapsed >= Duration::from_secs(60), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(61), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_waited_out_before_the_chat_is_written_to_again() {
        let sender = Sender::new(fast_limits());
        let calls = Arc::new(AtomicU32::new(0));
        let started = Instant::now();

        let result = sender
            .send(5, || {
                let calls = calls.clone();
                async move {
                    match calls.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(CallError::RateLimited(7)),
                        _ => Ok(started.elapsed()),
                    }
                }
            })
            .await;

        let second_call_at = result.unwrap();
        assert!(
            second_call_at >= Duration::from_secs(7),
            "{second_call_at:?}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_chat_is_not_retried() {
        let sender = Sender::new(fast_limits());
        let calls = Arc::new(AtomicU32::new(0));

        let result: Result<(), CallError> = sender
            .send(5, || {
                let calls = calls.clone();
                async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err(CallError::Unreachable("blocked".into()))
                }
            })
            .await;

        assert!(matches!(result, Err(CallError::Unreachable(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
