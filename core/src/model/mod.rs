//! The session model shared by the server and the browser. Plain data, no secrets:
//! the token never appears here, only its hash in the store.
//!
//! `session` is a session and its enums, `query` the live list's and the history's
//! questions and pages, `live` what is pushed to open consoles; applications and the
//! impact of a policy change are here.

mod ids;
mod live;
mod query;
mod session;

pub use crate::flag::{FlagKind, SessionFlag};
pub use ids::{AppUserId, IdError, SessionId, MAX_APP_USER_LEN};
pub use live::{LiveEvent, TouchedSession};
pub use query::{
    Facets, HistoryPage, HistoryQuery, ListFilter, ListQuery, PageAt, SessionPage, SortDir,
    SortKey, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_SEARCH_LEN,
};
pub use session::{AgentInfo, DeviceClass, EndReason, Role, Session, SessionStatus};

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch. One unit everywhere keeps SQLite and
/// PostgreSQL identical and the browser's arithmetic trivial.
pub type Millis = i64;

/// The application name of sessions created by the console's own sign-in page.
pub const CONSOLE_APP: &str = "console";

pub const MINUTE_MS: Millis = 60_000;
pub const HOUR_MS: Millis = 60 * MINUTE_MS;

/// An application that keeps its sessions here through the HTTP API. Its key is never
/// here: only the first characters, to tell keys apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    pub key_prefix: String,
    pub created_at: Millis,
    pub created_by: String,
    pub revoked_at: Option<Millis>,
    pub revoked_by: Option<String>,
    /// Live sessions when listed (0 elsewhere).
    pub live_sessions: i64,
}

/// What saving a policy change would end now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    pub sessions: i64,
    /// User names (guests as "guest") with how many of their sessions end, most first.
    pub users: Vec<(String, i64)>,
    pub reasons: Vec<(EndReason, i64)>,
    /// Whether the asking admin's own current session is among them.
    pub includes_own: bool,
    /// One sentence per role and rule left in observe mode: what it does not do, so
    /// nobody reads "ends no session" as "the rule is off" (or as "it is on").
    #[serde(default)]
    pub observing: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn names_round_trip() {
        for &reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.as_str()), Some(reason));
        }
        for &key in SortKey::ALL {
            assert_eq!(SortKey::parse(key.as_str()), Some(key));
        }
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(DeviceClass::parse("phone"), DeviceClass::Phone);
        assert_eq!(DeviceClass::parse("toaster"), DeviceClass::Unknown);
    }

    /// The stored and typed names are the names the JSON carries, and they did not change
    /// when strum's derives replaced the hand-written tables.
    #[test]
    fn names_are_serde_names() {
        fn serde_name(value: impl Serialize) -> String {
            match serde_json::to_value(value).expect("serialize") {
                serde_json::Value::String(name) => name,
                other => panic!("not a name: {other}"),
            }
        }
        let mut names = Vec::new();
        for &role in Role::ALL {
            assert_eq!(serde_name(role), role.as_str());
            assert_eq!(role.to_string(), role.as_str());
            names.push(role.as_str());
        }
        for &status in SessionStatus::VARIANTS {
            assert_eq!(serde_name(status), status.as_str());
            assert_eq!(SessionStatus::parse(status.as_str()), Some(status));
            names.push(status.as_str());
        }
        for &reason in EndReason::ALL {
            assert_eq!(serde_name(reason), reason.as_str());
            names.push(reason.as_str());
        }
        for &class in DeviceClass::VARIANTS {
            assert_eq!(serde_name(class), class.as_str());
            assert_eq!(DeviceClass::parse(class.as_str()), class);
            names.push(class.as_str());
        }
        for &key in SortKey::ALL {
            assert_eq!(serde_name(key), key.as_str());
            names.push(key.as_str());
        }
        assert_eq!(
            names,
            [
                "admin",
                "user",
                "authenticated",
                "guest",
                "logout",
                "killed",
                "idle",
                "expired",
                "evicted_by_limit",
                "ip_change",
                "password_change",
                "user_disabled",
                "ip_rule",
                "desktop",
                "phone",
                "tablet",
                "bot",
                "unknown",
                "user",
                "application",
                "ip",
                "created",
                "last_seen",
                "expires",
            ]
        );
    }

    #[test]
    fn live_events_are_tagged_json() {
        let event = LiveEvent::SignedOut {
            reason: EndReason::Killed,
        };
        let json = serde_json::to_string(&event).expect("serialize");
        assert_eq!(json, r#"{"type":"signed_out","reason":"killed"}"#);
    }
}
