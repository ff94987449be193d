//! PostgreSQL: ends are announced with `NOTIFY sessions_changes` in their transaction
//! (`sessions.rs`), delivered at the commit; each instance listens on one connection
//! taken from the pool for good (sqlx's `PgListener`, which reconnects by itself).

use super::PgStore;
use crate::error::CoreResult;
use crate::store::{EndFeed, EndFeedStore};
use futures_util::StreamExt;
use sqlx::postgres::PgListener;

/// The channel `SessionSql::ANNOUNCE_END` notifies.
const CHANNEL: &str = "sessions_changes";

#[async_trait::async_trait]
impl EndFeedStore for PgStore {
    async fn end_feed(&self) -> CoreResult<Option<EndFeed>> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        let wakeups = futures_util::stream::unfold(listener, |mut listener| async move {
            // `Ok(None)`: the connection was lost and is made again (listening again);
            // what was announced meanwhile is gone, so it is a wake-up too.
            let wakeup = listener.try_recv().await.map(drop).map_err(Into::into);
            Some((wakeup, listener))
        });
        Ok(Some(wakeups.boxed()))
    }
}
