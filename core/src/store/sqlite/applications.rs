//! SQLite: the SQL of applications and their keys. Names are `COLLATE NOCASE`.

use super::SqliteStore;
use crate::store::backend::applications::{impl_application_store, ApplicationSql};
use crate::store::rows::app_columns;
use sqlx::Sqlite;

impl ApplicationSql for Sqlite {
    const INSERT: &'static str = concat!(
        "INSERT INTO applications (name, key_hash, key_prefix, created_at, created_by) \
         VALUES (?, ?, ?, ?, ?) RETURNING ",
        app_columns!(),
        ", 0 AS live"
    );
    const BY_KEY: &'static str = concat!(
        "SELECT ",
        app_columns!(),
        ", 0 AS live FROM applications WHERE key_hash = ?"
    );
    const LIST: &'static str = concat!(
        "SELECT ",
        app_columns!(),
        ", (SELECT COUNT(*) FROM sessions s WHERE s.application = a.name \
         AND s.ended_at IS NULL AND s.expires_at > ?) AS live \
         FROM applications a ORDER BY created_at, id"
    );
    const REVOKE: &'static str = concat!(
        "UPDATE applications SET revoked_at = ?, revoked_by = ? WHERE name = ? AND revoked_at IS NULL RETURNING ",
        app_columns!(),
        ", 0 AS live"
    );
    const BUMP_VERSION: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'applications_version'";
    const VERSION: &'static str = "SELECT value FROM counters WHERE name = 'applications_version'";
}

impl_application_store!(SqliteStore, Sqlite);
