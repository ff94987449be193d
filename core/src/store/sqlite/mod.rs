//! The embedded default backend: one SQLite file in WAL mode behind one pool.
//!
//! `synchronous = FULL` makes every commit durable before it is acknowledged, so an
//! acknowledged revocation survives SIGKILL and power loss alike. The price is an
//! fsync per commit, paid only on writes: the check path never writes here.

mod accounts;
mod applications;
mod feed;
mod instances;
mod leader;
mod policy;
mod rollups;
mod sessions;
#[cfg(test)]
mod write_lock_tests;

use super::options::StoreOptions;
use super::query::Dialect;
use crate::error::{CoreError, CoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn open(url: &str, options: &StoreOptions) -> CoreResult<SqliteStore> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|err| CoreError::invalid(format!("Bad SQLite URL {url:?}: {err}")))?;
        if let Some(parent) = connect.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|err| {
                    CoreError::invalid(format!(
                        "Cannot create the folder {}: {err}",
                        parent.display()
                    ))
                })?;
            }
        }
        let connect = connect
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(8))
            .connect_with(connect)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

impl Dialect for Sqlite {
    // SQLite's LIKE ignores ASCII case already.
    const ILIKE: &'static str = "LIKE";
    // The unary `+` keeps SQLite from using the index on the column.
    const NO_INDEX: &'static str = "+";

    fn bind_int(query: &mut QueryBuilder<Self>, value: i64) {
        query.push_bind(value);
    }

    fn bind_text(query: &mut QueryBuilder<Self>, value: String) {
        query.push_bind(value);
    }

    fn push_in(query: &mut QueryBuilder<Self>, column: &str, ids: &[String], negate: bool) {
        // One JSON parameter, whatever the number of ids (SQLite limits parameters).
        let not = if negate { "NOT " } else { "" };
        query.push(format_args!(
            "{column} {not}IN (SELECT value FROM json_each("
        ));
        query.push_bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
        query.push("))");
    }
}
