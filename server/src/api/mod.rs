//! The application API under /api/v1: other web applications create, check and end
//! their users' sessions here, authenticated by their application key. Separate from
//! the console's routes: no cookies, no CSRF (a Bearer key is not sent by browsers on
//! their own), JSON errors with stable codes.

mod error;
mod extract;
mod model;
mod openapi;
mod sessions;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::Router;
use error::ApiError;
use sessions_core::Engine;
use std::sync::Arc;

/// Bodies larger than this are refused with 413 `payload_too_large`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct ApiState {
    pub engine: Arc<Engine>,
}

/// The routes, to be nested at /api/v1.
pub fn router(engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/sessions", post(sessions::create).get(sessions::list))
        .route("/guest-sessions", post(sessions::create_guest))
        .route("/sessions/check", post(sessions::check))
        .route("/sessions/logout", post(sessions::logout))
        .route("/sessions/{id}", delete(sessions::end_by_id))
        .route("/users/{user_id}/sessions", delete(sessions::end_user))
        .route("/openapi.json", get(openapi::serve))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(ApiState { engine })
}
