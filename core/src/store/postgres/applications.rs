//! PostgreSQL: the SQL of applications and their keys. Names are unique ignoring case
//! through `lower(name)` (a unique index). `0::BIGINT`: the live count is 64-bit.

use super::PgStore;
use crate::store::backend::applications::{impl_application_store, ApplicationSql};
use crate::store::rows::app_columns;
use sqlx::Postgres;

impl ApplicationSql for Postgres {
    const INSERT: &'static str = concat!(
        "INSERT INTO applications (name, key_hash, key_prefix, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING ",
        app_columns!(),
        ", 0::BIGINT AS live"
    );
    const BY_KEY: &'static str = concat!(
        "SELECT ",
        app_columns!(),
        ", 0::BIGINT AS live FROM applications WHERE key_hash = $1"
    );
    const LIST: &'static str = concat!(
        "SELECT ",
        app_columns!(),
        ", (SELECT COUNT(*) FROM sessions s WHERE s.application = a.name \
         AND s.ended_at IS NULL AND s.expires_at > $1) AS live \
         FROM applications a ORDER BY created_at, id"
    );
    const REVOKE: &'static str = concat!(
        "UPDATE applications SET revoked_at = $1, revoked_by = $2 \
         WHERE lower(name) = lower($3) AND revoked_at IS NULL RETURNING ",
        app_columns!(),
        ", 0::BIGINT AS live"
    );
    const BUMP_VERSION: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'applications_version'";
    const VERSION: &'static str = "SELECT value FROM counters WHERE name = 'applications_version'";
}

impl_application_store!(PgStore, Postgres);
