//! Conformance: accounts.

use super::killed;
use super::{new_session, user};
use crate::model::Role;
use crate::store::*;

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
    assert!(matches!(again, Ok(None)), "duplicate user accepted");
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

pub async fn accounts_change_and_disappear(store: SharedStore) {
    let alice = user(&store, "alice", Role::User).await;
    assert!(store
        .set_password(alice.id, "new-hash")
        .await
        .expect("password"));
    assert!(store.set_disabled(alice.id, true).await.expect("disable"));
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
    assert!(store.delete_user(alice.id).await.expect("delete"));
    assert!(store.user_by_id(alice.id).await.expect("get").is_none());
    assert!(
        !store.delete_user(alice.id).await.expect("delete again"),
        "no such user"
    );
    assert!(
        !store.set_password(alice.id, "h").await.expect("password"),
        "no such user"
    );
    assert!(
        !store.set_disabled(alice.id, false).await.expect("enable"),
        "no such user"
    );
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

pub async fn users_are_found_by_name_and_id_and_listed_by_name(store: SharedStore) {
    assert_eq!(store.count_users().await.expect("count"), 0);
    let bob = user(&store, "bob", Role::User).await;
    let alice = user(&store, "Alice", Role::Admin).await;
    let carol = user(&store, "carol", Role::User).await;
    assert_eq!(
        (alice.role, alice.disabled, alice.created_at),
        (Role::Admin, false, 0)
    );
    assert_eq!(store.count_users().await.expect("count"), 3);
    let names: Vec<String> = store
        .list_users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(
        names,
        vec!["Alice", "bob", "carol"],
        "by name, ignoring case"
    );
    assert_eq!(
        store.user_by_name("ALICE").await.expect("get"),
        Some(alice.clone())
    );
    assert_eq!(
        store.user_by_id(bob.id).await.expect("get"),
        Some(bob.clone())
    );
    assert_eq!(store.user_by_id(carol.id + 100).await.expect("get"), None);
    assert_eq!(store.user_by_name("dave").await.expect("get"), None);
    assert!(store.user_credentials("dave").await.expect("get").is_none());
    assert!(store.set_disabled(bob.id, true).await.expect("disable"));
    assert!(
        store
            .user_by_name("bob")
            .await
            .expect("get")
            .expect("found")
            .disabled
    );
    assert!(store.set_disabled(bob.id, false).await.expect("enable"));
    assert!(
        !store
            .user_by_name("bob")
            .await
            .expect("get")
            .expect("found")
            .disabled
    );
}
