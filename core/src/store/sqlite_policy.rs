//! SQLite queries for accounts, the policy, the history and the console's filter
//! chips. Split from `sqlite.rs` (sessions and their ends) to keep each file to one
//! concern; the `Store` impl there delegates here.

use super::history_cursor;
use super::sqlite::{parse_role, session_from_row, user_from_row, SqliteStore, SESSION_COLUMNS};
use super::{User, UserRef};
use crate::catalogue::{SettingChange, SettingScope, SettingsChangeRecord};
use crate::error::{CoreError, CoreResult};
use crate::model::{
    DeviceClass, Facets, HistoryPage, HistoryQuery, Millis, Role, SessionStatus, MAX_PAGE_SIZE,
    MAX_SEARCH_LEN,
};
use crate::policy::limits::LiveSummary;
use sqlx::sqlite::SqliteRow;
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, QueryBuilder, Row, Sqlite};
use std::collections::HashMap;

const SUMMARY_COLUMNS: &str =
    "id, application, user_id, external_user_id, username, role, last_ip, country, device, created_at, last_seen_at, expires_at";

impl SqliteStore {
    pub(super) async fn user_by_id_impl(&self, id: i64) -> CoreResult<Option<User>> {
        let row =
            sqlx::query("SELECT id, username, role, disabled, created_at FROM users WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub(super) async fn list_users_impl(&self) -> CoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT id, username, role, disabled, created_at FROM users ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    pub(super) async fn set_password_impl(
        &self,
        user_id: i64,
        password_hash: &str,
    ) -> CoreResult<()> {
        let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        one_user(done.rows_affected())
    }

    pub(super) async fn set_disabled_impl(&self, user_id: i64, disabled: bool) -> CoreResult<()> {
        let done = sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
            .bind(disabled)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        one_user(done.rows_affected())
    }

    pub(super) async fn delete_user_impl(&self, user_id: i64) -> CoreResult<()> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        one_user(done.rows_affected())
    }

    pub(super) async fn load_settings_impl(
        &self,
    ) -> CoreResult<Vec<(SettingScope, String, String)>> {
        let rows = sqlx::query("SELECT scope, key, value FROM settings")
            .fetch_all(&self.pool)
            .await?;
        let mut settings = Vec::with_capacity(rows.len());
        for row in rows {
            let scope: String = row.try_get("scope")?;
            match SettingScope::parse(&scope) {
                Some(scope) => settings.push((scope, row.try_get("key")?, row.try_get("value")?)),
                None => tracing::warn!(%scope, "ignoring settings of an unknown role"),
            }
        }
        Ok(settings)
    }

    pub(super) async fn save_settings_impl(
        &self,
        changes: &[SettingChange],
        actor: &str,
        at: Millis,
    ) -> CoreResult<Vec<SettingsChangeRecord>> {
        let mut tx = self.pool.begin().await?;
        let mut records = Vec::with_capacity(changes.len());
        for change in changes {
            let scope = change.scope.as_str();
            let old_value: Option<String> =
                sqlx::query_scalar("SELECT value FROM settings WHERE scope = ? AND key = ?")
                    .bind(scope)
                    .bind(&change.key)
                    .fetch_optional(&mut *tx)
                    .await?;
            // A default never saved was the built-in one; the ledger shows that value.
            let old_value = match (old_value, change.scope) {
                (None, SettingScope::Default) => {
                    crate::catalogue::spec(&change.key).map(|spec| spec.default.to_owned())
                }
                (old_value, _) => old_value,
            };
            match &change.value {
                Some(value) => {
                    sqlx::query(
                        "INSERT INTO settings (scope, key, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) \
                         ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, \
                         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    )
                    .bind(scope)
                    .bind(&change.key)
                    .bind(value)
                    .bind(at)
                    .bind(actor)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM settings WHERE scope = ? AND key = ?")
                        .bind(scope)
                        .bind(&change.key)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO settings_changes (at, actor, scope, key, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?) \
                 RETURNING id",
            )
            .bind(at)
            .bind(actor)
            .bind(scope)
            .bind(&change.key)
            .bind(&old_value)
            .bind(&change.value)
            .fetch_one(&mut *tx)
            .await?;
            records.push(SettingsChangeRecord {
                id,
                at,
                actor: actor.to_owned(),
                scope: change.scope,
                key: change.key.clone(),
                old_value,
                new_value: change.value.clone(),
            });
        }
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'settings_version'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(records)
    }

    pub(super) async fn settings_version_impl(&self) -> CoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'settings_version'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub(super) async fn settings_changes_impl(
        &self,
        limit: i64,
        before: Option<i64>,
    ) -> CoreResult<Vec<SettingsChangeRecord>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, scope, key, old_value, new_value FROM settings_changes \
             WHERE id < COALESCE(?, 9223372036854775807) ORDER BY id DESC LIMIT ?",
        )
        .bind(before)
        .bind(limit.clamp(1, i64::from(MAX_PAGE_SIZE)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let scope: String = row.try_get("scope")?;
                Ok(SettingsChangeRecord {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    scope: SettingScope::parse(&scope).ok_or_else(|| {
                        CoreError::internal(format!("unknown stored scope {scope:?}"))
                    })?,
                    key: row.try_get("key")?,
                    old_value: row.try_get("old_value")?,
                    new_value: row.try_get("new_value")?,
                })
            })
            .collect()
    }

