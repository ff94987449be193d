//! Conformance: suspicious-session flags are stored with the session, filter the live
//! list, reach history, and the flags' look at a user's recent sessions.

use super::killed;
use super::{new_session, user};
use crate::model::{FlagKind, HistoryQuery, ListFilter, ListQuery, Role, SessionFlag};
use crate::store::*;

fn one(id: &str) -> EndSelector {
    EndSelector::Ids {
        ids: vec![id.to_owned()],
        scope: Scope::Everyone,
    }
}

pub async fn flags_persist_filter_and_reach_history(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let new_country = SessionFlag::new(FlagKind::NewCountry, "First sign-in from SE in 30 days");
    let mut flagged = new_session(Some(&alice), "10.0.0.1", "console", 100);
    flagged.country = Some("SE".into());
    flagged.flags = vec![new_country.clone()];
    let flagged = store.insert_session(flagged).await.expect("insert");
    assert_eq!(flagged.flags, vec![new_country.clone()]);
    let plain = store
        .insert_session(new_session(Some(&alice), "10.0.0.2", "console", 200))
        .await
        .expect("insert");
    assert!(plain.flags.is_empty());

    let only_flagged = ListQuery {
        filter: ListFilter {
            flagged: true,
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    let page = store
        .list_live(&only_flagged, &Scope::Everyone, 300, LiveAccess::ByFilter)
        .await
        .expect("list");
    assert_eq!(page.sessions.len(), 1);
    assert_eq!(
        store
            .count_live(&only_flagged, &Scope::Everyone, 300)
            .await
            .expect("count"),
        1
    );
    assert_eq!(page.sessions[0].id, flagged.id);
    assert!(only_flagged.matches(&page.sessions[0]));
    assert!(!only_flagged.matches(&plain));

    // A move adds a flag to a live session; an ended one is left alone.
    let moved = vec![
        new_country.clone(),
        SessionFlag::new(FlagKind::CountryChange, "Country changed from SE to DE"),
    ];
    assert!(store.set_flags(&flagged.id, &moved).await.expect("set"));
    let ended = store
        .end_sessions(&one(&flagged.id), &killed(400))
        .await
        .expect("end")
        .sessions;
    assert_eq!(
        ended[0].flags, moved,
        "the end returns the row with its flags"
    );
    assert!(!store.set_flags(&flagged.id, &[]).await.expect("set"));
    assert!(!store.set_flags("nosuchid", &moved).await.expect("set"));

    let history = store
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(history.sessions.len(), 1);
    assert_eq!(history.sessions[0].flags, moved);
}

pub async fn sign_in_history_sees_the_window_and_earlier_sessions(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    let bob = user(&store, "bob", Role::User).await;
    let mut live = new_session(Some(&alice), "10.0.0.1", "console", 100);
    live.country = Some("SE".into());
    store.insert_session(live).await.expect("insert");
    let old = store
        .insert_session(new_session(Some(&alice), "10.0.0.2", "console", 200))
        .await
        .expect("insert");
    store
        .end_sessions(&one(&old.id), &killed(300))
        .await
        .expect("end");
    let bobs = store
        .insert_session(new_session(Some(&bob), "10.0.0.3", "console", 50))
        .await
        .expect("insert");
    store
        .end_sessions(&one(&bobs.id), &killed(60))
        .await
        .expect("end");
    store
        .insert_session(new_session(None, "10.0.0.4", "console", 70))
        .await
        .expect("a guest");

    let alice_ref = UserRef::Account(alice.id);
    let both = store
        .sign_in_history(alice_ref, 300)
        .await
        .expect("history");
    assert_eq!(both.facts.len(), 2, "live, and ended at the window's start");
    assert!(!both.earlier);
    let newest = &both.facts[0];
    assert_eq!(
        (newest.created_at, newest.first_ip.as_str()),
        (200, "10.0.0.2"),
        "newest first"
    );
    assert_eq!(both.facts[1].country.as_deref(), Some("SE"));

    let later = store
        .sign_in_history(alice_ref, 301)
        .await
        .expect("history");
    assert_eq!(later.facts.len(), 1);
    assert!(later.earlier, "the session ended before the window");

    let bob_ref = UserRef::Account(bob.id);
    let gone = store.sign_in_history(bob_ref, 100).await.expect("history");
    assert!(gone.facts.is_empty());
    assert!(gone.earlier);
    let first = store
        .sign_in_history(
            UserRef::External {
                application: "shop",
                id: "u1",
            },
            0,
        )
        .await
        .expect("history");
    assert!(
        first.facts.is_empty() && !first.earlier,
        "nobody: a first sign-in"
    );
}
