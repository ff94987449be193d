//! SQLite: the SQL of accounts. User names are `COLLATE NOCASE`: unique and found
//! ignoring case by plain `=`.

use super::SqliteStore;
use crate::store::backend::accounts::{impl_account_store, AccountSql};
use crate::store::rows::user_columns;
use sqlx::Sqlite;

impl AccountSql for Sqlite {
    const INSERT: &'static str = concat!(
        "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) RETURNING ",
        user_columns!()
    );
    const CREDENTIALS_BY_NAME: &'static str = concat!(
        "SELECT ",
        user_columns!(),
        ", password_hash FROM users WHERE username = ?"
    );
    const BY_NAME: &'static str =
        concat!("SELECT ", user_columns!(), " FROM users WHERE username = ?");
    const BY_ID: &'static str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?");
    const COUNT: &'static str = "SELECT COUNT(*) FROM users";
    const LIST: &'static str = concat!("SELECT ", user_columns!(), " FROM users ORDER BY username");
    const SET_PASSWORD: &'static str = "UPDATE users SET password_hash = ? WHERE id = ?";
    const SET_DISABLED: &'static str = "UPDATE users SET disabled = ? WHERE id = ?";
    const DELETE: &'static str = "DELETE FROM users WHERE id = ?";
}

impl_account_store!(SqliteStore, Sqlite);
