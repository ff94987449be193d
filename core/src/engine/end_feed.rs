//! Reading the change log (ends and creations) the moment the store says one was
//! committed (PostgreSQL's `NOTIFY`), rather than at the next poll. The poll stays as
//! the safety net, and the log is always read from this process's last applied
//! sequence, so a lost wake-up or a reconnect costs at most one poll period, never a
//! change.

use super::Engine;
use std::sync::Arc;
use std::time::Duration;

/// How long to wait before listening again after the store could not open the feed or
/// a wait failed (the database is down, say): the poll carries on meanwhile.
const RETRY: Duration = Duration::from_secs(1);

impl Engine {
    /// Follows the store's end feed until the task is aborted; returns at once on a
    /// backend without one.
    pub async fn follow_end_feed(self: Arc<Self>) {
        loop {
            let mut feed = match self.store.end_feed().await {
                Ok(Some(feed)) => feed,
                Ok(None) => return,
                Err(err) => {
                    tracing::warn!(error = %err, "cannot listen for ends; reading the end log by polling only, retrying");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            };
            // What was committed before the listener was up.
            self.apply_logged_changes_or_warn().await;
            while let Some(wakeup) = futures_util::StreamExt::next(&mut feed).await {
                if let Err(err) = wakeup {
                    tracing::warn!(error = %err, "waiting for ends failed; reading the log and listening again");
                    tokio::time::sleep(RETRY).await;
                }
                self.apply_logged_changes_or_warn().await;
            }
        }
    }

    async fn apply_logged_changes_or_warn(&self) {
        if let Err(err) = self.apply_logged_changes().await {
            tracing::warn!(error = %err, "reading the end log failed; the poll retries");
        }
    }
}
