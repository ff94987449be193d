//! PostgreSQL: the SQL of the analytics rollups. Several instances add to the same
//! row: `ON CONFLICT ... DO UPDATE` takes the row lock, so concurrent adds serialise
//! and none is lost. A user is an account id or an application's own id of its user.

use super::PgStore;
use crate::store::backend::rollups::{impl_rollup_store, RollupSql};
use sqlx::Postgres;

macro_rules! user_key {
    () => {
        "COALESCE('#' || user_id::TEXT, application || chr(31) || external_user_id)"
    };
}

/// The user of every session live at some time in [since, until): created before
/// `until` and not ended (nor, if live, expired) by `since`. Two halves so that each
/// reads its own index (ended sessions by end time, live ones by expiry) instead of the
/// whole table; UNION keeps each user once, and guests (no user) are dropped after.
macro_rules! users_live_during {
    ($also:literal) => {
        concat!(
            "SELECT COUNT(*) FROM (SELECT ",
            user_key!(),
            " AS who FROM sessions WHERE ended_at > $2 AND created_at < $1",
            $also,
            " UNION SELECT ",
            user_key!(),
            " FROM sessions WHERE ended_at IS NULL AND expires_at > $3 AND created_at < $1",
            $also,
            ") AS live WHERE who IS NOT NULL"
        )
    };
}

impl RollupSql for Postgres {
    const ADD: &'static str = "INSERT INTO rollups (hour, application, metric, dimension, value) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hour, application, metric, dimension) \
         DO UPDATE SET value = rollups.value + excluded.value";
    const MAX: &'static str = "INSERT INTO rollups (hour, application, metric, dimension, value) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hour, application, metric, dimension) \
         DO UPDATE SET value = GREATEST(rollups.value, excluded.value)";
    const IN_RANGE: &'static str = "SELECT hour, application, metric, dimension, value \
         FROM rollups WHERE hour >= $1 AND hour < $2";
    const IN_RANGE_OF_APP: &'static str = "SELECT hour, application, metric, dimension, value \
         FROM rollups WHERE hour >= $1 AND hour < $2 AND application = $3";
    const PURGE: &'static str = "DELETE FROM rollups WHERE hour < $1";
    const ACTIVE_USERS: &'static str = users_live_during!("");
    const ACTIVE_USERS_OF_APP: &'static str = users_live_during!(" AND application = $4");
    // Grouped in the order of the index sessions_app_users, which covers the query.
    const APP_USERS: &'static str = "SELECT COUNT(*) FROM (SELECT 1 FROM sessions \
         WHERE external_user_id IS NOT NULL AND created_at < $1 \
         GROUP BY application, external_user_id) AS known";
    const APP_USERS_OF_APP: &'static str = "SELECT COUNT(*) FROM (SELECT 1 FROM sessions \
         WHERE external_user_id IS NOT NULL AND created_at < $1 AND application = $2 \
         GROUP BY external_user_id) AS known";
}

impl_rollup_store!(PgStore, Postgres);
