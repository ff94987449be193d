//! Conformance: ending sessions, the end log and "last seen".

use super::killed;
use super::{new_session, user};
use crate::flag::{FlagKind, SessionFlag};
use crate::model::{EndReason, ListQuery, Millis, Role, SessionStatus, SortDir, SortKey};
use crate::store::*;

/// What an end returns is each session exactly as the store now holds it, whatever
/// its values (SQLite reads them back as JSON, PostgreSQL through `RETURNING`).
pub async fn an_end_returns_the_ended_sessions_as_stored(store: SharedStore) {
    let zoe = user(&store, "Zoë \"quoted\" \\ ✓", Role::Admin).await;
    let mut odd = new_session(Some(&zoe), "2001:db8::1", "shop \"ünïcode\"", 5);
    odd.country = Some("SE".into());
    odd.user_agent = "Mozilla/5.0 (X11; Linux) \u{1F600}\n\t".into();
    odd.external_user_id = Some("ext-42".into());
    odd.flags = vec![SessionFlag::new(FlagKind::NewCountry, "first from \"SE\"")];
    odd.created_at = 1_700_000_000_123;
    odd.expires_at = i64::MAX / 2;
    let odd = store.insert_session(odd).await.expect("insert");
    let guest = store
        .insert_session(new_session(None, "10.0.0.9", "console", 6))
        .await
        .expect("insert");

    let mut ended = store
        .end_sessions(&EndSelector::AllExcept(Vec::new()), &killed(10))
        .await
        .expect("end")
        .sessions;
    ended.sort_by_key(|session| session.created_at);
    let mut stored = Vec::new();
    for id in [&guest.id, &odd.id] {
        stored.push(store.session_by_id(id).await.expect("get").expect("found"));
    }
    assert_eq!(ended, stored);
    assert_eq!(ended[1].flags, odd.flags);
    assert_eq!(ended[1].username, odd.username);
    assert_eq!(ended[0].username, None, "a guest");
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
        .sessions
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
        .expect("end")
        .sessions;
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
        .sessions
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
    let ended = store
        .end_sessions(&except, &killed(12))
        .await
        .expect("end")
        .sessions;
    assert_eq!(
        ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![a3.id.clone()]
    );

    let ended = store
        .end_sessions(&EndSelector::User(alice.id), &killed(12))
        .await
        .expect("end")
        .sessions;
    assert_eq!(
        ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![a1.id.clone()]
    );
    assert_eq!(store.ends_since(start, 100).await.expect("log").len(), 4);
}

