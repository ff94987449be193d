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
