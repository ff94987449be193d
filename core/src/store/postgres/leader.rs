//! PostgreSQL: the lead is a session-level advisory lock held on a connection of its
//! own, outside the pool (a pooled connection is shared, and the lock would go with
//! whichever request used it last). PostgreSQL frees the lock when that connection
//! ends: at once when the holding process dies, after TCP keepalive when its host
//! vanishes. Instances that do not lead retry on every sweep tick and take over then.
//!
//! The lock saves work, it does not guard correctness: a leader cut off from the
//! database may sweep once more while another has taken over, and the sweep's
//! statements only end what is still live and past its deadline.

use super::PgStore;
use crate::error::CoreResult;
use crate::store::LeaderStore;
use sqlx::{Connection, PgConnection};

/// The lock's key: "SESSIONS" in ASCII. Advisory locks are per database, so
/// deployments on other databases of the same server do not contend.
const LEADER_LOCK: i64 = 0x5345_5353_494f_4e53;
const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
/// A holder only checks that its connection (hence its lock) is still there: asking
/// for the lock again would stack another hold on it, released only with the session.
const STILL_THERE: &str = "SELECT 1";

#[derive(Default)]
pub(super) struct LeaderConnection(tokio::sync::Mutex<Option<Held>>);

struct Held {
    connection: PgConnection,
    leading: bool,
}

#[async_trait::async_trait]
impl LeaderStore for PgStore {
    async fn lead(&self) -> CoreResult<bool> {
        let mut slot = self.leader.0.lock().await;
        let mut held = match slot.take() {
            Some(held) => held,
            None => Held {
                connection: PgConnection::connect_with(&self.connect).await?,
                leading: false,
            },
        };
        let answer = if held.leading {
            sqlx::query(STILL_THERE)
                .execute(&mut held.connection)
                .await
                .map(|_| true)
        } else {
            sqlx::query_scalar(TRY_LOCK)
                .bind(LEADER_LOCK)
                .fetch_one(&mut held.connection)
                .await
        };
        // On an error the connection is dropped here, and the lock with it if it was
        // ours: the next call starts over on a new connection.
        held.leading = answer?;
        let leading = held.leading;
        *slot = Some(held);
        Ok(leading)
    }
}
