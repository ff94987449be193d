//! The store's abilities, one trait each, as tower-sessions adds one trait per extra
//! ability. A backend implements all eight; `Store` is their sum, for `Arc<dyn Store>`.

use super::types::*;
use crate::analytics::Rollup;
use crate::catalogue::{SettingScope, SettingsChangeRecord};
use crate::error::CoreResult;
use crate::model::{
    Application, HistoryPage, HistoryQuery, ListQuery, Millis, Role, Session, SessionFlag,
};
use crate::policy::flags::SignInHistory;
use crate::policy::impact::MayEnd;
use crate::policy::limits::LiveSummary;
use crate::token::TokenHash;
use async_trait::async_trait;

/// Sessions and their ends.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, session: NewSession) -> CoreResult<Session>;
    /// A session by token hash, ended or not (the end reason answers a refused check).
    async fn session_by_token(&self, hash: &TokenHash) -> CoreResult<Option<Session>>;
    async fn session_by_id(&self, id: &str) -> CoreResult<Option<Session>>;
    /// Live sessions not past `expires_at` at `now`, filtered, sorted and paged.
    async fn list_live(
        &self,
        query: &ListQuery,
        scope: &Scope,
        now: Millis,
        access: LiveAccess,
    ) -> CoreResult<StoredPage>;
    /// How many sessions `list_live` pages through, across all pages (a scan: the
    /// engine answers the common cases from memory).
    async fn count_live(&self, query: &ListQuery, scope: &Scope, now: Millis) -> CoreResult<i64>;
    /// Ends the live sessions picked by `selector` in one transaction, logged under one
    /// change-log number; returns them and the number.
    async fn end_sessions(&self, selector: &EndSelector, record: &EndRecord) -> CoreResult<Ended>;
    /// Applies "last seen" updates in one transaction; ended sessions are left alone.
    async fn touch(&self, touches: &[Touch]) -> CoreResult<()>;
    /// Replaces the flags of a live session; `false` if it is not live (or unknown).
    async fn set_flags(&self, id: &str, flags: &[SessionFlag]) -> CoreResult<bool>;
    /// Ends logged after `seq`, oldest first, at most `limit`.
    async fn ends_since(&self, seq: i64, limit: i64) -> CoreResult<Vec<LoggedEnd>>;
    /// The change log after `seq`: creations and ends, in sequence order, at most
    /// `limit` (a bulk end is many entries of one number: `changes_at` reads the rest).
    /// The ends of the numbers in `skip_ends` (the reader's own) are left out.
    async fn changes_since(
        &self,
        seq: i64,
        limit: i64,
        skip_ends: &[i64],
    ) -> CoreResult<Vec<LoggedChange>>;
    /// Every entry of sequence number `seq`.
    async fn changes_at(&self, seq: i64) -> CoreResult<Vec<LoggedChange>>;
    /// The change log's latest sequence number (ends and creations share it).
    async fn latest_end_seq(&self) -> CoreResult<i64>;
    /// The change log's latest sequence number with the settings' and applications'
    /// versions, read at one moment.
    async fn log_heads(&self) -> CoreResult<LogHeads>;
}

/// People who sign in to the console.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `None` if the name is taken (names are unique ignoring ASCII case).
    async fn create_user(&self, user: NewUser, now: Millis) -> CoreResult<Option<User>>;
    async fn user_credentials(&self, username: &str) -> CoreResult<Option<UserCredentials>>;
    async fn user_by_name(&self, username: &str) -> CoreResult<Option<User>>;
    async fn user_by_id(&self, id: i64) -> CoreResult<Option<User>>;
    async fn count_users(&self) -> CoreResult<i64>;
    /// Every user, by name ignoring case.
    async fn list_users(&self) -> CoreResult<Vec<User>>;
    /// The `bool`s say whether there was such a user.
    async fn set_password(&self, user_id: i64, password_hash: &str) -> CoreResult<bool>;
    async fn set_disabled(&self, user_id: i64, disabled: bool) -> CoreResult<bool>;
    /// Deletes the user; their (already ended) sessions stay in history by name.
    async fn delete_user(&self, user_id: i64) -> CoreResult<bool>;
}

