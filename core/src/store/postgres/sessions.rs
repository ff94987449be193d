//! PostgreSQL: the SQL of sessions and their ends.

use super::PgStore;
use crate::store::backend::sessions::{impl_session_store, SessionSql};
use crate::store::rows::session_columns;
use sqlx::Postgres;

impl SessionSql for Postgres {
    const INSERT: &'static str = concat!(
        "INSERT INTO sessions (id, token_hash, application, user_id, external_user_id, username, status, role, \
         first_ip, last_ip, user_agent, browser, browser_version, os, device, country, created_at, \
         last_seen_at, expires_at, flags, create_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         RETURNING ",
        session_columns!()
    );
    const BY_TOKEN: &'static str = concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE token_hash = $1"
    );
    const BY_ID: &'static str = concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE id = $1"
    );
    const NEXT_END_SEQ: &'static str =
        "UPDATE counters SET value = value + 1 WHERE name = 'end_seq' RETURNING value";
    const TOUCH: &'static str =
        "UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $1), last_ip = $2 \
         WHERE id = $3 AND ended_at IS NULL";
    const ENDS_SINCE: &'static str = concat!(
        "SELECT end_seq, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq > $1 ORDER BY end_seq LIMIT $2"
    );
    const CHANGES_SINCE: &'static str = concat!(
        "SELECT create_seq AS seq, 'created' AS kind, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE create_seq > $1 UNION ALL SELECT end_seq, 'ended', token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq > $1 \
         AND end_seq NOT IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint) \
         ORDER BY seq LIMIT $2"
    );
    const CHANGES_AT: &'static str = concat!(
        "SELECT create_seq AS seq, 'created' AS kind, token_hash, ",
        session_columns!(),
        " FROM sessions WHERE create_seq = $1 UNION ALL SELECT end_seq, 'ended', token_hash, ",
        session_columns!(),
        " FROM sessions WHERE end_seq = $1"
    );
    const LATEST_END_SEQ: &'static str = "SELECT value FROM counters WHERE name = 'end_seq'";
    /// PostgreSQL streams `RETURNING` rows well.
    const ENDED_AS_JSON: Option<&'static str> = None;
    /// Delivered at the commit, on the channel `feed.rs` listens on; the payload is the
    /// sequence number only (a listener re-reads the log from its own last seq anyway).
    const ANNOUNCE_END: Option<&'static str> =
        Some("SELECT pg_notify('sessions_changes', $1::text)");
}

impl_session_store!(PgStore, Postgres);
