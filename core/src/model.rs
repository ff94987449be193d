//! The session model shared by the server and the browser. Plain data, no secrets:
//! the token never appears here, only its hash in the store.

pub use crate::flag::{FlagKind, SessionFlag};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Milliseconds since the Unix epoch. One unit everywhere keeps SQLite and
/// PostgreSQL identical and the browser's arithmetic trivial.
pub type Millis = i64;

/// The application name of sessions created by the console's own sign-in page.
pub const CONSOLE_APP: &str = "console";

pub const MINUTE_MS: Millis = 60_000;
pub const HOUR_MS: Millis = 60 * MINUTE_MS;

// The string forms of these enums (stored, sent, typed on the command line) are their
// snake_case names: serde's `rename_all` and strum's `serialize_all` must agree, which
// `names_are_serde_names` below holds. `as_str`, `parse` and `ALL` are the short
// spellings callers use for strum's `IntoStaticStr`, `EnumString` and `VariantArray`.

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub const ALL: &'static [Role] = Role::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<Role> {
        text.parse().ok()
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SessionStatus {
    Authenticated,
    Guest,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Authenticated => "Authenticated",
            SessionStatus::Guest => "Guest",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStatus> {
        text.parse().ok()
    }
}

/// Why a session ended. Stored as its snake_case name.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EndReason {
    Logout,
    Killed,
    Idle,
    Expired,
    EvictedByLimit,
    IpChange,
    PasswordChange,
    UserDisabled,
    /// The address is no longer allowed by the network rules.
    IpRule,
}

impl EndReason {
    /// In declaration order (the metrics' counters are indexed by it).
    pub const ALL: &'static [EndReason] = EndReason::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<EndReason> {
        text.parse().ok()
    }

    /// The sentence shown on the sign-in page to the person whose session ended.
    pub fn explanation(self) -> &'static str {
        match self {
            EndReason::Logout => "You signed out.",
            EndReason::Killed => "Your session was ended by an administrator.",
            EndReason::Idle => "Your session ended after a period of inactivity.",
            EndReason::Expired => "Your session reached its maximum lifetime.",
            EndReason::EvictedByLimit => "Your session was ended by a concurrent session limit.",
            EndReason::IpChange => "Your session was ended because your IP address changed.",
            EndReason::PasswordChange => "Your session was ended because the password changed.",
            EndReason::UserDisabled => "Your session was ended because the account was disabled.",
            EndReason::IpRule => {
                "Your session was ended because your network address is no longer allowed."
            }
        }
    }

    /// A short label for tables and filters.
    pub fn label(self) -> &'static str {
        match self {
            EndReason::Logout => "Logout",
            EndReason::Killed => "Killed",
            EndReason::Idle => "Idle",
            EndReason::Expired => "Expired",
            EndReason::EvictedByLimit => "Evicted by limit",
            EndReason::IpChange => "IP change",
            EndReason::PasswordChange => "Password change",
            EndReason::UserDisabled => "User disabled",
            EndReason::IpRule => "Network rule",
        }
    }
}

/// A session as everyone but the store sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Public, random, safe to show; never the token.
    pub id: String,
    pub application: String,
    /// The console account, for console sessions.
    pub user_id: Option<i64>,
    /// The application's own id of the user, for sessions created through the API.
    #[serde(default)]
    pub external_user_id: Option<String>,
    /// The account name or the display name the application gave; none for guests.
    pub username: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub first_ip: String,
    pub last_ip: String,
    pub user_agent: String,
    pub agent: AgentInfo,
    pub country: Option<String>,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// When the session ends if it stays idle: `last_seen_at` + the idle timeout in force.
    pub idle_deadline: Millis,
    pub expires_at: Millis,
    pub ended_at: Option<Millis>,
    pub end_reason: Option<EndReason>,
    pub ended_by: Option<String>,
    /// Why the session looks suspicious; empty for most (see `policy::flags`).
    #[serde(default)]
    pub flags: Vec<SessionFlag>,
}

