//! One suite every backend must pass. Each test takes a fresh, empty store; the
//! `backend_suite!` macro instantiates the whole suite for one backend.

use super::*;
use crate::catalogue::{SettingChange, SettingScope};
use crate::model::{DeviceClass, ListFilter, PageAt, SortDir, SortKey};
use crate::token::{new_session_id, Token};

pub fn new_session(user: Option<&User>, ip: &str, app: &str, created_at: Millis) -> NewSession {
    NewSession {
        id: new_session_id(),
        token_hash: Token::generate().hash(),
        application: app.into(),
        user_id: user.map(|u| u.id),
        external_user_id: None,
        username: user.map(|u| u.username.clone()),
        status: if user.is_some() {
            SessionStatus::Authenticated
        } else {
            SessionStatus::Guest
        },
        role: user.map(|u| u.role).unwrap_or(Role::User),
        ip: ip.into(),
        user_agent: "test".into(),
        agent: AgentInfo {
            browser: "Chrome".into(),
            browser_version: "120".into(),
            os: "Linux".into(),
            device: DeviceClass::Desktop,
        },
        country: None,
        created_at,
        expires_at: created_at + 1_000_000,
    }
}

async fn user(store: &SharedStore, name: &str, role: Role) -> User {
    store
        .create_user(
            NewUser {
                username: name.into(),
                password_hash: "x".into(),
                role,
            },
            0,
        )
        .await
        .expect("create user")
}

fn killed(at: Millis) -> EndRecord {
    EndRecord {
        reason: EndReason::Killed,
        ended_by: "admin".into(),
        at,
    }
}

pub async fn users_are_unique_case_insensitively(store: SharedStore) {
    user(&store, "alice", Role::Admin).await;
    let again = store
        .create_user(
            NewUser {
                username: "ALICE".into(),
                password_hash: "y".into(),
                role: Role::User,
            },
            0,
        )
        .await;
    assert!(
        matches!(again, Err(CoreError::Invalid(_))),
        "duplicate user accepted"
    );
    assert_eq!(store.count_users().await.expect("count"), 1);
    let found = store
        .user_credentials("Alice")
        .await
        .expect("query")
        .expect("found");
    assert_eq!(
        (found.user.username.as_str(), found.password_hash.as_str()),
        ("alice", "x")
    );
}

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
    let guests = ListQuery { search: "GUE".into(), ..ListQuery::default() };
    let found = store.list_live(&guests, Scope::Everyone, 0).await.expect("list");
    assert_eq!(found.sessions.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), vec![guest.id.as_str()]);
    assert!(guests.matches(&found.sessions[0]), "the browser's rule agrees with the store's");
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
        Err(CoreError::Invalid(_))
    ));
}

pub async fn ends_respect_scope_and_are_logged(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let a1 = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 1))
        .await
        .expect("insert");
    let a2 = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 2))
        .await
        .expect("insert");
    let b1 = store
        .insert_session(new_session(Some(&bob), "10.0.0.2", "console", 3))
        .await
        .expect("insert");
    let start = store.latest_end_seq().await.expect("seq");

    // Alice cannot end Bob's session by naming it.
    let forged = EndSelector::Ids {
        ids: vec![b1.id.clone()],
        scope: Scope::User(alice.id),
    };
    assert!(store
        .end_sessions(&forged, &killed(10))
        .await
        .expect("end")
        .is_empty());
    assert!(store
        .session_by_id(&b1.id)
        .await
        .expect("get")
        .expect("found")
        .ended_at
        .is_none());

    let ended = store
        .end_sessions(&EndSelector::AllExcept(vec![a1.id.clone()]), &killed(10))
        .await
        .expect("end");
    let mut ids: Vec<_> = ended.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    let mut expected = vec![a2.id.clone(), b1.id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    let b1_now = store
        .session_by_id(&b1.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(
        (
            b1_now.ended_at,
            b1_now.end_reason,
            b1_now.ended_by.as_deref()
        ),
        (Some(10), Some(EndReason::Killed), Some("admin"))
    );

    // Ending again changes nothing and logs nothing.
    assert!(store
        .end_sessions(&EndSelector::User(bob.id), &killed(11))
        .await
        .expect("end")
        .is_empty());
    let log = store.ends_since(start, 100).await.expect("log");
    assert_eq!(log.len(), 2);
    assert!(log
        .iter()
        .all(|end| end.seq > start && end.session.end_reason == Some(EndReason::Killed)));

    let a3 = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 4))
        .await
        .expect("insert");
    let except = EndSelector::UserExcept {
        user_id: alice.id,
        keep: a1.id.clone(),
    };
    let ended = store.end_sessions(&except, &killed(12)).await.expect("end");
    assert_eq!(
        ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![a3.id.clone()]
    );

    let ended = store
        .end_sessions(&EndSelector::User(alice.id), &killed(12))
        .await
        .expect("end");
    assert_eq!(
        ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![a1.id.clone()]
    );
    assert_eq!(store.ends_since(start, 100).await.expect("log").len(), 4);
}

