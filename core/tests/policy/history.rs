//! The record of who ended what and why, kept until the retention passes.

use super::*;

async fn history_keeps_who_and_why_until_retention(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "history_retention_days", "1")
        .await;
    let alice = f.sign_in("alice", "10.0.0.1").await.expect("alice");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(alice.session.user_id.expect("user")),
            EndReason::Killed,
            "root",
        )
        .await
        .expect("kill");
    let page = f
        .engine
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(page.total, 1);
    assert_eq!(
        (
            page.sessions[0].end_reason,
            page.sessions[0].ended_by.as_deref()
        ),
        (Some(EndReason::Killed), Some("root"))
    );
    f.clock.advance(25 * 60 * MINUTE_MS);
    f.engine.sweep().await.expect("sweep");
    assert_eq!(
        f.engine
            .history(&HistoryQuery {
                limit: 10,
                ..HistoryQuery::default()
            })
            .await
            .expect("history")
            .total,
        0
    );

    // Refused whatever the backend, before any query.
    let backwards = HistoryQuery {
        from: Some(400),
        until: Some(200),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        f.engine.history(&backwards).await,
        Err(CoreError::Invalid { .. })
    ));
    let long_user = HistoryQuery {
        user: "x".repeat(201),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        f.engine.history(&long_user).await,
        Err(CoreError::Invalid { .. })
    ));
}

support::on_both_backends!(history_keeps_who_and_why_until_retention,);
