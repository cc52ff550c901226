//! Webhook mode: Telegram posts each update to our route with the secret it
//! was given in `setWebhook`. A request without that secret is refused with
//! 401 from its headers alone: its body is never read and its connection is
//! closed, so that a stranger's request costs next to nothing. An update's
//! body is read up to [`MAX_BODY`] and within [`BODY_READ_TIMEOUT`]; the
//! update is answered with 200 as soon as it is recorded and queued, and
//! handled after.

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;

use crate::dispatch::Dispatcher;

/// The header Telegram puts the webhook secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The largest update body accepted; a larger one is refused with 413.
/// Telegram's updates are a few kilobytes (a message is at most 4,096
/// characters; files come as ids, not bytes).
pub const MAX_BODY: usize = 1024 * 1024;

/// How long an update's whole body may take to arrive, counted from the
/// first attempt to read it; after that the request is refused with 408.
/// A total, not a wait between chunks: a sender trickling a byte at a time
/// must not hold the connection for ever.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

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

/// The body is taken unread (`Body`, not `Bytes`): the secret is checked
/// before a byte of it is read.
async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Body) -> Response {
    if !authorised(&headers, &hook.secret) {
        // Neither the header nor the body is logged: one may be a secret
        // guess, the other a forged update.
        tracing::warn!("a webhook request without the right secret was refused");
        return refused(StatusCode::UNAUTHORIZED);
    }
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(status) => {
            tracing::warn!(%status, "a webhook update's body was refused");
            return refused(status);
        }
    };
    let Ok(update) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match hook.dispatcher.accept(update).await {
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => {
            // Not recorded, so not handled: a 500 makes Telegram deliver it again.
            tracing::error!(%error, "could not record a webhook update");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The whole body, or the status that refuses it: 413 beyond [`MAX_BODY`]
/// (at once when the announced length says so), 408 when it has not all
/// come within [`BODY_READ_TIMEOUT`], 400 when the sender broke it off.
async fn read_body(body: Body) -> Result<Bytes, StatusCode> {
    if body.size_hint().lower() > MAX_BODY as u64 {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    match tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.is::<LengthLimitError>() => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Ok(Err(_)) => Err(StatusCode::BAD_REQUEST),
        Err(_elapsed) => Err(StatusCode::REQUEST_TIMEOUT),
    }
}

/// A refusal that also closes the connection: what is left of the body
/// is not read, and a client that was refused gets no connection to keep.
fn refused(status: StatusCode) -> Response {
    (status, [(header::CONNECTION, "close")]).into_response()
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::Poll;

    use axum::http::{HeaderValue, Request};
    use tower::ServiceExt as _;

    use super::*;
    use crate::BotApi;

    const SECRET: &str = "s3cret-Token_1";

    /// A body that never ends, and the flag that tells whether anyone
    /// tried to read it.
    fn untouched() -> (Body, Arc<AtomicBool>) {
        let read = Arc::new(AtomicBool::new(false));
        let flag = read.clone();
        let body = Body::from_stream(futures::stream::poll_fn(move |_| {
            flag.store(true, Ordering::SeqCst);
            Poll::<Option<Result<Bytes, Infallible>>>::Pending
        }));
        (body, read)
    }

    /// The webhook at `/hook` over in-memory services.
    fn hook() -> Router {
        let services = meetbot_testkit::services().build();
        // Text updates need no Bot API call of their own.
        let api = BotApi::new("http://127.0.0.1:9", &SecretString::from("1:x".to_owned())).unwrap();
        let dispatcher = Dispatcher::new(services, api, 2, 16);
        router("/hook", SecretString::from(SECRET.to_owned()), dispatcher)
    }

    fn post_to_hook(secret: Option<&str>, body: Body) -> Request<Body> {
        let mut request = Request::post("/hook");
        if let Some(secret) = secret {
            request = request.header(SECRET_HEADER, secret);
        }
        request.body(body).unwrap()
    }

    /// `bytes` in chunks of 64 KB, with no announced length.
    fn chunked(bytes: &[u8]) -> Body {
        let chunks: Vec<Result<Bytes, Infallible>> = bytes
            .chunks(64 * 1024)
            .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
            .collect();
        Body::from_stream(futures::stream::iter(chunks))
    }

    #[test]
    fn only_the_exact_secret_is_authorised() {
        let secret = SecretString::from(SECRET.to_owned());
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

    #[tokio::test]
    async fn a_request_without_the_secret_is_refused_with_401_without_reading_its_body() {
        for secret in [None, Some("s3cret-Token_X")] {
            let (body, read) = untouched();

            // The body never ends: reading it would never answer.
            let answer = tokio::time::timeout(
                Duration::from_secs(5),
                hook().oneshot(post_to_hook(secret, body)),
            )
            .await
            .expect("answered without waiting for the body")
            .unwrap();

            assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{secret:?}");
            assert!(!read.load(Ordering::SeqCst), "the body was read");
            assert_eq!(answer.headers()[header::CONNECTION], "close");
        }
    }

    #[tokio::test]
    async fn an_update_larger_than_the_limit_is_refused_with_413() {
        // Announced: the length is known before reading.
        let announced = Body::from(vec![b'x'; MAX_BODY + 1]);
        let answer = hook()
            .oneshot(post_to_hook(Some(SECRET), announced))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(answer.headers()[header::CONNECTION], "close");

        // Unannounced (chunked): refused once the limit is passed.
        let answer = hook()
            .oneshot(post_to_hook(
                Some(SECRET),
                chunked(&vec![b'x'; MAX_BODY + 1]),
            ))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn an_update_of_exactly_the_limit_is_accepted() {
        let mut update = br#"{"update_id": 1, "padding": ""#.to_vec();
        update.resize(MAX_BODY - 2, b'x');
        update.extend_from_slice(br#""}"#);
        assert_eq!(update.len(), MAX_BODY);

        let answer = hook()
            .oneshot(post_to_hook(Some(SECRET), chunked(&update)))
            .await
            .unwrap();

        assert_eq!(answer.status(), StatusCode::OK);
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_whose_body_does_not_come_in_time_is_refused_with_408() {
        let (body, read) = untouched();

        let answer = hook()
            .oneshot(post_to_hook(Some(SECRET), body))
            .await
            .unwrap();

        assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
        assert!(read.load(Ordering::SeqCst), "the body was waited for");
        assert_eq!(answer.headers()[header::CONNECTION], "close");
    }
}
