//! SQLite: the SQL of sessions and their ends.

use super::SqliteStore;
use crate::store::backend::sessions::{impl_session_store, SessionSql};
use crate::store::rows::session_columns;
use sqlx::Sqlite;

impl SessionSql for Sqlite {
    const INSERT: &'static str = concat!(
        "INSERT INTO sessions (id, token_hash, application, user_id, external_user_id, username, status, role, \
         first_ip, last_ip, user_agent, browser, browser_version, os, device, country, created_at, \
         last_seen_at, expires_at, flags, create_seq) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
        session_columns!()
    );
    const BY_TOKEN: &'static str = concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE token_hash = ?"
    );
    const BY_ID: &'static str =
        concat!("SELECT ", session_columns!(), " FROM sessions WHERE id = ?");
    const NEXT_END_SEQ: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'end_seq' RETURNING value";
    const TOUCH: &'static str =
        "UPDATE sessions SET last_seen_at = MAX(last_seen_at, ?), last_ip = ? WHERE id = ? AND ended_at IS NULL";
    const ENDS_SINCE: &'static str = concat!(
        "SELECT end_seq, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq > ? ORDER BY end_seq LIMIT ?"
    );
    const CHANGES_SINCE: &'static str = concat!(
        "SELECT create_seq AS seq, 'created' AS kind, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE create_seq > ?1 UNION ALL SELECT end_seq, 'ended', token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq > ?1 AND end_seq NOT IN (SELECT value FROM json_each(?3)) \
         ORDER BY seq LIMIT ?2"
    );
    const CHANGES_AT: &'static str = concat!(
        "SELECT create_seq AS seq, 'created' AS kind, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE create_seq = ?1 UNION ALL SELECT end_seq, 'ended', token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq = ?1"
    );
    const LATEST_END_SEQ: &'static str = "SELECT value FROM counters WHERE name = 'end_seq'";
    const ENDED_AS_JSON: Option<&'static str> = Some(concat!(
        "SELECT json_group_array(json_array(",
        session_columns!(),
        ")) FROM sessions WHERE end_seq = ?"
    ));
    /// SQLite has no notifications: readers poll the end log.
    const ANNOUNCE_END: Option<&'static str> = None;
}

impl_session_store!(SqliteStore, Sqlite);
