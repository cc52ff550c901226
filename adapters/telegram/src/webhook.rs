//! Webhook mode: Telegram posts each update to our route with the secret it
//! was given in `setWebhook`. A request without that secret is refused with
//! 401 before anything is read; an accepted update is answered with 200 as
//! soon as it is recorded and queued, and handled after.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

use crate::dispatch::Dispatcher;

/// The header Telegram puts the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    dispatcher: Dispatcher,
    secret: std::sync::Arc<SecretString>,
}

/// A router serving the webhook at `path` (such as `/telegram`).
pub fn router(path: &str, secret: SecretString, dispatcher: Dispatcher) -> Router {
    let hook = Hook {
        dispatcher,
        secret: std::sync::Arc::new(secret),
    };
    Router::new().route(path, post(receive)).with_state(hook)
}

/// Whether the request carries the secret, compared in constant time so
/// that response times tell nothing about how much of a guess was right.
fn authorised(headers: &HeaderMap, secret: &SecretString) -> bool {
    headers
        .get(SECRET_HEADER)
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(secret.expose_secret().as_bytes())))
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !authorised(&headers, &hook.secret) {
        // Neither the header nor the body is logged: one may be a secret
        // guess, the other a forged update.
        tracing::warn!("a webhook request without the right secret was refused");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(update) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    match hook.dispatcher.accept(update).await {
        Ok(_) => StatusCode::OK,
        Err(error) => {
            // Not recorded, so not handled: a 500 makes Telegram deliver it again.
            tracing::error!(%error, "could not record a webhook update");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn only_the_exact_secret_is_authorised() {
        let secret = SecretString::from("s3cret-Token_1".to_owned());
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(SECRET_HEADER, HeaderValue::from_static(value));
            headers
        };

        assert!(authorised(&with("s3cret-Token_1"), &secret));
        assert!(!authorised(&with("s3cret-Token_"), &secret));
        assert!(!authorised(&with("s3cret-Token_12"), &secret));
        assert!(!authorised(&with(""), &secret));
        assert!(!authorised(&HeaderMap::new(), &secret));
    }
}
