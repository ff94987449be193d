//! SQLite: the SQL of the analytics rollups. A user is an account id or an
//! application's own id of its user (guests have neither and are not users).

use super::SqliteStore;
use crate::store::backend::rollups::{impl_rollup_store, RollupSql};
use sqlx::Sqlite;

/// Who a session's user is, one text per user across accounts and applications.
macro_rules! user_key {
    () => {
        "COALESCE('#' || user_id, application || char(31) || external_user_id)"
    };
}

/// Live at some time in [since, until): created before `until`, not ended (nor past
/// its expiry) before `since`.
macro_rules! live_during {
    () => {
        "created_at < ? AND (ended_at > ? OR (ended_at IS NULL AND expires_at > ?))"
    };
}

impl RollupSql for Sqlite {
    const ADD: &'static str = "INSERT INTO rollups (hour, application, metric, dimension, value) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, application, metric, dimension) \
         DO UPDATE SET value = rollups.value + excluded.value";
    const MAX: &'static str = "INSERT INTO rollups (hour, application, metric, dimension, value) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, application, metric, dimension) \
         DO UPDATE SET value = max(rollups.value, excluded.value)";
    const IN_RANGE: &'static str = "SELECT hour, application, metric, dimension, value \
         FROM rollups WHERE hour >= ? AND hour < ?";
    const IN_RANGE_OF_APP: &'static str = "SELECT hour, application, metric, dimension, value \
         FROM rollups WHERE hour >= ? AND hour < ? AND application = ?";
    const PURGE: &'static str = "DELETE FROM rollups WHERE hour < ?";
    const ACTIVE_USERS: &'static str = concat!(
        "SELECT COUNT(DISTINCT ",
        user_key!(),
        ") FROM sessions WHERE ",
        live_during!()
    );
    const ACTIVE_USERS_OF_APP: &'static str = concat!(
        "SELECT COUNT(DISTINCT ",
        user_key!(),
        ") FROM sessions WHERE ",
        live_during!(),
        " AND application = ?"
    );
    const APP_USERS: &'static str =
        "SELECT COUNT(DISTINCT application || char(31) || external_user_id) \
         FROM sessions WHERE external_user_id IS NOT NULL AND created_at < ?";
    const APP_USERS_OF_APP: &'static str = "SELECT COUNT(DISTINCT external_user_id) \
         FROM sessions WHERE external_user_id IS NOT NULL AND created_at < ? AND application = ?";
}

impl_rollup_store!(SqliteStore, Sqlite);
