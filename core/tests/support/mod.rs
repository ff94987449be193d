//! The engine on a fresh database of either backend (a SQLite file in a temporary
//! directory, or a new database on the test binary's PostgreSQL cluster), with a
//! manual clock and users whose password is `<name>-password`.

#![allow(dead_code)]

pub mod pg_cluster;

use sessions_core::clock::ManualClock;
use sessions_core::model::Role;
use sessions_core::{Engine, EngineConfig};
use std::sync::Arc;

pub const START: i64 = 1_800_000_000_000;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct Fixture {
    pub engine: Arc<Engine>,
    pub clock: Arc<ManualClock>,
    /// The database URL, for a second engine on the same database ("another process").
    pub url: String,
    _dir: tempfile::TempDir,
}

pub fn config(url: &str) -> EngineConfig {
    EngineConfig {
        database_url: url.into(),
        secure_cookies: true,
        geo_db: None,
        store: Default::default(),
        staleness_bound: sessions_core::DEFAULT_STALENESS_BOUND,
    }
}

pub async fn fixture(backend: Backend, users: &[(&str, Role)]) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("engine.db").display()),
        Backend::Postgres => pg_cluster::fresh_database_url().await,
    };
    let clock = ManualClock::new(START);
    let store = sessions_core::store::open(&url, &Default::default())
        .await
        .expect("open the store");
    let engine = Engine::with_store(store, &config(&url), clock.clone())
        .await
        .expect("open");
    for (name, role) in users {
        engine
            .add_user(name, format!("{name}-password"), *role)
            .await
            .expect("add user");
    }
    Fixture {
        engine,
        clock,
        url,
        _dir: dir,
    }
}

/// Runs each named `async fn(Backend)` once on SQLite and once on PostgreSQL.
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(crate::support::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(crate::support::Backend::Postgres).await
                }
            )*
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_backends;