pub async fn sweep_ends_idle_and_expired_with_reasons(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let mut expiring = new_session(Some(&alice), "10.0.0.1", "console", 0);
    expiring.expires_at = 500;
    let expiring = store.insert_session(expiring).await.expect("insert");
    let idle = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 0))
        .await
        .expect("insert");
    let kept = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 0))
        .await
        .expect("insert");
    let fresh = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 900))
        .await
        .expect("insert");

    let admin = user(&store, "root", Role::Admin).await;
    let admin_idle = store
        .insert_session(new_session(Some(&admin), "10.0.0.9", "console", 0))
        .await
        .expect("insert");
    // Admins idle out only before 0 here, so their session at 0 is kept.
    let cutoffs = [(Role::User, 100), (Role::Admin, -1)];
    let ended = store
        .sweep(1_000, &cutoffs, std::slice::from_ref(&kept.id))
        .await
        .expect("sweep");
    let reason_of = |id: &str| ended.iter().find(|s| s.id == id).and_then(|s| s.end_reason);
    assert_eq!(reason_of(&expiring.id), Some(EndReason::Expired));
    assert_eq!(reason_of(&idle.id), Some(EndReason::Idle));
    assert_eq!(reason_of(&kept.id), None);
    assert_eq!(reason_of(&fresh.id), None);
    assert_eq!(
        reason_of(&admin_idle.id),
        None,
        "the admin role's idle cutoff applies to admins"
    );
    assert!(ended
        .iter()
        .all(|s| s.ended_by.as_deref() == Some("system")));
}

pub async fn touches_move_last_seen_forward_only(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let session = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 100))
        .await
        .expect("insert");
    let touch = |at: Millis, ip: &str| Touch {
        id: session.id.clone(),
        user_id: None,
        role: Role::User,
        last_seen_at: at,
        last_ip: ip.into(),
    };
    store.touch(&[touch(500, "10.0.0.2")]).await.expect("touch");
    store.touch(&[touch(300, "10.0.0.2")]).await.expect("touch");
    let after = store
        .session_by_id(&session.id)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(
        (
            after.last_seen_at,
            after.last_ip.as_str(),
            after.first_ip.as_str()
        ),
        (500, "10.0.0.2", "10.0.0.1")
    );
}

