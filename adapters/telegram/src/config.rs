//! The `[telegram]` section of meetbot's configuration: the Telegram
//! transport's own settings, checked here so that a bad token or webhook URL
//! stops start-up instead of failing at the first request.
//!
//! A value that cannot be right on its own is refused while it is read (its
//! `Deserialize`); what depends on several keys (webhook mode needs a token,
//! a URL and a secret) is checked by [`TelegramConfig::validate`]. Secrets
//! serialise as `"[redacted]"`. The sender's pace is the subsection
//! `[telegram.limits]` ([`Limits`]).

mod limits;

use meetbot_domain::UserId;
use secrecy::SecretString;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

use meetbot_ports::config::{list_items, redacted_if_set};

pub use limits::Limits;

/// The public Telegram Bot API.
pub const DEFAULT_API_URL: &str = "https://api.telegram.org";

/// Well-known variable names other tools use too, and the key of this
/// section each one sets.
pub const COMMON_ENV_NAMES: [(&str, &str); 2] = [
    ("TELEGRAM_BOT_TOKEN", "token"),
    ("WEBHOOK_URL", "webhook_url"),
];

/// The subsections of `[telegram]`, whose keys are also set as
/// `MEETBOT__TELEGRAM__SUBSECTION__KEY`.
pub const SUBSECTIONS: [&str; 1] = ["limits"];

/// `[telegram]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    /// `telegram.token`: the bot token from @BotFather; without it the bot
    /// talks on the console instead of Telegram.
    #[serde(
        deserialize_with = "bot_token",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub token: Option<SecretString>,
    /// `telegram.api_url`: the Bot API base URL (a local Bot API server or a
    /// test fake can stand in for Telegram), without a trailing `/`.
    #[serde(deserialize_with = "api_url")]
    pub api_url: String,
    /// `telegram.owner_ids`: people who are OWNER from their first message.
    #[serde(deserialize_with = "owner_ids")]
    pub owner_ids: Vec<UserId>,
    /// `telegram.mode`: how updates arrive.
    pub mode: TelegramMode,
    /// `telegram.webhook_url`: the public HTTPS URL Telegram posts updates to.
    #[serde(
        deserialize_with = "webhook_url",
        skip_serializing_if = "Option::is_none"
    )]
    pub webhook_url: Option<String>,
    /// `telegram.webhook_secret`: the secret token Telegram sends back in a
    /// header with every webhook call.
    #[serde(
        deserialize_with = "webhook_secret",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub webhook_secret: Option<SecretString>,
    /// `[telegram.limits]`: how fast the bot writes and how often it retries.
    pub limits: Limits,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            token: None,
            api_url: DEFAULT_API_URL.to_owned(),
            owner_ids: Vec::new(),
            mode: TelegramMode::Polling,
            webhook_url: None,
            webhook_secret: None,
            limits: Limits::default(),
        }
    }
}

/// How Telegram updates reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum TelegramMode {
    /// The bot asks for updates (`getUpdates`); works behind any firewall.
    Polling,
    /// Telegram posts updates to `telegram.webhook_url`.
    Webhook,
}

impl TelegramMode {
    /// The name used in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            TelegramMode::Polling => "polling",
            TelegramMode::Webhook => "webhook",
        }
    }
}

impl TryFrom<String> for TelegramMode {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.trim().to_lowercase().as_str() {
            "polling" => Ok(TelegramMode::Polling),
            "webhook" => Ok(TelegramMode::Webhook),
            _ => Err(format!("be polling or webhook, got {raw:?}")),
        }
    }
}

/// A combination of `[telegram]` keys that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramConfigError {
    /// A key that webhook mode needs is not set.
    #[error("telegram.{0} is required when telegram.mode is webhook")]
    MissingForWebhook(&'static str),
}

impl TelegramConfigError {
    /// The key the error is about, within `[telegram]`.
    pub fn key(&self) -> &'static str {
        match self {
            TelegramConfigError::MissingForWebhook(key) => key,
        }
    }
}

impl TelegramConfig {
    /// Every combination of keys that cannot work, all at once.
    pub fn validate(&self) -> Vec<TelegramConfigError> {
        if self.mode != TelegramMode::Webhook {
            return Vec::new();
        }
        // Without the secret anyone who learns the URL can post forged
        // updates, so webhook mode refuses to start without one.
        [
            ("token", self.token.is_none()),
            ("webhook_url", self.webhook_url.is_none()),
            ("webhook_secret", self.webhook_secret.is_none()),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(key, _)| TelegramConfigError::MissingForWebhook(key))
        .collect()
    }

