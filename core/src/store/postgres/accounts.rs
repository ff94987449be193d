//! PostgreSQL: the SQL of accounts. User names are unique and found ignoring case
//! through `lower(username)` (a unique index), as SQLite's `COLLATE NOCASE` does.

use super::PgStore;
use crate::store::backend::accounts::{impl_account_store, AccountSql};
use crate::store::rows::user_columns;
use sqlx::Postgres;

impl AccountSql for Postgres {
    const INSERT: &'static str = concat!(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING ",
        user_columns!()
    );
    const CREDENTIALS_BY_NAME: &'static str = concat!(
        "SELECT ",
        user_columns!(),
        ", password_hash FROM users WHERE lower(username) = lower($1)"
    );
    const BY_NAME: &'static str = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE lower(username) = lower($1)"
    );
    const BY_ID: &'static str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
    const COUNT: &'static str = "SELECT COUNT(*) FROM users";
    const LIST: &'static str = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users ORDER BY lower(username), username"
    );
    const SET_PASSWORD: &'static str = "UPDATE users SET password_hash = $1 WHERE id = $2";
    const SET_DISABLED: &'static str = "UPDATE users SET disabled = $1 WHERE id = $2";
    const DELETE: &'static str = "DELETE FROM users WHERE id = $1";
}

impl_account_store!(PgStore, Postgres);
