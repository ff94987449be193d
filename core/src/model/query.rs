//! What the console asks for and gets back: the live list's query (search, filters,
//! sort, page) and its pages, the filter chips' counts, the history's query and pages.
//! `ListQuery::matches` holds the store's filter rules so a page can place a live event
//! without asking.

use super::{EndReason, Millis, Role, Session, SessionStatus};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

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

    /// Whether sessions with these values pass the four chip filters (all but
    /// `flagged`); `country` is `None` when unknown.
    pub fn picks(
        &self,
        application: &str,
        role: Role,
        status: SessionStatus,
        country: Option<&str>,
    ) -> bool {
        let country_ok = match self.country.as_deref() {
            None => true,
            Some("") => country.is_none(),
            Some(code) => country == Some(code),
        };
        self.application
            .as_ref()
            .is_none_or(|app| app == application)
            && self.role.is_none_or(|picked| picked == role)
            && self.status.is_none_or(|picked| picked == status)
            && country_ok
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

impl ListQuery {
    /// Whether `session` belongs in this query's result: the same rules as the store's
    /// filter and search (case-insensitive substring of user name, application or last
    /// IP; prefix of the id), so a page can place a live event without asking.
    pub fn matches(&self, session: &Session) -> bool {
        let filter = &self.filter;
        filter.picks(
            &session.application,
            session.role,
            session.status,
            session.country.as_deref(),
        ) && (!filter.flagged || session.is_flagged())
            && search_matches(self.search.trim(), session)
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

/// The values the filter chips offer, each with its number of live sessions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub applications: Vec<(String, i64)>,
    pub roles: Vec<(Role, i64)>,
    pub statuses: Vec<(SessionStatus, i64)>,
    /// `""` stands for "unknown".
    pub countries: Vec<(String, i64)>,
}

impl Facets {
    /// Every live session counted: each has exactly one status.
    pub fn total(&self) -> i64 {
        self.statuses.iter().map(|(_, n)| n).sum()
    }

    /// Counts `session` in (`delta` 1) or out (`delta` -1) of every dimension; values
    /// that drop to zero disappear.
    pub fn count(&mut self, session: &Session, delta: i64) {
        self.add(
            &session.application,
            session.role,
            session.status,
            session.country.as_deref().unwrap_or_default(),
            delta,
        );
    }

    /// Adds `n` sessions (negative: takes them away) with these values to every
    /// dimension; `country` is `""` when unknown.
    pub fn add(
        &mut self,
        application: &str,
        role: Role,
        status: SessionStatus,
        country: &str,
        n: i64,
    ) {
        bump(&mut self.applications, application, n);
        bump(&mut self.roles, &role, n);
        bump(&mut self.statuses, &status, n);
        bump(&mut self.countries, country, n);
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

fn bump<K, Q>(counts: &mut Vec<(K, i64)>, key: &Q, delta: i64)
where
    K: std::borrow::Borrow<Q>,
    Q: PartialEq + ToOwned<Owned = K> + ?Sized,
{
    match counts.iter().position(|(k, _)| k.borrow() == key) {
        Some(at) => {
            counts[at].1 += delta;
            if counts[at].1 <= 0 {
                counts.remove(at);
            }
        }
        None if delta > 0 => counts.push((key.to_owned(), delta)),
        None => {}
    }
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