/// The session policy, what it judges, and the history it keeps.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Every stored setting as (scope, key, value).
    async fn load_settings(&self) -> CoreResult<Vec<(SettingScope, String, String)>>;
    /// Applies `writes` (already validated) and records each in the ledger with its
    /// old value, in one transaction, bumping the settings version. Returns the ledger entries.
    async fn save_settings(
        &self,
        writes: &[SettingWrite],
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
    /// The live sessions in `may_end`, in the shape the policy judges. `expected` is
    /// about how many there are at most (the engine counts them), so the result is
    /// sized once: a million summaries regrown by doubling spent a fifth of a preview
    /// copying and zeroing pages.
    async fn live_summaries(
        &self,
        now: Millis,
        expected: usize,
        may_end: MayEnd,
    ) -> CoreResult<Vec<LiveSummary>>;
    /// The live sessions a new sign-in of `user` from `ip` shares a limit with:
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
    /// What the suspicious-session flags judge a new arrival of `user` by: their
    /// sessions live or ended at or after `since`, and whether they had any before.
    async fn sign_in_history(&self, user: UserRef<'_>, since: Millis) -> CoreResult<SignInHistory>;
    /// Shortens live sessions of `role` to `created_at + lifetime`; returns how many moved.
    async fn cap_expiry(&self, role: Role, lifetime: Millis) -> CoreResult<u64>;
    /// Deletes ended sessions of each role that ended before its cutoff; first does
    /// the index work ends left for later (SQLite's search index).
    async fn purge_history(&self, cutoffs: &[(Role, Millis)]) -> CoreResult<u64>;
    /// Ended sessions, newest end first, filtered and paged (the query is validated).
    async fn history(&self, query: &HistoryQuery) -> CoreResult<HistoryPage>;
    /// The live sessions not past `expires_at` at `now`, counted by every
    /// combination of the filter-chip dimensions.
    async fn live_groups(&self, now: Millis) -> CoreResult<Vec<LiveGroup>>;
}

/// Applications that keep their sessions here through the HTTP API.
#[async_trait]
pub trait ApplicationStore: Send + Sync {
    /// `None` if the name is taken (revoked names included, ignoring ASCII case).
    async fn create_application(&self, app: NewApplication) -> CoreResult<Option<Application>>;
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

/// The analytics' hourly figures, and the user counts its KPIs need.
#[async_trait]
pub trait RollupStore: Send + Sync {
    /// Adds each figure to the stored one of its (hour, application, metric,
    /// dimension), in one transaction: counts add up (each instance adds its own),
    /// the peak keeps the larger.
    async fn add_rollups(&self, rows: &[Rollup]) -> CoreResult<()>;
    /// Figures of hours in `[since, until)`, of one application or of all.
    async fn rollups(
        &self,
        application: Option<&str>,
        since: Millis,
        until: Millis,
    ) -> CoreResult<Vec<Rollup>>;
    /// Deletes figures of hours before `before`; returns how many rows went.
    async fn purge_rollups(&self, before: Millis) -> CoreResult<u64>;
    /// Distinct users (accounts and applications' users; not guests) with a session
    /// live at some time in `[since, until)`, of one application or of all.
    async fn active_users(
        &self,
        application: Option<&str>,
        since: Millis,
        until: Millis,
    ) -> CoreResult<i64>;
    /// Distinct applications' users (by their own ids) with a session kept in history
    /// created before `until`: the users an application has, as far as we know them.
    async fn app_users(&self, application: Option<&str>, until: Millis) -> CoreResult<i64>;
}

/// Taking turns between instances on one database: the work that must run on one
/// instance at a time (the sweep and history purge) runs where this says so.
#[async_trait]
pub trait LeaderStore: Send + Sync {
    /// Whether this process leads now: takes the lead if it is free, confirms it if
    /// held, and answers `false` (or an error) once it is lost. Called on every
    /// sweep tick, which is also how a lead left by a dead instance is taken over.
    async fn lead(&self) -> CoreResult<bool>;
}

/// Instances serving checks on one database and how far each has applied the end
/// log: what the acknowledgement of an end waits on (`engine::agreement`).
#[async_trait]
pub trait InstanceStore: Send + Sync {
    /// Records that `instance` has applied the end log up to `applied_end_seq` and is
    /// alive now, by the database's clock.
    async fn report_applied(&self, instance: &str, applied_end_seq: i64) -> CoreResult<()>;
    /// How many instances heard from within the last `heard_within` ms (the database's
    /// clock) have applied less than `seq`.
    async fn instances_behind(&self, seq: i64, heard_within: Millis) -> CoreResult<i64>;
    /// Forgets `instance` (a clean shutdown), so that no end waits for it.
    async fn leave(&self, instance: &str) -> CoreResult<()>;
    /// Forgets instances not heard from within the last `silent_for` ms (the
    /// database's clock): processes that died without leaving. Returns how many.
    async fn forget_silent(&self, silent_for: Millis) -> CoreResult<u64>;
}

/// Wake-ups that another process committed an end, so that instances read the end
/// log at once rather than at their next poll (which stays, as the safety net).
#[async_trait]
pub trait EndFeedStore: Send + Sync {
    /// A stream that yields each time an end was committed (by any process), and after
    /// the connection it listens on was lost and made again, when notifications sent
    /// meanwhile are gone and the log must be re-read. An error is one failed wait; the
    /// stream goes on. `None` where the backend has no notifications: the poll alone.
    async fn end_feed(&self) -> CoreResult<Option<EndFeed>>;
}

/// See `EndFeedStore::end_feed`.
pub type EndFeed = futures_util::stream::BoxStream<'static, CoreResult<()>>;

pub trait Store:
    SessionStore
    + AccountStore
    + PolicyStore
    + ApplicationStore
    + RollupStore
    + LeaderStore
    + InstanceStore
    + EndFeedStore
    + 'static
{
}

impl<T> Store for T where
    T: SessionStore
        + AccountStore
        + PolicyStore
        + ApplicationStore
        + RollupStore
        + LeaderStore
        + InstanceStore
        + EndFeedStore
        + 'static
{
}
