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
            // A bulk end (kill all, a lowered limit) changes every live index of
            // 100,000 rows in one transaction; spilling its dirty pages to the WAL
            // before the commit tripled the kernel time of that write (sqlite3 shell,
            // 100k rows: 3.2 s with spilling, 2.0 s without). The pages are held only
            // until the commit.
            .pragma("cache_spill", "OFF")
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

    fn push_trigram_filter(query: &mut QueryBuilder<Self>, term: &str) {
        // `sessions_search` (migrations 0009, 0010) holds every live session under its
        // rowid, and ended ones until the sweep tidies it (the query keeps live rows);
        // a phrase of the trigram tokenizer matches where the term occurs as a
        // substring, ignoring case. In a query string, a phrase is quoted with `"`,
        // which doubles inside it; every other character is taken literally.
        query.push(" AND rowid IN (SELECT rowid FROM sessions_search WHERE sessions_search MATCH ");
        query.push_bind(format!("\"{}\"", term.replace('"', "\"\"")));
        query.push(")");
    }
}

#[cfg(test)]
mod connection_tests {
    use super::*;

    /// Every pooled connection gets the settings `open` chose, the bulk-end one too.
    #[tokio::test]
    async fn connections_are_durable_and_keep_a_bulk_write_in_memory_until_its_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = SqliteStore::open(&url, &StoreOptions::default())
            .await
            .expect("open");
        let cache_spill: i64 = sqlx::query_scalar("PRAGMA cache_spill")
            .fetch_one(&store.pool)
            .await
            .expect("cache_spill");
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&store.pool)
            .await
            .expect("synchronous");
        assert_eq!(cache_spill, 0, "cache_spill");
        assert_eq!(synchronous, 2, "synchronous = FULL");
    }

    /// Ends leave the search index to the tidy before each purge; a session deleted
    /// before the tidy leaves it through its trigger, and the tidy does not take it
    /// out a second time (a contentless index must be told each removal once).
    #[tokio::test]
    async fn the_search_index_is_tidied_after_ends_once_per_session() {
        use crate::model::Role;
        use crate::store::conformance::{killed, new_session};
        use crate::store::{EndSelector, PolicyStore, Scope, SessionStore};

        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = SqliteStore::open(&url, &StoreOptions::default())
            .await
            .expect("open");
        let mut ids = Vec::new();
        for n in 0..4 {
            let session = store
                .insert_session(new_session(None, &format!("10.9.9.{n}"), "console", n))
                .await
                .expect("insert");
            ids.push(session.id);
        }
        let indexed = |term: &'static str| {
            let pool = store.pool.clone();
            async move {
                let found: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM sessions_search WHERE sessions_search MATCH ?",
                )
                .bind(format!("\"{term}\""))
                .fetch_one(&pool)
                .await
                .expect("match");
                found
            }
        };
        let end = |ids: Vec<String>| EndSelector::Ids {
            ids,
            scope: Scope::Everyone,
        };
        store
            .end_sessions(&end(vec![ids[0].clone(), ids[1].clone()]), &killed(10))
            .await
            .expect("end");
        store
            .end_sessions(&end(vec![ids[2].clone()]), &killed(11))
            .await
            .expect("end");
        assert_eq!(indexed("10.9.9.").await, 4, "ends leave the index alone");
        // Deleted before any tidy: its trigger takes it out.
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(&ids[0])
            .execute(&store.pool)
            .await
            .expect("delete");
        assert_eq!(indexed("10.9.9.").await, 3);

        let nothing_to_purge = [(Role::User, 0), (Role::Admin, 0)];
        store.purge_history(&nothing_to_purge).await.expect("tidy");
        assert_eq!(indexed("10.9.9.").await, 1, "only the live one is left");
        assert_eq!(indexed("10.9.9.3").await, 1);
        store
            .purge_history(&nothing_to_purge)
            .await
            .expect("tidy again");
        assert_eq!(
            indexed("10.9.9.").await,
            1,
            "a second tidy takes nothing more"
        );

        // A tidied ended session is purged without touching the index.
        store
            .purge_history(&[(Role::User, 1_000), (Role::Admin, 1_000)])
            .await
            .expect("purge");
        assert_eq!(indexed("10.9.9.").await, 1);
        sqlx::query("INSERT INTO sessions_search (sessions_search) VALUES ('integrity-check')")
            .execute(&store.pool)
            .await
            .expect("the index is consistent");
    }
}
