//! The live channel (`/live`) as a page opens it.

use super::{json, tls, TestServer, EVENT_TIMEOUT};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

impl TestServer {
    /// Opens `/live` with `cookie`; the error carries the refused upgrade's response.
    pub async fn live(
        &self,
        cookie: Option<&str>,
    ) -> Result<Live, tokio_tungstenite::tungstenite::Error> {
        self.live_from(cookie, None).await
    }

    /// Opens `/live` as a page of `origin` would (`None`: no Origin header, not a browser).
    pub async fn live_from(
        &self,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Live, tokio_tungstenite::tungstenite::Error> {
        // http → ws, https → wss
        let url = format!("ws{}/live", self.base.trim_start_matches("http"));
        let mut request = url.into_client_request()?;
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("Cookie", cookie.parse().expect("header value"));
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().expect("header value"));
        }
        let connector = self.tls.as_ref().map(tls::TestCert::websocket_connector);
        let (socket, _) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector)
                .await?;
        Ok(Live { socket })
    }
}

/// What a live socket delivered next.
#[derive(Debug)]
pub enum Delivery {
    Event(serde_json::Value),
    Closed(Option<u16>),
    TimedOut,
}

pub struct Live {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Live {
    /// The next JSON event or the close, skipping pings; `TimedOut` after `EVENT_TIMEOUT`.
    pub async fn next(&mut self) -> Delivery {
        let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.socket.next()).await else {
                return Delivery::TimedOut;
            };
            match message {
                Some(Ok(Message::Text(text))) => return Delivery::Event(json(&text)),
                Some(Ok(Message::Close(frame))) => {
                    return Delivery::Closed(frame.map(|frame| frame.code.into()))
                }
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return Delivery::Closed(None),
            }
        }
    }

    /// Events up to and including the first that `wanted` accepts; panics if none comes.
    pub async fn until(
        &mut self,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let mut seen = Vec::new();
        loop {
            match self.next().await {
                Delivery::Event(event) => {
                    let done = wanted(&event);
                    seen.push(event);
                    if done {
                        return seen;
                    }
                }
                other => panic!("expected event never came ({other:?}); got {seen:?}"),
            }
        }
    }
}
