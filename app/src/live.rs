//! The browser end of the live channel (`/live`, a WebSocket).
//!
//! Why a plain WebSocket route rather than SSE or a server-function stream: the server
//! must authorise each connection from the session cookie, filter events per viewer and
//! close a revoked session's channel itself; and SSE over HTTP/1.1 counts against the
//! browser's six connections per origin, so a seventh console tab would hang.
//!
//! The channel reconnects by itself with back-off; after a reconnect the page is told
//! to resync (reload its data), since events may have been missed meanwhile.

use serde::Deserialize;
use sessions_core::model::{EndReason, LiveEvent, Session, TouchedSession};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum LiveSignal {
    Event(LiveEvent),
    /// The channel came back after a break: reload, something may have been missed.
    Resync,
}

/// Stops the channel when the page that opened it goes away.
#[derive(Clone, Default)]
pub struct LiveHandle(Arc<AtomicBool>);

impl LiveHandle {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Reads one message of the channel: the same JSON as `LiveEvent`'s own `Deserialize`,
/// decoded without it. `LiveEvent` is internally tagged (`"type"`), and serde decodes
/// such an enum through a buffered copy of the message, with a second set of decoders
/// for `Session` and friends: ~63 KB of the console's wasm before wasm-opt (twiggy
/// dominators, `serde_json::from_str::<LiveEvent>`). Reading the tag first and then the
/// variant's fields from the text reuses the decoders the page has anyway.
pub fn parse_event(text: &str) -> Result<LiveEvent, serde_json::Error> {
    #[derive(Deserialize)]
    struct Tag {
        #[serde(rename = "type")]
        kind: String,
    }
    #[derive(Deserialize)]
    struct Created {
        session: Box<Session>,
    }
    #[derive(Deserialize)]
    struct Touched {
        touched: Vec<TouchedSession>,
    }
    #[derive(Deserialize)]
    struct Ended {
        sessions: Vec<Session>,
    }
    #[derive(Deserialize)]
    struct SignedOut {
        reason: EndReason,
    }
    const KINDS: &[&str] = &["created", "touched", "ended", "signed_out"];
    let Tag { kind } = serde_json::from_str(text)?;
    Ok(match kind.as_str() {
        "created" => {
            let Created { session } = serde_json::from_str(text)?;
            LiveEvent::Created { session }
        }
        "touched" => {
            let Touched { touched } = serde_json::from_str(text)?;
            LiveEvent::Touched { touched }
        }
        "ended" => {
            let Ended { sessions } = serde_json::from_str(text)?;
            LiveEvent::Ended { sessions }
        }
        "signed_out" => {
            let SignedOut { reason } = serde_json::from_str(text)?;
            LiveEvent::SignedOut { reason }
        }
        other => return Err(serde::de::Error::unknown_variant(other, KINDS)),
    })
}

/// Opens the live channel; `on_signal` gets every event this viewer may see.
pub fn connect(on_signal: impl Fn(LiveSignal) + 'static) -> LiveHandle {
    let handle = LiveHandle::default();
    #[cfg(feature = "hydrate")]
    client::open(std::rc::Rc::new(on_signal), handle.clone(), 0);
    #[cfg(not(feature = "hydrate"))]
    let _ = on_signal;
    handle
}

#[cfg(feature = "hydrate")]
mod client {
    use super::{LiveHandle, LiveSignal};
    use crate::browser::{after, go_to, login_path};
    use crate::error::AppError;
    use sessions_core::model::LiveEvent;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    type OnSignal = Rc<dyn Fn(LiveSignal)>;

    pub fn open(on_signal: OnSignal, handle: LiveHandle, attempt: u32) {
        leaving::watch();
        if handle.stopped() {
            return;
        }
        let Some(url) = live_url() else { return };
        let socket = match WebSocket::new(&url) {
            Ok(socket) => socket,
            Err(_) => return retry(on_signal, handle, attempt),
        };

        let on_open = {
            let on_signal = on_signal.clone();
            Closure::<dyn FnMut()>::new(move || {
                if attempt > 0 {
                    on_signal(LiveSignal::Resync);
                }
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let on_message = {
            let on_signal = on_signal.clone();
            let handle = handle.clone();
            let socket = socket.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                if handle.stopped() {
                    let _ = socket.close();
                    return;
                }
                let Some(text) = message.data().as_string() else {
                    return;
                };
                match super::parse_event(&text) {
                    Ok(LiveEvent::SignedOut { reason }) => {
                        handle.stop();
                        // This page's own "Sign out" is already on its way to /login;
                        // a second navigation would cut that one short.
                        if !leaving::now() {
                            go_to(&login_path(Some(reason)));
                        }
                    }
                    Ok(event) => on_signal(LiveSignal::Event(event)),
                    Err(_) => leptos::logging::warn!("unreadable live event: {text}"),
                }
            })
        };
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            let (on_signal, handle) = (on_signal.clone(), handle.clone());
            if handle.stopped() || leaving::now() {
                return;
            }
            // A refused or dropped channel: find out whether we are still signed in.
            leptos::task::spawn_local(async move {
                match crate::sessions_api::whoami().await {
                    Err(AppError::Unauthenticated { reason, .. }) => {
                        handle.stop();
                        go_to(&login_path(reason));
                    }
                    _ => retry(on_signal, handle, attempt + 1),
                }
            });
        });
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
    }

