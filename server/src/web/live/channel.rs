//! One open live channel: forwards the frames its viewer may see (already serialised:
//! a lookup, no JSON work here), and closes when its own session ends.

use super::budget::Budget;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use sessions_core::hub::{EndWatch, Frame};
use sessions_core::model::{EndReason, LiveEvent};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{self, error::RecvError};

/// Who is watching: fixed at the upgrade.
pub struct Viewer {
    pub user_id: Option<i64>,
    pub admin: bool,
}

impl Viewer {
    fn text_of(&self, frame: &Frame) -> Option<Utf8Bytes> {
        let bytes = if self.admin {
            &frame.admin
        } else {
            frame.for_user(self.user_id?)?
        };
        // A cheap refcount clone; the check of the UTF-8 the frame was built from is all.
        Utf8Bytes::try_from(bytes.clone()).ok()
    }
}

/// Close code sent when the viewer's own session ended (4000-4999 are for applications).
const CLOSE_SESSION_ENDED: u16 = 4001;
/// Close code sent when the viewer fell too far behind; the page reconnects and resyncs.
const CLOSE_LAGGED: u16 = 4002;
/// The client sent more than a page ever does.
const CLOSE_POLICY: u16 = 1008;
const PING_EVERY: Duration = Duration::from_secs(30);
/// How long a closing channel waits for the viewer's close frame (a page answers at once).
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

pub async fn run(
    mut socket: WebSocket,
    viewer: Viewer,
    mut frames: broadcast::Receiver<Arc<Frame>>,
    mut end: EndWatch,
) {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut budget = Budget::new(Instant::now());
    loop {
        tokio::select! {
            // Own end first: the batch naming this session is never sent instead.
            biased;
            reason = &mut end.ended => {
                if let Ok(reason) = reason {
                    signed_out(socket, reason).await;
                }
                return;
            }
            frame = frames.recv() => match frame {
                Ok(frame) => {
                    if let Some(text) = viewer.text_of(&frame) {
                        if socket.send(Message::Text(text)).await.is_err() {
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
                Some(Ok(Message::Pong(_))) => {}
                Some(Ok(_)) => {
                    if !budget.spend(Instant::now()) {
                        close(socket, CLOSE_POLICY, "too many messages").await;
                        return;
                    }
                }
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn signed_out(mut socket: WebSocket, reason: EndReason) {
    let text = serde_json::to_string(&LiveEvent::SignedOut { reason }).unwrap_or_default();
    let _ = socket.send(Message::Text(text.into())).await;
    close(socket, CLOSE_SESSION_ENDED, reason.as_str()).await;
}

/// Sends the close frame, then waits (briefly) for the viewer's answering one before the
/// connection is dropped: dropping it at once can reset it under frames the viewer has
/// not read yet (a reply it was sending, such as a late pong, meets a closed socket),
/// and the last of those says why it was closed.
async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let answered = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_HANDSHAKE, answered).await;
}
