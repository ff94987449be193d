//! Conformance: sessions, their lookups and the live list.

use super::killed;
use super::{new_session, user};
use crate::error::CoreError;
use crate::model::{ListQuery, PageAt, Role, SessionStatus, SortDir, SortKey};
use crate::store::*;
use crate::token::Token;

pub async fn sessions_round_trip_by_token_hash(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let new = new_session(Some(&alice), "10.0.0.1", "console", 100);
    let hash = new.token_hash;
    let created = store.insert_session(new).await.expect("insert");
    let found = store
        .session_by_token(&hash)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(found, created);
    assert_eq!(found.username.as_deref(), Some("alice"));
    assert!(store
        .session_by_token(&Token::generate().hash())
        .await
        .expect("get")
        .is_none());
    let guest = store
        .insert_session(new_session(None, "10.0.0.2", "shop", 100))
        .await
        .expect("insert");
    assert_eq!((guest.username, guest.status), (None, SessionStatus::Guest));

    // The console shows guests as "Guest": searching that word (or part of it) finds them.
    let guests = ListQuery {
        search: "GUE".into(),
        ..ListQuery::default()
    };
    let found = store
        .list_live(&guests, Scope::Everyone, 0)
        .await
        .expect("list");
    assert_eq!(
        found
            .sessions
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        vec![guest.id.as_str()]
    );
    assert!(
        guests.matches(&found.sessions[0]),
        "the browser's rule agrees with the store's"
    );
    assert!(!guests.matches(&created));
}

pub async fn list_filters_sorts_and_pages(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    for n in 0..7 {
        let who = if n % 2 == 0 { &alice } else { &bob };
        store
            .insert_session(new_session(
                Some(who),
                &format!("10.0.0.{n}"),
                "console",
                1_000 + n,
            ))
            .await
            .expect("insert");
    }
    let ended = store
        .insert_session(new_session(Some(&alice), "10.9.9.9", "console", 5_000))
        .await
        .expect("insert");
    store
        .end_sessions(
            &EndSelector::Ids {
                ids: vec![ended.id.clone()],
                scope: Scope::Everyone,
            },
            &killed(6_000),
        )
        .await
        .expect("end");

    let mut query = ListQuery {
        limit: 3,
        sort: SortKey::Created,
        dir: SortDir::Desc,
        ..ListQuery::default()
    };
    let first = store
        .list_live(&query, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(first.total, 7, "ended sessions are not live");
    let created: Vec<_> = first.sessions.iter().map(|s| s.created_at).collect();
    assert_eq!(created, vec![1_006, 1_005, 1_004]);
    assert!(first.prev.is_none());

    query.page = PageAt::After(first.next.clone().expect("more").encode());
    let second = store
        .list_live(&query, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(
        second
            .sessions
            .iter()
            .map(|s| s.created_at)
            .collect::<Vec<_>>(),
        vec![1_003, 1_002, 1_001]
    );
    query.page = PageAt::After(second.next.clone().expect("more").encode());
    let third = store
        .list_live(&query, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(
        third
            .sessions
            .iter()
            .map(|s| s.created_at)
            .collect::<Vec<_>>(),
        vec![1_000]
    );
    assert!(third.next.is_none());

    query.page = PageAt::Before(third.prev.clone().expect("back").encode());
    let back = store
        .list_live(&query, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(back.sessions, second.sessions);

    let search = ListQuery {
        search: "bob".into(),
        ..ListQuery::default()
    };
    let bobs = store
        .list_live(&search, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(bobs.total, 3);
    assert!(bobs
        .sessions
        .iter()
        .all(|s| s.username.as_deref() == Some("bob")));

    let by_ip = ListQuery {
        search: "10.0.0.4".into(),
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .list_live(&by_ip, Scope::Everyone, 2_000)
            .await
            .expect("list")
            .total,
        1
    );

    let wildcard = ListQuery {
        search: "%".into(),
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .list_live(&wildcard, Scope::Everyone, 2_000)
            .await
            .expect("list")
            .total,
        0,
        "LIKE wildcards are literal"
    );

    let mine = store
        .list_live(&ListQuery::default(), Scope::User(alice.id), 2_000)
        .await
        .expect("list");
    assert_eq!(mine.total, 4);
    assert!(mine.sessions.iter().all(|s| s.user_id == Some(alice.id)));

    let by_user = ListQuery {
        sort: SortKey::User,
        dir: SortDir::Asc,
        ..ListQuery::default()
    };
    let sorted = store
        .list_live(&by_user, Scope::Everyone, 2_000)
        .await
        .expect("list");
    assert_eq!(
        sorted.sessions.first().and_then(|s| s.username.as_deref()),
        Some("alice")
    );
    assert_eq!(
        sorted.sessions.last().and_then(|s| s.username.as_deref()),
        Some("bob")
    );

    let after_expiry = store
        .list_live(&ListQuery::default(), Scope::Everyone, 1_000_000 + 1_003)
        .await
        .expect("list");
    assert_eq!(
        after_expiry.total, 3,
        "sessions past their expiry are not live"
    );

    let foreign = ListQuery {
        page: PageAt::After("not-a-cursor".into()),
        ..ListQuery::default()
    };
    assert!(matches!(
        store.list_live(&foreign, Scope::Everyone, 2_000).await,
        Err(CoreError::Invalid { .. })
    ));
}
