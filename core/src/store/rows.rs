//! Rows as every backend stores them, mapped by `sqlx::FromRow`, and their conversion
//! into the model. Enums are stored as their `as_str` text; a value the model does not
//! know is an internal error (a newer schema, or a hand edit), never a guess.

use super::types::{ChangeKind, LiveGroup, LoggedChange, LoggedEnd, User, UserCredentials};
use crate::catalogue::{SettingScope, SettingsChangeRecord};
use crate::error::{CoreError, CoreResult};
use crate::model::{
    AgentInfo, Application, DeviceClass, EndReason, Role, Session, SessionFlag, SessionStatus,
};
use crate::policy::flags::SignInFact;
use crate::policy::limits::LiveSummary;
use crate::token::TokenHash;

/// The columns of `SessionRow`, as a literal for `concat!` in backend SQL.
macro_rules! session_columns {
    () => {
        "id, application, user_id, external_user_id, username, status, role, first_ip, last_ip, \
         user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, \
         expires_at, ended_at, end_reason, ended_by, flags"
    };
}
pub(crate) use session_columns;

/// The columns of `SummaryRow`.
macro_rules! summary_columns {
    () => {
        "id, application, user_id, external_user_id, username, role, last_ip, country, device, \
         created_at, last_seen_at, expires_at"
    };
}
pub(crate) use summary_columns;

/// The columns of `UserRow`.
macro_rules! user_columns {
    () => {
        "id, username, role, disabled, created_at"
    };
}
pub(crate) use user_columns;

/// The columns of `ApplicationRow` but its live count.
macro_rules! app_columns {
    () => {
        "name, key_prefix, created_at, created_by, revoked_at, revoked_by"
    };
}
pub(crate) use app_columns;

pub const SESSION_COLUMNS: &str = session_columns!();
pub const SUMMARY_COLUMNS: &str = summary_columns!();

/// Also read from a JSON array of the columns in order (`from_json`).
#[derive(sqlx::FromRow, serde::Deserialize)]
pub struct SessionRow {
    id: String,
    application: String,
    user_id: Option<i64>,
    external_user_id: Option<String>,
    /// `''` for guests.
    username: String,
    status: String,
    role: String,
    first_ip: String,
    last_ip: String,
    user_agent: String,
    browser: String,
    browser_version: String,
    os: String,
    device: String,
    country: Option<String>,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    ended_at: Option<i64>,
    end_reason: Option<String>,
    ended_by: Option<String>,
    /// JSON array of `SessionFlag`s, `'[]'` for most.
    flags: String,
}

impl TryFrom<SessionRow> for Session {
    type Error = CoreError;

    fn try_from(row: SessionRow) -> CoreResult<Session> {
        Ok(Session {
            status: SessionStatus::parse(&row.status)
                .ok_or_else(|| unknown("status", &row.status))?,
            role: parse_role(&row.role)?,
            end_reason: row.end_reason.as_deref().map(parse_reason).transpose()?,
            flags: parse_flags(&row.flags)?,
            id: row.id,
            application: row.application,
            user_id: row.user_id,
            external_user_id: row.external_user_id,
            username: (!row.username.is_empty()).then_some(row.username),
            first_ip: row.first_ip,
            last_ip: row.last_ip,
            user_agent: row.user_agent,
            agent: AgentInfo {
                browser: row.browser,
                browser_version: row.browser_version,
                os: row.os,
                device: DeviceClass::parse(&row.device),
            },
            country: row.country,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            idle_deadline: 0,
            expires_at: row.expires_at,
            ended_at: row.ended_at,
            ended_by: row.ended_by,
        })
    }
}

/// Rows given as one JSON array (each row an object or an array of its columns).
pub fn from_json<Row: serde::de::DeserializeOwned>(json: &str) -> CoreResult<Vec<Row>> {
    serde_json::from_str(json)
        .map_err(|err| CoreError::internal(format!("rows read as JSON do not parse: {err}")))
}

