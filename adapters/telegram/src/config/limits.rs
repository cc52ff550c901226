//! `[telegram.limits]`: how fast the bot writes to Telegram, and how often
//! it tries again. The defaults are the Bot API's limits; a local Bot API
//! server has none of its own, so they can be raised for one.
//!
//! Every value is bounded on both sides and checked while it is read, so a
//! zero or a slip of the keyboard (`30000`) stops start-up, with the key and
//! where the value came from, instead of silencing or flooding the bot.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// `[telegram.limits]`: the pace the sender keeps. [`Limits::default`] is
/// Telegram's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    default,
    expecting = "a section ([telegram.limits]) with keys inside"
)]
pub struct Limits {
    /// `telegram.limits.overall_per_second`: at most this many messages a
    /// second over all chats.
    #[serde(deserialize_with = "overall_per_second")]
    pub overall_per_second: f64,
    /// `telegram.limits.per_chat_per_second`: at most this many messages a
    /// second in one chat once its burst is spent (`0.5` is one every 2 s).
    #[serde(deserialize_with = "per_chat_per_second")]
    pub per_chat_per_second: f64,
    /// `telegram.limits.per_chat_burst`: how many messages one chat may get
    /// at once before `per_chat_per_second` applies.
    #[serde(deserialize_with = "per_chat_burst")]
    pub per_chat_burst: u32,
    /// `telegram.limits.per_group_per_minute`: at most this many messages a
    /// minute in one group chat.
    #[serde(deserialize_with = "per_group_per_minute")]
    pub per_group_per_minute: f64,
    /// `telegram.limits.retries`: how many times a passing failure (a 5xx
    /// answer, a timeout) of one message is retried.
    #[serde(deserialize_with = "retries")]
    pub retries: u32,
    /// `telegram.limits.retry_backoff_ms`: the first retry's delay; each
    /// further one doubles it, up to a minute.
    #[serde(deserialize_with = "retry_backoff_ms")]
    pub retry_backoff_ms: u64,
    /// `telegram.limits.rate_limited_retries`: how many 429 answers for one
    /// message are waited out (their `retry_after`) before it is given up.
    #[serde(deserialize_with = "rate_limited_retries")]
    pub rate_limited_retries: u32,
}

impl Default for Limits {
    /// Telegram's: 30 messages a second overall, 1 a second per chat (after
    /// a burst of 3, which Telegram tolerates, so that a reply and its
    /// follow-up do not wait a second), 20 a minute per group; 3 retries
    /// from 500 ms; 5 rate limits waited out.
    fn default() -> Self {
        Self {
            overall_per_second: 30.0,
            per_chat_per_second: 1.0,
            per_chat_burst: 3,
            per_group_per_minute: 20.0,
            retries: 3,
            retry_backoff_ms: 500,
            rate_limited_retries: 5,
        }
    }
}

impl Limits {
    /// The first retry's delay.
    pub fn retry_backoff(&self) -> Duration {
        Duration::from_millis(self.retry_backoff_ms)
    }
}

/// What one key accepts; its `Display` is what the error message says the
/// value must be.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    /// What is counted, as in "a number of {what}".
    what: &'static str,
    min: f64,
    max: f64,
    /// Only whole numbers (counts, milliseconds).
    whole: bool,
}

/// A rate of 0.01 is one message every 100 s; anything slower is a typo.
/// The overall rate goes up to 100,000 a second: a local Bot API server has
/// no limit of its own, and the bucket's burst (20 ms worth of messages)
/// keeps such rates paced without a timer finer than tokio's millisecond.
const OVERALL_PER_SECOND: Bounds = Bounds {
    what: "messages a second",
    min: 0.01,
    max: 100_000.0,
    whole: false,
};
const PER_CHAT_PER_SECOND: Bounds = Bounds {
    what: "messages a second",
    min: 0.01,
    max: 1000.0,
    whole: false,
};
const PER_CHAT_BURST: Bounds = Bounds {
    what: "messages",
    min: 1.0,
    max: 100.0,
    whole: true,
};
const PER_GROUP_PER_MINUTE: Bounds = Bounds {
    what: "messages a minute",
    min: 0.01,
    max: 60_000.0,
    whole: false,
};
const RETRIES: Bounds = Bounds {
    what: "retries",
    min: 0.0,
    max: 10.0,
    whole: true,
};
/// A minute at most: doubled for each retry, a longer first delay would hold
/// a message back for hours.
const RETRY_BACKOFF_MS: Bounds = Bounds {
    what: "milliseconds",
    min: 1.0,
    max: 60_000.0,
    whole: true,
};
const RATE_LIMITED_RETRIES: Bounds = Bounds {
    what: "retries",
    min: 0.0,
    max: 20.0,
    whole: true,
};

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        write!(
            f,
            "{kind} of {} from {} to {}",
            self.what, self.min, self.max
        )
    }
}

