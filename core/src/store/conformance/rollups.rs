//! Conformance: analytics rollups and the user counts of the KPIs.

use super::{killed, new_session, user};
use crate::analytics::{Metric, Rollup};
use crate::model::{Millis, Role, HOUR_MS};
use crate::store::*;

const H: Millis = 1_800_000_000_000 - 1_800_000_000_000 % HOUR_MS;

fn figure(hour: Millis, app: &str, metric: Metric, dimension: &str, value: i64) -> Rollup {
    Rollup {
        hour,
        application: app.into(),
        metric,
        dimension: dimension.into(),
        value,
    }
}

fn sorted(mut rows: Vec<Rollup>) -> Vec<(Millis, String, &'static str, String, i64)> {
    let mut out: Vec<_> = rows
        .drain(..)
        .map(|r| {
            (
                r.hour,
                r.application,
                r.metric.as_str(),
                r.dimension,
                r.value,
            )
        })
        .collect();
    out.sort();
    out
}

/// Two instances writing the same hour: counts add, the peak keeps the larger; a
/// period is `[since, until)` by hour; the purge drops hours before its cutoff.
pub async fn rollups_add_across_writers_and_read_by_period(store: SharedStore) {
    let first = [
        figure(H, "console", Metric::SignInFailed, "", 2),
        figure(H, "console", Metric::SessionEnded, "idle", 1),
        figure(H, "", Metric::ActivePeak, "", 7),
        figure(H + HOUR_MS, "shop", Metric::SignInSuccess, "", 1),
    ];
    store.add_rollups(&first).await.expect("first writer");
    let second = [
        figure(H, "console", Metric::SignInFailed, "", 3),
        figure(H, "", Metric::ActivePeak, "", 5),
        figure(H + 2 * HOUR_MS, "shop", Metric::SignInSuccess, "", 4),
    ];
    store.add_rollups(&second).await.expect("second writer");
    store.add_rollups(&[]).await.expect("nothing to write");

    let first_two_hours = store.rollups(None, H, H + 2 * HOUR_MS).await.expect("read");
    assert_eq!(
        sorted(first_two_hours),
        vec![
            (H, "".into(), "active_peak", "".into(), 7),
            (H, "console".into(), "session_ended", "idle".into(), 1),
            (H, "console".into(), "sign_in_failed", "".into(), 5),
            (H + HOUR_MS, "shop".into(), "sign_in_success", "".into(), 1),
        ],
        "the hour at `until` is out"
    );
    let shop = store
        .rollups(Some("shop"), H + HOUR_MS, H + 3 * HOUR_MS)
        .await
        .expect("read");
    assert_eq!(
        sorted(shop),
        vec![
            (H + HOUR_MS, "shop".into(), "sign_in_success", "".into(), 1),
            (
                H + 2 * HOUR_MS,
                "shop".into(),
                "sign_in_success",
                "".into(),
                4
            ),
        ],
        "the hour at `since` is in; one application only"
    );

    assert_eq!(store.purge_rollups(H + HOUR_MS).await.expect("purge"), 3);
    let left = store.rollups(None, 0, Millis::MAX).await.expect("read");
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|row| row.hour >= H + HOUR_MS));
}

/// Users with a session live during a period: accounts and application users, once
/// each, not guests; a session ended before the period or created at its end is out.
pub async fn active_users_count_each_user_once(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let at = |offset: Millis| H + offset;
    store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", at(0)))
        .await
        .expect("insert");
    store
        .insert_session(new_session(Some(&alice), "10.0.0.2", "console", at(10)))
        .await
        .expect("insert");
    let early = store
        .insert_session(new_session(
            Some(&bob),
            "10.0.0.3",
            "console",
            at(-2 * HOUR_MS),
        ))
        .await
        .expect("insert");
    store
        .end_sessions(
            &EndSelector::Ids {
                ids: vec![early.id.clone()],
                scope: Scope::Everyone,
            },
            &killed(at(-HOUR_MS)),
        )
        .await
        .expect("end");
    let mut shop_user = new_session(None, "10.0.0.4", "shop", at(20));
    shop_user.external_user_id = Some("u-1".into());
    shop_user.username = Some("u-1".into());
    shop_user.status = crate::model::SessionStatus::Authenticated;
    store.insert_session(shop_user).await.expect("insert");
    store
        .insert_session(new_session(None, "10.0.0.5", "shop", at(30)))
        .await
        .expect("a guest");
    store
        .insert_session(new_session(Some(&bob), "10.0.0.6", "console", at(HOUR_MS)))
        .await
        .expect("created at the period's end");

    let count = |app: Option<&'static str>, since: Millis, until: Millis| {
        let store = store.clone();
        async move { store.active_users(app, since, until).await.expect("count") }
    };
    assert_eq!(count(None, at(0), at(HOUR_MS)).await, 2, "alice and u-1");
    assert_eq!(count(Some("console"), at(0), at(HOUR_MS)).await, 1);
    assert_eq!(count(Some("shop"), at(0), at(HOUR_MS)).await, 1);
    assert_eq!(
        count(None, at(-2 * HOUR_MS), at(-HOUR_MS)).await,
        1,
        "bob before his session ended"
    );
    assert_eq!(
        count(None, at(-HOUR_MS), at(0)).await,
        0,
        "ended at `since`: out"
    );
    assert_eq!(store.app_users(None, at(HOUR_MS)).await.expect("count"), 1);
    assert_eq!(
        store
            .app_users(Some("shop"), at(HOUR_MS))
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        store.app_users(Some("shop"), at(20)).await.expect("count"),
        0
    );
}