    /// Whether the page is being left (a link, a form post such as "Sign out", a reload):
    /// from then on the channel's end is no news.
    mod leaving {
        use std::cell::Cell;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        thread_local! {
            static LEAVING: Cell<bool> = const { Cell::new(false) };
            static WATCHING: Cell<bool> = const { Cell::new(false) };
        }

        pub fn now() -> bool {
            LEAVING.with(Cell::get)
        }

        pub fn watch() {
            if WATCHING.with(|watching| watching.replace(true)) {
                return;
            }
            let Some(window) = web_sys::window() else {
                return;
            };
            let on_leave =
                Closure::<dyn FnMut()>::new(|| LEAVING.with(|leaving| leaving.set(true)));
            // A page restored from the back/forward cache is no longer leaving.
            let on_show =
                Closure::<dyn FnMut()>::new(|| LEAVING.with(|leaving| leaving.set(false)));
            let _ = window.add_event_listener_with_callback(
                "beforeunload",
                on_leave.as_ref().unchecked_ref(),
            );
            let _ = window
                .add_event_listener_with_callback("pageshow", on_show.as_ref().unchecked_ref());
            on_leave.forget();
            on_show.forget();
        }
    }

    fn retry(on_signal: OnSignal, handle: LiveHandle, attempt: u32) {
        let delay = (500 * 2u32.saturating_pow(attempt.min(5))).min(10_000);
        after(delay, move || open(on_signal, handle, attempt.max(1)));
    }

    fn live_url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/live", location.host().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_event;
    use sessions_core::model::{
        AgentInfo, EndReason, LiveEvent, Role, Session, SessionStatus, TouchedSession,
    };

    fn session(id: &str) -> Session {
        Session {
            id: id.into(),
            application: "helpdesk".into(),
            user_id: None,
            external_user_id: Some("u-42".into()),
            username: Some("Elsa Lindqvist".into()),
            status: SessionStatus::Authenticated,
            role: Role::User,
            first_ip: "10.0.0.1".into(),
            last_ip: "10.0.0.2".into(),
            user_agent: "Firefox".into(),
            agent: AgentInfo::default(),
            country: Some("SE".into()),
            created_at: 1_000,
            last_seen_at: 2_000,
            idle_deadline: 3_000,
            expires_at: 4_000,
            ended_at: None,
            end_reason: None,
            ended_by: None,
            flags: vec![],
        }
    }

    /// Every kind of message reads back as the event the server serialised.
    #[test]
    fn reads_what_the_server_sends() {
        let events = [
            LiveEvent::SignedOut {
                reason: EndReason::Killed,
            },
            LiveEvent::Created {
                session: Box::new(session("s0")),
            },
            LiveEvent::Ended { sessions: vec![] },
            LiveEvent::Ended {
                sessions: vec![Session {
                    ended_at: Some(5_000),
                    end_reason: Some(EndReason::Killed),
                    ended_by: Some("admin".into()),
                    ..session("s2")
                }],
            },
            LiveEvent::Touched {
                touched: vec![TouchedSession {
                    id: "s1".into(),
                    user_id: Some(7),
                    last_seen_at: 1_000,
                    idle_deadline: 2_000,
                    last_ip: "10.0.0.1".into(),
                    flags: vec![],
                }],
            },
        ];
        for event in events {
            let json = serde_json::to_string(&event).expect("serialize");
            assert_eq!(parse_event(&json).expect("parse"), event, "{json}");
            let json = serde_json::to_string(&event).expect("serialize");
            assert_eq!(
                serde_json::from_str::<LiveEvent>(&json).expect("serde's own"),
                event
            );
        }
        assert!(parse_event(r#"{"type":"exploded"}"#).is_err());
        assert!(parse_event(r#"{"reason":"killed"}"#).is_err());
        assert!(parse_event("not json").is_err());
    }
}
