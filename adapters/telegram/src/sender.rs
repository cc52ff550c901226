//! The one way out: every message the bot sends passes through [`Sender`],
//! which keeps Telegram's limits with token buckets (governor), waits out a
//! chat's `retry_after` without holding up other chats, and retries passing
//! failures a bounded number of times.
//!
//! The buckets read tokio's clock and their waits are tokio sleeps, so the
//! sender keeps no timer thread of its own and tests with paused tokio time
//! drive it like every other wait.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

use crate::api::CallError;

/// The pace the sender keeps. [`Limits::default`] is Telegram's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// At most this many messages per second over all chats.
    pub overall_per_second: u32,
    /// At most one message per this interval in one chat, after a burst.
    pub per_chat_interval: Duration,
    /// How many messages one chat may get at once before the interval applies.
    pub per_chat_burst: u32,
    /// At most this many messages per minute in one group chat.
    pub group_per_minute: u32,
    /// How many times a passing failure (5xx, timeout) is retried.
    pub max_retries: u32,
    /// How many 429 answers for one message are waited out before giving up.
    pub max_rate_limited: u32,
    /// The first retry's delay; each further one doubles it.
    pub backoff: Duration,
}

impl Default for Limits {
    /// 30 messages/s overall, 1/s per chat (bursts of 3, which Telegram
    /// tolerates, so that a reply and its follow-up do not wait a second),
    /// 20/min per group; 3 retries from 500 ms; 5 rate limits waited out.
    fn default() -> Self {
        Self {
            overall_per_second: 30,
            per_chat_interval: Duration::from_secs(1),
            per_chat_burst: 3,
            group_per_minute: 20,
            max_retries: 3,
            max_rate_limited: 5,
            backoff: Duration::from_millis(500),
        }
    }
}

/// Every so many sends the keyed limiters forget chats that are quiet again.
const FORGET_EVERY: u64 = 1024;

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
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.origin)
    }
}

/// One bucket over all chats.
type DirectLimiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;
/// One bucket per chat.
type KeyedLimiter = RateLimiter<i64, HashMapStateStore<i64>, TokioClock, NoOpMiddleware<Duration>>;

/// Paces and retries Bot API calls that write to chats.
#[derive(Debug)]
pub struct Sender {
    limits: Limits,
    clock: TokioClock,
    overall: DirectLimiter,
    per_chat: KeyedLimiter,
    per_group: KeyedLimiter,
    /// Chats Telegram told us to leave alone until the instant given. A std
    /// mutex: it is held for a map lookup, never across an await.
    paused: Mutex<HashMap<i64, Instant>>,
    sends: AtomicU64,
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Sender {
    /// A sender keeping `limits`.
    pub fn new(limits: Limits) -> Self {
        // The overall bucket holds one token: a burst at the start of a
        // second plus the steady rate would make more than N in that second.
        // A small margin over 1/N s keeps it at N per second even when the
        // network bunches requests up on their way.
        let overall_period = Duration::from_secs(1) / non_zero(limits.overall_per_second).get()
            + Duration::from_millis(2);
        let overall = Quota::with_period(overall_period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN));
        let per_chat = Quota::with_period(limits.per_chat_interval)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(non_zero(limits.per_chat_burst));
        // One token, for the same reason as overall: 20 in any minute.
        let per_group =
            Quota::with_period(Duration::from_secs(60) / non_zero(limits.group_per_minute).get())
                .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN));
        let clock = TokioClock::new();
        Self {
            limits,
            clock,
            overall: RateLimiter::direct_with_clock(overall, clock),
            per_chat: RateLimiter::hashmap_with_clock(per_chat, clock),
            per_group: RateLimiter::hashmap_with_clock(per_group, clock),
            paused: Mutex::new(HashMap::new()),
            sends: AtomicU64::new(0),
        }
    }

    /// The limits kept.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs `call` for `chat` when the buckets allow it, waiting out 429s for
    /// this chat only and retrying passing failures with backoff. A chat's
    /// own limits are waited for before the overall bucket, so a slow chat
    /// never holds overall tokens that other chats could use.
    pub async fn send<T, F, Fut>(&self, chat: i64, call: F) -> Result<T, CallError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, CallError>>,
    {
        let mut failures = 0;
        let mut rate_limited = 0;
        loop {
            self.wait_until_unpaused(chat).await;
            self.until_key_ready(&self.per_chat, chat).await;
            // Group and supergroup ids are negative.
            if chat < 0 {
                self.until_key_ready(&self.per_group, chat).await;
            }
            self.until_ready().await;
            self.count_send();
            match call().await {
                Err(CallError::RateLimited(seconds)) => {
                    rate_limited += 1;
                    self.pause(chat, seconds);
                    tracing::warn!(chat, seconds, "Telegram asked to slow down for a chat");
                    if rate_limited > self.limits.max_rate_limited {
                        return Err(CallError::RateLimited(seconds));
                    }
                }
                Err(CallError::Transient(reason)) if failures < self.limits.max_retries => {
                    failures += 1;
                    let delay = self.limits.backoff * 2u32.pow(failures - 1);
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
            self.until_ready().await;
            match call().await {
                Err(CallError::RateLimited(seconds)) if failures < self.limits.max_retries => {
                    failures += 1;
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                }
                Err(CallError::Transient(_)) if failures < self.limits.max_retries => {
                    failures += 1;
                    tokio::time::sleep(self.limits.backoff * 2u32.pow(failures - 1)).await;
                }
                other => return other,
            }
        }
    }

    /// Waits for a token of the overall bucket.
    async fn until_ready(&self) {
        while let Err(not_until) = self.overall.check() {
            tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
        }
    }

    /// Waits for a token of `chat`'s bucket in `limiter`.
    async fn until_key_ready(&self, limiter: &KeyedLimiter, chat: i64) {
        while let Err(not_until) = limiter.check_key(&chat) {
            tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
        }
    }

    fn pause(&self, chat: i64, seconds: u64) {
        let until = Instant::now() + Duration::from_secs(seconds.max(1));
        let mut paused = self.paused.lock().unwrap_or_else(|p| p.into_inner());
        let entry = paused.entry(chat).or_insert(until);
        *entry = (*entry).max(until);
    }

    async fn wait_until_unpaused(&self, chat: i64) {
        let until = {
            let mut paused = self.paused.lock().unwrap_or_else(|p| p.into_inner());
            match paused.get(&chat) {
                Some(until) if *until > Instant::now() => Some(*until),
                Some(_) => {
                    paused.remove(&chat);
                    None
                }
                None => None,
            }
        };
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
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
    use std::sync::Arc;
    use std::sync::atomic::AtomicU32;

    use super::*;

    fn fast_limits() -> Limits {
        Limits {
            backoff: Duration::from_millis(1),
            ..Limits::default()
        }
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
