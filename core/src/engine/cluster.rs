//! This instance among others: whether it can serve (readiness, for load balancers).

use super::Engine;
use crate::error::CoreResult;

impl Engine {
    /// Reads one row of a real table rather than `SELECT 1`: a connection that answers
    /// over a database missing its schema (or a SQLite file swapped underneath) is no
    /// more able to check sessions than one that does not answer at all.
    pub async fn ping_database(&self) -> CoreResult<()> {
        self.store.latest_end_seq().await.map(drop)
    }
}
