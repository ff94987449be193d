//! Who is asking, as authenticated at the edge (a console session, an API key, the
//! command line). The engine derives from it, here and nowhere else, whose sessions a
//! call may read or end: callers say who they are, never how far they may reach.

use super::{Engine, MAX_IDS_PER_CALL};
use crate::cache::CachedSession;
use crate::error::{CoreError, CoreResult};
use crate::model::{AppUserId, EndReason, Role, Session, SessionId};
use crate::store::{EndSelector, Scope};

/// Recorded as who ended sessions or changed settings from the command line.
pub const OPERATOR_NAME: &str = "cli";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// An administrator in the console, signed in with `session`: every session.
    Admin { name: String, session: SessionId },
    /// A console account acting on its own sessions (My sessions), whatever its role.
    Account {
        user_id: i64,
        name: String,
        session: SessionId,
    },
    /// An application through its API key: its own sessions, no other application's.
    Application(String),
    /// The operator at the command line: every session.
    Operator,
}

impl Actor {
    /// The administrator signed in with `session`; `Forbidden` for anyone else.
    pub fn admin(session: &CachedSession) -> CoreResult<Actor> {
        if session.role != Role::Admin {
            return Err(CoreError::Forbidden);
        }
        Ok(Actor::Admin {
            name: Actor::name_of(session),
            session: SessionId::issued(session.id.clone()),
        })
    }

    /// The account signed in with `session`, on its own sessions; `Forbidden` for a
    /// session with no account.
    pub fn account(session: &CachedSession) -> CoreResult<Actor> {
        let user_id = session.user_id.ok_or(CoreError::Forbidden)?;
        Ok(Actor::Account {
            user_id,
            name: Actor::name_of(session),
            session: SessionId::issued(session.id.clone()),
        })
    }

    /// How a person signed in with `session` is recorded (`ended_by`, the settings
    /// ledger): the user name, or the start of the session id for a guest.
    pub fn name_of(session: &CachedSession) -> String {
        session
            .username
            .clone()
            .unwrap_or_else(|| format!("session {}", &session.id[..8.min(session.id.len())]))
    }

    /// Recorded as who ended the sessions this actor ends.
    pub fn name(&self) -> &str {
        match self {
            Actor::Admin { name, .. } | Actor::Account { name, .. } => name,
            Actor::Application(name) => name,
            Actor::Operator => OPERATOR_NAME,
        }
    }

    /// Whose sessions this actor may read and end: the one place that decides.
    pub(super) fn scope(&self) -> Scope {
        match self {
            Actor::Admin { .. } | Actor::Operator => Scope::Everyone,
            Actor::Account { user_id, .. } => Scope::User(*user_id),
            Actor::Application(name) => application_scope(name, None),
        }
    }

    /// Every session within this actor's reach; with `keep_own`, but its current one.
    fn everything(&self, keep_own: bool) -> EndSelector {
        let keep = self.kept(keep_own);
        match self.scope() {
            Scope::Everyone => EndSelector::AllExcept(keep.into_iter().collect()),
            Scope::User(user_id) => account_selector(user_id, keep),
            Scope::Application { name, .. } => EndSelector::Application(name),
        }
    }

    /// One console account's sessions, but the actor's current one when `keep_own`;
    /// `Forbidden` when that account is beyond the actor's reach.
    fn account_sessions(&self, user_id: i64, keep_own: bool) -> CoreResult<EndSelector> {
        let reachable = match self.scope() {
            Scope::Everyone => true,
            Scope::User(own) => own == user_id,
            Scope::Application { .. } => false,
        };
        if !reachable {
            return Err(CoreError::Forbidden);
        }
        Ok(account_selector(user_id, self.kept(keep_own)))
    }

    /// The actor's current session, when it asks to keep it (as the store names it).
    fn kept(&self, keep_own: bool) -> Option<String> {
        match self {
            Actor::Admin { session, .. } | Actor::Account { session, .. } if keep_own => {
                Some(session.to_string())
            }
            _ => None,
        }
    }
}

fn account_selector(user_id: i64, keep: Option<String>) -> EndSelector {
    match keep {
        Some(keep) => EndSelector::UserExcept { user_id, keep },
        None => EndSelector::User(user_id),
    }
}

/// An application's sessions; with `user`, only that user's (the application's own id).
pub(super) fn application_scope(name: &str, user: Option<&AppUserId>) -> Scope {
    Scope::Application {
        name: name.to_owned(),
        user: user.map(AppUserId::to_string),
    }
}

impl Engine {
    /// Ends the named sessions that are live and within `actor`'s reach; the others
    /// are neither ended nor revealed. Returns the ended ones.
    pub async fn end_sessions(
        &self,
        actor: &Actor,
        ids: Vec<SessionId>,
        reason: EndReason,
    ) -> CoreResult<Vec<Session>> {
        if ids.len() > MAX_IDS_PER_CALL {
            return Err(CoreError::invalid(format!(
                "At most {MAX_IDS_PER_CALL} sessions can be ended in one call."
            )));
        }
        let selector = EndSelector::Ids {
            ids: ids.into_iter().map(SessionId::into_string).collect(),
            scope: actor.scope(),
        };
        self.end(selector, reason, actor.name()).await
    }

    /// Ends every live session within `actor`'s reach; its own current one survives
    /// when `keep_own` (Kill all, sign out everywhere else).
    pub async fn end_all(
        &self,
        actor: &Actor,
        keep_own: bool,
        reason: EndReason,
    ) -> CoreResult<Vec<Session>> {
        self.end(actor.everything(keep_own), reason, actor.name())
            .await
    }

    /// Ends every live session of console account `user_id`, which must be within
    /// `actor`'s reach; the actor's current session survives when `keep_own`.
    pub async fn end_account_sessions(
        &self,
        actor: &Actor,
        user_id: i64,
        keep_own: bool,
        reason: EndReason,
    ) -> CoreResult<Vec<Session>> {
        let selector = actor.account_sessions(user_id, keep_own)?;
        self.end(selector, reason, actor.name()).await
    }
}
