//! PostgreSQL: the SQL of instances and how far each has applied the end log.

use super::PgStore;
use crate::store::backend::instances::{impl_instance_store, InstanceSql};
use sqlx::Postgres;

/// The database's clock in ms; `clock_timestamp()`, not `now()`, which stands still
/// for a transaction.
macro_rules! db_now_ms {
    () => {
        "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT"
    };
}

impl InstanceSql for Postgres {
    const REPORT: &'static str = concat!(
        "INSERT INTO instances (id, applied_end_seq, heartbeat_at) VALUES ($1, $2, ",
        db_now_ms!(),
        ") ON CONFLICT (id) DO UPDATE SET \
         applied_end_seq = GREATEST(instances.applied_end_seq, excluded.applied_end_seq), \
         heartbeat_at = excluded.heartbeat_at"
    );
    const BEHIND: &'static str = concat!(
        "SELECT COUNT(*) FROM instances WHERE applied_end_seq < $1 AND heartbeat_at > ",
        db_now_ms!(),
        " - $2"
    );
    const LEAVE: &'static str = "DELETE FROM instances WHERE id = $1";
    const FORGET_SILENT: &'static str = concat!(
        "DELETE FROM instances WHERE heartbeat_at <= ",
        db_now_ms!(),
        " - $1"
    );
}

impl_instance_store!(PgStore, Postgres);
