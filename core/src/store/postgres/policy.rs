//! PostgreSQL: the SQL of the session policy, what it judges and the filter chips.

use super::PgStore;
use crate::store::backend::policy::{impl_policy_store, PolicySql, SummaryRead};
use crate::store::rows::summary_columns;
use sqlx::Postgres;

impl PolicySql for Postgres {
    const LOAD_SETTINGS: &'static str = "SELECT scope, key, value FROM settings";
    const SETTING_VALUE: &'static str = "SELECT value FROM settings WHERE scope = $1 AND key = $2";
    const UPSERT_SETTING: &'static str = "INSERT INTO settings (scope, key, value, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by";
    const DELETE_SETTING: &'static str = "DELETE FROM settings WHERE scope = $1 AND key = $2";
    const INSERT_CHANGE: &'static str =
        "INSERT INTO settings_changes (at, actor, scope, key, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, at, actor, scope, key, old_value, new_value";
    const BUMP_SETTINGS_VERSION: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'settings_version'";
    const SETTINGS_VERSION: &'static str =
        "SELECT value FROM counters WHERE name = 'settings_version'";
    const CHANGES: &'static str =
        "SELECT id, at, actor, scope, key, old_value, new_value FROM settings_changes \
         WHERE id < COALESCE($1, 9223372036854775807) ORDER BY id DESC LIMIT $2";
    /// PostgreSQL streams rows well.
    const LIVE_SUMMARIES: SummaryRead = SummaryRead::Streamed(concat!(
        "SELECT ",
        summary_columns!(),
        " FROM sessions WHERE ended_at IS NULL AND expires_at > $1 \
         AND (role = 'admin' AND (created_at <= $2 OR last_seen_at <= $3) \
           OR role = 'user' AND (created_at <= $4 OR last_seen_at <= $5))"
    ));
    /// Its indexes are kept by each end.
    const TIDY: &'static [&'static str] = &[];
    const CAP_EXPIRY: &'static str = "UPDATE sessions SET expires_at = created_at + $1 \
         WHERE ended_at IS NULL AND role = $2 AND expires_at > created_at + $1";
    const PURGE: &'static str =
        "DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < $1 AND role = $2";
    const LIVE_GROUPS: &'static str =
        "SELECT application, role, status, COALESCE(country, '') AS country, COUNT(*) AS n \
         FROM sessions WHERE ended_at IS NULL AND expires_at > $1 GROUP BY 1, 2, 3, 4";
}

impl_policy_store!(PgStore, Postgres);
