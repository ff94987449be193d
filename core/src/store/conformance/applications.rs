//! Conformance: applications and their keys.

use super::new_session;
use crate::model::Millis;
use crate::store::*;
use crate::token::Token;

fn app(name: &str, key: &Token, at: Millis) -> NewApplication {
    NewApplication {
        name: name.into(),
        key_hash: key.hash(),
        key_prefix: "sk_test".into(),
        created_by: "root".into(),
        created_at: at,
    }
}

pub async fn applications_are_unique_and_found_by_key(store: SharedStore) {
    let version = store.applications_version().await.expect("version");
    let key = Token::generate();
    let shop = store
        .create_application(app("shop", &key, 10))
        .await
        .expect("create")
        .expect("new");
    assert_eq!(
        (
            shop.name.as_str(),
            shop.key_prefix.as_str(),
            shop.created_at,
            shop.created_by.as_str()
        ),
        ("shop", "sk_test", 10, "root")
    );
    assert_eq!((shop.revoked_at, shop.live_sessions), (None, 0));
    assert_eq!(
        store.applications_version().await.expect("version"),
        version + 1
    );

    let again = store
        .create_application(app("SHOP", &Token::generate(), 11))
        .await
        .expect("create");
    assert!(again.is_none(), "names are unique ignoring case");
    assert_eq!(
        store.applications_version().await.expect("version"),
        version + 1,
        "nothing changed"
    );

    assert_eq!(
        store.application_by_key(&key.hash()).await.expect("get"),
        Some(shop)
    );
    assert_eq!(
        store
            .application_by_key(&Token::generate().hash())
            .await
            .expect("get"),
        None
    );
}

pub async fn applications_are_listed_with_live_counts_and_revoked_once(store: SharedStore) {
    let shop_key = Token::generate();
    store
        .create_application(app("shop", &shop_key, 10))
        .await
        .expect("create")
        .expect("new");
    store
        .create_application(app("blog", &Token::generate(), 20))
        .await
        .expect("create")
        .expect("new");
    for at in [100, 200] {
        store
            .insert_session(new_session(None, "10.0.0.1", "shop", at))
            .await
            .expect("insert");
    }
    let mut expiring = new_session(None, "10.0.0.1", "shop", 100);
    expiring.expires_at = 500;
    store.insert_session(expiring).await.expect("insert");

    let listed = store.list_applications(1_000).await.expect("list");
    let counts: Vec<(&str, i64)> = listed
        .iter()
        .map(|a| (a.name.as_str(), a.live_sessions))
        .collect();
    assert_eq!(
        counts,
        vec![("shop", 2), ("blog", 0)],
        "oldest first; expired sessions are not live"
    );

    let version = store.applications_version().await.expect("version");
    let revoked = store
        .revoke_application("shop", "root", 2_000)
        .await
        .expect("revoke")
        .expect("was live");
    assert_eq!(
        (revoked.revoked_at, revoked.revoked_by.as_deref()),
        (Some(2_000), Some("root"))
    );
    assert_eq!(
        store.applications_version().await.expect("version"),
        version + 1
    );
    assert!(
        store
            .revoke_application("shop", "root", 3_000)
            .await
            .expect("revoke")
            .is_none(),
        "only once"
    );
    assert!(store
        .revoke_application("nope", "root", 3_000)
        .await
        .expect("revoke")
        .is_none());
    let by_key = store
        .application_by_key(&shop_key.hash())
        .await
        .expect("get")
        .expect("still known");
    assert_eq!(
        by_key.revoked_at,
        Some(2_000),
        "a revoked key is still found, to be refused"
    );
    let reuse = store
        .create_application(app("shop", &Token::generate(), 4_000))
        .await
        .expect("create");
    assert!(reuse.is_none(), "a revoked name is never reused");
}
