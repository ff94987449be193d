//! Conformance: the policy, what it judges, the history.

use super::killed;
use super::{new_session, user};
use crate::catalogue::{SettingChange, SettingScope};
use crate::error::CoreError;
use crate::model::{
    DeviceClass, EndReason, HistoryQuery, ListFilter, ListQuery, Millis, Role, SessionStatus,
};
use crate::policy::impact::{MayEnd, RoleCut};
use crate::store::*;

pub async fn settings_are_saved_with_a_ledger(store: SharedStore) {
    assert!(store.load_settings().await.expect("settings").is_empty());
    let version = store.settings_version().await.expect("version");
    // The engine passes the built-in default (30) as the old value of a default never saved.
    let set = |scope, key: &str, value: Option<&str>| SettingWrite {
        change: SettingChange {
            scope,
            key: key.into(),
            value: value.map(Into::into),
        },
        old_if_unset: (scope == SettingScope::Default).then(|| "30".to_owned()),
    };
    store
        .save_settings(
            &[
                set(SettingScope::Default, "idle_timeout_minutes", Some("10")),
                set(
                    SettingScope::Role(Role::Admin),
                    "idle_timeout_minutes",
                    Some("5"),
                ),
            ],
            "admin",
            100,
        )
        .await
        .expect("save");
    let records = store
        .save_settings(
            &[set(
                SettingScope::Role(Role::Admin),
                "idle_timeout_minutes",
                None,
            )],
            "root",
            200,
        )
        .await
        .expect("save");
    assert_eq!(records[0].old_value.as_deref(), Some("5"));
    assert_eq!(
        store.settings_version().await.expect("version"),
        version + 2
    );
    let stored = store.load_settings().await.expect("settings");
    assert_eq!(
        stored,
        vec![(
            SettingScope::Default,
            "idle_timeout_minutes".to_owned(),
            "10".to_owned()
        )]
    );

    let ledger = store.settings_changes(10, None).await.expect("ledger");
    assert_eq!(ledger.len(), 3);
    assert!(
        ledger[0].id > ledger[1].id && ledger[1].id > ledger[2].id,
        "newest first"
    );
    assert_eq!(
        records[0].id, ledger[0].id,
        "the save returns the ledger ids"
    );
    let older = store
        .settings_changes(1, Some(ledger[0].id))
        .await
        .expect("ledger page");
    assert_eq!(older, vec![ledger[1].clone()], "a page before an id");
    assert_eq!(
        (
            ledger[0].actor.as_str(),
            ledger[0].at,
            ledger[0].new_value.as_deref()
        ),
        ("root", 200, None)
    );
    assert_eq!(
        (
            ledger[2].old_value.as_deref(),
            ledger[2].new_value.as_deref()
        ),
        (Some("30"), Some("10")),
        "the built-in default"
    );
    assert_eq!(
        (
            ledger[1].old_value.as_deref(),
            ledger[1].new_value.as_deref()
        ),
        (None, Some("5")),
        "no override before"
    );
}

