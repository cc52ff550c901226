//! Logging: `tracing` events formatted as text or JSON on stderr, filtered by
//! `log.level` (or `RUST_LOG`), with secrets cut out of every line.
//!
//! Logs go to stderr so that stdout stays free for command output and for
//! the console chat. Every formatted line passes through a [`Redactor`]
//! before it is written: the configured secrets are replaced wherever they
//! appear, and so is anything shaped like a bot token (`123456:AA...`),
//! because the token sits inside every Bot API URL and HTTP clients like to
//! log URLs.

use std::io::{self, IsTerminal as _, Write};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::config::{ConfigError, Got, LogConfig, LogFormat, Origin, REDACTED};

/// Secrets shorter than this are not searched for: replacing every "abc" in
/// the logs would hide more than it protects.
const MIN_SECRET_LEN: usize = 4;
/// A bot token is `<bot id>:<secret>`; Telegram's ids have 8–10 digits and
/// secrets 35 characters. Shorter shapes are left alone so that times such as
/// `12:30` and ordinary words survive.
const MIN_TOKEN_ID_DIGITS: usize = 5;
const MIN_TOKEN_SECRET_CHARS: usize = 20;

/// The filter in force: `RUST_LOG` when it is set and not empty, otherwise
/// `log.level`.
pub fn filter(config: &LogConfig, rust_log: Option<&str>) -> Result<EnvFilter, ConfigError> {
    let (directives, key, origin) = match rust_log.map(str::trim).filter(|value| !value.is_empty())
    {
        Some(value) => (value, "RUST_LOG", Origin::Env("RUST_LOG".to_owned())),
        None => (config.level.as_str(), "log.level", Origin::Default),
    };
    EnvFilter::builder()
        .parse(directives)
        .map_err(|_| ConfigError::Invalid {
            key: key.to_owned(),
            expected: "be a log filter such as info, debug or meetbot=debug,info".to_owned(),
            got: Got::shown(directives),
            origin,
        })
}

/// Builds the subscriber for `config`, writing through `writer`.
pub fn subscriber<W>(
    config: &LogConfig,
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match config.format {
        LogFormat::Text => Box::new(builder.with_ansi(ansi).finish()),
        LogFormat::Json => Box::new(builder.json().with_current_span(true).finish()),
    }
}

/// Installs the process-wide subscriber: stderr, through `redactor`.
/// Records of the `log` crate (used by some dependencies) are routed in too.
pub fn init(
    config: &LogConfig,
    rust_log: Option<&str>,
    redactor: Redactor,
) -> Result<(), ConfigError> {
    let filter = filter(config, rust_log)?;
    let writer = RedactingMakeWriter::new(io::stderr, redactor);
    let subscriber = subscriber(config, filter, writer, io::stderr().is_terminal());
    // Fails only when a subscriber is already installed, and then that one
    // keeps working; nothing to report.
    let _ = subscriber.try_init();
    Ok(())
}

/// Cuts secrets out of text.
#[derive(Debug, Clone)]
pub struct Redactor {
    secrets: Arc<[SecretString]>,
}

impl Redactor {
    /// A redactor for these secrets (plus anything shaped like a bot token).
    pub fn new(secrets: Vec<SecretString>) -> Self {
        let secrets: Vec<SecretString> = secrets
            .into_iter()
            .filter(|secret| secret.expose_secret().len() >= MIN_SECRET_LEN)
            .collect();
        Self {
            secrets: secrets.into(),
        }
    }

    /// `text` with every secret and every token-shaped word replaced by
    /// `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in self.secrets.iter() {
            let secret = secret.expose_secret();
            if text.contains(secret) {
                text = text.replace(secret, REDACTED);
            }
        }
        redact_token_shapes(&text)
    }
}

/// Replaces `<digits>:<token characters>` runs that look like bot tokens.
fn redact_token_shapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_token_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out = String::with_capacity(text.len());
    let mut copied_up_to = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_digit();
        if !(bytes[i].is_ascii_digit() && starts_word) {
            i += 1;
            continue;
        }
        let digits_end = i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits_end - i >= MIN_TOKEN_ID_DIGITS && bytes.get(digits_end) == Some(&b':') {
            let secret_start = digits_end + 1;
            let secret_end = secret_start
                + bytes[secret_start..]
                    .iter()
                    .take_while(|b| is_token_char(**b))
                    .count();
            if secret_end - secret_start >= MIN_TOKEN_SECRET_CHARS {
                // Both ends sit next to ASCII bytes, so these are char boundaries.
                out.push_str(&text[copied_up_to..i]);
                out.push_str(REDACTED);
                copied_up_to = secret_end;
                i = secret_end;
                continue;
            }
        }
        i = digits_end;
    }
    out.push_str(&text[copied_up_to..]);
    out
}

/// A [`MakeWriter`] whose writers redact what passes through them.
#[derive(Debug, Clone)]
pub struct RedactingMakeWriter<M> {
    inner: M,
    redactor: Redactor,
}

