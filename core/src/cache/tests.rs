//! The cache's own tests: fills racing ends, tombstones, touches and their batches.

use super::*;
use crate::model::{AgentInfo, SessionStatus};
use crate::token::Token;

fn session(id: &str, last_seen: Millis) -> Session {
    Session {
        id: id.into(),
        application: "console".into(),
        user_id: Some(1),
        external_user_id: None,
        username: Some("alice".into()),
        status: SessionStatus::Authenticated,
        role: Role::User,
        first_ip: "127.0.0.1".into(),
        last_ip: "127.0.0.1".into(),
        user_agent: String::new(),
        agent: AgentInfo::default(),
        country: None,
        created_at: 0,
        last_seen_at: last_seen,
        idle_deadline: 0,
        expires_at: 1_000_000,
        ended_at: None,
        end_reason: None,
        ended_by: None,
        flags: Vec::new(),
    }
}

#[test]
fn touches_are_batched_by_granularity() {
    let cache = SessionCache::default();
    let hash = Token::generate().hash();
    let cached = cache.insert(hash, &session("a", 1_000));
    cached.touch(1_500, "127.0.0.1");
    assert!(
        cache.take_touches(60_000).is_empty(),
        "moved less than the granularity"
    );
    cached.touch(61_000, "127.0.0.2");
    let touches = cache.take_touches(60_000);
    assert_eq!(touches.len(), 1);
    assert_eq!(
        (touches[0].last_seen_at, touches[0].last_ip.as_str()),
        (61_000, "127.0.0.2")
    );
    assert!(cache.take_touches(0).is_empty(), "already written");
    cached.touch(61_001, "127.0.0.2");
    assert_eq!(
        cache.take_touches(0).len(),
        1,
        "granularity 0 takes any movement"
    );
}

#[test]
fn remove_and_expire() {
    let cache = SessionCache::default();
    let hash = Token::generate().hash();
    cache.insert(hash, &session("a", 0));
    assert!(cache.get(&hash).is_some());
    cache.ended("a", Some(EndReason::Logout));
    assert!(cache.get(&hash).is_none());
    cache.insert(hash, &session("a", 0));
    cache.drop_expired(1_000_000);
    assert!(cache.is_empty());
}

#[test]
fn a_fill_after_an_end_is_refused() {
    let cache = SessionCache::default();
    let hash = Token::generate().hash();
    let ticket = cache.fill_ticket();
    cache.ended("a", Some(EndReason::Killed));
    assert!(matches!(
        cache.fill(ticket, hash, &session("a", 0)),
        Fill::Ended(Some(EndReason::Killed))
    ));
    assert!(cache.get(&hash).is_none());
    let other = Token::generate().hash();
    assert!(matches!(
        cache.fill(cache.fill_ticket(), other, &session("b", 0)),
        Fill::Cached(_)
    ));
}

#[test]
fn active_lists_recent_ids_and_clear_forgets() {
    let cache = SessionCache::default();
    cache.insert(Token::generate().hash(), &session("old", 10));
    cache.insert(Token::generate().hash(), &session("new", 500));
    assert_eq!(cache.active(600, |_| 500), vec!["new".to_string()]);
    cache.clear();
    assert!(cache.is_empty());
}
