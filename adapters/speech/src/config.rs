//! The `[speech]` section of meetbot's configuration: where voice messages
//! are transcribed. Without `speech.url` voice messages are not
//! transcribed, and people are told that typing works. The key serialises
//! as `"[redacted]"`.

use meetbot_ports::config::{http_url, redacted_if_set};
use secrecy::SecretString;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};

/// The model asked for unless told otherwise (OpenAI's name for Whisper;
/// self-hosted servers accept it too or ignore it).
pub const DEFAULT_MODEL: &str = "whisper-1";

/// `[speech]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechConfig {
    /// `speech.url`: the base URL of an OpenAI-compatible API (such as
    /// `https://api.openai.com` or a self-hosted Whisper server), without a
    /// trailing `/`; audio is posted to `<url>/v1/audio/transcriptions`.
    #[serde(deserialize_with = "base_url", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `speech.api_key`: sent as a bearer token; a self-hosted server may
    /// need none.
    #[serde(
        deserialize_with = "api_key",
        serialize_with = "redacted_if_set",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_key: Option<SecretString>,
    /// `speech.model`: the transcription model.
    #[serde(deserialize_with = "model")]
    pub model: String,
}

impl Default for SpeechConfig {
    fn default() -> Self {
        Self {
            url: None,
            api_key: None,
            model: DEFAULT_MODEL.to_owned(),
        }
    }
}

impl SpeechConfig {
    /// Whether voice messages are transcribed.
    pub fn is_configured(&self) -> bool {
        self.url.is_some()
    }
}

fn base_url<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(de)?;
    let trimmed = raw.trim().trim_end_matches('/');
    match http_url(trimmed) {
        Some(_) => Ok(Some(trimmed.to_owned())),
        None => Err(de::Error::custom(format!(
            "be an http or https base URL such as https://api.openai.com, got {raw:?}"
        ))),
    }
}

fn api_key<'de, D: Deserializer<'de>>(de: D) -> Result<Option<SecretString>, D::Error> {
    let raw = String::deserialize(de)?;
    let key = raw.trim();
    // The value is never echoed: it is a secret.
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return Err(de::Error::custom(
            "be an API key without spaces (the value is not shown)",
        ));
    }
    Ok(Some(SecretString::from(key.to_owned())))
}

fn model<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let raw = String::deserialize(de)?;
    let model = raw.trim();
    if model.is_empty() {
        return Err(de::Error::custom(format!(
            "be a model name such as {DEFAULT_MODEL}, got {raw:?}"
        )));
    }
    Ok(model.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_leaves_voice_messages_untranscribed() {
        let config: SpeechConfig = toml::from_str("").unwrap();

        assert!(!config.is_configured());
        assert_eq!(config.model, DEFAULT_MODEL);
    }

    #[test]
    fn a_url_and_a_key_are_read_and_the_key_never_shows() {
        let config: SpeechConfig =
            toml::from_str("url = \"http://127.0.0.1:9000/\"\napi_key = \"sk-canary\"").unwrap();

        assert_eq!(config.url.as_deref(), Some("http://127.0.0.1:9000"));
        let shown = toml::to_string(&config).unwrap();
        assert!(!shown.contains("canary"), "{shown}");
        assert!(!format!("{config:?}").contains("canary"));
    }

    #[test]
    fn a_url_that_is_not_http_and_an_unknown_key_are_refused() {
        assert!(toml::from_str::<SpeechConfig>("url = \"ftp://x\"").is_err());
        assert!(toml::from_str::<SpeechConfig>("model = \" \"").is_err());
        assert!(toml::from_str::<SpeechConfig>("languag = \"ru\"").is_err());
    }
}
