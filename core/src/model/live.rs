//! What is pushed to open consoles when sessions change.

use super::{EndReason, Millis, Session, SessionFlag};
use serde::{Deserialize, Serialize};

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
