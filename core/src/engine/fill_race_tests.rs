//! The cache-fill race, made to happen: a check that missed the cache is held between
//! its store read and its cache fill while the session is ended, then let go.

use super::{ClientInfo, Engine, EngineConfig};
use crate::clock::ManualClock;
use crate::error::CoreError;
use crate::model::{EndReason, Role};
use crate::store::{EndSelector, Scope};
use std::sync::Arc;
use tokio::sync::Notify;

/// Where a paused check waits: `reached` when it has read the store, then `resume`.
#[derive(Default)]
pub(super) struct FillPause {
    reached: Notify,
    resume: Notify,
}

impl Engine {
    /// The test-only hook between a check's store read and its cache fill.
    pub(super) async fn pause_before_fill(&self) {
        let pause = self.fill_pause.lock().take();
        if let Some(pause) = pause {
            pause.reached.notify_one();
            pause.resume.notified().await;
        }
    }
}

#[tokio::test]
async fn an_end_between_the_store_read_and_the_cache_fill_is_not_undone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = EngineConfig {
        database_url: format!("sqlite://{}", dir.path().join("race.db").display()),
        secure_cookies: true,
        geo_db: None,
        store: Default::default(),
        staleness_bound: super::DEFAULT_STALENESS_BOUND,
    };
    let clock = ManualClock::new(1_800_000_000_000);
    let first = Engine::open_with_clock(&config, clock.clone())
        .await
        .expect("open");
    first
        .add_user("alice", "alice-password".into(), Role::User)
        .await
        .expect("user");
    let browser = ClientInfo {
        ip: "10.0.0.1".into(),
        user_agent: "test".into(),
    };
    let signed_in = first
        .sign_in("alice", "alice-password".into(), &browser)
        .await
        .expect("sign in");
    // A second process on the same database: its cache is empty, so its check misses.
    let engine = Engine::open_with_clock(&config, clock).await.expect("open");
    let pause = Arc::new(FillPause::default());
    *engine.fill_pause.lock() = Some(pause.clone());
    let check = tokio::spawn({
        let (engine, token, browser) = (engine.clone(), signed_in.token.clone(), browser.clone());
        async move {
            engine
                .check(&token, &browser)
                .await
                .map(|session| session.id.clone())
        }
    });
    pause.reached.notified().await;
    let selector = EndSelector::Ids {
        ids: vec![signed_in.session.id.clone()],
        scope: Scope::Everyone,
    };
    let ended = engine
        .end(selector, EndReason::Killed, "root")
        .await
        .expect("end");
    assert_eq!(ended.len(), 1);
    pause.resume.notify_one();
    let during = check.await.expect("check task");
    assert!(
        matches!(
            during,
            Err(CoreError::Unauthenticated(Some(EndReason::Killed)))
        ),
        "the check that read before the kill is refused: {during:?}"
    );
    let after = engine
        .check(&signed_in.token, &browser)
        .await
        .map(|session| session.id.clone());
    assert!(
        matches!(
            after,
            Err(CoreError::Unauthenticated(Some(EndReason::Killed)))
        ),
        "and the next one too: {after:?}"
    );
}