/// Live summaries from one JSON array of `SummaryRow`s.
pub fn summaries_from_json(json: &str) -> CoreResult<Vec<LiveSummary>> {
    from_json::<SummaryRow>(json)?
        .into_iter()
        .map(LiveSummary::try_from)
        .collect()
}

/// The result of work handed to another thread.
pub async fn joined<T>(work: tokio::task::JoinHandle<CoreResult<T>>) -> CoreResult<T> {
    work.await
        .map_err(|err| CoreError::internal(format!("reading rows stopped: {err}")))?
}

/// Rows of sessions into the model.
pub fn sessions(rows: Vec<SessionRow>) -> CoreResult<Vec<Session>> {
    rows.into_iter().map(Session::try_from).collect()
}

#[derive(sqlx::FromRow)]
pub struct LoggedEndRow {
    end_seq: i64,
    token_hash: Vec<u8>,
    #[sqlx(flatten)]
    session: SessionRow,
}

impl TryFrom<LoggedEndRow> for LoggedEnd {
    type Error = CoreError;

    fn try_from(row: LoggedEndRow) -> CoreResult<LoggedEnd> {
        Ok(LoggedEnd {
            seq: row.end_seq,
            token_hash: TokenHash::from_slice(&row.token_hash)
                .ok_or_else(|| CoreError::internal("stored token hash has the wrong length"))?,
            session: row.session.try_into()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct LoggedChangeRow {
    seq: i64,
    kind: String,
    token_hash: Vec<u8>,
    #[sqlx(flatten)]
    session: SessionRow,
}

impl TryFrom<LoggedChangeRow> for LoggedChange {
    type Error = CoreError;

    fn try_from(row: LoggedChangeRow) -> CoreResult<LoggedChange> {
        let kind = match row.kind.as_str() {
            "created" => ChangeKind::Created,
            "ended" => ChangeKind::Ended,
            other => {
                return Err(CoreError::internal(format!(
                    "unknown change kind {other:?} in the change log"
                )))
            }
        };
        Ok(LoggedChange {
            seq: row.seq,
            kind,
            token_hash: TokenHash::from_slice(&row.token_hash)
                .ok_or_else(|| CoreError::internal("stored token hash has the wrong length"))?,
            session: row.session.try_into()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: i64,
    username: String,
    role: String,
    disabled: bool,
    created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = CoreError;

    fn try_from(row: UserRow) -> CoreResult<User> {
        Ok(User {
            role: parse_role(&row.role)?,
            id: row.id,
            username: row.username,
            disabled: row.disabled,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl TryFrom<CredentialsRow> for UserCredentials {
    type Error = CoreError;

    fn try_from(row: CredentialsRow) -> CoreResult<UserCredentials> {
        Ok(UserCredentials {
            user: row.user.try_into()?,
            password_hash: row.password_hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ApplicationRow {
    name: String,
    key_prefix: String,
    created_at: i64,
    created_by: String,
    revoked_at: Option<i64>,
    revoked_by: Option<String>,
    /// Live sessions; queries that do not count select `0` (as a 64-bit integer).
    live: i64,
}

impl From<ApplicationRow> for Application {
    fn from(row: ApplicationRow) -> Application {
        Application {
            name: row.name,
            key_prefix: row.key_prefix,
            created_at: row.created_at,
            created_by: row.created_by,
            revoked_at: row.revoked_at,
            revoked_by: row.revoked_by,
            live_sessions: row.live,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct SettingRow {
    scope: String,
    key: String,
    value: String,
}

/// Stored settings; those of a scope this version does not know are skipped.
pub fn settings(rows: Vec<SettingRow>) -> Vec<(SettingScope, String, String)> {
    rows.into_iter()
        .filter_map(|row| match SettingScope::parse(&row.scope) {
            Some(scope) => Some((scope, row.key, row.value)),
            None => {
                tracing::warn!(scope = %row.scope, "ignoring settings of an unknown role");
                None
            }
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub struct ChangeRow {
    id: i64,
    at: i64,
    actor: String,
    scope: String,
    key: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl TryFrom<ChangeRow> for SettingsChangeRecord {
    type Error = CoreError;

    fn try_from(row: ChangeRow) -> CoreResult<SettingsChangeRecord> {
        Ok(SettingsChangeRecord {
            scope: SettingScope::parse(&row.scope).ok_or_else(|| unknown("scope", &row.scope))?,
            id: row.id,
            at: row.at,
            actor: row.actor,
            key: row.key,
            old_value: row.old_value,
            new_value: row.new_value,
        })
    }
}

/// Read by position, in `summary_columns!` order, from a row (below) or a JSON array
/// (`from_json`).
#[derive(serde::Deserialize)]
pub struct SummaryRow {
    id: String,
    application: String,
    user_id: Option<i64>,
    external_user_id: Option<String>,
    username: String,
    role: String,
    last_ip: String,
    country: Option<String>,
    device: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

/// By position, not by name: sqlx finds a PostgreSQL row's column by name with a map
/// lookup and string compares, per column and row: a third of a preview's work at a
/// million sessions.
impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for SummaryRow
where
    usize: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<SummaryRow, sqlx::Error> {
        Ok(SummaryRow {
            id: row.try_get(0)?,
            application: row.try_get(1)?,
            user_id: row.try_get(2)?,
            external_user_id: row.try_get(3)?,
            username: row.try_get(4)?,
            role: row.try_get(5)?,
            last_ip: row.try_get(6)?,
            country: row.try_get(7)?,
            device: row.try_get(8)?,
            created_at: row.try_get(9)?,
            last_seen_at: row.try_get(10)?,
            expires_at: row.try_get(11)?,
        })
    }
}

impl TryFrom<SummaryRow> for LiveSummary {
    type Error = CoreError;

    fn try_from(row: SummaryRow) -> CoreResult<LiveSummary> {
        Ok(LiveSummary {
            role: parse_role(&row.role)?,
            external_user: row
                .external_user_id
                .map(|id| LiveSummary::external_user_key(&row.application, &id)),
            id: row.id,
            user_id: row.user_id,
            username: (!row.username.is_empty()).then_some(row.username),
            ip: row.last_ip,
            country: row.country,
            device: DeviceClass::parse(&row.device),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        })
    }
}

/// One group of live sessions by the four chip dimensions (country `''` if unknown).
#[derive(sqlx::FromRow)]
pub struct LiveGroupRow {
    application: String,
    role: String,
    status: String,
    country: String,
    n: i64,
}

impl TryFrom<LiveGroupRow> for LiveGroup {
    type Error = CoreError;

    fn try_from(row: LiveGroupRow) -> CoreResult<LiveGroup> {
        Ok(LiveGroup {
            application: row.application,
            role: parse_role(&row.role)?,
            status: SessionStatus::parse(&row.status)
                .ok_or_else(|| unknown("status", &row.status))?,
            country: row.country,
            sessions: row.n,
        })
    }
}

/// The stored form of a session's flags.
pub fn flags_json(flags: &[SessionFlag]) -> String {
    // A Vec of plain structs of strings always serializes.
    serde_json::to_string(flags).unwrap_or_else(|_| "[]".to_owned())
}

fn parse_flags(text: &str) -> CoreResult<Vec<SessionFlag>> {
    serde_json::from_str(text).map_err(|_| unknown("flags", text))
}

/// One of a user's sessions as the suspicious-session flags see it.
#[derive(sqlx::FromRow)]
pub struct FactRow {
    created_at: i64,
    last_seen_at: i64,
    first_ip: String,
    last_ip: String,
    country: Option<String>,
}

impl From<FactRow> for SignInFact {
    fn from(row: FactRow) -> SignInFact {
        SignInFact {
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            first_ip: row.first_ip,
            last_ip: row.last_ip,
            country: row.country,
        }
    }
}

fn parse_role(text: &str) -> CoreResult<Role> {
    Role::parse(text).ok_or_else(|| unknown("role", text))
}

fn parse_reason(text: &str) -> CoreResult<EndReason> {
    EndReason::parse(text).ok_or_else(|| unknown("end reason", text))
}

fn unknown(what: &str, text: &str) -> CoreError {
    CoreError::internal(format!("unknown stored {what} {text:?}"))
}
