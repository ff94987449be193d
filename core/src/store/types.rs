//! What goes into and comes out of a store, whatever the backend.

use super::cursor::Cursor;
use crate::catalogue::SettingChange;
use crate::model::{AgentInfo, EndReason, Millis, Role, Session, SessionFlag, SessionStatus};
use crate::token::TokenHash;

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: Millis,
}

/// A user with the password hash, only ever handed to the sign-in code.
#[derive(Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
}

/// Everything needed to insert a session. The token itself is not here, only its hash.
pub struct NewSession {
    pub id: String,
    pub token_hash: TokenHash,
    pub application: String,
    pub user_id: Option<i64>,
    pub external_user_id: Option<String>,
    pub username: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub ip: String,
    pub user_agent: String,
    pub agent: AgentInfo,
    pub country: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
    /// Raised at sign-in (`policy::flags::on_sign_in`).
    pub flags: Vec<SessionFlag>,
}

pub struct NewApplication {
    pub name: String,
    pub key_hash: TokenHash,
    pub key_prefix: String,
    pub created_by: String,
    pub created_at: Millis,
}

/// Whose sessions a list may contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    User(i64),
    /// One application's sessions; with `user`, only that user's (the app's own id).
    Application {
        name: String,
        user: Option<String>,
    },
}

/// The person a new session is for, as the concurrent limits count sessions.
#[derive(Clone, Copy, Debug)]
pub enum UserRef<'a> {
    Account(i64),
    External { application: &'a str, id: &'a str },
}

/// Which live sessions an end applies to.
#[derive(Clone, Debug)]
pub enum EndSelector {
    /// These ids; with `Scope::User`, only those that belong to that user.
    Ids {
        ids: Vec<String>,
        scope: Scope,
    },
    User(i64),
    /// All of a user's sessions but one (sign out everywhere else).
    UserExcept {
        user_id: i64,
        keep: String,
    },
    AllExcept(Vec<String>),
    /// All of an application's user's sessions, but `keep` if given.
    ExternalUser {
        application: String,
        user: String,
        keep: Option<String>,
    },
    /// Every session of an application (its key was revoked).
    Application(String),
    /// At most `limit` sessions whose absolute expiry is at or before `at`.
    ExpiredAt {
        at: Millis,
        limit: i64,
    },
    /// At most `limit` sessions of `role` last seen at or before `before`, but the ids
    /// in `keep` (known to be active in memory).
    IdleSince {
        role: Role,
        before: Millis,
        keep: Vec<String>,
        limit: i64,
    },
}

/// What one `end_sessions` call ended, and the change-log number it was logged under
/// (`None` when it ended nothing: then no number is spent).
#[derive(Debug, Default)]
pub struct Ended {
    pub seq: Option<i64>,
    pub sessions: Vec<Session>,
}

/// Who ended a session, as recorded.
#[derive(Clone, Debug)]
pub struct EndRecord {
    pub reason: EndReason,
    pub ended_by: String,
    pub at: Millis,
}

/// One page of sessions straight from the store (idle deadlines not yet filled in).
pub struct StoredPage {
    pub sessions: Vec<Session>,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
}

/// How the store best reads a page of live sessions filtered by chips, as the engine
/// judges from the counts it keeps. Either way the page is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveAccess {
    /// Through an index of a chip's column: few sessions pass the filter.
    ByFilter,
    /// Along the sort order, passing over what the filter leaves out: many sessions
    /// pass it, so a page is found within a few thousand rows (SQLite would otherwise
    /// gather every session of an application and sort them: 94 ms at 1M).
    BySortOrder,
}

/// How many live sessions share one value of each filter-chip dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGroup {
    pub application: String,
    pub role: Role,
    pub status: SessionStatus,
    /// `""` when unknown.
    pub country: String,
    pub sessions: i64,
}

/// A "last seen" update from the check cache.
#[derive(Clone, Debug)]
pub struct Touch {
    pub id: String,
    /// Carried for the live event; the store does not need them.
    pub user_id: Option<i64>,
    pub role: Role,
    pub last_seen_at: Millis,
    pub last_ip: String,
    /// For the live event too: a move flagged since the last flush shows in consoles.
    pub flags: Vec<SessionFlag>,
}

/// A session end seen in the end log, for cache eviction and live channels across
/// processes: the whole row, so consoles can drop it and uncount it without asking.
#[derive(Clone, Debug)]
pub struct LoggedEnd {
    pub seq: i64,
    pub token_hash: TokenHash,
    /// As it was when it ended: `ended_at`, `end_reason` and `ended_by` are set.
    pub session: Session,
}

/// What a change-log entry records about its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Created,
    Ended,
}

/// One entry of the change log: a session created or ended, by any process, under the
/// one sequence both share (a creation always comes before its session's end).
#[derive(Clone, Debug)]
pub struct LoggedChange {
    pub seq: i64,
    pub kind: ChangeKind,
    pub token_hash: TokenHash,
    /// The row as it is when read: a created session may have ended since (its end is
    /// a later entry).
    pub session: Session,
}

/// Where the change log and the versions other instances follow stood at one read.
/// Every change that must reach the other instances before it is acknowledged takes a
/// sequence number: a session's creation or end is logged under it, a settings or
/// applications change bumps its version in the same transaction. A reader that has
/// read the log past `seq` and holds these versions is current as of that number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LogHeads {
    pub seq: i64,
    pub settings_version: i64,
    pub applications_version: i64,
}

/// A settings change to save, with what the ledger records as its old value when
/// nothing was stored before (the catalogue's built-in default, filled by the engine).
#[derive(Clone, Debug)]
pub struct SettingWrite {
    pub change: SettingChange,
    pub old_if_unset: Option<String>,
}
