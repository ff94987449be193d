//! The console's rows as live state. Rows are keyed by session id and live events
//! change them in place, without asking the server: a touch moves one row's "last
//! seen", an end removes its row and takes it out of the badge and chip counts, a new
//! session is counted and shown when it belongs on this page.
//!
//! While the admin is pointing at or focused in the list, has rows selected, or has a
//! dialog or menu open, the list is *frozen*: nothing moves. Ended rows stay where they
//! are, marked ended, and new rows wait behind a "n new sessions" pill; `settle` lets
//! them in once the admin lets go. The row under the pointer is always the session the
//! admin meant.

use leptos::prelude::*;
use sessions_core::model::{
    EndReason, Facets, ListQuery, LiveEvent, Millis, PageAt, Session, SessionFlag, SessionPage,
    SortDir, SortKey,
};
use std::collections::HashSet;
use std::sync::Arc;

/// The parts of a row that move while it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub last_seen_at: Millis,
    pub idle_deadline: Millis,
    pub last_ip: String,
    /// A move can flag a live session.
    pub flags: Vec<SessionFlag>,
}

/// A row's moving parts are reference-counted signals, not ones owned by the reactive
/// scope that made them: rows are made while a page loads (inside the list's
/// `Suspend`) and by live events, and a reload disposes the scope of the load before
/// it so much as fetches, while the rows of that load are still shown and still
/// receive events (a panic, "reactive value already disposed", that stopped the page
/// after every reconnect). A row's signals live as long as the row or a view of it.
#[derive(Clone)]
pub struct Row {
    pub session: Arc<Session>,
    pub seen: ArcRwSignal<Seen>,
    /// Set when the session ended while the list was frozen: the row stays until `settle`.
    pub ended: ArcRwSignal<Option<EndReason>>,
}

impl Row {
    fn new(session: Session) -> Row {
        let seen = Seen {
            last_seen_at: session.last_seen_at,
            idle_deadline: session.idle_deadline,
            last_ip: session.last_ip.clone(),
            flags: session.flags.clone(),
        };
        Row {
            session: Arc::new(session),
            seen: ArcRwSignal::new(seen),
            ended: ArcRwSignal::new(None),
        }
    }

    pub fn id(&self) -> &str {
        &self.session.id
    }
}

#[derive(Clone, Copy)]
pub struct LiveList {
    pub rows: RwSignal<Vec<Row>>,
    /// Live sessions matching the query across all pages when the page was fetched...
    pub base_total: RwSignal<i64>,
    /// ...and how live events moved that number since (the "N Active" badge is the sum).
    pub total_change: RwSignal<i64>,
    /// Chip counts of every live session; `None` until loaded.
    pub facets: RwSignal<Option<Facets>>,
    /// Sessions created since the page was loaded that belong to this view, not shown yet.
    pub waiting: RwSignal<Vec<Session>>,
    /// The cursors of the pages before and after this one, when there are such pages.
    pub pager: RwSignal<(Option<String>, Option<String>)>,
    query: StoredValue<ListQuery>,
    /// Sessions this console just ended itself: their rows go at once, even when frozen
    /// (the admin asked for exactly that).
    own_kills: StoredValue<HashSet<String>>,
}

impl Default for LiveList {
    fn default() -> Self {
        LiveList {
            rows: RwSignal::new(Vec::new()),
            base_total: RwSignal::new(0),
            total_change: RwSignal::new(0),
            facets: RwSignal::new(None),
            waiting: RwSignal::new(Vec::new()),
            pager: RwSignal::new((None, None)),
            query: StoredValue::new(ListQuery::default()),
            own_kills: StoredValue::new(HashSet::new()),
        }
    }
}

impl LiveList {
    /// Shows a freshly fetched page.
    pub fn load(&self, page: SessionPage, query: ListQuery) {
        self.query.set_value(query);
        self.pager.set((page.prev, page.next));
        self.base_total.set(page.total);
        self.total_change.set(0);
        self.waiting.set(Vec::new());
        self.rows
            .set(page.sessions.into_iter().map(Row::new).collect());
    }

    pub fn load_facets(&self, facets: Facets) {
        self.facets.set(Some(facets));
    }

    /// Remembers ids this console is about to end, so their rows leave at once.
    pub fn expect_kills(&self, ids: impl IntoIterator<Item = String>) {
        self.own_kills.update_value(|own| own.extend(ids));
    }

