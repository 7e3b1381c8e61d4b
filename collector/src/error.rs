//! The API's failures, answered as `{"error": "..."}` with their status (a refused signature as
//! Braze answers it, `{"auth_error": {...}}`).

use crate::auth::Refusal;
use crate::db;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// Seconds, for a `Retry-After` header.
    retry_after: Option<u64>,
    refusal: Option<Refusal>,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, message)
    }

    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// A failure of ours: logged in full, answered without details.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!("{cause}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }

    /// The body did not arrive in time.
    pub fn timeout(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, message)
    }

    /// Slowed down: try again in `seconds`.
    pub fn too_many(seconds: u64) -> ApiError {
        ApiError { retry_after: Some(seconds), ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests from this address") }
    }

    /// SDK authentication refused the request's signature.
    pub fn signature(refusal: Refusal) -> ApiError {
        ApiError { refusal: Some(refusal), ..ApiError::unauthorized(refusal.reason()) }
    }

    /// The database cannot be reached: the SDK retries after `Retry-After`, and its datapoints,
    /// stored once each by their keys, are stored exactly once when it is back.
    fn unavailable(cause: impl std::fmt::Display) -> ApiError {
        tracing::warn!("{cause}");
        let message = "the database is unavailable; try again later";
        ApiError { retry_after: Some(5), ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message) }
    }

    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), retry_after: None, refusal: None }
    }
}

impl From<db::Error> for ApiError {
    fn from(e: db::Error) -> ApiError {
        crate::metrics::database_error(&e);
        match e {
            db::Error::Unavailable(_) => ApiError::unavailable(e),
            db::Error::Failed(_) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.refusal {
            Some(r) => serde_json::json!({ "auth_error": { "error_code": r.code(), "reason": r.reason() } }),
            None => serde_json::json!({ "error": self.message }),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
