//! Page access: signed-out visitors go to `/login`, users stay out of admin pages, and
//! signed-in visitors skip the sign-in page. Server functions check again on their own.

use super::AppState;
use app::browser::login_path;
use app::credentials::{Activity, Credentials};
use app::error::AppError;
use app::sessions_api::landing_path;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sessions_core::cache::CachedSession;
use sessions_core::error::STORE_RETRY_SECS;
use sessions_core::model::{EndReason, Role};
use sessions_core::{CoreError, Engine};
use std::sync::Arc;

enum Visitor {
    SignedIn(Arc<CachedSession>),
    SignedOut(Option<EndReason>),
    /// The check could not be made (the store failed): neither signed in nor out.
    Unknown(CoreError),
}

async fn visitor(engine: &Engine, credentials: Credentials) -> Visitor {
    match credentials.authenticate(engine, Activity::Person).await {
        Ok(session) => Visitor::SignedIn(session),
        Err(CoreError::Unauthenticated(reason)) => Visitor::SignedOut(reason),
        Err(err) => Visitor::Unknown(err),
    }
}

/// The credentials of a request, read before any await (a `Request` is not `Sync`, so
/// it must not be borrowed across one).
fn credentials(engine: &Engine, request: &Request) -> Credentials {
    Credentials::of(engine, request.headers(), request.extensions())
}

/// A check that failed is no sign-out: the cookie stays and the page says to retry
/// (a logout here would sign everyone out whenever the database hiccups; letting the
/// request through would serve a page to a session that may have been killed).
fn unavailable(err: CoreError) -> Response {
    let err = AppError::from(err);
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let retry_after = err.retry_after_secs().unwrap_or(STORE_RETRY_SECS);
    let headers = [
        (header::RETRY_AFTER, retry_after.to_string()),
        (header::CACHE_CONTROL, "no-store".into()),
    ];
    (status, headers, err.to_string()).into_response()
}

pub async fn pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let needs_admin = path.starts_with("/admin");
    let needs_session = needs_admin || path.starts_with("/account");
    let is_login = path == "/login";
    if !(needs_session || is_login) || request.method() != axum::http::Method::GET {
        return next.run(request).await;
    }
    let credentials = credentials(&state.engine, &request);
    match visitor(&state.engine, credentials).await {
        Visitor::SignedIn(session) if is_login => {
            Redirect::to(landing_path(session.role)).into_response()
        }
        Visitor::SignedIn(session) if needs_admin && session.role != Role::Admin => {
            Redirect::to(landing_path(session.role)).into_response()
        }
        Visitor::SignedIn(_) => next.run(request).await,
        Visitor::SignedOut(_) if is_login => next.run(request).await,
        Visitor::SignedOut(reason) => {
            let clear = [(header::SET_COOKIE, state.engine.cookies().clear())];
            (clear, Redirect::to(&login_path(reason))).into_response()
        }
        Visitor::Unknown(err) => unavailable(err),
    }
}

/// `/`: the landing page of whoever is signed in, else the sign-in page.
pub async fn home(State(state): State<AppState>, request: Request) -> Response {
    let credentials = credentials(&state.engine, &request);
    match visitor(&state.engine, credentials).await {
        Visitor::SignedIn(session) => Redirect::to(landing_path(session.role)).into_response(),
        Visitor::SignedOut(_) => Redirect::to("/login").into_response(),
        Visitor::Unknown(err) => unavailable(err),
    }
}