    /// How updates come in, as the transport serves it. Webhook mode without
    /// its URL or secret is refused again here, not only by [`Self::validate`]:
    /// an unauthenticated webhook accepts forged updates.
    pub fn receive_mode(&self) -> Result<crate::serve::Mode, TelegramConfigError> {
        match self.mode {
            TelegramMode::Polling => Ok(crate::serve::Mode::Polling),
            TelegramMode::Webhook => {
                let url = self
                    .webhook_url
                    .clone()
                    .ok_or(TelegramConfigError::MissingForWebhook("webhook_url"))?;
                let secret = self
                    .webhook_secret
                    .clone()
                    .ok_or(TelegramConfigError::MissingForWebhook("webhook_secret"))?;
                Ok(crate::serve::Mode::Webhook { url, secret })
            }
        }
    }

    /// Settings that are valid but probably not what was meant.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.mode == TelegramMode::Polling && self.webhook_url.is_some() {
            warnings.push(
                "telegram.webhook_url is set but telegram.mode is polling, so the webhook URL is not used"
                    .to_owned(),
            );
        }
        if self.token.is_none() && self.mode == TelegramMode::Webhook {
            warnings.push("telegram.mode is webhook but there is no telegram.token".to_owned());
        }
        warnings
    }
}

/// A bot token is `<bot id>:<secret>`; checking the shape catches a pasted
/// chat id or a truncated token at start-up instead of at the first request.
fn bot_token<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    let shape_ok = raw.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    if shape_ok {
        Ok(Some(SecretString::from(raw)))
    } else {
        Err(de::Error::custom(
            "be a bot token as @BotFather gives it, digits:letters (the value is not shown)",
        ))
    }
}

/// Telegram accepts 1–256 characters from `A-Z a-z 0-9 _ -` as a secret token.
fn webhook_secret<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    let ok = (1..=256).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(Some(SecretString::from(raw)))
    } else {
        Err(de::Error::custom(
            "be 1 to 256 characters from A-Z, a-z, 0-9, _ and - (the value is not shown)",
        ))
    }
}

/// An http(s) URL (`https://` only when `https_only`) with no query or
/// fragment, returned without its trailing `/`.
fn http_url(raw: &str, https_only: bool) -> Option<String> {
    let url = meetbot_ports::config::http_url(raw)?;
    let scheme_ok = url.scheme() == "https" || !https_only;
    let plain = url.query().is_none() && url.fragment().is_none();
    (scheme_ok && plain).then(|| url.as_str().trim_end_matches('/').to_owned())
}

fn api_url<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    http_url(&raw, false).ok_or_else(|| {
        de::Error::custom(format!(
            "be an http:// or https:// URL, such as https://api.telegram.org, got {raw:?}"
        ))
    })
}

fn webhook_url<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    http_url(&raw, true).map(Some).ok_or_else(|| {
        de::Error::custom(format!(
            "be an https:// URL (Telegram only calls HTTPS webhooks), such as \
             https://bot.example.org/telegram, got {raw:?}"
        ))
    })
}

