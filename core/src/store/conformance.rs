//! One suite every backend must pass. Each test takes a fresh, empty store; the
//! `backend_suite!` macro instantiates the whole suite for one backend.

use super::*;
use crate::model::{DeviceClass, PageAt, SortDir, SortKey};
use crate::token::{new_session_id, Token};

pub fn new_session(user: Option<&User>, ip: &str, app: &str, created_at: Millis) -> NewSession {
    NewSession {
        id: new_session_id(),
        token_hash: Token::generate().hash(),
        application: app.into(),
        user_id: user.map(|u| u.id),
        username: user.map(|u| u.username.clone()),
        status: if user.is_some() { SessionStatus::Authenticated } else { SessionStatus::Guest },
        role: user.map(|u| u.role).unwrap_or(Role::User),
        ip: ip.into(),
        user_agent: "test".into(),
        agent: AgentInfo { browser: "Chrome".into(), browser_version: "120".into(), os: "Linux".into(), device: DeviceClass::Desktop },
        country: None,
        created_at,
        expires_at: created_at + 1_000_000,
    }
}

async fn user(store: &SharedStore, name: &str, role: Role) -> User {
    store
        .create_user(NewUser { username: name.into(), password_hash: "x".into(), role }, 0)
        .await
        .expect("create user")
}

fn killed(at: Millis) -> EndRecord {
    EndRecord { reason: EndReason::Killed, ended_by: "admin".into(), at }
}

pub async fn users_are_unique_case_insensitively(store: SharedStore) {
    user(&store, "alice", Role::Admin).await;
    let again = store.create_user(NewUser { username: "ALICE".into(), password_hash: "y".into(), role: Role::User }, 0).await;
    assert!(matches!(again, Err(CoreError::Invalid(_))), "duplicate user accepted");
    assert_eq!(store.count_users().await.expect("count"), 1);
    let found = store.user_credentials("Alice").await.expect("query").expect("found");
    assert_eq!((found.user.username.as_str(), found.password_hash.as_str()), ("alice", "x"));
}

pub async fn sessions_round_trip_by_token_hash(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let new = new_session(Some(&alice), "10.0.0.1", "console", 100);
    let hash = new.token_hash;
    let created = store.insert_session(new).await.expect("insert");
    let found = store.session_by_token(&hash).await.expect("get").expect("found");
    assert_eq!(found, created);
    assert_eq!(found.username.as_deref(), Some("alice"));
    assert!(store.session_by_token(&Token::generate().hash()).await.expect("get").is_none());
    let guest = store.insert_session(new_session(None, "10.0.0.2", "shop", 100)).await.expect("insert");
    assert_eq!((guest.username, guest.status), (None, SessionStatus::Guest));
}

