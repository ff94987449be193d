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

/// The account signed in with `signed`, acting on its own sessions (My sessions).
pub fn account(signed: &sessions_core::engine::SignedIn) -> sessions_core::engine::Actor {
    sessions_core::engine::Actor::Account {
        user_id: signed.session.user_id.expect("a console account"),
        name: signed.session.username.clone().unwrap_or_default(),
        session: sessions_core::model::SessionId::issued(signed.session.id.clone()),
    }
}

/// A desktop Chrome at `ip`.
pub fn client(ip: &str) -> sessions_core::engine::ClientInfo {
    sessions_core::engine::ClientInfo {
        ip: ip.into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

/// `user` signed in with their password from `client(ip)`.
pub async fn sign_in(engine: &Engine, user: &str, ip: &str) -> sessions_core::engine::SignedIn {
    engine
        .sign_in(user, format!("{user}-password"), &client(ip))
        .await
        .expect("sign in")
}
