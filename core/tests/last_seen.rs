//! "Last seen" across instances: behind a load balancer a person's requests reach
//! several instances, each keeping its own memory of the session. An instance that has
//! not seen the person for the idle timeout must not end a session they kept using
//! through another one (the latest "last seen" anywhere wins), and a session nobody
//! used still ends on time.

use sessions_core::engine::ClientInfo;
use sessions_core::model::{EndReason, Role, MINUTE_MS};
use sessions_core::{CoreError, Engine};

mod support;

use support::{config, on_both_backends, Backend};

fn client() -> ClientInfo {
    ClientInfo {
        ip: "10.0.0.1".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0".into(),
    }
}

async fn activity_through_another_instance_keeps_the_session_alive(backend: Backend) {
    let f = support::fixture(backend, &[("alice", Role::User)]).await;
    let a = &f.engine;
    let b = Engine::open_with_clock(&config(&f.url), f.clock.clone())
        .await
        .expect("instance B");
    let signed = a
        .sign_in("alice", "alice-password".into(), &client())
        .await
        .expect("sign in through A");
    let idle = a.policy().for_role(Role::User).idle_timeout_ms;
    assert_eq!(idle, 30 * MINUTE_MS, "the default idle timeout");

    // From now on the balancer sends alice to B only, every 20 minutes; B writes her
    // activity in its batches.
    for _ in 0..3 {
        f.clock.advance(20 * MINUTE_MS);
        b.check(&signed.token, &client()).await.expect("B accepts");
        b.flush_touches(true).await.expect("B writes last seen");
    }

    // A last saw her an hour ago; B ten seconds ago.
    f.clock.advance(10_000);
    let on_a = a.check(&signed.token, &client()).await;
    assert!(
        on_a.is_ok(),
        "A ended a session in use through B: {:?}",
        on_a.err()
    );

    // Nobody uses it for the idle timeout: ended on both, as idle.
    f.clock.advance(idle);
    for (name, instance) in [("A", a), ("B", &b)] {
        match instance.check(&signed.token, &client()).await {
            Err(CoreError::Unauthenticated(reason)) => {
                assert_eq!(reason, Some(EndReason::Idle), "{name}")
            }
            other => panic!("{name} accepted an idle session: {:?}", other.map(|_| ())),
        }
    }
}

on_both_backends!(activity_through_another_instance_keeps_the_session_alive);
