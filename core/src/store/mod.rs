//! Persistence, split by ability: sessions, accounts, policy and history, applications,
//! analytics rollups, leadership among instances and how far each has read the end log
//! (`traits.rs`). Each backend implements every ability in its own folder and carries
//! SQL only: paging, filters and row mapping are shared (`paging`, `query`, `rows`),
//! validation, defaults and messages live in the engine. Callers hold an
//! `Arc<dyn Store>` and never know which database is underneath; `open` picks the
//! backend from the URL scheme. Every backend must pass `store::conformance`.

mod backend;
#[cfg(test)]
mod conformance;
mod cursor;
mod history_cursor;
mod options;
mod paging;
mod postgres;
mod query;
mod rows;
mod sqlite;
mod traits;
mod types;

pub use cursor::Cursor;
pub use options::{redact_password, StoreOptions};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::{
    AccountStore, ApplicationStore, EndFeed, EndFeedStore, InstanceStore, LeaderStore, PolicyStore,
    RollupStore, SessionStore, Store,
};
pub use types::*;

use crate::error::{CoreError, CoreResult};
use std::str::FromStr;
use std::sync::Arc;

pub type SharedStore = Arc<dyn Store>;

/// The file a `sqlite:` URL names, so a caller can tell whether the database exists
/// before opening creates it. `None` for other URLs and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .ok()
        .map(|options| options.get_filename().to_path_buf())
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// Opens the store named by `url`, creating and migrating it as needed.
pub async fn open(url: &str, options: &StoreOptions) -> CoreResult<SharedStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, options).await?))
    } else if is_postgres_url(url) {
        Ok(Arc::new(PgStore::open(url, options).await?))
    } else {
        Err(CoreError::invalid(format!(
            "Unsupported database URL {:?}: expected sqlite://PATH or postgres://…",
            options::redact_password(url)
        )))
    }
}