impl Session {
    /// The moment the session stops being valid if nothing else happens.
    pub fn deadline(&self) -> Millis {
        self.idle_deadline.min(self.expires_at)
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }

    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Flagged for a reason its owner should hear of (see `FlagKind::is_suspicious`).
    pub fn is_suspicious(&self) -> bool {
        self.flags.iter().any(|flag| flag.kind.is_suspicious())
    }
}

/// The parts of a user agent that the console shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device: DeviceClass,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeviceClass {
    Desktop,
    Phone,
    Tablet,
    Bot,
    #[default]
    Unknown,
}

impl DeviceClass {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Any name it does not know is `Unknown`.
    pub fn parse(text: &str) -> DeviceClass {
        text.parse().unwrap_or_default()
    }
}

/// Columns the session list can be sorted by.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SortKey {
    User,
    Application,
    Ip,
    #[default]
    Created,
    LastSeen,
    Expires,
}

impl SortKey {
    pub const ALL: &'static [SortKey] = SortKey::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<SortKey> {
        text.parse().ok()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

/// Which page of the list to fetch: the first, or the one after / before a cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageAt {
    #[default]
    First,
    After(String),
    Before(String),
}

pub const MAX_SEARCH_LEN: usize = 200;
pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Exact-match filters of the live list (the console's filter chips); `None` = any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilter {
    pub application: Option<String>,
    pub role: Option<Role>,
    pub status: Option<SessionStatus>,
    /// ISO country code; `Some("")` picks sessions whose country is unknown.
    pub country: Option<String>,
    /// Only sessions with at least one suspicious-session flag.
    #[serde(default)]
    pub flagged: bool,
}

impl ListFilter {
    pub fn is_empty(&self) -> bool {
        *self == ListFilter::default()
    }
}

/// A request for one page of live sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Matches user name, IP, application or session id.
    pub search: String,
    #[serde(default)]
    pub filter: ListFilter,
    pub sort: SortKey,
    pub dir: SortDir,
    pub page: PageAt,
    pub limit: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search: String::new(),
            filter: ListFilter::default(),
            sort: SortKey::default(),
            dir: SortDir::default(),
            page: PageAt::First,
            limit: DEFAULT_PAGE_SIZE,
        }
    }
}

/// One page of sessions and what is needed to ask for its neighbours.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionPage {
    pub sessions: Vec<Session>,
    /// Live sessions matching the search, across all pages.
    pub total: i64,
    pub next: Option<String>,
    pub prev: Option<String>,
    /// Server time when the page was read, so relative times render the same on both sides.
    pub now: Millis,
}

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

/// The values the filter chips offer, each with its number of live sessions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub applications: Vec<(String, i64)>,
    pub roles: Vec<(Role, i64)>,
    pub statuses: Vec<(SessionStatus, i64)>,
    /// `""` stands for "unknown".
    pub countries: Vec<(String, i64)>,
}

/// A request for one page of ended sessions, newest end first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Part of a user name; empty = everyone.
    pub user: String,
    pub reason: Option<EndReason>,
    /// Ended at or after.
    pub from: Option<Millis>,
    /// Ended before.
    pub until: Option<Millis>,
    /// Cursor from the previous page's `next`.
    pub after: Option<String>,
    pub limit: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub sessions: Vec<Session>,
    /// Ended sessions matching the filters, across all pages.
    pub total: i64,
    pub next: Option<String>,
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

/// What happened to sessions, as pushed to open consoles. Touches and ends come in
/// batches (one flush, one call that ended many): one message per viewer, not one per
/// session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Created {
        session: Box<Session>,
    },
    /// Last seen / IP moved on (sent per flush, never per request).
    Touched {
        touched: Vec<TouchedSession>,
    },
    /// Sessions that ended, as they were when they ended (`end_reason` and `ended_by`
    /// set): the page drops their rows and takes them out of its counts without asking.
    Ended {
        sessions: Vec<Session>,
    },
    /// Sent only to the connection whose own session ended, right before the server closes it.
    SignedOut {
        reason: EndReason,
    },
}

