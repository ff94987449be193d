//! The process-wide options every command shares (the database and where countries come
//! from), and the engine they configure. `serve`, `demo` and the administrative commands
//! all start from here, so none of them depends on another to open the engine.

mod database;

pub use database::DEFAULT_DATABASE_URL;

use clap::Args;

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Database URL: sqlite://PATH (default) or postgres://…
    #[arg(long, env = "DATABASE_URL", global = true, default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Most database connections this process opens (default: 8 on SQLite, 10 on PostgreSQL).
    #[arg(long, env = "SESSIONS_DB_POOL_SIZE", global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_pool_size: Option<u32>,
    /// PostgreSQL: cancel a statement that runs longer than this many milliseconds.
    #[arg(long, env = "SESSIONS_DB_STATEMENT_TIMEOUT_MS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub db_statement_timeout_ms: Option<u64>,
    /// Offline IP-to-country database (MaxMind format). Missing: countries show as unknown.
    #[arg(long, env = "SESSIONS_GEOIP_DB", global = true, default_value = sessions_core::geo::DEFAULT_GEO_DB)]
    pub geoip_db: std::path::PathBuf,
    /// Milliseconds an instance may go without reading the end log: an end is
    /// acknowledged once every instance heard from within it has applied the end
    /// (waiting at most this long).
    #[arg(long, env = "SESSIONS_STALENESS_BOUND_MS", global = true, default_value_t = sessions_core::DEFAULT_STALENESS_BOUND.as_millis() as u64, value_parser = clap::value_parser!(u64).range(100..))]
    pub staleness_bound_ms: u64,
}

impl GlobalArgs {
    pub fn engine_config(&self, secure_cookies: bool) -> sessions_core::EngineConfig {
        sessions_core::EngineConfig {
            database_url: self.database_url.clone(),
            secure_cookies,
            geo_db: Some(self.geoip_db.clone()),
            store: sessions_core::store::StoreOptions {
                max_connections: self.db_pool_size,
                statement_timeout: self
                    .db_statement_timeout_ms
                    .map(std::time::Duration::from_millis),
            },
            staleness_bound: std::time::Duration::from_millis(self.staleness_bound_ms),
        }
    }
}