impl<M> RedactingMakeWriter<M> {
    /// Wraps `inner`.
    pub fn new(inner: M, redactor: Redactor) -> Self {
        Self { inner, redactor }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
            redactor: self.redactor.clone(),
            buffer: Vec::new(),
        }
    }
}

/// Collects one event's output and writes it redacted when flushed or
/// dropped. The formatter makes one writer per event, so a secret can never
/// be split between two writes that are redacted separately.
#[derive(Debug)]
pub struct RedactingWriter<W: Write> {
    inner: W,
    redactor: Redactor,
    buffer: Vec<u8>,
}

impl<W: Write> RedactingWriter<W> {
    fn emit(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.buffer);
        let redacted = self.redactor.redact(&text);
        self.buffer.clear();
        self.inner.write_all(redacted.as_bytes())
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // A log line that cannot be written has nowhere to be reported.
        let _ = self.emit();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    const CANARY_TOKEN: &str = "987654321:AAHcanaryCANARYcanaryCANARYcanary12";

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn log_config(format: LogFormat, level: &str) -> LogConfig {
        LogConfig {
            format,
            level: level.to_owned(),
        }
    }

    fn capture(format: LogFormat, secrets: Vec<SecretString>, emit: impl FnOnce()) -> String {
        let captured = Captured::default();
        let sink = captured.clone();
        let config = log_config(format, "trace");
        let writer = RedactingMakeWriter::new(move || sink.clone(), Redactor::new(secrets));
        let subscriber = subscriber(&config, filter(&config, None).unwrap(), writer, false);
        tracing::subscriber::with_default(subscriber, emit);
        captured.text()
    }

    fn emit_everything_that_could_leak(token: &str, webhook_secret: &str) {
        let url = format!("https://api.telegram.org/bot{token}/getUpdates");
        let span = tracing::info_span!("update", %url);
        let _entered = span.enter();
        tracing::trace!(url = %url, "calling the Bot API");
        tracing::debug!("token {token} and secret {webhook_secret}");
        tracing::error!(error = ?format!("request to {url} failed"), "giving up");
    }

    #[test]
    fn a_canary_token_never_reaches_text_logs_even_at_trace() {
        let secrets = vec![
            SecretString::from(CANARY_TOKEN.to_owned()),
            SecretString::from("canary-webhook-secret".to_owned()),
        ];

        let logs = capture(LogFormat::Text, secrets, || {
            emit_everything_that_could_leak(CANARY_TOKEN, "canary-webhook-secret");
        });

        assert!(logs.contains("calling the Bot API"), "{logs}");
        assert!(!logs.to_lowercase().contains("canary"), "{logs}");
        assert!(logs.contains("bot[redacted]/getUpdates"), "{logs}");
    }

    #[test]
    fn a_canary_token_never_reaches_json_logs_even_at_trace() {
        let secrets = vec![
            SecretString::from(CANARY_TOKEN.to_owned()),
            SecretString::from("canary-webhook-secret".to_owned()),
        ];

        let logs = capture(LogFormat::Json, secrets, || {
            emit_everything_that_could_leak(CANARY_TOKEN, "canary-webhook-secret");
        });

        assert!(
            logs.contains("\"message\":\"calling the Bot API\""),
            "{logs}"
        );
        assert!(!logs.to_lowercase().contains("canary"), "{logs}");
        for line in logs.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn a_token_shaped_word_is_redacted_even_when_it_was_not_configured() {
        let logs = capture(LogFormat::Text, Vec::new(), || {
            tracing::info!("GET https://api.telegram.org/bot{CANARY_TOKEN}/getMe");
        });

        assert!(!logs.to_lowercase().contains("canary"), "{logs}");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let redactor = Redactor::new(vec![SecretString::from("ab".to_owned())]);
        let text = "meeting at 12:30 on 2025-03-30, user 123456789:short, abba";

        assert_eq!(redactor.redact(text), text);
    }

    #[test]
    fn a_secret_is_replaced_wherever_it_appears() {
        let redactor = Redactor::new(vec![SecretString::from("hunter2".to_owned())]);

        assert_eq!(
            redactor.redact("postgres://u:hunter2@db/x?password=hunter2"),
            "postgres://u:[redacted]@db/x?password=[redacted]"
        );
    }

    #[test]
    fn the_filter_is_the_configured_level_unless_rust_log_is_set() {
        let config = log_config(LogFormat::Text, "warn");

        assert_eq!(filter(&config, None).unwrap().to_string(), "warn");
        assert_eq!(filter(&config, Some("")).unwrap().to_string(), "warn");
        assert_eq!(
            filter(&config, Some("meetbot=trace")).unwrap().to_string(),
            "meetbot=trace"
        );
    }

    #[test]
    fn a_malformed_rust_log_is_a_configuration_error() {
        let config = log_config(LogFormat::Text, "info");

        let message = filter(&config, Some("meetbot=loud"))
            .unwrap_err()
            .to_string();

        assert!(
            message.starts_with("RUST_LOG must be a log filter"),
            "{message}"
        );
        assert!(
            message.ends_with("(from environment variable RUST_LOG)"),
            "{message}"
        );
    }
}