/// One session whose "last seen" moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TouchedSession {
    pub id: String,
    pub user_id: Option<i64>,
    pub last_seen_at: Millis,
    pub idle_deadline: Millis,
    pub last_ip: String,
    /// The session's flags as this process knows them (a move may have added one).
    /// Left out when empty, as most are: touches are the bulk of live traffic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<SessionFlag>,
}

impl ListQuery {
    /// Whether `session` belongs in this query's result: the same rules as the store's
    /// filter and search (case-insensitive substring of user name, application or last
    /// IP; prefix of the id), so a page can place a live event without asking.
    pub fn matches(&self, session: &Session) -> bool {
        let filter = &self.filter;
        let country_ok = match filter.country.as_deref() {
            None => true,
            Some("") => session.country.is_none(),
            Some(code) => session.country.as_deref() == Some(code),
        };
        let filter_ok = filter
            .application
            .as_ref()
            .is_none_or(|app| *app == session.application)
            && filter.role.is_none_or(|role| role == session.role)
            && filter.status.is_none_or(|status| status == session.status)
            && country_ok
            && (!filter.flagged || session.is_flagged());
        filter_ok && search_matches(self.search.trim(), session)
    }
}

/// How the console names a session without a user name; the search finds it by that.
const GUEST: &str = "guest";

fn search_matches(search: &str, session: &Session) -> bool {
    if search.is_empty() {
        return true;
    }
    let needle = search.to_ascii_lowercase();
    let contains = |haystack: &str| haystack.to_ascii_lowercase().contains(&needle);
    session
        .username
        .as_deref()
        .map_or_else(|| GUEST.contains(&needle), contains)
        || contains(&session.application)
        || contains(&session.last_ip)
        || session.id.to_ascii_lowercase().starts_with(&needle)
}

impl Facets {
    /// Counts `session` in (`delta` 1) or out (`delta` -1) of every dimension; values
    /// that drop to zero disappear.
    pub fn count(&mut self, session: &Session, delta: i64) {
        bump(&mut self.applications, &session.application, delta);
        bump(&mut self.roles, &session.role, delta);
        bump(&mut self.statuses, &session.status, delta);
        bump(
            &mut self.countries,
            &session.country.clone().unwrap_or_default(),
            delta,
        );
    }
}

impl Facets {
    /// Most sessions first, then by value, so the chips keep a stable order.
    pub fn sort(&mut self) {
        by_count(&mut self.applications);
        by_count(&mut self.roles);
        by_count(&mut self.statuses);
        by_count(&mut self.countries);
    }
}

fn by_count<T: Ord>(counts: &mut [(T, i64)]) {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

fn bump<K: PartialEq + Clone>(counts: &mut Vec<(K, i64)>, key: &K, delta: i64) {
    match counts.iter().position(|(k, _)| k == key) {
        Some(at) => {
            counts[at].1 += delta;
            if counts[at].1 <= 0 {
                counts.remove(at);
            }
        }
        None if delta > 0 => counts.push((key.clone(), delta)),
        None => {}
    }
}

impl LiveEvent {
    /// The one user whose sessions this event is about, if it is about exactly one
    /// (a created session, or a batch whose sessions all belong to one user).
    pub fn user_id(&self) -> Option<i64> {
        match self {
            LiveEvent::Created { session } => session.user_id,
            LiveEvent::Touched { touched } => single(touched.iter().map(|t| t.user_id)),
            LiveEvent::Ended { sessions } => single(sessions.iter().map(|s| s.user_id)),
            LiveEvent::SignedOut { .. } => None,
        }
    }
}

fn single(mut ids: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    let first = ids.next()??;
    ids.all(|id| id == Some(first)).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

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