    /// Ids of the rows shown whose session `wanted` picks (say, all of one user's).
    pub fn ids_where(&self, wanted: impl Fn(&Session) -> bool) -> Vec<String> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .filter(|row| wanted(&row.session))
                .map(|row| row.id().to_owned())
                .collect()
        })
    }

    pub fn apply(&self, event: &LiveEvent, frozen: bool) {
        match event {
            LiveEvent::Created { session } => self.created(session, frozen),
            LiveEvent::Touched { touched } => {
                self.rows.with_untracked(|rows| {
                    for touch in touched {
                        if let Some(row) = rows.iter().find(|row| row.id() == touch.id) {
                            row.seen.update(|seen| {
                                seen.last_seen_at = touch.last_seen_at;
                                seen.idle_deadline = touch.idle_deadline;
                                seen.last_ip = touch.last_ip.clone();
                                // Flags are only ever added; a process that has not
                                // seen the move sends fewer, never different ones.
                                if touch.flags.len() > seen.flags.len() {
                                    seen.flags = touch.flags.clone();
                                }
                            });
                        }
                    }
                });
            }
            LiveEvent::Ended { sessions } => {
                for session in sessions {
                    self.ended(session, frozen);
                }
            }
            LiveEvent::SignedOut { .. } => {}
        }
    }

    fn created(&self, session: &Session, frozen: bool) {
        if self
            .rows
            .with_untracked(|rows| rows.iter().any(|row| row.id() == session.id))
        {
            return;
        }
        self.facets.update(|facets| {
            if let Some(facets) = facets {
                facets.count(session, 1);
            }
        });
        if !self.query.with_value(|query| query.matches(session)) {
            return;
        }
        self.total_change.update(|change| *change += 1);
        if !frozen && self.shows_newest() {
            self.insert_newest(vec![session.clone()]);
        } else {
            self.waiting.update(|waiting| waiting.push(session.clone()));
        }
    }

    fn ended(&self, session: &Session, frozen: bool) {
        self.facets.update(|facets| {
            if let Some(facets) = facets {
                facets.count(session, -1);
            }
        });
        if self.query.with_value(|query| query.matches(session)) {
            self.total_change.update(|change| *change -= 1);
        }
        self.waiting
            .update(|waiting| waiting.retain(|waiting| waiting.id != session.id));
        let own = self
            .own_kills
            .try_update_value(|own| own.remove(&session.id))
            .unwrap_or(false);
        if frozen && !own {
            self.rows.with_untracked(|rows| {
                if let Some(row) = rows.iter().find(|row| row.id() == session.id) {
                    row.ended
                        .set(Some(session.end_reason.unwrap_or(EndReason::Killed)));
                }
            });
        } else {
            self.remove(&session.id);
        }
    }

    /// The admin let go of the list: drop ended rows and, on the newest-first first
    /// page, show the sessions that waited.
    pub fn settle(&self) {
        let any_ended = self
            .rows
            .with_untracked(|rows| rows.iter().any(|row| row.ended.get_untracked().is_some()));
        if any_ended {
            self.rows
                .update(|rows| rows.retain(|row| row.ended.get_untracked().is_none()));
        }
        if self.shows_newest() && !self.waiting.with_untracked(Vec::is_empty) {
            let waiting = self.waiting.try_update(std::mem::take).unwrap_or_default();
            self.insert_newest(waiting);
        }
    }

    /// The first page, newest sign-in first: the only order in which a new session's
    /// place is known without asking (the top).
    fn shows_newest(&self) -> bool {
        self.query.with_value(|query| {
            query.page == PageAt::First
                && query.sort == SortKey::Created
                && query.dir == SortDir::Desc
        })
    }

    fn insert_newest(&self, mut sessions: Vec<Session>) {
        let limit = self.query.with_value(|query| query.limit as usize);
        sessions.sort_by_key(|session| std::cmp::Reverse(session.created_at));
        self.rows.update(|rows| {
            let new: Vec<Row> = sessions.into_iter().map(Row::new).collect();
            rows.splice(0..0, new);
            rows.truncate(limit.max(1));
        });
    }

    fn remove(&self, id: &str) {
        if self
            .rows
            .with_untracked(|rows| rows.iter().any(|row| row.id() == id))
        {
            self.rows.update(|rows| rows.retain(|row| row.id() != id));
        }
    }

    /// Every live session, from the chip counts (each session has exactly one status).
    pub fn live_total(&self) -> Option<i64> {
        self.facets
            .with(|facets| facets.as_ref().map(Facets::total))
    }
}
