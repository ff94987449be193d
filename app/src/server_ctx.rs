//! Server-side helpers for server functions: the engine, the caller's session and the
//! cookie. Every server function authenticates through `current_session`, so the
//! rules live in one place.

use crate::credentials::{Activity, Credentials};
use crate::error::AppError;
use http::header::SET_COOKIE;
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use sessions_core::cache::CachedSession;
use sessions_core::engine::ClientInfo;
use sessions_core::model::Role;
use sessions_core::token::Token;
use sessions_core::Engine;
use std::sync::Arc;

pub fn engine() -> Result<Arc<Engine>, AppError> {
    use_context::<Arc<Engine>>().ok_or_else(|| {
        tracing::error!("the engine is missing from the server function context");
        AppError::Internal
    })
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts are missing from the server function context");
        AppError::Internal
    })
}

/// The request's credentials: its session cookie and where it came from.
fn credentials() -> Result<Credentials, AppError> {
    let parts = request_parts()?;
    Ok(Credentials::of(
        &*engine()?,
        &parts.headers,
        &parts.extensions,
    ))
}

/// Where the request came from; the server's middleware puts it in the extensions.
pub fn client_info() -> Result<ClientInfo, AppError> {
    Ok(credentials()?.client)
}

/// The caller's live session, checked like any request and counted as their activity;
/// an ended one clears the cookie.
pub async fn current_session() -> Result<Arc<CachedSession>, AppError> {
    session_for(Activity::Person).await
}

/// The caller's live session for a read that a page makes by itself: checked with
/// every refusal, but not counted as activity.
pub async fn viewing_session() -> Result<Arc<CachedSession>, AppError> {
    session_for(Activity::Automatic).await
}

async fn session_for(activity: Activity) -> Result<Arc<CachedSession>, AppError> {
    let engine = engine()?;
    match credentials()?.authenticate(&engine, activity).await {
        Ok(session) => Ok(session),
        Err(err) => {
            let err = AppError::from(err);
            if matches!(err, AppError::Unauthenticated { .. }) {
                set_cookie(&engine.cookies().clear());
            }
            Err(err)
        }
    }
}

/// The session token the request's cookie carries, live or not.
pub fn cookie_token() -> Result<Option<Token>, AppError> {
    Ok(credentials()?.token)
}

pub async fn require_admin() -> Result<Arc<CachedSession>, AppError> {
    admin_only(current_session().await?)
}

/// `require_admin` for a page's automatic reads (not counted as activity).
pub async fn require_admin_viewing() -> Result<Arc<CachedSession>, AppError> {
    admin_only(viewing_session().await?)
}

fn admin_only(session: Arc<CachedSession>) -> Result<Arc<CachedSession>, AppError> {
    if session.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(session)
}

pub fn set_cookie(value: &str) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    match HeaderValue::from_str(value) {
        Ok(value) => response.append_header(SET_COOKIE, value),
        Err(err) => tracing::error!(error = %err, "unrepresentable cookie header"),
    }
}

/// Whether the page request comes from a phone (by its user agent), so the first
/// render can be the phone layout.
pub fn request_from_phone() -> bool {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::USER_AGENT)?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .is_some_and(|agent| {
            sessions_core::agent::parse_user_agent(&agent).device
                == sessions_core::model::DeviceClass::Phone
        })
}

/// Whether the request is a plain HTML form post (the page's WASM has not loaded or
/// JavaScript is off): the browser then accepts HTML, while the server-function client
/// asks for JSON.
pub fn plain_form_post() -> bool {
    request_parts().is_ok_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// After a plain form post succeeded, sends the browser to `path` (a page that says
/// what happened); a call from the WASM gets its answer as usual.
pub fn redirect_plain_form(path: &str) {
    if plain_form_post() {
        leptos_axum::redirect(path);
    }
}
