//! Speech to text for voice messages: the `SpeechToText` port over an
//! OpenAI-compatible `POST /v1/audio/transcriptions` endpoint (OpenAI's own,
//! or a self-hosted Whisper server that offers the same API), with reqwest.
//!
//! The audio goes up as multipart form data with the model's name; the
//! answer's `text` is the transcript. Neither the audio nor the transcript
//! is logged: they are what a person said. Failures are sorted into
//! "unavailable" (network, timeout, 429, 5xx) and "refused" (other 4xx).
//!
//! This crate depends on the ports only; it must never depend on another
//! adapter, the use cases or the app.

pub mod config;

use std::time::Duration;

use async_trait::async_trait;
use meetbot_ports::speech::{Audio, SpeechError, SpeechToText};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

pub use config::SpeechConfig;

/// How long one transcription may take; a voice message is short, and the
/// person is waiting for the answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The path of the transcription endpoint under the base URL.
const TRANSCRIPTIONS: &str = "/v1/audio/transcriptions";

/// An OpenAI-compatible transcription endpoint.
#[derive(Debug, Clone)]
pub struct OpenAiSpeech {
    client: reqwest::Client,
    endpoint: String,
    api_key: Option<SecretString>,
    model: String,
}

/// The part of the endpoint's answer we read.
#[derive(Deserialize)]
struct Transcription {
    text: String,
}

/// The error body OpenAI-compatible servers send.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

impl OpenAiSpeech {
    /// A client for the API at `base_url` (without the endpoint's path).
    pub fn new(
        base_url: &str,
        api_key: Option<SecretString>,
        model: &str,
    ) -> Result<Self, SpeechError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(TIMEOUT)
            .build()
            .map_err(|error| SpeechError::Unexpected(error.to_string()))?;
        Ok(Self {
            client,
            endpoint: format!("{}{TRANSCRIPTIONS}", base_url.trim_end_matches('/')),
            api_key,
            model: model.to_owned(),
        })
    }

    /// The client `config` describes; `None` when no URL is configured.
    pub fn from_config(config: &SpeechConfig) -> Result<Option<Self>, SpeechError> {
        config
            .url
            .as_deref()
            .map(|url| Self::new(url, config.api_key.clone(), &config.model))
            .transpose()
    }
}

#[async_trait]
impl SpeechToText for OpenAiSpeech {
    async fn transcribe(&self, audio: &Audio) -> Result<String, SpeechError> {
        let file = reqwest::multipart::Part::bytes(audio.bytes.clone())
            .file_name(audio.file_name.clone())
            .mime_str(&audio.mime)
            .map_err(|_| SpeechError::Unexpected(format!("bad MIME type {:?}", audio.mime)))?;
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", self.model.clone())
            .text("response_format", "json");
        let mut request = self.client.post(&self.endpoint).multipart(form);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose_secret());
        }
        let response = request
            .send()
            .await
            .map_err(|error| SpeechError::Unavailable(error.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|error| SpeechError::Unavailable(error.without_url().to_string()))?;
        if status.is_success() {
            let answer: Transcription = serde_json::from_str(&body).map_err(|_| {
                SpeechError::Unexpected("an answer without a transcript".to_owned())
            })?;
            return Ok(answer.text.trim().to_owned());
        }
        let reason = serde_json::from_str::<ErrorBody>(&body)
            .map(|body| format!("{status}: {}", body.error.message))
            .unwrap_or_else(|_| status.to_string());
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(SpeechError::Unavailable(reason))
        } else {
            Err(SpeechError::Refused(reason))
        }
    }
}
