//! Keyset paging, the same for every backend: what a page request asks the SQL for
//! (`LivePlan`, `HistoryPlan`) and how the rows it returns become a page with cursors.
//! A backend fetches `fetch_limit()` rows (one more than a page, to know whether there
//! is more) in the plan's order and hands them back.

use super::cursor::{Cursor, CursorValue};
use super::history_cursor;
use super::types::StoredPage;
use crate::error::CoreResult;
use crate::model::{
    HistoryPage, HistoryQuery, ListQuery, PageAt, Session, SortDir, SortKey, MAX_PAGE_SIZE,
};

pub struct LivePlan {
    sort: SortKey,
    dir: SortDir,
    first: bool,
    /// Walking backwards reads the rows before the cursor in reverse order.
    backwards: bool,
    limit: i64,
    pub cursor: Option<Cursor>,
}

impl LivePlan {
    pub fn new(query: &ListQuery) -> CoreResult<LivePlan> {
        let cursor = match &query.page {
            PageAt::First => None,
            PageAt::After(text) | PageAt::Before(text) => {
                Some(Cursor::decode(text, query.sort, query.dir)?)
            }
        };
        Ok(LivePlan {
            sort: query.sort,
            dir: query.dir,
            first: matches!(query.page, PageAt::First),
            backwards: matches!(query.page, PageAt::Before(_)),
            limit: page_limit(query.limit),
            cursor,
        })
    }

    /// The stored column the list is sorted by.
    pub fn column(&self) -> &'static str {
        match self.sort {
            SortKey::User => "username",
            SortKey::Application => "application",
            SortKey::Ip => "last_ip",
            SortKey::Created => "created_at",
            SortKey::LastSeen => "last_seen_at",
            SortKey::Expires => "expires_at",
        }
    }

    /// Whether the SQL reads in ascending order.
    pub fn ascending(&self) -> bool {
        (self.dir == SortDir::Asc) != self.backwards
    }

    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }

    pub fn finish(&self, mut sessions: Vec<Session>) -> StoredPage {
        let more = sessions.len() as i64 > self.limit;
        sessions.truncate(self.limit as usize);
        if self.backwards {
            sessions.reverse();
        }
        let boundary = |session: Option<&Session>| session.map(|s| self.cursor_for(s));
        let (next, prev) = if self.first {
            (more.then(|| boundary(sessions.last())).flatten(), None)
        } else if !self.backwards {
            (
                more.then(|| boundary(sessions.last())).flatten(),
                boundary(sessions.first()),
            )
        } else {
            (
                boundary(sessions.last()),
                more.then(|| boundary(sessions.first())).flatten(),
            )
        };
        StoredPage {
            sessions,
            next,
            prev,
        }
    }

    fn cursor_for(&self, session: &Session) -> Cursor {
        let value = match self.sort {
            SortKey::User => CursorValue::Text(session.username.clone().unwrap_or_default()),
            SortKey::Application => CursorValue::Text(session.application.clone()),
            SortKey::Ip => CursorValue::Text(session.last_ip.clone()),
            SortKey::Created => CursorValue::Int(session.created_at),
            SortKey::LastSeen => CursorValue::Int(session.last_seen_at),
            SortKey::Expires => CursorValue::Int(session.expires_at),
        };
        Cursor {
            sort: self.sort,
            dir: self.dir,
            value,
            id: session.id.clone(),
        }
    }
}

/// History pages walk ended sessions newest end first, after the cursor's row.
pub struct HistoryPlan {
    limit: i64,
    /// End time and id of the last row of the previous page.
    pub after: Option<(i64, String)>,
}

impl HistoryPlan {
    pub fn new(query: &HistoryQuery) -> CoreResult<HistoryPlan> {
        Ok(HistoryPlan {
            limit: page_limit(query.limit),
            after: query
                .after
                .as_deref()
                .map(history_cursor::decode)
                .transpose()?,
        })
    }

    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }

    pub fn finish(&self, mut sessions: Vec<Session>, total: i64) -> HistoryPage {
        let more = sessions.len() as i64 > self.limit;
        sessions.truncate(self.limit as usize);
        let next = if more {
            sessions
                .last()
                .map(|last| history_cursor::encode(last.ended_at.unwrap_or_default(), &last.id))
        } else {
            None
        };
        HistoryPage {
            sessions,
            total,
            next,
        }
    }
}

fn page_limit(asked: u32) -> i64 {
    i64::from(asked.clamp(1, MAX_PAGE_SIZE))
}
