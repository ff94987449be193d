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

/// Live at some time in [since, until): created before `until`, not ended (nor past
/// its expiry) before `since`.
macro_rules! live_during {
    () => {
        "created_at < $1 AND (ended_at > $2 OR (ended_at IS NULL AND expires_at > $3))"
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
        " AND application = $4"
    );
    const APP_USERS: &'static str =
        "SELECT COUNT(DISTINCT application || chr(31) || external_user_id) \
         FROM sessions WHERE external_user_id IS NOT NULL AND created_at < $1";
    const APP_USERS_OF_APP: &'static str = "SELECT COUNT(DISTINCT external_user_id) \
         FROM sessions WHERE external_user_id IS NOT NULL AND created_at < $1 AND application = $2";
}

impl_rollup_store!(PgStore, Postgres);
