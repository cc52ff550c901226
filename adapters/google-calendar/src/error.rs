//! Google's answers mapped to the port's errors.
//!
//! google-calendar3 reports a non-2xx answer with a JSON body as
//! `Error::BadRequest(body)` (whatever the status) and one without JSON as
//! `Error::Failure(response)`; the body's `error.code` and
//! `error.errors[].reason` decide the case.

use google_calendar3::{Error, yup_oauth2};
use meetbot_ports::CalendarError;

use crate::token::TokenError;

/// The port's error for a failed google-calendar3 call.
pub fn map_error(error: &Error) -> CalendarError {
    match error {
        Error::BadRequest(body) => from_body(body),
        Error::Failure(response) => from_status(response.status().as_u16(), None, String::new()),
        Error::HttpError(e) => CalendarError::Unavailable(format!("cannot reach Google: {e}")),
        Error::Io(e) => CalendarError::Unavailable(format!("connection to Google failed: {e}")),
        Error::MissingToken(e) => from_token_error(e.as_ref()),
        Error::JsonDecodeError(_, e) => {
            CalendarError::Unexpected(format!("unreadable answer from Google: {e}"))
        }
        other => CalendarError::Unexpected(other.to_string().trim().to_owned()),
    }
}

fn from_body(body: &serde_json::Value) -> CalendarError {
    let error = &body["error"];
    let message = error["message"].as_str().unwrap_or_default().to_owned();
    let reason = error["errors"][0]["reason"].as_str();
    match error["code"].as_u64().and_then(|c| u16::try_from(c).ok()) {
        Some(code) => from_status(code, reason, message),
        None => CalendarError::Unexpected(format!("unexpected error answer from Google: {body}")),
    }
}

fn from_status(code: u16, reason: Option<&str>, message: String) -> CalendarError {
    let message = if message.is_empty() {
        format!("HTTP {code}")
    } else {
        format!("HTTP {code}: {message}")
    };
    match (code, reason) {
        (404, _) => CalendarError::NotFound,
        (410, _) => CalendarError::Gone,
        (409, _) => CalendarError::Conflict(message),
        // 403 also means "slow down" (per-user and per-project limits).
        (403, Some("rateLimitExceeded" | "userRateLimitExceeded" | "quotaExceeded")) | (429, _) => {
            CalendarError::RateLimited
        }
        (401 | 403, _) => CalendarError::Unauthorised(message),
        (500..=599, _) => CalendarError::Unavailable(message),
        _ => CalendarError::Unexpected(message),
    }
}

/// The error for a free/busy answer that names a per-calendar error.
pub(crate) fn from_freebusy_reason(reason: &str) -> CalendarError {
    match reason {
        "notFound" => CalendarError::NotFound,
        "rateLimitExceeded" | "userRateLimitExceeded" => CalendarError::RateLimited,
        "backendError" | "internalError" => {
            CalendarError::Unavailable(format!("free/busy: {reason}"))
        }
        other => CalendarError::Unexpected(format!("free/busy: {other}")),
    }
}

/// A token could not be had: a refused grant or key needs a person, a
/// network failure only time.
fn from_token_error(error: &(dyn std::error::Error + Send + Sync + 'static)) -> CalendarError {
    if let Some(error) = error.downcast_ref::<TokenError>() {
        return error.to_calendar_error();
    }
    match error.downcast_ref::<yup_oauth2::Error>() {
        Some(yup_oauth2::Error::AuthError(auth)) => {
            CalendarError::Unauthorised(format!("Google refused the service account: {auth}"))
        }
        Some(
            yup_oauth2::Error::HttpError(_)
            | yup_oauth2::Error::HttpClientError(_)
            | yup_oauth2::Error::LowLevelError(_),
        ) => CalendarError::Unavailable(format!("cannot get a Google token: {error}")),
        // A token endpoint that answers something else than JSON is most
        // likely down (an HTML error page).
        Some(yup_oauth2::Error::JSONError(_)) => CalendarError::Unavailable(format!(
            "unreadable answer from Google's token endpoint: {error}"
        )),
        _ => CalendarError::Unexpected(format!("cannot get a Google token: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(code: u16, reason: &str) -> Error {
        Error::BadRequest(json!({"error": {
            "code": code,
            "message": "msg",
            "errors": [{"domain": "global", "reason": reason, "message": "msg"}]
        }}))
    }

    #[test]
    fn google_error_bodies_map_to_the_port_cases_the_outbox_acts_on() {
        assert_eq!(map_error(&body(404, "notFound")), CalendarError::NotFound);
        assert_eq!(map_error(&body(410, "deleted")), CalendarError::Gone);
        assert!(matches!(
            map_error(&body(409, "duplicate")),
            CalendarError::Conflict(_)
        ));
        assert!(matches!(
            map_error(&body(401, "authError")),
            CalendarError::Unauthorised(_)
        ));
        assert!(matches!(
            map_error(&body(403, "forbidden")),
            CalendarError::Unauthorised(_)
        ));
        assert_eq!(
            map_error(&body(403, "rateLimitExceeded")),
            CalendarError::RateLimited
        );
        assert_eq!(
            map_error(&body(403, "userRateLimitExceeded")),
            CalendarError::RateLimited
        );
        assert_eq!(
            map_error(&body(429, "rateLimitExceeded")),
            CalendarError::RateLimited
        );
        assert!(matches!(
            map_error(&body(500, "backendError")),
            CalendarError::Unavailable(_)
        ));
        assert!(matches!(
            map_error(&body(503, "backendError")),
            CalendarError::Unavailable(_)
        ));
        assert!(matches!(
            map_error(&body(400, "invalid")),
            CalendarError::Unexpected(_)
        ));
    }
}
