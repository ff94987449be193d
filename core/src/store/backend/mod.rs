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
