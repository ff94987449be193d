//! Two processes on one SQLite file (the server and the CLI) writing at once: a write
//! transaction that reads first must wait for the other writer, not fail with
//! "database is locked" (see `backend::WriteTx`).

use crate::catalogue::{SettingChange, SettingScope};
use crate::model::Role;
use crate::store::{open, SettingWrite, SharedStore, StoreOptions};

async fn save_many(store: SharedStore, role: Role, rounds: usize) {
    for round in 0..rounds {
        let write = SettingWrite {
            change: SettingChange {
                scope: SettingScope::Role(role),
                key: "idle_timeout_minutes".into(),
                value: Some((10 + round).to_string()),
            },
            old_if_unset: None,
        };
        store
            .save_settings(&[write], "admin", round as i64)
            .await
            .expect("a save waits for the other writer instead of failing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_from_two_processes_at_once_all_succeed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let server = open(&url, &StoreOptions::default()).await.expect("open");
    let cli = open(&url, &StoreOptions::default()).await.expect("open");
    let mut saves = Vec::new();
    for (store, role) in [(server.clone(), Role::User), (cli.clone(), Role::Admin)] {
        for _ in 0..4 {
            saves.push(tokio::spawn(save_many(store.clone(), role, 25)));
        }
    }
    for save in saves {
        save.await.expect("no save failed");
    }
    let version = server.settings_version().await.expect("version");
    let ledger = server.settings_changes(1_000, None).await.expect("ledger");
    assert_eq!(ledger.len(), 200, "every save is in the ledger");
    assert!(version >= 200, "every save moved the version: {version}");
}