pub async fn list_filters_sorts_and_pages(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    for n in 0..7 {
        let who = if n % 2 == 0 { &alice } else { &bob };
        store.insert_session(new_session(Some(who), &format!("10.0.0.{n}"), "console", 1_000 + n)).await.expect("insert");
    }
    let ended = store.insert_session(new_session(Some(&alice), "10.9.9.9", "console", 5_000)).await.expect("insert");
    store
        .end_sessions(&EndSelector::Ids { ids: vec![ended.id.clone()], scope: Scope::Everyone }, &killed(6_000))
        .await
        .expect("end");

    let mut query = ListQuery { limit: 3, sort: SortKey::Created, dir: SortDir::Desc, ..ListQuery::default() };
    let first = store.list_live(&query, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(first.total, 7, "ended sessions are not live");
    let created: Vec<_> = first.sessions.iter().map(|s| s.created_at).collect();
    assert_eq!(created, vec![1_006, 1_005, 1_004]);
    assert!(first.prev.is_none());

    query.page = PageAt::After(first.next.clone().expect("more").encode());
    let second = store.list_live(&query, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(second.sessions.iter().map(|s| s.created_at).collect::<Vec<_>>(), vec![1_003, 1_002, 1_001]);
    query.page = PageAt::After(second.next.clone().expect("more").encode());
    let third = store.list_live(&query, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(third.sessions.iter().map(|s| s.created_at).collect::<Vec<_>>(), vec![1_000]);
    assert!(third.next.is_none());

    query.page = PageAt::Before(third.prev.clone().expect("back").encode());
    let back = store.list_live(&query, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(back.sessions, second.sessions);

    let search = ListQuery { search: "bob".into(), ..ListQuery::default() };
    let bobs = store.list_live(&search, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(bobs.total, 3);
    assert!(bobs.sessions.iter().all(|s| s.username.as_deref() == Some("bob")));

    let by_ip = ListQuery { search: "10.0.0.4".into(), ..ListQuery::default() };
    assert_eq!(store.list_live(&by_ip, Scope::Everyone, 2_000).await.expect("list").total, 1);

    let wildcard = ListQuery { search: "%".into(), ..ListQuery::default() };
    assert_eq!(store.list_live(&wildcard, Scope::Everyone, 2_000).await.expect("list").total, 0, "LIKE wildcards are literal");

    let mine = store.list_live(&ListQuery::default(), Scope::User(alice.id), 2_000).await.expect("list");
    assert_eq!(mine.total, 4);
    assert!(mine.sessions.iter().all(|s| s.user_id == Some(alice.id)));

    let by_user = ListQuery { sort: SortKey::User, dir: SortDir::Asc, ..ListQuery::default() };
    let sorted = store.list_live(&by_user, Scope::Everyone, 2_000).await.expect("list");
    assert_eq!(sorted.sessions.first().and_then(|s| s.username.as_deref()), Some("alice"));
    assert_eq!(sorted.sessions.last().and_then(|s| s.username.as_deref()), Some("bob"));

    let after_expiry = store.list_live(&ListQuery::default(), Scope::Everyone, 1_000_000 + 1_003).await.expect("list");
    assert_eq!(after_expiry.total, 3, "sessions past their expiry are not live");

    let foreign = ListQuery { page: PageAt::After("not-a-cursor".into()), ..ListQuery::default() };
    assert!(matches!(store.list_live(&foreign, Scope::Everyone, 2_000).await, Err(CoreError::Invalid(_))));
}

pub async fn ends_respect_scope_and_are_logged(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let a1 = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 1)).await.expect("insert");
    let a2 = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 2)).await.expect("insert");
    let b1 = store.insert_session(new_session(Some(&bob), "10.0.0.2", "console", 3)).await.expect("insert");
    let start = store.latest_end_seq().await.expect("seq");

    // Alice cannot end Bob's session by naming it.
    let forged = EndSelector::Ids { ids: vec![b1.id.clone()], scope: Scope::User(alice.id) };
    assert!(store.end_sessions(&forged, &killed(10)).await.expect("end").is_empty());
    assert!(store.session_by_id(&b1.id).await.expect("get").expect("found").ended_at.is_none());

    let ended = store.end_sessions(&EndSelector::AllExcept(vec![a1.id.clone()]), &killed(10)).await.expect("end");
    let mut ids: Vec<_> = ended.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    let mut expected = vec![a2.id.clone(), b1.id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    let b1_now = store.session_by_id(&b1.id).await.expect("get").expect("found");
    assert_eq!((b1_now.ended_at, b1_now.end_reason, b1_now.ended_by.as_deref()), (Some(10), Some(EndReason::Killed), Some("admin")));

    // Ending again changes nothing and logs nothing.
    assert!(store.end_sessions(&EndSelector::User(bob.id), &killed(11)).await.expect("end").is_empty());
    let log = store.ends_since(start, 100).await.expect("log");
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|end| end.seq > start && end.reason == EndReason::Killed));

    let a3 = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 4)).await.expect("insert");
    let except = EndSelector::UserExcept { user_id: alice.id, keep: a1.id.clone() };
    let ended = store.end_sessions(&except, &killed(12)).await.expect("end");
    assert_eq!(ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), vec![a3.id.clone()]);

    let ended = store.end_sessions(&EndSelector::User(alice.id), &killed(12)).await.expect("end");
    assert_eq!(ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), vec![a1.id.clone()]);
    assert_eq!(store.ends_since(start, 100).await.expect("log").len(), 4);
}

pub async fn sweep_ends_idle_and_expired_with_reasons(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let mut expiring = new_session(Some(&alice), "10.0.0.1", "console", 0);
    expiring.expires_at = 500;
    let expiring = store.insert_session(expiring).await.expect("insert");
    let idle = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 0)).await.expect("insert");
    let kept = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 0)).await.expect("insert");
    let fresh = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 900)).await.expect("insert");

    let ended = store.sweep(1_000, 100, std::slice::from_ref(&kept.id)).await.expect("sweep");
    let reason_of = |id: &str| ended.iter().find(|s| s.id == id).and_then(|s| s.end_reason);
    assert_eq!(reason_of(&expiring.id), Some(EndReason::Expired));
    assert_eq!(reason_of(&idle.id), Some(EndReason::Idle));
    assert_eq!(reason_of(&kept.id), None);
    assert_eq!(reason_of(&fresh.id), None);
    assert!(ended.iter().all(|s| s.ended_by.as_deref() == Some("system")));
}

pub async fn touches_move_last_seen_forward_only(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let session = store.insert_session(new_session(Some(&alice), "10.0.0.1", "console", 100)).await.expect("insert");
    let touch = |at: Millis, ip: &str| Touch { id: session.id.clone(), user_id: None, last_seen_at: at, last_ip: ip.into() };
    store.touch(&[touch(500, "10.0.0.2")]).await.expect("touch");
    store.touch(&[touch(300, "10.0.0.2")]).await.expect("touch");
    let after = store.session_by_id(&session.id).await.expect("get").expect("found");
    assert_eq!((after.last_seen_at, after.last_ip.as_str(), after.first_ip.as_str()), (500, "10.0.0.2", "10.0.0.1"));
}

pub async fn settings_default_when_empty(store: SharedStore) {
    assert_eq!(store.load_settings().await.expect("settings"), Settings::default());
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
                settings_default_when_empty);
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
