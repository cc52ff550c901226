//! OAuth user credentials: an access token from a refresh token, at a
//! configurable token URL.
//!
//! yup-oauth2's flow for user credentials has Google's token URL built in,
//! which a test against a local fake cannot use; this small flow does the
//! one request it needs (RFC 6749 §6) and keeps the token until shortly
//! before it expires.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use google_calendar3::common::{self, GetToken};
use google_calendar3::hyper::{Method, Request, header};
use meetbot_ports::CalendarError;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::Connector;

/// Why no access token could be had.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum TokenError {
    /// The token endpoint refused the grant (revoked, expired, wrong client).
    #[error("Google refused the refresh token (HTTP {status}): {detail}")]
    Refused { status: u16, detail: String },
    /// The endpoint could not be reached or failed.
    #[error("cannot get a Google token: {0}")]
    Unavailable(String),
}

impl TokenError {
    pub(crate) fn to_calendar_error(&self) -> CalendarError {
        match self {
            Self::Refused { .. } => CalendarError::Unauthorised(self.to_string()),
            Self::Unavailable(_) => CalendarError::Unavailable(self.to_string()),
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: Option<u64>,
}

struct Cached {
    token: SecretString,
    renew_at: Instant,
}

/// Access tokens for OAuth user credentials, cached until a minute before
/// they expire.
#[derive(Clone)]
pub(crate) struct RefreshTokenAuth {
    client: common::Client<Connector>,
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    refresh_token: SecretString,
    cached: Arc<Mutex<Option<Cached>>>,
}

impl RefreshTokenAuth {
    pub(crate) fn new(
        client: common::Client<Connector>,
        token_url: String,
        client_id: String,
        client_secret: SecretString,
        refresh_token: SecretString,
    ) -> Self {
        Self {
            client,
            token_url,
            client_id,
            client_secret,
            refresh_token,
            cached: Arc::new(Mutex::new(None)),
        }
    }

    async fn token(&self) -> Result<String, TokenError> {
        // One refresh at a time: concurrent calls wait for it instead of
        // each asking Google for a token.
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(c.token.expose_secret().to_owned());
        }
        let answer = self.refresh().await?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        let token = answer.access_token;
        *cached = Some(Cached {
            token: SecretString::from(token.clone()),
            renew_at: Instant::now() + lifetime.saturating_sub(Duration::from_secs(60)),
        });
        Ok(token)
    }

    async fn refresh(&self) -> Result<TokenAnswer, TokenError> {
        let form = form_urlencoded(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("client_secret", self.client_secret.expose_secret()),
            ("refresh_token", self.refresh_token.expose_secret()),
        ]);
        let request = Request::builder()
            .method(Method::POST)
            .uri(&self.token_url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(common::to_body(Some(form)))
            .map_err(|e| TokenError::Unavailable(format!("bad token URL: {e}")))?;
        let response = tokio::time::timeout(crate::CALL_TIMEOUT, self.client.request(request))
            .await
            .map_err(|_| {
                TokenError::Unavailable("the token endpoint did not answer in time".into())
            })?
            .map_err(|e| TokenError::Unavailable(e.to_string()))?;
        let status = response.status();
        let bytes = common::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| TokenError::Unavailable(format!("unreadable token answer: {e}")));
        }
        // The body of a refusal names the OAuth error (`invalid_grant`);
        // it carries no secret, so it may be shown to the owner.
        let detail: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let detail = detail["error"].as_str().unwrap_or("no details").to_owned();
        if status.is_server_error() || status.as_u16() == 429 {
            Err(TokenError::Unavailable(format!("HTTP {}", status.as_u16())))
        } else {
            Err(TokenError::Refused {
                status: status.as_u16(),
                detail,
            })
        }
    }
}

/// What `GetToken::get_token` returns (google-apis-common keeps its alias private).
type GetTokenOutput<'a> = Pin<
    Box<
        dyn Future<Output = Result<Option<String>, Box<dyn std::error::Error + Send + Sync>>>
            + Send
            + 'a,
    >,
>;

impl GetToken for RefreshTokenAuth {
    fn get_token<'a>(&'a self, _scopes: &'a [&str]) -> GetTokenOutput<'a> {
        Box::pin(async move {
            self.token()
                .await
                .map(Some)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        })
    }
}

/// `application/x-www-form-urlencoded` of the pairs.
fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                b' ' => "+".to_owned(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::form_urlencoded;

    #[test]
    fn form_values_are_percent_encoded() {
        assert_eq!(
            form_urlencoded(&[("a", "1/2 x&y=z"), ("b", "ok-._~")]),
            "a=1%2F2+x%26y%3Dz&b=ok-._~"
        );
    }
}
