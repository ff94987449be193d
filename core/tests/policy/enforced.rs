//! The limits and the network rules enforced: who is refused at sign-in, who is evicted,
//! and what counts as one more session.

use super::*;

async fn per_user_limit_refuses_at_the_limit(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Role(Role::User), "max_sessions_per_user", "2")
        .await;
    f.sign_in("alice", "10.0.0.1").await.expect("1 of 2");
    f.sign_in("alice", "10.0.0.2").await.expect("2 of 2");
    let message = refused(f.sign_in("alice", "10.0.0.3").await);
    assert!(message.contains("at most 2 sessions per user"), "{message}");
    assert_eq!(
        f.live_ids("alice").await.len(),
        2,
        "the refusal created nothing"
    );
    // The limit is per role: admins are not limited.
    for n in 0..3 {
        f.sign_in("root", &format!("10.0.1.{n}"))
            .await
            .expect("admins are unlimited");
    }
}

async fn a_third_browser_is_refused_even_like_the_first_and_at_once(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Role(Role::User), "max_sessions_per_user", "2")
        .await;
    let chrome = client("10.0.0.1", CHROME);
    let sign_in = |from| f.engine.sign_in("alice", "alice-password".into(), from);
    let first = sign_in(&chrome).await.expect("1 of 2");
    let iphone = client("10.0.0.1", IPHONE);
    sign_in(&iphone).await.expect("2 of 2");
    // A third browser that looks like the first, within seconds, gets no session
    // (and certainly not the first one's).
    let message = refused(sign_in(&chrome).await);
    assert!(message.contains("at most 2 sessions per user"), "{message}");
    assert_eq!(f.live_ids("alice").await.len(), 2);
    f.engine
        .check(&first.token, &client("10.0.0.1", CHROME))
        .await
        .expect("the first is untouched");
}

async fn evict_oldest_ends_the_oldest_and_tells_it_live(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_user", "2")
        .await;
    f.set(SettingScope::Default, "limit_action", "evict_oldest")
        .await;
    let oldest = f.sign_in("alice", "10.0.0.1").await.expect("first");
    let middle = f.sign_in("alice", "10.0.0.2").await.expect("second");
    let mut events = f.engine.subscribe();
    let newest = f
        .sign_in("alice", "10.0.0.3")
        .await
        .expect("third evicts the first");

    let mut live = f.live_ids("alice").await;
    live.sort();
    let mut expected = vec![middle.session.id.clone(), newest.session.id.clone()];
    expected.sort();
    assert_eq!(live, expected);
    let refusal = f
        .engine
        .check(&oldest.token, &client("10.0.0.1", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::EvictedByLimit)))
    ));
    let ended = events.try_recv().expect("an event").event.clone();
    assert!(
        matches!(&ended, LiveEvent::Ended { sessions } if sessions.len() == 1
            && sessions[0].id == oldest.session.id
            && sessions[0].end_reason == Some(EndReason::EvictedByLimit)
            && sessions[0].ended_by.as_deref() == Some("system")),
        "{ended:?}"
    );
}

async fn per_ip_and_per_device_limits(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_ip", "1")
        .await;
    f.sign_in("alice", "192.0.2.1")
        .await
        .expect("first from the address");
    let message = refused(f.sign_in("bob", "192.0.2.1").await);
    assert!(
        message.contains("from one IP address (192.0.2.1)"),
        "{message}"
    );
    f.sign_in("root", "192.0.2.1")
        .await
        .expect("the limit counts sessions of the same role");
    f.set(SettingScope::Default, "max_sessions_per_ip", "0")
        .await;

    f.set(SettingScope::Default, "max_sessions_per_user_device", "1")
        .await;
    f.sign_in_with("bob", "192.0.2.2", IPHONE)
        .await
        .expect("bob's phone");
    f.sign_in_with("bob", "192.0.2.3", CHROME)
        .await
        .expect("bob's desktop is another class");
    let message = refused(f.sign_in_with("bob", "192.0.2.4", IPHONE).await);
    assert!(message.contains("device (phone)"), "{message}");
}

async fn distinct_addresses_over_the_window(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_ips_per_user", "2").await;
    f.set(SettingScope::Default, "ip_window_minutes", "60")
        .await;
    let first = f
        .sign_in("alice", "198.51.100.1")
        .await
        .expect("first address");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(first.session.user_id.expect("user")),
            EndReason::Logout,
            "alice",
        )
        .await
        .expect("logout");
    f.sign_in("alice", "198.51.100.2")
        .await
        .expect("second address");
    let message = refused(f.sign_in("alice", "198.51.100.3").await);
    assert!(message.contains("2 IP addresses"), "{message}");
    let again = f
        .sign_in("alice", "198.51.100.1")
        .await
        .expect("an address used before is fine, even from an ended session");
    // Live sessions count whatever their age; ended ones only within the window.
    let user_id = again.session.user_id.expect("user");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(user_id),
            EndReason::Logout,
            "alice",
        )
        .await
        .expect("logout");
    f.clock.advance(30 * MINUTE_MS);
    refused(f.sign_in("alice", "198.51.100.3").await);
    f.clock.advance(31 * MINUTE_MS);
    f.sign_in("alice", "198.51.100.3")
        .await
        .expect("the window passed");
}

async fn a_double_click_does_not_count_twice(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_user", "1")
        .await;
    let ip = client("10.0.0.1", CHROME);
    let form = || SignInForm {
        nonce: Some("one-rendered-form".into()),
        ..SignInForm::default()
    };
    f.engine
        .sign_in_form("alice", "alice-password".into(), &ip, form())
        .await
        .expect("click");
    let second = f
        .engine
        .sign_in_form("alice", "alice-password".into(), &ip, form())
        .await;
    assert!(
        matches!(&second, Err(CoreError::Invalid { message, .. }) if message.contains("already sent")),
        "the same form again is no second session, and no refusal by the limit: {:?}",
        second.err()
    );
    assert_eq!(f.live_ids("alice").await.len(), 1);
}

async fn network_rules_refuse_with_the_reason(backend: Backend) {
    let f = fixture(backend).await;
    f.set(
        SettingScope::Default,
        "ip_deny",
        "203.0.113.0/24, 2001:db8::/32",
    )
    .await;
    let message = refused(f.sign_in("alice", "203.0.113.9").await);
    assert!(message.contains("203.0.113.0/24"), "{message}");
    refused(f.sign_in("alice", "2001:db8::1").await);
    f.sign_in("alice", "198.51.100.1")
        .await
        .expect("outside the range");

    f.set(SettingScope::Role(Role::Admin), "ip_ranges", "private_only")
        .await;
    let message = refused(f.sign_in("root", "198.51.100.1").await);
    assert!(message.contains("private"), "{message}");
    f.sign_in("root", "10.1.2.3")
        .await
        .expect("private address");
    f.sign_in("bob", "198.51.100.7")
        .await
        .expect("the override is the admin role's only");
}

support::on_both_backends!(
    per_user_limit_refuses_at_the_limit,
    a_third_browser_is_refused_even_like_the_first_and_at_once,
    evict_oldest_ends_the_oldest_and_tells_it_live,
    per_ip_and_per_device_limits,
    distinct_addresses_over_the_window,
    a_double_click_does_not_count_twice,
    network_rules_refuse_with_the_reason,
);
