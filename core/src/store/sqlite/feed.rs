//! SQLite has no notifications between processes: instances poll the end log.

use super::SqliteStore;
use crate::error::CoreResult;
use crate::store::{EndFeed, EndFeedStore};

#[async_trait::async_trait]
impl EndFeedStore for SqliteStore {
    async fn end_feed(&self) -> CoreResult<Option<EndFeed>> {
        Ok(None)
    }
}
