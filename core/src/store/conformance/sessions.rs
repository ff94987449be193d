//! Conformance: sessions, their lookups and the live list.

use super::killed;
use super::{new_session, user};
use crate::error::CoreError;
use crate::model::{ListFilter, ListQuery, PageAt, Role, SessionStatus, SortDir, SortKey};
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
        .list_live(&guests, &Scope::Everyone, 0, LiveAccess::ByFilter)
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
        .list_live(&query, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(
        store
            .count_live(&query, &Scope::Everyone, 2_000)
            .await
            .expect("count"),
        7,
        "ended sessions are not live"
    );
    let created: Vec<_> = first.sessions.iter().map(|s| s.created_at).collect();
    assert_eq!(created, vec![1_006, 1_005, 1_004]);
    assert!(first.prev.is_none());

    query.page = PageAt::After(first.next.clone().expect("more").encode());
    let second = store
        .list_live(&query, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
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
        .list_live(&query, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
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
        .list_live(&query, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(back.sessions, second.sessions);

    let search = ListQuery {
        search: "bob".into(),
        ..ListQuery::default()
    };
    let bobs = store
        .list_live(&search, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(
        store
            .count_live(&search, &Scope::Everyone, 2_000)
            .await
            .expect("count"),
        3
    );
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
            .count_live(&by_ip, &Scope::Everyone, 2_000)
            .await
            .expect("count"),
        1
    );

    let wildcard = ListQuery {
        search: "%".into(),
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count_live(&wildcard, &Scope::Everyone, 2_000)
            .await
            .expect("count"),
        0,
        "LIKE wildcards are literal"
    );

    let mine = store
        .list_live(
            &ListQuery::default(),
            &Scope::User(alice.id),
            2_000,
            LiveAccess::ByFilter,
        )
        .await
        .expect("list");
    assert_eq!(
        store
            .count_live(&ListQuery::default(), &Scope::User(alice.id), 2_000)
            .await
            .expect("count"),
        4
    );
    assert!(mine.sessions.iter().all(|s| s.user_id == Some(alice.id)));

    let by_user = ListQuery {
        sort: SortKey::User,
        dir: SortDir::Asc,
        ..ListQuery::default()
    };
    let sorted = store
        .list_live(&by_user, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
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
        .count_live(&ListQuery::default(), &Scope::Everyone, 1_000_000 + 1_003)
        .await
        .expect("count");
    assert_eq!(after_expiry, 3, "sessions past their expiry are not live");

    let foreign = ListQuery {
        page: PageAt::After("not-a-cursor".into()),
        ..ListQuery::default()
    };
    assert!(matches!(
        store
            .list_live(&foreign, &Scope::Everyone, 2_000, LiveAccess::ByFilter)
            .await,
        Err(CoreError::Invalid { .. })
    ));
}

/// A search of 3 or more characters goes through the trigram index (an FTS5 table on
/// SQLite, `pg_trgm` on PostgreSQL), a shorter one scans; either way the result is the
/// exact test's, as `ListQuery::matches` (the browser's rule) states it: user name (or
/// "guest"), application and last address containing the term, the id starting with
/// it, ASCII case ignored, `%` and `_` literal, live sessions only.
pub async fn search_through_the_index_finds_what_the_exact_test_finds(store: SharedStore) {
    let alice = user(&store, "Alice.Smith", Role::User).await;
    let sale = user(&store, "50%_off", Role::User).await;
    let quoted = user(&store, "say\"hi\"", Role::User).await;
    let carol = user(&store, "carol", Role::Admin).await;
    let rows: [(Option<&User>, &str, &str); 6] = [
        (Some(&alice), "10.7.3.1", "Console"),
        (Some(&alice), "192.168.10.7", "shop"),
        (Some(&sale), "10.17.0.1", "Billing"),
        (Some(&quoted), "::1", "console"),
        (None, "10.70.0.2", "Shop"),
        (Some(&carol), "172.16.0.9", "console"),
    ];
    let mut live = Vec::new();
    for (at, (who, ip, app)) in (100..).zip(rows) {
        let new = new_session(who, ip, app, at);
        live.push(store.insert_session(new).await.expect("insert"));
    }
    // An ended session is found neither by its user, its address nor its id.
    let zed = user(&store, "zed", Role::User).await;
    let gone = store
        .insert_session(new_session(Some(&zed), "10.99.99.99", "console", 50))
        .await
        .expect("insert");
    let ids = EndSelector::Ids {
        ids: vec![gone.id.clone()],
        scope: Scope::Everyone,
    };
    store.end_sessions(&ids, &killed(60)).await.expect("end");
    // A session whose address moved is found by its new address only.
    store
        .touch(&[Touch {
            id: live[0].id.clone(),
            user_id: Some(alice.id),
            role: Role::User,
            last_seen_at: 150,
            last_ip: "10.8.8.8".into(),
            flags: Vec::new(),
        }])
        .await
        .expect("touch");

    let everyone = ListQuery {
        limit: 200,
        ..ListQuery::default()
    };
    let all = store
        .list_live(&everyone, &Scope::Everyone, 0, LiveAccess::ByFilter)
        .await
        .expect("list")
        .sessions;
    assert_eq!(all.len(), live.len());
    let id = &live[1].id;
    let terms = [
        "ALICE",
        "e.sm",
        "50%",
        "%_o",
        "%_",
        "%",
        "_",
        "10.7",
        "10.7.",
        ".7.",
        "10.8.8",
        "10.7.3",
        "GUEST",
        "uest",
        "ue",
        "Shop",
        "SOLE",
        "\"hi\"",
        "y\"h",
        "zed",
        "10.99",
        "co",
        "a",
        &id[..6].to_ascii_uppercase(),
        &id[..2],
        &id[4..12],
        &gone.id[..8],
    ];
    for term in terms {
        let query = ListQuery {
            search: term.into(),
            limit: 200,
            ..ListQuery::default()
        };
        let page = store
            .list_live(&query, &Scope::Everyone, 0, LiveAccess::ByFilter)
            .await
            .expect("search");
        let mut found: Vec<&str> = page.sessions.iter().map(|s| s.id.as_str()).collect();
        let mut expected: Vec<&str> = all
            .iter()
            .filter(|s| query.matches(s))
            .map(|s| s.id.as_str())
            .collect();
        found.sort_unstable();
        expected.sort_unstable();
        assert_eq!(found, expected, "search {term:?}");
        let total = store
            .count_live(&query, &Scope::Everyone, 0)
            .await
            .expect("count");
        assert_eq!(total, expected.len() as i64, "total of {term:?}");
    }
    // The rule itself, on a few of those terms, so that the comparison is not empty.
    let count = |term: &str| {
        let query = ListQuery {
            search: term.into(),
            ..ListQuery::default()
        };
        all.iter().filter(|s| query.matches(s)).count()
    };
    assert_eq!(count("ALICE"), 2);
    assert_eq!(count("%_o"), 1);
    assert_eq!(count("GUEST"), 1);
    assert_eq!(count("10.7"), 2, "192.168.10.7, 10.70.0.2 (not 10.17.0.1)");
    assert_eq!(count("10.7.3"), 0, "the address moved");
    assert_eq!(count("\"hi\""), 1);
    assert_eq!(count(&id[..6].to_ascii_uppercase()), 1);
    assert_eq!(count(&id[4..12]), 0, "an id matches from its start only");
    assert_eq!(count("zed") + count("10.99") + count(&gone.id[..8]), 0);
}

/// Reading along the sort order or through a chip's index gives the same pages.
pub async fn a_page_is_the_same_whichever_way_it_is_read(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::Admin).await;
    for n in 0..12 {
        let who = match n % 3 {
            0 => Some(&alice),
            1 => Some(&bob),
            _ => None,
        };
        let app = if n % 2 == 0 { "shop" } else { "console" };
        let mut new = new_session(who, &format!("10.0.{}.{n}", n % 4), app, 1_000 + n);
        new.country = (n % 4 == 0).then(|| "SE".to_owned());
        store.insert_session(new).await.expect("insert");
    }
    let filters = [
        ListFilter {
            application: Some("shop".into()),
            ..ListFilter::default()
        },
        ListFilter {
            role: Some(Role::User),
            country: Some(String::new()),
            ..ListFilter::default()
        },
        ListFilter {
            status: Some(SessionStatus::Guest),
            application: Some("console".into()),
            ..ListFilter::default()
        },
        ListFilter {
            country: Some("SE".into()),
            ..ListFilter::default()
        },
    ];
    for filter in filters {
        for (sort, dir) in [
            (SortKey::Created, SortDir::Desc),
            (SortKey::User, SortDir::Asc),
            (SortKey::Ip, SortDir::Desc),
        ] {
            let mut query = ListQuery {
                filter: filter.clone(),
                sort,
                dir,
                limit: 1,
                ..ListQuery::default()
            };
            let mut pages = 0;
            loop {
                let read = |access| store.list_live(&query, &Scope::Everyone, 2_000, access);
                let by_filter = read(LiveAccess::ByFilter).await.expect("list");
                let by_order = read(LiveAccess::BySortOrder).await.expect("list");
                let ids = |page: &StoredPage| {
                    page.sessions
                        .iter()
                        .map(|s| s.id.clone())
                        .collect::<Vec<_>>()
                };
                assert_eq!(ids(&by_filter), ids(&by_order), "{filter:?} {sort:?}");
                assert!(by_filter.sessions.iter().all(|s| query.matches(s)));
                pages += 1;
                match by_filter.next {
                    Some(next) => query.page = PageAt::After(next.encode()),
                    None => break,
                }
            }
            assert!(pages >= 2, "{filter:?} pages through");
        }
    }
}