pub async fn expiry_and_idle_selectors_end_what_they_name(store: SharedStore) {
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
    let system = |reason| EndRecord {
        reason,
        ended_by: "system".into(),
        at: 1_000,
    };
    let mut ended = store
        .end_sessions(
            &EndSelector::ExpiredAt {
                at: 1_000,
                limit: 100,
            },
            &system(EndReason::Expired),
        )
        .await
        .expect("expired")
        .sessions;
    // Admins idle out only before 0 here, so their session at 0 is kept.
    for (role, before) in [(Role::User, 100), (Role::Admin, -1)] {
        let idle = EndSelector::IdleSince {
            role,
            before,
            keep: vec![kept.id.clone()],
            limit: 100,
        };
        ended.extend(
            store
                .end_sessions(&idle, &system(EndReason::Idle))
                .await
                .expect("idle")
                .sessions,
        );
    }
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

/// The sweep ends in batches: each call ends at most `limit` sessions under one change
/// number, and the next call the rest.
pub async fn sweep_selectors_end_at_most_their_limit_per_call(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let mut expiring = Vec::new();
    for _ in 0..3 {
        let mut session = new_session(Some(&alice), "10.0.0.1", "console", 0);
        session.expires_at = 500;
        expiring.push(store.insert_session(session).await.expect("insert").id);
    }
    let record = EndRecord {
        reason: EndReason::Expired,
        ended_by: "system".into(),
        at: 1_000,
    };
    let expired = EndSelector::ExpiredAt {
        at: 1_000,
        limit: 2,
    };
    let first = store.end_sessions(&expired, &record).await.expect("first");
    let second = store.end_sessions(&expired, &record).await.expect("second");
    let third = store.end_sessions(&expired, &record).await.expect("third");
    assert_eq!((first.sessions.len(), second.sessions.len()), (2, 1));
    assert!(third.sessions.is_empty() && third.seq.is_none());
    assert!(first.seq < second.seq, "each batch is its own change");
    let mut ended: Vec<String> = first
        .sessions
        .iter()
        .chain(&second.sessions)
        .map(|s| s.id.clone())
        .collect();
    ended.sort();
    expiring.sort();
    assert_eq!(ended, expiring);

    let mut idle = Vec::new();
    for _ in 0..3 {
        let session = new_session(Some(&alice), "10.0.0.1", "console", 0);
        idle.push(store.insert_session(session).await.expect("insert").id);
    }
    let selector = EndSelector::IdleSince {
        role: Role::User,
        before: 100,
        keep: vec![idle[0].clone()],
        limit: 1,
    };
    let record = EndRecord {
        reason: EndReason::Idle,
        ..record
    };
    let mut ended = Vec::new();
    for _ in 0..3 {
        let batch = store.end_sessions(&selector, &record).await.expect("idle");
        assert!(batch.sessions.len() <= 1);
        ended.extend(batch.sessions.into_iter().map(|s| s.id));
    }
    ended.sort();
    let mut want = vec![idle[1].clone(), idle[2].clone()];
    want.sort();
    assert_eq!(
        ended, want,
        "the kept session stays, the others end one per call"
    );
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
        flags: Vec::new(),
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

pub async fn lists_and_ends_of_an_application_stay_in_it(store: SharedStore) {
    let api_session = |app: &str, user: &str, at: Millis| {
        let mut new = new_session(None, "10.0.0.1", app, at);
        new.external_user_id = Some(user.into());
        new.username = Some(user.into());
        new.status = SessionStatus::Authenticated;
        new
    };
    let ada1 = store
        .insert_session(api_session("shop", "ada", 1))
        .await
        .expect("insert");
    let ada2 = store
        .insert_session(api_session("shop", "ada", 2))
        .await
        .expect("insert");
    let bob = store
        .insert_session(api_session("shop", "bob", 3))
        .await
        .expect("insert");
    // The same user id in another application is another person.
    let other = store
        .insert_session(api_session("blog", "ada", 4))
        .await
        .expect("insert");
    assert_eq!(ada1.external_user_id.as_deref(), Some("ada"));

    let in_shop = |user: Option<&str>| Scope::Application {
        name: "shop".into(),
        user: user.map(Into::into),
    };
    let ids = |page: StoredPage| page.sessions.into_iter().map(|s| s.id).collect::<Vec<_>>();
    let by_created = ListQuery {
        sort: SortKey::Created,
        dir: SortDir::Asc,
        ..ListQuery::default()
    };
    let shop = store
        .list_live(&by_created, &in_shop(None), 10, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(
        ids(shop),
        vec![ada1.id.clone(), ada2.id.clone(), bob.id.clone()]
    );
    let adas = store
        .list_live(&by_created, &in_shop(Some("ada")), 10, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(ids(adas), vec![ada1.id.clone(), ada2.id.clone()]);

    // Another application cannot end shop's sessions by naming them.
    let forged = EndSelector::Ids {
        ids: vec![ada1.id.clone()],
        scope: Scope::Application {
            name: "blog".into(),
            user: None,
        },
    };
    assert!(store
        .end_sessions(&forged, &killed(5))
        .await
        .expect("end")
        .sessions
        .is_empty());

    let logout_others = EndSelector::ExternalUser {
        application: "shop".into(),
        user: "ada".into(),
        keep: Some(ada2.id.clone()),
    };
    let ended = store
        .end_sessions(&logout_others, &killed(6))
        .await
        .expect("end")
        .sessions;
    assert_eq!(
        ended.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![ada1.id.clone()]
    );

    let revoked = store
        .end_sessions(&EndSelector::Application("shop".into()), &killed(7))
        .await
        .expect("end")
        .sessions;
    let mut revoked: Vec<_> = revoked.into_iter().map(|s| s.id).collect();
    revoked.sort();
    let mut expected = vec![ada2.id.clone(), bob.id.clone()];
    expected.sort();
    assert_eq!(revoked, expected);
    let blog = store
        .session_by_id(&other.id)
        .await
        .expect("get")
        .expect("found");
    assert!(
        blog.ended_at.is_none(),
        "another application's session lives on"
    );

    // The end log reads oldest first from a sequence number; one end is one number.
    let log = store.ends_since(0, 100).await.expect("log");
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].session.id, ada1.id);
    assert!(
        log[0].seq < log[1].seq && log[1].seq == log[2].seq,
        "ended together, logged together"
    );
    assert_eq!(
        store.ends_since(0, 1).await.expect("log").len(),
        1,
        "at most the limit"
    );
    let rest = store.ends_since(log[0].seq, 100).await.expect("log");
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0].seq, store.latest_end_seq().await.expect("seq"));
    let token = store
        .session_by_token(&rest[0].token_hash)
        .await
        .expect("get")
        .expect("by its hash");
    assert_eq!(token.id, rest[0].session.id);
}