pub async fn policy_queries_see_the_right_sessions(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let a1 = store
        .insert_session(NewSession {
            country: Some("SE".into()),
            ..new_session(Some(&alice), "10.0.0.1", "console", 10)
        })
        .await
        .expect("insert");
    let a2 = store
        .insert_session(new_session(Some(&alice), "10.0.0.2", "console", 20))
        .await
        .expect("insert");
    let b1 = store
        .insert_session(new_session(Some(&bob), "10.0.0.1", "console", 30))
        .await
        .expect("insert");
    let b2 = store
        .insert_session(new_session(Some(&bob), "10.0.0.3", "console", 40))
        .await
        .expect("insert");
    store
        .end_sessions(
            &EndSelector::Ids {
                ids: vec![a2.id.clone()],
                scope: Scope::Everyone,
            },
            &killed(500),
        )
        .await
        .expect("end");

    let every = RoleCut {
        created_by: Millis::MAX,
        seen_by: Millis::MAX,
    };
    let summaries = store
        .live_summaries(
            100,
            1,
            MayEnd {
                admin: every,
                user: every,
            },
        )
        .await
        .expect("live");
    let first = summaries
        .iter()
        .find(|summary| summary.id == a1.id)
        .expect("a1 is live");
    // Read by position: every field in its place.
    assert_eq!(
        (
            first.user_id,
            first.external_user.as_deref(),
            first.username.as_deref(),
            first.role,
            first.ip.as_str(),
            first.country.as_deref(),
            first.device,
            (first.created_at, first.last_seen_at, first.expires_at),
        ),
        (
            Some(alice.id),
            None,
            Some("alice"),
            Role::User,
            "10.0.0.1",
            Some("SE"),
            DeviceClass::Desktop,
            (10, a1.last_seen_at, a1.expires_at),
        )
    );
    // The store reads what `MayEnd::includes` includes, by creation and by last seen.
    let none = RoleCut {
        created_by: Millis::MIN,
        seen_by: Millis::MIN,
    };
    // (admin's cut, user's cut); every session here is a user's, so an admin cut that
    // takes everything must take none of them (a role's cut bound to the other role's
    // placeholders would).
    let cuts = [
        (
            none,
            RoleCut {
                created_by: 30,
                ..none
            },
        ),
        (
            none,
            RoleCut {
                seen_by: a1.last_seen_at,
                ..none
            },
        ),
        (none, none),
        (every, none),
    ];
    for (admin, user) in cuts {
        let may_end = MayEnd { admin, user };
        let mut read: Vec<String> = store
            .live_summaries(100, 1, may_end)
            .await
            .expect("live")
            .into_iter()
            .map(|summary| summary.id)
            .collect();
        read.sort();
        let mut included: Vec<String> = summaries
            .iter()
            .filter(|summary| may_end.includes(summary))
            .map(|summary| summary.id.clone())
            .collect();
        included.sort();
        assert_eq!(read, included, "{may_end:?}");
    }
    let mut live: Vec<String> = summaries.into_iter().map(|summary| summary.id).collect();
    live.sort();
    let mut expected = vec![a1.id.clone(), b1.id.clone(), b2.id.clone()];
    expected.sort();
    assert_eq!(live, expected, "every live session once, across chunks");
    let mut neighbours: Vec<String> = store
        .limit_neighbours(
            Some(UserRef::Account(alice.id)),
            "10.0.0.1",
            Role::User,
            100,
        )
        .await
        .expect("neighbours")
        .into_iter()
        .map(|s| s.id)
        .collect();
    neighbours.sort();
    let mut expected = vec![a1.id.clone(), b1.id.clone()];
    expected.sort();
    assert_eq!(
        neighbours, expected,
        "alice's live sessions and the user-role ones from her address"
    );

    let mut recent = store
        .recent_ips(UserRef::Account(alice.id), 400)
        .await
        .expect("ips");
    recent.sort();
    assert_eq!(
        recent,
        vec!["10.0.0.1".to_owned(), "10.0.0.2".to_owned()],
        "ended within the window counts"
    );
    assert_eq!(
        store
            .recent_ips(UserRef::Account(alice.id), 501)
            .await
            .expect("ips"),
        vec!["10.0.0.1".to_owned()]
    );

    assert_eq!(store.cap_expiry(Role::User, 100).await.expect("cap"), 3);
    assert_eq!(
        store
            .session_by_id(&a1.id)
            .await
            .expect("get")
            .expect("found")
            .expires_at,
        110
    );
    assert_eq!(store.cap_expiry(Role::Admin, 100).await.expect("cap"), 0);

    let mut groups = store.live_groups(50).await.expect("groups");
    groups.sort_by(|a, b| a.country.cmp(&b.country));
    let group = |country: &str, sessions| LiveGroup {
        application: "console".into(),
        role: Role::User,
        status: SessionStatus::Authenticated,
        country: country.into(),
        sessions,
    };
    assert_eq!(groups, vec![group("", 2), group("SE", 1)]);
    let filtered = ListQuery {
        filter: ListFilter {
            country: Some(String::new()),
            role: Some(Role::User),
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count_live(&filtered, &Scope::Everyone, 50)
            .await
            .expect("count"),
        2,
        "the unknown-country chip leaves out a1 (SE)"
    );
    let none = ListQuery {
        filter: ListFilter {
            application: Some("shop".into()),
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count_live(&none, &Scope::Everyone, 50)
            .await
            .expect("count"),
        0
    );
}

pub async fn history_filters_pages_and_purges(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let admin = user(&store, "root", Role::Admin).await;
    for at in 1..=5 {
        let session = store
            .insert_session(new_session(Some(&alice), "10.0.0.1", "console", at))
            .await
            .expect("insert");
        let record = EndRecord {
            reason: if at % 2 == 0 {
                EndReason::Idle
            } else {
                EndReason::Killed
            },
            ended_by: "x".into(),
            at: at * 100,
        };
        store
            .end_sessions(
                &EndSelector::Ids {
                    ids: vec![session.id],
                    scope: Scope::Everyone,
                },
                &record,
            )
            .await
            .expect("end");
    }
    let root_session = store
        .insert_session(new_session(Some(&admin), "10.0.0.9", "console", 1))
        .await
        .expect("insert");
    store
        .end_sessions(&EndSelector::User(admin.id), &killed(50))
        .await
        .expect("end");
    store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 9))
        .await
        .expect("live one");

    let first = store
        .history(&HistoryQuery {
            limit: 2,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(first.total, 6);
    assert_eq!(
        first
            .sessions
            .iter()
            .map(|s| s.ended_at)
            .collect::<Vec<_>>(),
        vec![Some(500), Some(400)]
    );
    let second = store
        .history(&HistoryQuery {
            limit: 2,
            after: first.next.clone(),
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(
        second
            .sessions
            .iter()
            .map(|s| s.ended_at)
            .collect::<Vec<_>>(),
        vec![Some(300), Some(200)]
    );

    let idle = HistoryQuery {
        reason: Some(EndReason::Idle),
        limit: 50,
        ..HistoryQuery::default()
    };
    assert_eq!(store.history(&idle).await.expect("history").total, 2);
    let window = HistoryQuery {
        from: Some(200),
        until: Some(400),
        user: "ALI".into(),
        limit: 50,
        ..HistoryQuery::default()
    };
    assert_eq!(
        store.history(&window).await.expect("history").total,
        2,
        "from is inclusive, until exclusive, user case-insensitive"
    );
    let junk = HistoryQuery {
        after: Some("junk".into()),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        store.history(&junk).await,
        Err(CoreError::Invalid { .. })
    ));

    // Users' history older than 350 goes; the admin's (ended at 50) is kept by its own cutoff.
    assert_eq!(
        store
            .purge_history(&[(Role::User, 350), (Role::Admin, 10)])
            .await
            .expect("purge"),
        3
    );
    assert_eq!(
        store
            .history(&HistoryQuery {
                limit: 50,
                ..HistoryQuery::default()
            })
            .await
            .expect("history")
            .total,
        3
    );
    assert!(store
        .session_by_id(&root_session.id)
        .await
        .expect("get")
        .is_some());
}
