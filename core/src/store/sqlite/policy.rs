//! SQLite: the SQL of the session policy, what it judges and the filter chips.

use super::SqliteStore;
use crate::store::backend::policy::{impl_policy_store, PolicySql, SummaryRead};
use crate::store::rows::summary_columns;
use sqlx::Sqlite;

impl PolicySql for Sqlite {
    const LOAD_SETTINGS: &'static str = "SELECT scope, key, value FROM settings";
    const SETTING_VALUE: &'static str = "SELECT value FROM settings WHERE scope = ? AND key = ?";
    const UPSERT_SETTING: &'static str =
        "INSERT INTO settings (scope, key, value, updated_at, updated_by) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by";
    const DELETE_SETTING: &'static str = "DELETE FROM settings WHERE scope = ? AND key = ?";
    const INSERT_CHANGE: &'static str =
        "INSERT INTO settings_changes (at, actor, scope, key, old_value, new_value) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id, at, actor, scope, key, old_value, new_value";
    const BUMP_SETTINGS_VERSION: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'settings_version'";
    const SETTINGS_VERSION: &'static str =
        "SELECT value FROM counters WHERE name = 'settings_version'";
    const CHANGES: &'static str =
        "SELECT id, at, actor, scope, key, old_value, new_value FROM settings_changes \
         WHERE id < COALESCE(?, 9223372036854775807) ORDER BY id DESC LIMIT ?";
    /// Sessions ended since the last tidy leave the search index (migration 0010):
    /// every number up to the counter has committed (SQLite has one writer at a time).
    const TIDY: &'static [&'static str] = &[
        "INSERT INTO sessions_search (sessions_search, rowid, who, application, ip, id) \
         SELECT 'delete', rowid, iif(username = '', 'guest', username), application, last_ip, id \
         FROM sessions \
         WHERE end_seq > (SELECT value FROM counters WHERE name = 'search_tidied_seq')",
        "UPDATE counters SET value = (SELECT value FROM counters WHERE name = 'end_seq') \
         WHERE name = 'search_tidied_seq'",
    ];
    // `+expires_at`: a sequential scan (see `store::query::push_live_filter`).
    const LIVE_SUMMARIES: SummaryRead = SummaryRead::JsonChunks {
        bounds: "SELECT min(rowid), max(rowid) FROM sessions",
        chunk: concat!(
            "SELECT json_group_array(json_array(",
            summary_columns!(),
            ")), max(row) FROM (SELECT rowid AS row, ",
            summary_columns!(),
            " FROM sessions WHERE ended_at IS NULL AND +expires_at > ?1 \
             AND rowid > ?2 AND rowid <= ?3 \
             AND (role = 'admin' AND (created_at <= ?5 OR last_seen_at <= ?6) \
               OR role = 'user' AND (created_at <= ?7 OR last_seen_at <= ?8)) \
             ORDER BY rowid LIMIT ?4)"
        ),
    };
    const CAP_EXPIRY: &'static str = "UPDATE sessions SET expires_at = created_at + ?1 \
         WHERE ended_at IS NULL AND role = ?2 AND expires_at > created_at + ?1";
    const PURGE: &'static str =
        "DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ? AND role = ?";
    // One scan for all four dimensions; the engine keeps the few combinations in memory.
    const LIVE_GROUPS: &'static str =
        "SELECT application, role, status, COALESCE(country, '') AS country, COUNT(*) AS n \
         FROM sessions WHERE ended_at IS NULL AND +expires_at > ? GROUP BY 1, 2, 3, 4";
}

impl_policy_store!(SqliteStore, Sqlite);
