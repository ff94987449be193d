//! What every SQL backend shares, written once. Each ability is a trait of SQL
//! statements (`SessionSql`, …) and a macro that implements the ability's store trait
//! for a backend's store type from them: the backend's own files carry SQL only.
//!
//! Macros rather than generics: sqlx's types differ per database, and a generic
//! implementation needs an encode/decode bound for every type of every query; expanded
//! per backend, each is plain concrete sqlx code. The expansion needs the store type
//! to have a `pool` field of that backend's pool type.

pub mod accounts;
pub mod applications;
pub mod instances;
pub mod policy;
pub mod rollups;
pub mod sessions;

/// How a backend opens a transaction that writes.
///
/// SQLite: `BEGIN IMMEDIATE`, which takes the write lock at once and so waits out
/// another writer (the busy timeout). A deferred transaction that reads first and
/// writes after cannot wait: when another process (the CLI and the server share the
/// file) committed in between, its write fails at once with "database is locked".
/// PostgreSQL: a plain `BEGIN`, its row locks wait by themselves.
pub trait WriteTx {
    const BEGIN_WRITE: &'static str;
}

impl WriteTx for sqlx::Sqlite {
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
}

impl WriteTx for sqlx::Postgres {
    const BEGIN_WRITE: &'static str = "BEGIN";
}

/// Takes the change log's next sequence number in the open write transaction `$tx` (a
/// `Transaction` of `$db`) and tells listening instances at its commit (a rolled-back
/// transaction tells nobody and spends no number). The counter row stays locked until
/// the commit, so numbers commit in order and a reader of the log never skips one.
/// Evaluates to the number.
macro_rules! take_change_seq {
    ($db:ty, $tx:expr) => {{
        use $crate::store::backend::sessions::SessionSql;
        let seq: i64 = sqlx::query_scalar(<$db as SessionSql>::NEXT_END_SEQ)
            .fetch_one(&mut *$tx)
            .await?;
        if let Some(announce) = <$db as SessionSql>::ANNOUNCE_END {
            sqlx::query(announce).bind(seq).execute(&mut *$tx).await?;
        }
        seq
    }};
}
pub(crate) use take_change_seq;