pub async fn settings_are_saved_with_a_ledger(store: SharedStore) {
    assert!(store.load_settings().await.expect("settings").is_empty());
    let version = store.settings_version().await.expect("version");
    let set = |scope, key: &str, value: Option<&str>| SettingChange {
        scope,
        key: key.into(),
        value: value.map(Into::into),
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
    assert!(ledger[0].id > ledger[1].id && ledger[1].id > ledger[2].id, "newest first");
    assert_eq!(records[0].id, ledger[0].id, "the save returns the ledger ids");
    let older = store.settings_changes(1, Some(ledger[0].id)).await.expect("ledger page");
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

pub async fn accounts_change_and_disappear(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    store
        .set_password(alice.id, "new-hash")
        .await
        .expect("password");
    store.set_disabled(alice.id, true).await.expect("disable");
    let found = store
        .user_credentials("alice")
        .await
        .expect("query")
        .expect("found");
    assert_eq!(
        (found.password_hash.as_str(), found.user.disabled),
        ("new-hash", true)
    );
    assert_eq!(
        store
            .user_by_id(alice.id)
            .await
            .expect("get")
            .map(|u| u.username),
        Some("alice".into())
    );
    let session = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 1))
        .await
        .expect("insert");
    store
        .end_sessions(&EndSelector::User(alice.id), &killed(5))
        .await
        .expect("end");
    store.delete_user(alice.id).await.expect("delete");
    assert!(store.user_by_id(alice.id).await.expect("get").is_none());
    assert!(matches!(
        store.delete_user(alice.id).await,
        Err(CoreError::NotFound(_))
    ));
    let kept = store
        .session_by_id(&session.id)
        .await
        .expect("get")
        .expect("history survives the user");
    assert_eq!(
        (kept.username.as_deref(), kept.user_id),
        (Some("alice"), None)
    );
}

pub async fn policy_queries_see_the_right_sessions(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let a1 = store
        .insert_session(new_session(Some(&alice), "10.0.0.1", "console", 10))
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
    store
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

    assert_eq!(store.live_summaries(100).await.expect("live").len(), 3);
    let mut neighbours: Vec<String> = store
        .limit_neighbours(Some(UserRef::Account(alice.id)), "10.0.0.1", Role::User, 100)
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

    let mut recent = store.recent_ips(UserRef::Account(alice.id), 400).await.expect("ips");
    recent.sort();
    assert_eq!(
        recent,
        vec!["10.0.0.1".to_owned(), "10.0.0.2".to_owned()],
        "ended within the window counts"
    );
    assert_eq!(
        store.recent_ips(UserRef::Account(alice.id), 501).await.expect("ips"),
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

    let facets = store.facets(50).await.expect("facets");
    assert_eq!(facets.applications, vec![("console".to_owned(), 3)]);
    assert_eq!(facets.countries, vec![(String::new(), 3)]);
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
            .list_live(&filtered, Scope::Everyone, 50)
            .await
            .expect("list")
            .total,
        3
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
            .list_live(&none, Scope::Everyone, 50)
            .await
            .expect("list")
            .total,
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
    let backwards = HistoryQuery {
        from: Some(400),
        until: Some(200),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        store.history(&backwards).await,
        Err(CoreError::Invalid(_))
    ));
    let junk = HistoryQuery {
        after: Some("junk".into()),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        store.history(&junk).await,
        Err(CoreError::Invalid(_))
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

/// Instantiates every conformance test for one backend. `$open` is an async
/// expression yielding `(SharedStore, guard)`; the guard keeps the database alive.
macro_rules! backend_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            backend_suite!(@tests $open;
                users_are_unique_case_insensitively,
                sessions_round_trip_by_token_hash,
                list_filters_sorts_and_pages,
                ends_respect_scope_and_are_logged,
                sweep_ends_idle_and_expired_with_reasons,
                touches_move_last_seen_forward_only,
                settings_are_saved_with_a_ledger,
                accounts_change_and_disappear,
                policy_queries_see_the_right_sessions,
                history_filters_pages_and_purges);
        }
    };
    (@tests $open:expr; $($test:ident),*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let (store, _guard) = $open.await;
                super::super::$test(store).await;
            }
        )*
    };
}

async fn open_sqlite() -> (SharedStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    (open(&url).await.expect("open sqlite"), dir)
}

mod backends {
    use super::*;
    backend_suite!(sqlite, open_sqlite());
}
