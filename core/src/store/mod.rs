//! Persistence behind one trait. Callers hold an `Arc<dyn Store>` and never know which
//! database is underneath; the backend is picked from the URL scheme in `open`.
//! Every backend must pass the suite in `store::conformance`.

#[cfg(test)]
mod conformance;
mod cursor;
mod history_cursor;
mod sqlite;
mod sqlite_apps;
mod sqlite_policy;

pub use cursor::Cursor;
pub use sqlite::SqliteStore;

use crate::catalogue::{SettingChange, SettingScope, SettingsChangeRecord};
use crate::error::{CoreError, CoreResult};
use crate::model::{
    AgentInfo, Application, EndReason, Facets, HistoryPage, HistoryQuery, ListQuery, Millis, Role, Session,
    SessionStatus,
};
use crate::policy::limits::LiveSummary;
use crate::token::TokenHash;
use async_trait::async_trait;
use std::str::FromStr;
use std::sync::Arc;

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
}

/// Whose sessions a list may contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Everyone,
    User(i64),
    /// One application's sessions; with `user`, only that user's (the app's own id).
    Application { name: String, user: Option<String> },
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
    pub total: i64,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn create_user(&self, user: NewUser, now: Millis) -> CoreResult<User>;
    async fn user_credentials(&self, username: &str) -> CoreResult<Option<UserCredentials>>;
    async fn user_by_name(&self, username: &str) -> CoreResult<Option<User>>;
    async fn count_users(&self) -> CoreResult<i64>;

    async fn insert_session(&self, session: NewSession) -> CoreResult<Session>;
    /// A session by token hash, ended or not (the end reason answers a refused check).
    async fn session_by_token(&self, hash: &TokenHash) -> CoreResult<Option<Session>>;
    async fn session_by_id(&self, id: &str) -> CoreResult<Option<Session>>;
    /// Live sessions not past `expires_at` at `now`, filtered, sorted and paged.
    async fn list_live(
        &self,
        query: &ListQuery,
        scope: Scope,
        now: Millis,
    ) -> CoreResult<StoredPage>;
    /// Ends the live sessions picked by `selector` in one transaction; returns them.
    async fn end_sessions(
        &self,
        selector: &EndSelector,
        record: &EndRecord,
    ) -> CoreResult<Vec<Session>>;
    /// Ends live sessions past their absolute expiry, or of a role idle since its
    /// `idle_before` (minus the ids in `keep`, which are known to be active).
    async fn sweep(
        &self,
        now: Millis,
        idle_before: &[(Role, Millis)],
        keep: &[String],
    ) -> CoreResult<Vec<Session>>;
    /// Applies "last seen" updates in one transaction; ended sessions are left alone.
    async fn touch(&self, touches: &[Touch]) -> CoreResult<()>;
    /// Ends logged after `seq`, oldest first, at most `limit`.
    async fn ends_since(&self, seq: i64, limit: i64) -> CoreResult<Vec<LoggedEnd>>;
    async fn latest_end_seq(&self) -> CoreResult<i64>;

    // ---- accounts -------------------------------------------------------------
    async fn user_by_id(&self, id: i64) -> CoreResult<Option<User>>;
    async fn list_users(&self) -> CoreResult<Vec<User>>;
    async fn set_password(&self, user_id: i64, password_hash: &str) -> CoreResult<()>;
    async fn set_disabled(&self, user_id: i64, disabled: bool) -> CoreResult<()>;
    /// Deletes the user; their (already ended) sessions stay in history by name.
    async fn delete_user(&self, user_id: i64) -> CoreResult<()>;

    // ---- policy -----------------------------------------------------------------
    /// Every stored setting as (scope, key, value).
    async fn load_settings(&self) -> CoreResult<Vec<(SettingScope, String, String)>>;
    /// Applies `changes` (already validated) and records each in the ledger with its
    /// old value, in one transaction. Returns the ledger entries.
    async fn save_settings(
        &self,
        changes: &[SettingChange],
        actor: &str,
        at: Millis,
    ) -> CoreResult<Vec<SettingsChangeRecord>>;
    /// Bumped by every save; instances reload their policy when it moves.
    async fn settings_version(&self) -> CoreResult<i64>;
    /// Settings changes, newest first, at most `limit`, older than `before` if given.
    async fn settings_changes(
        &self,
        limit: i64,
        before: Option<i64>,
    ) -> CoreResult<Vec<SettingsChangeRecord>>;
    /// Every live session, in the shape the policy judges.
    async fn live_summaries(&self, now: Millis) -> CoreResult<Vec<LiveSummary>>;
    /// The live sessions a new sign-in of `user_id` from `ip` shares a limit with:
    /// the user's own and those of `role` from the same address.
    /// Guests (`user` none) share only the per-address limit.
    async fn limit_neighbours(
        &self,
        user: Option<UserRef<'_>>,
        ip: &str,
        role: Role,
        now: Millis,
    ) -> CoreResult<Vec<LiveSummary>>;
    /// Addresses `user` had a session from (first or last) at any time since `since`.
    async fn recent_ips(&self, user: UserRef<'_>, since: Millis) -> CoreResult<Vec<String>>;
    /// Shortens live sessions of `role` to `created_at + lifetime`; returns how many moved.
    async fn cap_expiry(&self, role: Role, lifetime: Millis) -> CoreResult<u64>;
    /// Deletes ended sessions of each role that ended before its cutoff.
    async fn purge_history(&self, cutoffs: &[(Role, Millis)]) -> CoreResult<u64>;
    /// Ended sessions, newest end first, filtered and paged.
    async fn history(&self, query: &HistoryQuery) -> CoreResult<HistoryPage>;
    /// Filter chip values of the live list with their counts.
    async fn facets(&self, now: Millis) -> CoreResult<Facets>;

    // ---- applications ---------------------------------------------------------------
    /// Fails with `Invalid` if the name is taken (revoked names included).
    async fn create_application(&self, app: NewApplication) -> CoreResult<Application>;
    /// The application holding this key, revoked or not.
    async fn application_by_key(&self, hash: &TokenHash) -> CoreResult<Option<Application>>;
    /// Every application, oldest first, with its live session count at `now`.
    async fn list_applications(&self, now: Millis) -> CoreResult<Vec<Application>>;
    /// Marks the application revoked; `None` if there is no such live application.
    async fn revoke_application(
        &self,
        name: &str,
        actor: &str,
        at: Millis,
    ) -> CoreResult<Option<Application>>;
    /// Bumped by every application change; instances reload their key table when it moves.
    async fn applications_version(&self) -> CoreResult<i64>;
}

pub struct NewApplication {
    pub name: String,
    pub key_hash: TokenHash,
    pub key_prefix: String,
    pub created_by: String,
    pub created_at: Millis,
}

pub type SharedStore = Arc<dyn Store>;

/// The file a `sqlite:` URL names, so a caller can tell whether the database exists
/// before opening creates it. `None` for other URLs and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .ok()
        .map(|options| options.get_filename().to_path_buf())
}

/// Opens the store named by `url`, creating and migrating it as needed.
pub async fn open(url: &str) -> CoreResult<SharedStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Err(CoreError::invalid(
            "PostgreSQL support is not built yet; use a sqlite:// URL.",
        ))
    } else {
        Err(CoreError::invalid(format!(
            "Unsupported database URL {url:?}: expected sqlite://PATH or postgres://…"
        )))
    }
}
