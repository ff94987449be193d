//! This instance among others: whether it can serve (readiness, for load balancers)
//! and whether it is the one that runs the once-per-cluster background work.

use super::Engine;
use crate::error::CoreResult;
use std::sync::atomic::Ordering;

impl Engine {
    /// Reads one row of a real table rather than `SELECT 1`: a connection that answers
    /// over a database missing its schema (or a SQLite file swapped underneath) is no
    /// more able to check sessions than one that does not answer at all.
    pub async fn ping_database(&self) -> CoreResult<()> {
        self.store.latest_end_seq().await.map(drop)
    }

    /// One tick of the sweeper. The leader ends and purges for every instance (the ends
    /// reach the others through the end log); every instance forgets what expired from
    /// its own memory.
    pub async fn sweep_tick(&self) -> CoreResult<()> {
        if self.lead_background_work().await {
            self.forget_dead_instances().await;
            self.sweep().await.map(drop)
        } else {
            self.cache.drop_expired(self.now());
            Ok(())
        }
    }

    /// Whether this instance runs the once-per-cluster work now (the store decides:
    /// an advisory lock on PostgreSQL, always on SQLite). A store that cannot say is a
    /// "no": the work waits for a leader that can reach the database.
    pub async fn lead_background_work(&self) -> bool {
        let leading = match self.store.lead().await {
            Ok(leading) => leading,
            Err(err) => {
                tracing::warn!(error = %err, "cannot tell whether this instance leads the background work; leaving it this tick");
                false
            }
        };
        if self.leading.swap(leading, Ordering::Relaxed) != leading {
            if leading {
                tracing::info!("this instance now runs the sweep and history purge");
            } else {
                tracing::info!("another instance runs the sweep and history purge now");
            }
        }
        leading
    }

    /// Whether this instance led at the last sweep tick.
    pub fn leads_background_work(&self) -> bool {
        self.leading.load(Ordering::Relaxed)
    }
}
