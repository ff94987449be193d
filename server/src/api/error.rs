//! The API's one error type: an HTTP status, a stable machine-readable code and a
//! sentence for people. Internal errors are logged and answered with a generic text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sessions_core::model::{EndReason, IdError};
use sessions_core::{CoreError, Entity};
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub reason: Option<EndReason>,
    /// `Retry-After` seconds, for answers that ask to come back later.
    pub retry_after: Option<u64>,
}

/// Every error response: `{"error": {"code", "message", "reason"?}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `missing_api_key`, `invalid_api_key`, `invalid_json`,
    /// `unsupported_media_type`, `payload_too_large`, `invalid_ip`, `invalid_user_agent`,
    /// `invalid_field`, `malformed_token`, `malformed_session_id`, `session_unknown`,
    /// `session_ended`, `session_idle`, `session_expired`, `ip_changed`, `ip_not_allowed`,
    /// `refused_by_policy`, `session_not_found`, `not_found`, `method_not_allowed`,
    /// `rate_limited`, `busy`, `unavailable` (503, with `Retry-After`), `internal`.
    pub code: String,
    /// A sentence for people; may change between versions.
    pub message: String,
    /// Why the session ended, on 401 refusals of a session that ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub reason: Option<EndReason>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            reason: None,
            retry_after: None,
        }
    }

    pub fn invalid_field(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message)
    }

    pub fn malformed_session_id() -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_session_id",
            "A session id is 32 lowercase hexadecimal characters.",
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is no such API endpoint.",
        )
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This endpoint does not accept that method.",
        )
    }
}

/// An id in a path or query that did not parse: the API's own answer for each kind.
impl From<IdError> for ApiError {
    fn from(err: IdError) -> ApiError {
        match err {
            IdError::SessionId(_) => ApiError::malformed_session_id(),
            IdError::AppUserId => ApiError::invalid_field(err.to_string()),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(err: CoreError) -> ApiError {
        let retry_after = err.retry_after_secs();
        let mapped = match err {
            CoreError::Invalid { message, .. } => ApiError::invalid_field(message),
            CoreError::NotFound(ref entity) => {
                let code = match entity {
                    Entity::Session => "session_not_found",
                    Entity::User(_) | Entity::ApiKey(_) | Entity::Application(_) => "not_found",
                };
                ApiError::new(StatusCode::NOT_FOUND, code, entity.to_string())
            }
            CoreError::Unauthenticated(reason) => session_refused(reason),
            CoreError::Refused(message) => {
                ApiError::new(StatusCode::FORBIDDEN, "refused_by_policy", message)
            }
            CoreError::Throttled { .. } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                err.to_string(),
            ),
            CoreError::Busy { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", err.to_string())
            }
            CoreError::Unavailable(ref cause) => {
                tracing::error!(error = %cause, "the session store failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    err.to_string(),
                )
            }
            CoreError::Forbidden
            | CoreError::BadCredentials
            | CoreError::PasswordRequired
            | CoreError::Internal { .. } => {
                tracing::error!(error = %err.report(), "application API request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side; it has been logged.",
                )
            }
        };
        ApiError {
            retry_after,
            ..mapped
        }
    }
}

/// 401 for a check or logout that found no live session, with the reason it ended.
fn session_refused(reason: Option<EndReason>) -> ApiError {
    let (code, message) = match reason {
        None => (
            "session_unknown",
            "No session of this application has that token.",
        ),
        Some(EndReason::Idle) => ("session_idle", "The session ended after inactivity."),
        Some(EndReason::Expired) => ("session_expired", "The session reached its lifetime."),
        Some(EndReason::IpChange) => (
            "ip_changed",
            "The session ended because its IP address changed.",
        ),
        Some(EndReason::IpRule) => (
            "ip_not_allowed",
            "The session ended because its address is not allowed by the network rules.",
        ),
        Some(_) => ("session_ended", "The session has ended."),
    };
    ApiError {
        reason,
        ..ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                reason: self.reason,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
