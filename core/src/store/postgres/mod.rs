//! PostgreSQL, for several `sessions` instances on one database. TLS through rustls:
//! `sslmode=require` (or `verify-full` with `sslrootcert`) in the URL, as managed
//! PostgreSQL services ask for.

mod accounts;
mod applications;
mod feed;
mod instances;
mod leader;
mod policy;
mod rollups;
mod sessions;

use super::options::{redact_password, StoreOptions};
use super::query::Dialect;
use crate::error::{CoreError, CoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, QueryBuilder};
use std::str::FromStr;
use std::time::Duration;

/// sqlx's own default; several instances share the server's `max_connections` (100).
const DEFAULT_POOL_SIZE: u32 = 10;

pub struct PgStore {
    pool: PgPool,
    /// For the leader's own connection, outside the pool (`leader.rs`).
    connect: PgConnectOptions,
    leader: leader::LeaderConnection,
}

impl PgStore {
    pub async fn open(url: &str, options: &StoreOptions) -> CoreResult<PgStore> {
        let shown = redact_password(url);
        let mut connect = PgConnectOptions::from_str(url)
            .map_err(|err| CoreError::invalid(format!("Bad PostgreSQL URL {shown}: {err}")))?
            .application_name("sessions");
        if let Some(timeout) = options.statement_timeout {
            connect = connect.options([("statement_timeout", timeout.as_millis().to_string())]);
        }
        // One plain connection first: the pool would retry an unreachable server until
        // its acquire timeout, where this fails at once with the cause.
        let probe = PgConnection::connect_with(&connect)
            .await
            .map_err(|err| CoreError::Unavailable(format!("cannot connect to {shown}: {err}")))?;
        probe.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.unwrap_or(DEFAULT_POOL_SIZE))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect.clone())
            .await?;
        // sqlx holds an advisory lock while migrating: instances starting together wait.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore {
            pool,
            connect,
            leader: Default::default(),
        })
    }
}

impl Dialect for Postgres {
    const ILIKE: &'static str = "ILIKE";
    // PostgreSQL's planner picks the scan from its statistics.
    const NO_INDEX: &'static str = "";

    fn bind_int(query: &mut QueryBuilder<Self>, value: i64) {
        query.push_bind(value);
    }

    fn bind_text(query: &mut QueryBuilder<Self>, value: String) {
        query.push_bind(value);
    }

    fn push_in(query: &mut QueryBuilder<Self>, column: &str, ids: &[String], negate: bool) {
        // One array parameter, whatever the number of ids.
        let test = if negate { "<> ALL(" } else { "= ANY(" };
        query.push(format_args!("{column} {test}"));
        query.push_bind(ids.to_vec());
        query.push(")");
    }

    fn push_trigram_filter(query: &mut QueryBuilder<Self>, term: &str) {
        // The expression of the GIN trigram index `sessions_live_search` (migration
        // 0007), written exactly as there so that the planner can use it. It contains
        // every column the search looks at, so `ILIKE '%term%'` over it keeps every
        // session the search matches.
        query.push(
            " AND (CASE WHEN username = '' THEN 'guest' ELSE username END \
             || ' ' || application || ' ' || last_ip || ' ' || id) ILIKE ",
        );
        query.push_bind(format!("%{}%", super::query::escape_like(term)));
        query.push(" ESCAPE '\\'");
    }
}

#[cfg(test)]
impl PgStore {
    /// Whether this store's connections are encrypted.
    pub async fn uses_tls(&self) -> CoreResult<bool> {
        Ok(
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// A statement that runs `seconds`, to meet the statement timeout.
    pub async fn sleep_for_test(&self, seconds: f64) -> CoreResult<()> {
        sqlx::query("SELECT pg_sleep($1)")
            .bind(seconds)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
