//! SQLite: one file on one machine, so every process on it leads. The sweep's
//! statements only end what is still live and past its deadline, so the server and a
//! CLI command sweeping at once do the same work twice at worst, as they always have.

use super::SqliteStore;
use crate::error::CoreResult;
use crate::store::LeaderStore;

#[async_trait::async_trait]
impl LeaderStore for SqliteStore {
    async fn lead(&self) -> CoreResult<bool> {
        Ok(true)
    }
}
