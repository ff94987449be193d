//! Middleware every request passes: who is calling (client info), cross-site request
//! refusal, and HTTP statuses for server-function errors.

use super::transport::is_own_origin;
use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sessions_core::engine::ClientInfo;

/// Puts the caller's address (as `client_addr` resolved it: the socket peer unless
/// that is a trusted proxy) and user agent in the request extensions.
pub async fn client_info(mut request: Request, next: Next) -> Response {
    let ip = super::client_addr::shown(request.extensions());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    request
        .extensions_mut()
        .insert(ClientInfo { ip, user_agent });
    next.run(request).await
}

/// Refuses state-changing requests that cannot prove they come from our own pages.
/// Browsers send `Sec-Fetch-Site` and `Origin` and scripts on other sites cannot forge
/// them; together with `SameSite=Strict` cookies this stops cross-site request forgery
/// without a token round trip. `Sec-Fetch-Site: same-origin` already means same scheme,
/// host and port; where only `Origin` is sent, it must be this site's whole origin
/// (`transport::is_own_origin`), scheme included.
pub async fn csrf(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || same_origin(&request) {
        return next.run(request).await;
    }
    let message = "Cross-site request refused: the request carries no proof (Origin or Sec-Fetch-Site) that it comes from this site.";
    json_error(StatusCode::FORBIDDEN, &AppError::BadRequest(message.into()))
}

fn same_origin(request: &Request) -> bool {
    let text = |name: header::HeaderName| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
    };
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    text(header::ORIGIN).is_some_and(|origin| is_own_origin(request, origin))
}

/// Server functions answer errors with 500 by default; ours carry their own status.
/// A plain form post (no JavaScript yet) that failed is redirected back to its page with
/// the error in the URL (`?__path=…&__err=…`, read by the page); that redirect stays.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.headers().contains_key("serverfnerror")
        || response.headers().contains_key(header::LOCATION)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(seconds) = error.retry_after_secs() {
            parts.headers.insert(header::RETRY_AFTER, seconds.into());
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

const MAX_ERROR_BYTES: usize = 64 * 1024;

pub fn json_error(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_string(error).unwrap_or_else(|_| "\"error\"".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