/// Reads a number within `bounds`: a TOML integer or float, or text that
/// parses as one (the environment's values are text).
fn number<'de, D: Deserializer<'de>>(de: D, bounds: Bounds) -> Result<f64, D::Error> {
    let value = de.deserialize_any(NumberVisitor(bounds))?;
    let fits = value.is_finite()
        && (bounds.min..=bounds.max).contains(&value)
        && (!bounds.whole || value.fract() == 0.0);
    if fits {
        Ok(value)
    } else {
        Err(de::Error::custom(format!("be {bounds}, got {value}")))
    }
}

struct NumberVisitor(Bounds);

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }

    // Only values far beyond every bound lose precision as floats, and
    // they are refused all the same.
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("be {}, got {v:?}", self.0)))
    }
}

/// A whole number within `bounds`, which fit in `T`.
fn whole<'de, D, T>(de: D, bounds: Bounds) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    let value = number(de, bounds)?;
    // `number` checked that it is whole, and every lower bound is 0 or more.
    let value = value as u64;
    T::try_from(value).map_err(|_| de::Error::custom(format!("be {bounds}, got {value}")))
}

fn overall_per_second<'de, D: Deserializer<'de>>(de: D) -> Result<f64, D::Error> {
    number(de, OVERALL_PER_SECOND)
}

fn per_chat_per_second<'de, D: Deserializer<'de>>(de: D) -> Result<f64, D::Error> {
    number(de, PER_CHAT_PER_SECOND)
}

fn per_chat_burst<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    whole(de, PER_CHAT_BURST)
}

fn per_group_per_minute<'de, D: Deserializer<'de>>(de: D) -> Result<f64, D::Error> {
    number(de, PER_GROUP_PER_MINUTE)
}

fn retries<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    whole(de, RETRIES)
}

fn retry_backoff_ms<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    whole(de, RETRY_BACKOFF_MS)
}

fn rate_limited_retries<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    whole(de, RATE_LIMITED_RETRIES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_toml(text: &str) -> Result<Limits, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn sender_limits_default_to_telegrams() {
        let limits = from_toml("").unwrap();

        assert_eq!(limits, Limits::default());
        assert_eq!(limits.overall_per_second, 30.0);
        assert_eq!(limits.per_chat_per_second, 1.0);
        assert_eq!(limits.per_group_per_minute, 20.0);
        assert_eq!(limits.per_chat_burst, 3);
        assert_eq!(limits.retries, 3);
        assert_eq!(limits.retry_backoff(), Duration::from_millis(500));
    }

    #[test]
    fn sender_limits_take_whole_numbers_fractions_and_text() {
        let limits = from_toml(
            "overall_per_second = 1000\nper_chat_per_second = 0.5\n\
             per_group_per_minute = \"120\"\nper_chat_burst = \" 1 \"\nretries = 0",
        )
        .unwrap();

        assert_eq!(limits.overall_per_second, 1000.0);
        assert_eq!(limits.per_chat_per_second, 0.5);
        assert_eq!(limits.per_group_per_minute, 120.0);
        assert_eq!(limits.per_chat_burst, 1);
        assert_eq!(limits.retries, 0);
    }

    #[test]
    fn sender_limits_that_are_zero_or_absurd_are_refused_saying_what_fits() {
        for (line, expected) in [
            (
                "overall_per_second = 0",
                "be a number of messages a second from 0.01 to 100000, got 0",
            ),
            (
                "overall_per_second = -30",
                "be a number of messages a second from 0.01 to 100000, got -30",
            ),
            (
                "overall_per_second = 3000000",
                "be a number of messages a second from 0.01 to 100000, got 3000000",
            ),
            (
                "per_chat_per_second = nan",
                "be a number of messages a second from 0.01 to 1000, got NaN",
            ),
            (
                "per_group_per_minute = inf",
                "be a number of messages a minute from 0.01 to 60000, got inf",
            ),
            (
                "per_chat_burst = 0",
                "be a whole number of messages from 1 to 100, got 0",
            ),
            (
                "per_chat_burst = 2.5",
                "be a whole number of messages from 1 to 100, got 2.5",
            ),
            (
                "retries = 1000",
                "be a whole number of retries from 0 to 10, got 1000",
            ),
            (
                "retry_backoff_ms = 0",
                "be a whole number of milliseconds from 1 to 60000, got 0",
            ),
            (
                "rate_limited_retries = \"many\"",
                "be a whole number of retries from 0 to 20, got \"many\"",
            ),
        ] {
            let message = from_toml(line).unwrap_err();

            assert_eq!(message, expected, "{line}");
        }
    }

    #[test]
    fn sender_limits_refuse_an_unknown_key_and_a_value_of_the_wrong_kind() {
        let unknown = from_toml("per_second = 5").unwrap_err();
        let boolean = from_toml("retries = true").unwrap_err();

        assert!(unknown.contains("unknown field `per_second`"), "{unknown}");
        assert!(
            boolean.contains("a whole number of retries from 0 to 10"),
            "{boolean}"
        );
    }
}
