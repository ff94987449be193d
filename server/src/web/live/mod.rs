//! `/live`: the WebSocket that pushes session events to open pages (why a WebSocket:
//! see app/src/live.rs). Each connection is authorised from its session cookie at the
//! upgrade (without counting as activity), only from our own pages, sees only what its
//! viewer may see (admins everything, users their own sessions), and is closed by the
//! server the moment its own session ends.

mod budget;
mod channel;

use super::middleware::json_error;
use super::transport::is_own_origin;
use super::AppState;
use app::credentials::Credentials;
use app::error::AppError;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use channel::Viewer;
use sessions_core::model::Role;

/// Clients send nothing but pongs and close frames: a small read buffer and a small
/// message limit keep an open channel cheap (<= 16 KB each with 10,000 open) and a
/// client unable to make the server buffer much.
const READ_BUFFER: usize = 4 * 1024;
const MAX_INCOMING: usize = 4 * 1024;
/// Write each frame at once: no coalescing buffer held per channel.
const WRITE_BUFFER: usize = 0;
/// A bound against a stuck peer, not a working size: an admin's batch of ended sessions
/// can be megabytes, and one message is buffered at a time.
const MAX_WRITE_BUFFER: usize = 64 * 1024 * 1024;

pub async fn upgrade(
    State(state): State<AppState>,
    ws: WebSocketUpgrade,
    request: Request,
) -> Response {
    if !from_our_pages(&request) {
        let message = "Cross-site live channel refused: the Origin is not this site.";
        return json_error(StatusCode::FORBIDDEN, &AppError::BadRequest(message.into()));
    }
    let engine = state.engine.clone();
    let Credentials { token, client } =
        Credentials::of(&engine, request.headers(), request.extensions());
    let Some(token) = token else {
        return json_error(StatusCode::UNAUTHORIZED, &AppError::unauthenticated(None));
    };
    // Subscribe before the session is checked: nothing published from here on is missed,
    // and `watch` registers for the session's end before it confirms the session.
    let frames = engine.subscribe();
    let (session, ended) = match engine.watch(&token, &client).await {
        Ok(watched) => watched,
        Err(err) => {
            let err = AppError::from(err);
            return json_error(
                StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNAUTHORIZED),
                &err,
            );
        }
    };
    let viewer = Viewer {
        user_id: session.user_id,
        admin: session.role == Role::Admin,
    };
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .on_upgrade(move |socket| channel::run(socket, viewer, frames, ended))
}

/// Browsers always send `Origin` on a WebSocket handshake and pages cannot forge it, so
/// a foreign or `null` origin, or ours under the other scheme, is another site riding on
/// the cookie: refused. A request without one is not from a browser, so it carries no
/// victim's cookie: allowed.
fn from_our_pages(request: &Request) -> bool {
    match request.headers().get(header::ORIGIN) {
        None => true,
        Some(origin) => origin
            .to_str()
            .is_ok_and(|origin| is_own_origin(request, origin)),
    }
}
