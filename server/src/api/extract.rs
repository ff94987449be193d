//! Request extractors of the API: the application key and JSON bodies, each failing
//! with the API's own error codes instead of axum's plain-text rejections.

use super::error::ApiError;
use super::ApiState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use sessions_core::CoreError;
use std::sync::Arc;

/// The calling application, authenticated by `Authorization: Bearer <key>`.
pub struct CallingApp(pub Arc<str>);

impl FromRequestParts<ApiState> for CallingApp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            // The scheme name is case-insensitive (RFC 9110).
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, key)| key.trim())
            .filter(|key| !key.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "missing_api_key",
                    "Send the application key as `Authorization: Bearer <key>`.",
                )
            })?;
        // The caller is the application's server (its connection, or the address a
        // trusted proxy reports for it), not the end user's address it sends in the body.
        let caller = crate::web::client_addr::shown(&parts.extensions);
        match state.engine.authenticate_app(presented, &caller).await {
            Ok(Some(name)) => Ok(CallingApp(name)),
            Ok(None) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_api_key",
                "The application key is not valid (unknown, malformed or revoked).",
            )),
            Err(CoreError::Throttled { retry_after_secs }) => Err(ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!(
                        "Too many invalid API keys from this address. Try again in {retry_after_secs} s."
                    ),
                )
            }),
            Err(err) => Err(err.into()),
        }
    }
}

/// A JSON body of type `T`: `Content-Type: application/json`, at most the API's body
/// limit, and exactly the documented fields.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<ApiState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &ApiState) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    payload_too_large()
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_json",
                        "The body could not be read.",
                    )
                }
            })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|err| {
            // serde's text names the field and position; cut it so a huge unknown field
            // name is not echoed back whole.
            let detail: String = err.to_string().chars().take(200).collect();
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("The body is not the expected JSON object: {detail}."),
            )
        })
    }
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "The body is larger than {} KiB.",
            super::MAX_BODY_BYTES / 1024
        ),
    )
}

/// A query string of type `T`; a value that does not parse is a 422 `invalid_field`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::invalid_field(cut(rejection.body_text())))
    }
}

/// Path parameters of type `T`; undecodable ones are a 422 `invalid_field`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::invalid_field(cut(rejection.body_text())))
    }
}

fn cut(text: String) -> String {
    text.chars().take(200).collect()
}
