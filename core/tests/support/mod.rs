//! The engine on a fresh SQLite file in a temporary directory, with a manual clock
//! and users whose password is `<name>-password`.

#![allow(dead_code)]

use sessions_core::clock::ManualClock;
use sessions_core::model::Role;
use sessions_core::{Engine, EngineConfig};
use std::sync::Arc;

pub const START: i64 = 1_800_000_000_000;

pub struct Fixture {
    pub engine: Arc<Engine>,
    pub clock: Arc<ManualClock>,
    pub url: String,
    _dir: tempfile::TempDir,
}

pub fn config(url: &str) -> EngineConfig {
    EngineConfig { database_url: url.into(), secure_cookies: true, geo_db: None }
}

pub async fn fixture(users: &[(&str, Role)]) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("engine.db").display());
    let clock = ManualClock::new(START);
    let engine = Engine::open_with_clock(&config(&url), clock.clone()).await.expect("open");
    for (name, role) in users {
        engine.add_user(name, format!("{name}-password"), *role).await.expect("add user");
    }
    Fixture { engine, clock, url, _dir: dir }
}
