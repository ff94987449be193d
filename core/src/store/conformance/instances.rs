//! Conformance: instances reporting how far they have applied the end log.

use crate::store::*;

pub async fn instances_behind_counts_live_instances_below_a_seq(store: SharedStore) {
    assert_eq!(store.instances_behind(1, 60_000).await.expect("behind"), 0);
    store.report_applied("a", 3).await.expect("report");
    store.report_applied("b", 5).await.expect("report");
    assert_eq!(store.instances_behind(4, 60_000).await.expect("behind"), 1);
    assert_eq!(store.instances_behind(6, 60_000).await.expect("behind"), 2);
    assert_eq!(store.instances_behind(3, 60_000).await.expect("behind"), 0);

    // A late report of an older sequence does not move an instance back.
    store.report_applied("b", 2).await.expect("report");
    assert_eq!(store.instances_behind(5, 60_000).await.expect("behind"), 1);

    // Only instances heard from within the window count. The window is wide enough
    // that a report and a query on a loaded machine fit in it; the pause outlasts it.
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    assert_eq!(store.instances_behind(6, 1_000).await.expect("behind"), 0);
    store.report_applied("a", 3).await.expect("heartbeat");
    assert_eq!(store.instances_behind(6, 1_000).await.expect("behind"), 1);

    // The silent one is forgotten; the one just heard from stays.
    assert_eq!(store.forget_silent(1_000).await.expect("forget"), 1);
    assert_eq!(store.instances_behind(6, 60_000).await.expect("behind"), 1);
    assert_eq!(store.forget_silent(1_000).await.expect("forget"), 0);

    store.leave("a").await.expect("leave");
    store.leave("b").await.expect("leave");
    assert_eq!(store.instances_behind(6, 60_000).await.expect("behind"), 0);
}

/// Where the backend has an end feed, a committed end wakes it.
pub async fn a_committed_end_wakes_the_end_feed(store: SharedStore) {
    use futures_util::StreamExt;
    // Inserted before listening: the creation's own wake-up is not the one awaited.
    let session = store
        .insert_session(super::new_session(None, "10.0.0.1", "console", 1))
        .await
        .expect("insert");
    let Some(mut feed) = store.end_feed().await.expect("feed") else {
        return;
    };
    let ids = EndSelector::Ids {
        ids: vec![session.id],
        scope: Scope::Everyone,
    };
    store
        .end_sessions(&ids, &super::killed(2))
        .await
        .expect("end");
    let woken = tokio::time::timeout(std::time::Duration::from_secs(5), feed.next())
        .await
        .expect("woken within 5 s");
    assert!(matches!(woken, Some(Ok(()))), "a wake-up");
}

/// Where the backend has an end feed, a committed creation wakes it too: other
/// instances' consoles show the session at once.
pub async fn a_committed_creation_wakes_the_end_feed(store: SharedStore) {
    use futures_util::StreamExt;
    let Some(mut feed) = store.end_feed().await.expect("feed") else {
        return;
    };
    store
        .insert_session(super::new_session(None, "10.0.0.1", "console", 1))
        .await
        .expect("insert");
    let woken = tokio::time::timeout(std::time::Duration::from_secs(5), feed.next())
        .await
        .expect("woken within 5 s");
    assert!(matches!(woken, Some(Ok(()))), "a wake-up");
}
