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
use sessions_core::model::{EndReason, LiveEvent, Role};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Who is watching: fixed at the upgrade.
struct Viewer {
    session_id: String,
    user_id: Option<i64>,
    admin: bool,
}

impl Viewer {
    /// What of `event` this viewer may see, if anything.
    fn view(&self, event: LiveEvent) -> Option<LiveEvent> {
        if self.admin {
            return Some(event);
        }
        let own = |user_id: Option<i64>| user_id.is_some() && user_id == self.user_id;
        let event = match event {
            LiveEvent::Touched { touched } => LiveEvent::Touched { touched: touched.into_iter().filter(|t| own(t.user_id)).collect() },
            LiveEvent::Ended { sessions } => LiveEvent::Ended { sessions: sessions.into_iter().filter(|s| own(s.user_id)).collect() },
            other => other,
        };
        match &event {
            LiveEvent::Touched { touched } if touched.is_empty() => None,
            LiveEvent::Ended { sessions } if sessions.is_empty() => None,
            LiveEvent::Created { session } if !own(session.user_id) => None,
            LiveEvent::SignedOut { .. } => None,
            _ => Some(event),
        }
    }

    fn own_end(&self, event: &LiveEvent) -> Option<EndReason> {
        match event {
            LiveEvent::Ended { sessions } => sessions
                .iter()
                .find(|session| session.id == self.session_id)
                .map(|session| session.end_reason.unwrap_or(EndReason::Killed)),
            _ => None,
        }
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
                Ok(event) => {
                    if let Some(reason) = viewer.own_end(&event) {
                        let _ = send(&mut socket, &LiveEvent::SignedOut { reason }).await;
                        close(socket, CLOSE_SESSION_ENDED, reason.as_str()).await;
                        return;
                    }
                    if let Some(event) = viewer.view(event) {
                        if send(&mut socket, &event).await.is_err() {
                            return;
                        }
                    }
                }
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