/// Creations and ends share one log and one sequence: a reader from any number sees
/// them in the order they happened, and a bulk end (one number) can be read whole.
pub async fn creations_and_ends_share_the_change_log(store: SharedStore) {
    let start = store.latest_end_seq().await.expect("seq");
    let a = store
        .insert_session(new_session(None, "10.0.0.1", "console", 1))
        .await
        .expect("insert");
    let b = store
        .insert_session(new_session(None, "10.0.0.2", "console", 2))
        .await
        .expect("insert");
    let one = EndSelector::Ids {
        ids: vec![a.id.clone()],
        scope: Scope::Everyone,
    };
    store.end_sessions(&one, &killed(3)).await.expect("end");
    let c = store
        .insert_session(new_session(None, "10.0.0.3", "shop", 4))
        .await
        .expect("insert");

    let log = store.changes_since(start, 100, &[]).await.expect("log");
    let entries: Vec<(ChangeKind, &str)> = log
        .iter()
        .map(|change| (change.kind, change.session.id.as_str()))
        .collect();
    assert_eq!(
        entries,
        vec![
            (ChangeKind::Created, a.id.as_str()),
            (ChangeKind::Created, b.id.as_str()),
            (ChangeKind::Ended, a.id.as_str()),
            (ChangeKind::Created, c.id.as_str()),
        ]
    );
    assert!(
        log.windows(2).all(|pair| pair[0].seq < pair[1].seq),
        "one number each, in order: {:?}",
        log.iter().map(|change| change.seq).collect::<Vec<_>>()
    );
    assert_eq!(log[3].seq, store.latest_end_seq().await.expect("seq"));
    assert_eq!(log[3].session.application, "shop", "the whole row");
    let by_hash = store
        .session_by_token(&log[3].token_hash)
        .await
        .expect("get")
        .expect("by its hash");
    assert_eq!(by_hash.id, c.id);
    // The ended session's creation reads as the row is now; the end is its own entry.
    assert_eq!(log[2].session.end_reason, Some(EndReason::Killed));
    assert_eq!(
        store
            .changes_since(log[1].seq, 100, &[])
            .await
            .expect("log")
            .len(),
        2,
        "from any number"
    );

    // A bulk end is one number: a reader cut off inside it reads that number whole.
    let both = EndSelector::Ids {
        ids: vec![b.id.clone(), c.id.clone()],
        scope: Scope::Everyone,
    };
    let bulk = store.end_sessions(&both, &killed(5)).await.expect("end");
    assert_eq!(bulk.sessions.len(), 2);
    let bulk_seq = bulk.seq.expect("logged under a number");
    assert!(bulk_seq > log[3].seq);
    // A reader skips the ends it made itself, without reading them.
    assert!(store
        .changes_since(log[3].seq, 100, &[bulk_seq])
        .await
        .expect("log")
        .is_empty());
    assert_eq!(
        store
            .changes_since(log[1].seq, 100, &[bulk_seq, log[2].seq])
            .await
            .expect("log")
            .iter()
            .map(|change| (change.kind, change.session.id.as_str()))
            .collect::<Vec<_>>(),
        vec![(ChangeKind::Created, c.id.as_str())],
        "creations are never skipped"
    );
    let cut = store.changes_since(log[3].seq, 1, &[]).await.expect("log");
    assert_eq!(cut.len(), 1, "at most the limit");
    let whole = store.changes_at(cut[0].seq).await.expect("log");
    let mut ids: Vec<&str> = whole
        .iter()
        .map(|change| change.session.id.as_str())
        .collect();
    ids.sort();
    let mut expected = vec![b.id.as_str(), c.id.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(whole.iter().all(|change| change.kind == ChangeKind::Ended));
}
