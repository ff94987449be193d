//! The one way in: what a request says about who sent it (the session token of its
//! cookie, its address and browser) and the check of it. The page guard, the live
//! channel and every server function read a request's credentials and authenticate them
//! here, so the rules (which cookie, the fallback address, what counts as activity) are
//! written once.

use http::header::COOKIE;
use http::{Extensions, HeaderMap};
use sessions_core::cache::CachedSession;
use sessions_core::engine::ClientInfo;
use sessions_core::token::Token;
use sessions_core::{CoreError, Engine};
use std::sync::Arc;

/// Whether a request counts as something the person did. Only what a person does keeps
/// a session from going idle: automatic refreshes of a page (its list, its counts, who
/// am I) are `Automatic` and never move "last seen".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Person,
    Automatic,
}

/// A request's claim to a session, read before any await (a request is not `Sync`).
pub struct Credentials {
    /// The session token its cookie carries, live or not.
    pub token: Option<Token>,
    pub client: ClientInfo,
}

impl Credentials {
    /// Reads the cookie from `headers` and the client the server's middleware put in
    /// `extensions` (an address nobody can match when it is missing).
    pub fn of(engine: &Engine, headers: &HeaderMap, extensions: &Extensions) -> Credentials {
        let token = engine.cookies().token_from_headers(cookie_headers(headers));
        let client = extensions
            .get::<ClientInfo>()
            .cloned()
            .unwrap_or_else(|| ClientInfo {
                ip: "unknown".into(),
                user_agent: String::new(),
            });
        Credentials { token, client }
    }

    /// The live session these credentials name, checked with every refusal; `activity`
    /// says whether the request moves its "last seen".
    pub async fn authenticate(
        &self,
        engine: &Engine,
        activity: Activity,
    ) -> Result<Arc<CachedSession>, CoreError> {
        let Some(token) = &self.token else {
            return Err(CoreError::Unauthenticated(None));
        };
        match activity {
            Activity::Person => engine.check(token, &self.client).await,
            Activity::Automatic => engine.peek(token, &self.client).await,
        }
    }
}

/// The values of a request's `Cookie` headers.
fn cookie_headers(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
}