fn owner_ids<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<UserId>, D::Error> {
    list_items(de)?
        .into_iter()
        .map(|item| {
            // Telegram's user ids are positive; a negative id is a group
            // chat's and 0 nobody's.
            match item.parse::<i64>() {
                Ok(id) if id > 0 => Ok(UserId(id)),
                _ => Err(de::Error::custom(format!(
                    "be a list of Telegram user ids (positive whole numbers), such as \
                     [123456789], got {item:?}"
                ))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret as _;

    use super::*;

    fn from_toml(text: &str) -> Result<TelegramConfig, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn an_empty_section_gives_the_documented_defaults() {
        let config = from_toml("").unwrap();

        assert!(config.token.is_none());
        assert_eq!(config.api_url, "https://api.telegram.org");
        assert!(config.owner_ids.is_empty());
        assert_eq!(config.mode, TelegramMode::Polling);
        assert_eq!(config.limits, Limits::default());
        assert!(config.validate().is_empty());
    }

    #[test]
    fn sender_limits_are_the_limits_subsection() {
        let config =
            from_toml("[limits]\noverall_per_second = 5\nper_chat_per_second = 0.5").unwrap();
        let refused = from_toml("[limits]\nper_group_per_minute = 0").unwrap_err();

        assert_eq!(config.limits.overall_per_second, 5.0);
        assert_eq!(config.limits.per_chat_per_second, 0.5);
        assert_eq!(config.limits.per_group_per_minute, 20.0);
        assert!(
            refused.starts_with("be a number of messages a minute"),
            "{refused}"
        );
    }

    #[test]
    fn owner_ids_come_as_a_list_or_comma_separated() {
        let list = from_toml("owner_ids = [111, 222]").unwrap();
        let text = from_toml("owner_ids = \"1, 2,1003\"").unwrap();

        assert_eq!(list.owner_ids, [UserId(111), UserId(222)]);
        assert_eq!(text.owner_ids, [UserId(1), UserId(2), UserId(1003)]);
    }

    #[test]
    fn owner_ids_that_are_not_positive_are_refused() {
        for list in [
            "owner_ids = [0]",
            "owner_ids = [1, -5]",
            "owner_ids = \"-1003\"",
        ] {
            let message = from_toml(list).unwrap_err();

            assert!(
                message.starts_with("be a list of Telegram user ids (positive whole numbers)"),
                "{list}: {message}"
            );
        }
    }

    #[test]
    fn an_api_url_with_white_space_a_query_or_a_fragment_is_refused() {
        for url in [
            "http://127.0.0.1:9000/bot api",
            "http://127.0.0.1:9000/\tx",
            "http://exa mple.org",
            "https://api.telegram.org/?a=1",
            "https://api.telegram.org/#x",
        ] {
            let message = from_toml(&format!("api_url = {url:?}")).unwrap_err();

            assert!(
                message.starts_with("be an http:// or https:// URL"),
                "{url}: {message}"
            );
        }
    }

    #[test]
    fn owner_ids_that_are_not_integers_are_refused() {
        let message = from_toml("owner_ids = \"1,alice\"").unwrap_err();

        assert!(
            message.starts_with("be a list of Telegram user ids"),
            "{message}"
        );
        assert!(message.contains("got \"alice\""), "{message}");
    }

    #[test]
    fn the_api_url_loses_its_trailing_slash_and_must_be_http() {
        let config = from_toml("api_url = \"http://127.0.0.1:9000/\"").unwrap();
        let message = from_toml("api_url = \"ftp://x\"").unwrap_err();

        assert_eq!(config.api_url, "http://127.0.0.1:9000");
        assert!(
            message.starts_with("be an http:// or https:// URL"),
            "{message}"
        );
    }

    #[test]
    fn a_webhook_url_must_be_https() {
        let message = from_toml("webhook_url = \"http://bot.example.org/hook\"").unwrap_err();

        assert!(message.starts_with("be an https:// URL"), "{message}");
    }

    #[test]
    fn a_malformed_token_or_secret_is_refused_without_being_shown() {
        let token = from_toml("token = \"not a token canary-77\"").unwrap_err();
        let secret = from_toml("webhook_secret = \"has spaces canary-78\"").unwrap_err();

        assert!(token.starts_with("be a bot token"), "{token}");
        assert!(!token.contains("canary"), "{token}");
        assert!(!secret.contains("canary"), "{secret}");
    }

    #[test]
    fn the_mode_is_read_in_any_case() {
        let config = from_toml("mode = \"Webhook\"").unwrap();
        let message = from_toml("mode = \"carrier-pigeon\"").unwrap_err();

        assert_eq!(config.mode, TelegramMode::Webhook);
        assert_eq!(message, "be polling or webhook, got \"carrier-pigeon\"");
    }

    #[test]
    fn webhook_mode_names_every_missing_key_at_once() {
        let config = from_toml("mode = \"webhook\"").unwrap();

        let keys: Vec<_> = config.validate().iter().map(|e| e.key()).collect();

        assert_eq!(keys, ["token", "webhook_url", "webhook_secret"]);
        assert_eq!(
            config.validate()[2].to_string(),
            "telegram.webhook_secret is required when telegram.mode is webhook"
        );
    }

    #[test]
    fn secrets_serialise_redacted() {
        let config = from_toml("token = \"123456:CANARY\"\nwebhook_secret = \"CANARY2\"").unwrap();

        let shown = toml::to_string(&config).unwrap();

        assert_eq!(config.token.unwrap().expose_secret(), "123456:CANARY");
        assert!(!shown.contains("CANARY"), "{shown}");
        assert!(shown.contains("token = \"[redacted]\""), "{shown}");
    }
}
