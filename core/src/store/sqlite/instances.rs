//! SQLite: the SQL of instances and how far each has applied the end log. The server
//! and the CLI on one file are the "instances" here: a CLI kill waits for the server.

use super::SqliteStore;
use crate::store::backend::instances::{impl_instance_store, InstanceSql};
use sqlx::Sqlite;

/// The database's clock in ms (`julianday` rather than `unixepoch('subsec')`, which
/// needs SQLite 3.42).
macro_rules! db_now_ms {
    () => {
        "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
    };
}

impl InstanceSql for Sqlite {
    const REPORT: &'static str = concat!(
        "INSERT INTO instances (id, applied_end_seq, heartbeat_at) VALUES (?, ?, ",
        db_now_ms!(),
        ") ON CONFLICT (id) DO UPDATE SET \
         applied_end_seq = MAX(instances.applied_end_seq, excluded.applied_end_seq), \
         heartbeat_at = excluded.heartbeat_at"
    );
    const BEHIND: &'static str = concat!(
        "SELECT COUNT(*) FROM instances WHERE applied_end_seq < ? AND heartbeat_at > ",
        db_now_ms!(),
        " - ?"
    );
    const LEAVE: &'static str = "DELETE FROM instances WHERE id = ?";
    const FORGET_SILENT: &'static str = concat!(
        "DELETE FROM instances WHERE heartbeat_at <= ",
        db_now_ms!(),
        " - ?"
    );
}

impl_instance_store!(SqliteStore, Sqlite);
