//! Reading live and ended sessions. What a list may contain follows from who asks
//! (`Actor::scope`); its filters are checked here, once, for every caller.

use super::{Actor, Engine};
use crate::error::{CoreError, CoreResult};
use crate::model::{
    HistoryPage, HistoryQuery, ListQuery, Session, SessionId, SessionPage, MAX_SEARCH_LEN,
};
use crate::store::{LiveAccess, Scope};

impl Engine {
    /// One page of the live sessions within `actor`'s reach. A malformed filter is
    /// refused with what is wrong (the store would only match nothing).
    pub async fn list(&self, actor: &Actor, query: &ListQuery) -> CoreResult<SessionPage> {
        self.list_in(&checked_filter(query)?, actor.scope()).await
    }

    /// `list` within a scope the engine derived itself (an application narrowed to one
    /// of its users).
    pub(super) async fn list_in(&self, query: &ListQuery, scope: Scope) -> CoreResult<SessionPage> {
        let now = self.now();
        let counted = self.counted_in_memory(query, &scope);
        let access = self.live_access(query, counted);
        let page = self.store.list_live(query, &scope, now, access).await?;
        let total = match counted {
            Some(total) => total,
            None => self.store.count_live(query, &scope, now).await?,
        };
        let mut sessions = page.sessions;
        for session in &mut sessions {
            self.overlay_memory(session);
        }
        Ok(SessionPage {
            sessions,
            total,
            next: page.next.map(|cursor| cursor.encode()),
            prev: page.prev.map(|cursor| cursor.encode()),
            now,
        })
    }

    /// The total of a list over everyone's sessions filtered by chips alone, from the
    /// counts kept in memory (the badge and the chips agree with it); `None` when only
    /// a scan can say (a search, the flagged filter, one person's or application's
    /// sessions). Sessions past their expiry stay counted until the sweep ends them.
    fn counted_in_memory(&self, query: &ListQuery, scope: &Scope) -> Option<i64> {
        match scope {
            Scope::Everyone if query.search.trim().is_empty() => {
                self.counts.matching(&query.filter)
            }
            _ => None,
        }
    }

    /// Along the sort order when the chips keep at least 1 % of everyone's sessions
    /// (`counted` of them, from `counted_in_memory`): a page is then found within
    /// about a hundred pages' worth of rows, where the filter's index would gather all
    /// that pass (an application's 140,000 at 1M).
    fn live_access(&self, query: &ListQuery, counted: Option<i64>) -> LiveAccess {
        let common =
            counted.is_some_and(|passing| passing.saturating_mul(100) >= self.counts.total());
        if common && !query.filter.is_empty() {
            LiveAccess::BySortOrder
        } else {
            LiveAccess::ByFilter
        }
    }

    /// One live session by its public id, as the console shows it (no activity).
    pub async fn live_session(&self, id: &SessionId) -> CoreResult<Option<Session>> {
        let now = self.now();
        let Some(mut session) = self.store.session_by_id(id.as_str()).await? else {
            return Ok(None);
        };
        // Last seen and the idle deadline as the list shows them.
        self.overlay_memory(&mut session);
        Ok((session.ended_at.is_none() && session.deadline() > now).then_some(session))
    }

    /// Ended sessions, newest first: who ended them and why.
    pub async fn history(&self, query: &HistoryQuery) -> CoreResult<HistoryPage> {
        if query.user.chars().count() > MAX_SEARCH_LEN {
            return Err(CoreError::invalid(format!(
                "The user filter is longer than {MAX_SEARCH_LEN} characters."
            )));
        }
        if let (Some(from), Some(until)) = (query.from, query.until) {
            if from > until {
                return Err(CoreError::invalid("The time range ends before it starts."));
            }
        }
        self.store.history(query).await
    }
}

/// The list query with its filter checked; country codes in upper case, as the store
/// keeps them.
fn checked_filter(query: &ListQuery) -> CoreResult<ListQuery> {
    let mut query = query.clone();
    let filter = &mut query.filter;
    if filter
        .application
        .as_ref()
        .is_some_and(|application| application.chars().count() > MAX_SEARCH_LEN)
    {
        return Err(CoreError::invalid(format!(
            "The application filter is longer than {MAX_SEARCH_LEN} characters."
        )));
    }
    if let Some(country) = &mut filter.country {
        let two_letters = country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic());
        if !(country.is_empty() || two_letters) {
            return Err(CoreError::invalid(
                "The country filter must be a two-letter country code, or empty for an unknown country.",
            ));
        }
        country.make_ascii_uppercase();
    }
    if query.search.chars().count() > MAX_SEARCH_LEN {
        return Err(CoreError::invalid(format!(
            "The search text is longer than {MAX_SEARCH_LEN} characters."
        )));
    }
    Ok(query)
}
