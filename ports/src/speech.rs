//! Speech to text: a voice message turned into what it says, so that it
//! can be handled like a typed one.

use async_trait::async_trait;

/// A recorded voice message, as the chat transport received it.
#[derive(Clone, PartialEq, Eq)]
pub struct Audio {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// A file name whose extension tells the format (`voice.ogg`).
    pub file_name: String,
    /// Its MIME type (`audio/ogg`).
    pub mime: String,
}

impl std::fmt::Debug for Audio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bytes are what a person said: their length is enough here.
        f.debug_struct("Audio")
            .field("bytes", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

/// Why a voice message could not be turned into text. Either way the
/// person is told that typing works.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpeechError {
    /// The service cannot be reached, timed out or is overloaded.
    #[error("speech to text unavailable: {0}")]
    Unavailable(String),
    /// The service refused the request (a bad key, an unsupported format).
    #[error("speech to text refused: {0}")]
    Refused(String),
    /// Anything else (an answer that cannot be read).
    #[error("unexpected speech to text failure: {0}")]
    Unexpected(String),
}

/// Turns recorded speech into text.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SpeechToText: Send + Sync {
    /// What `audio` says.
    ///
    /// The contract: it MUST return the words as heard, trimmed, and MAY
    /// return an empty string for silence; it MUST return an error rather
    /// than a guess when the service fails, and MUST NOT log the audio or
    /// the transcript (they are what a person said).
    async fn transcribe(&self, audio: &Audio) -> Result<String, SpeechError>;
}