    pub(super) async fn live_summaries_impl(&self, now: Millis) -> CoreResult<Vec<LiveSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM sessions WHERE ended_at IS NULL AND +expires_at > ?"
        );
        // Streamed: at 100k sessions, holding every raw row as well as every summary
        // doubled the peak memory of a preview.
        let mut rows = sqlx::query(AssertSqlSafe(sql)).bind(now).fetch(&self.pool);
        let mut summaries = Vec::new();
        while let Some(row) = rows.try_next().await? {
            summaries.push(summary_from_row(&row)?);
        }
        Ok(summaries)
    }

    pub(super) async fn limit_neighbours_impl(
        &self,
        user: Option<UserRef<'_>>,
        ip: &str,
        role: Role,
        now: Millis,
    ) -> CoreResult<Vec<LiveSummary>> {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT ");
        query.push(SUMMARY_COLUMNS);
        query.push(" FROM sessions WHERE ended_at IS NULL AND expires_at > ");
        query.push_bind(now);
        query.push(" AND last_ip = ").push_bind(ip.to_owned());
        query.push(" AND role = ").push_bind(role.as_str());
        if let Some(user) = user {
            query.push(" UNION SELECT ").push(SUMMARY_COLUMNS);
            query.push(" FROM sessions WHERE ended_at IS NULL AND expires_at > ");
            query.push_bind(now).push(" AND ");
            push_user(&mut query, user);
        }
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub(super) async fn recent_ips_impl(
        &self,
        user: UserRef<'_>,
        since: Millis,
    ) -> CoreResult<Vec<String>> {
        let mut query = QueryBuilder::<Sqlite>::new("");
        for (index, column) in ["first_ip", "last_ip"].into_iter().enumerate() {
            if index > 0 {
                query.push(" UNION ");
            }
            query.push(format_args!("SELECT {column} AS ip FROM sessions WHERE "));
            push_user(&mut query, user);
            query
                .push(" AND (ended_at IS NULL OR ended_at >= ")
                .push_bind(since)
                .push(")");
        }
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| Ok(row.try_get::<String, _>("ip")?))
            .collect()
    }

    pub(super) async fn cap_expiry_impl(&self, role: Role, lifetime: Millis) -> CoreResult<u64> {
        let done = sqlx::query(
            "UPDATE sessions SET expires_at = created_at + ?1 \
             WHERE ended_at IS NULL AND role = ?2 AND expires_at > created_at + ?1",
        )
        .bind(lifetime)
        .bind(role.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub(super) async fn purge_history_impl(&self, cutoffs: &[(Role, Millis)]) -> CoreResult<u64> {
        let mut purged = 0;
        for (role, cutoff) in cutoffs {
            let done = sqlx::query(
                "DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ? AND role = ?",
            )
            .bind(cutoff)
            .bind(role.as_str())
            .execute(&self.pool)
            .await?;
            purged += done.rows_affected();
        }
        Ok(purged)
    }

    pub(super) async fn history_impl(&self, query: &HistoryQuery) -> CoreResult<HistoryPage> {
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
        let after = query
            .after
            .as_deref()
            .map(history_cursor::decode)
            .transpose()?;
        let limit = i64::from(query.limit.clamp(1, MAX_PAGE_SIZE));

        let mut select =
            QueryBuilder::<Sqlite>::new(format!("SELECT {SESSION_COLUMNS} FROM sessions"));
        push_history_filter(&mut select, query);
        if let Some((at, id)) = &after {
            select
                .push(" AND (ended_at, id) < (")
                .push_bind(*at)
                .push(", ")
                .push_bind(id.clone())
                .push(")");
        }
        select
            .push(" ORDER BY ended_at DESC, id DESC LIMIT ")
            .push_bind(limit + 1);
        let rows = select.build().fetch_all(&self.pool).await?;
        let mut sessions = rows
            .iter()
            .map(session_from_row)
            .collect::<CoreResult<Vec<_>>>()?;
        let more = sessions.len() as i64 > limit;
        sessions.truncate(limit as usize);
        let next = if more {
            sessions
                .last()
                .map(|last| history_cursor::encode(last.ended_at.unwrap_or_default(), &last.id))
        } else {
            None
        };

        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM sessions");
        push_history_filter(&mut count, query);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(HistoryPage {
            sessions,
            total,
            next,
        })
    }

    pub(super) async fn facets_impl(&self, now: Millis) -> CoreResult<Facets> {
        // One scan for all four dimensions (`+expires_at`: a sequential scan, see
        // `push_live_filter`); the few combinations are summed up here.
        let rows = sqlx::query(
            "SELECT application, role, status, COALESCE(country, '') AS country, COUNT(*) AS n FROM sessions \
             WHERE ended_at IS NULL AND +expires_at > ? GROUP BY 1, 2, 3, 4",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let mut applications: HashMap<String, i64> = HashMap::new();
        let mut roles: HashMap<Role, i64> = HashMap::new();
        let mut statuses: HashMap<&'static str, (SessionStatus, i64)> = HashMap::new();
        let mut countries: HashMap<String, i64> = HashMap::new();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            *applications.entry(row.try_get("application")?).or_default() += n;
            *roles.entry(parse_role(row.try_get("role")?)?).or_default() += n;
            if let Some(status) = SessionStatus::parse(row.try_get("status")?) {
                statuses.entry(status.as_str()).or_insert((status, 0)).1 += n;
            }
            *countries.entry(row.try_get("country")?).or_default() += n;
        }
        let mut facets = Facets {
            applications: applications.into_iter().collect(),
            roles: roles.into_iter().collect(),
            statuses: statuses.into_values().collect(),
            countries: countries.into_iter().collect(),
        };
        facets.sort();
        Ok(facets)
    }
}

fn push_history_filter(query: &mut QueryBuilder<Sqlite>, history: &HistoryQuery) {
    query.push(" WHERE ended_at IS NOT NULL");
    let user = history.user.trim();
    if !user.is_empty() {
        let escaped = user
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query
            .push(" AND username LIKE ")
            .push_bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
    }
    if let Some(reason) = history.reason {
        query.push(" AND end_reason = ").push_bind(reason.as_str());
    }
    if let Some(from) = history.from {
        query.push(" AND ended_at >= ").push_bind(from);
    }
    if let Some(until) = history.until {
        query.push(" AND ended_at < ").push_bind(until);
    }
}

fn summary_from_row(row: &SqliteRow) -> CoreResult<LiveSummary> {
    let username: String = row.try_get("username")?;
    Ok(LiveSummary {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        external_user: row
            .try_get::<Option<String>, _>("external_user_id")?
            .map(|id| LiveSummary::external_user_key(row.get("application"), &id)),
        username: (!username.is_empty()).then_some(username),
        role: parse_role(row.try_get("role")?)?,
        ip: row.try_get("last_ip")?,
        country: row.try_get("country")?,
        device: DeviceClass::parse(row.try_get("device")?),
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// `user_id = ?`, or the application and its own id of the user for API sessions.
fn push_user(query: &mut QueryBuilder<Sqlite>, user: UserRef<'_>) {
    match user {
        UserRef::Account(id) => {
            query.push("user_id = ").push_bind(id);
        }
        UserRef::External { application, id } => {
            query
                .push("application = ")
                .push_bind(application.to_owned())
                .push(" AND external_user_id = ")
                .push_bind(id.to_owned());
        }
    }
}

fn one_user(rows_affected: u64) -> CoreResult<()> {
    if rows_affected == 0 {
        return Err(CoreError::NotFound("No such user.".into()));
    }
    Ok(())
}
