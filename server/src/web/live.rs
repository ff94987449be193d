//! `/live`: the WebSocket that pushes session events to open pages (why a WebSocket:
//! see app/src/live.rs). Each connection is authorised from its session cookie at the
//! upgrade, sees only what its viewer may see (admins everything, users their own
//! sessions), and is closed by the server the moment its own session ends.

use super::middleware::json_error;
use super::AppState;
use app::error::AppError;
use app::server_ctx::cookie_headers;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use sessions_core::engine::ClientInfo;
use sessions_core::model::{LiveEvent, Role};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Who is watching: fixed at the upgrade.
struct Viewer {
    session_id: String,
    user_id: Option<i64>,
    admin: bool,
}

impl Viewer {
    fn may_see(&self, event: &LiveEvent) -> bool {
        self.admin || (event.user_id().is_some() && event.user_id() == self.user_id)
    }
}

/// Close code sent when the viewer's own session ended (4000-4999 are for applications).
const CLOSE_SESSION_ENDED: u16 = 4001;
/// Close code sent when the viewer fell too far behind; the page reconnects and resyncs.
const CLOSE_LAGGED: u16 = 4002;
const PING_EVERY: Duration = Duration::from_secs(30);

pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade, request: Request) -> Response {
    let engine = state.engine.clone();
    let token = engine.cookies().token_from_headers(cookie_headers(request.headers()));
    let client = request.extensions().get::<ClientInfo>().cloned();
    let (Some(token), Some(client)) = (token, client) else {
        return json_error(StatusCode::UNAUTHORIZED, &AppError::unauthenticated(None));
    };
    let session = match engine.check(&token, &client).await {
        Ok(session) => session,
        Err(err) => {
            let err = AppError::from(err);
            return json_error(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNAUTHORIZED), &err);
        }
    };
    let viewer = Viewer { session_id: session.id.clone(), user_id: session.user_id, admin: session.role == Role::Admin };
    // Subscribe before upgrading so nothing between the check and the first frame is missed.
    let events = engine.subscribe();
    ws.on_upgrade(move |socket| stream(socket, viewer, events))
}

async fn stream(mut socket: WebSocket, viewer: Viewer, mut events: tokio::sync::broadcast::Receiver<LiveEvent>) {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(LiveEvent::Ended { id, reason, .. }) if id == viewer.session_id => {
                    let _ = send(&mut socket, &LiveEvent::SignedOut { reason }).await;
                    close(socket, CLOSE_SESSION_ENDED, reason.as_str()).await;
                    return;
                }
                Ok(event) if viewer.may_see(&event) => {
                    if send(&mut socket, &event).await.is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => {
                    close(socket, CLOSE_LAGGED, "lagged").await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn send(socket: &mut WebSocket, event: &LiveEvent) -> Result<(), axum::Error> {
    let text = serde_json::to_string(event).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame { code, reason: reason.into() };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
