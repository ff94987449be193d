//! The in-memory front of the store for session checks. A check that hits the cache
//! touches only memory: "last seen" moves in an atomic and is written to the store
//! later, in batches, by the flusher. Ends are written through to the store first and
//! then evicted here, so the cache never outlives a revocation.
//!
//! A check that misses reads the store and then fills the cache; an end committed
//! between the two would be undone by the fill (the end evicts nothing, then the read's
//! live copy goes in). So every end leaves a short-lived tombstone of its id, and a
//! fill that finds one refuses. A read slower than a tombstone's life cannot tell, so
//! it is retried (`Fill::Retry`): each fill carries the end count seen before its read.

use crate::model::{AgentInfo, EndReason, Millis, Role, Session, SessionFlag, SessionStatus};
use crate::store::Touch;
use crate::token::TokenHash;
use parking_lot::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an ended id is remembered: far longer than a store read takes.
const TOMBSTONE_LIFE: Duration = Duration::from_secs(60);

/// What a check needs of a session, plus its moving "last seen".
#[derive(Debug)]
pub struct CachedSession {
    pub id: String,
    pub application: String,
    pub user_id: Option<i64>,
    pub external_user_id: Option<String>,
    pub username: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub first_ip: String,
    pub user_agent: String,
    pub agent: AgentInfo,
    pub country: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
    last_seen: AtomicI64,
    flushed_last_seen: AtomicI64,
    last_ip: Mutex<String>,
    /// As raised at sign-in, and by moves this process saw (another process's are in
    /// the store, not here, until the session is read again).
    flags: Mutex<Vec<SessionFlag>>,
}

impl CachedSession {
    fn new(session: &Session) -> CachedSession {
        CachedSession {
            id: session.id.clone(),
            application: session.application.clone(),
            user_id: session.user_id,
            external_user_id: session.external_user_id.clone(),
            username: session.username.clone(),
            status: session.status,
            role: session.role,
            first_ip: session.first_ip.clone(),
            user_agent: session.user_agent.clone(),
            agent: session.agent.clone(),
            country: session.country.clone(),
            created_at: session.created_at,
            expires_at: session.expires_at,
            last_seen: AtomicI64::new(session.last_seen_at),
            flushed_last_seen: AtomicI64::new(session.last_seen_at),
            last_ip: Mutex::new(session.last_ip.clone()),
            flags: Mutex::new(session.flags.clone()),
        }
    }

    pub fn flags(&self) -> Vec<SessionFlag> {
        self.flags.lock().clone()
    }

    pub fn set_flags(&self, flags: Vec<SessionFlag>) {
        *self.flags.lock() = flags;
    }

    pub fn last_seen(&self) -> Millis {
        self.last_seen.load(Ordering::Relaxed)
    }

    pub fn last_ip(&self) -> String {
        self.last_ip.lock().clone()
    }

    /// Whether the last address is `ip`, without copying it (the check's hot path).
    pub fn last_ip_is(&self, ip: &str) -> bool {
        *self.last_ip.lock() == ip
    }

    /// Raises "last seen" to what another process wrote to the store (the latest wins).
    /// Not this process's activity, so nothing is due to be written back for it.
    pub fn merge_seen_elsewhere(&self, stored: Millis) {
        self.last_seen.fetch_max(stored, Ordering::Relaxed);
        self.flushed_last_seen.fetch_max(stored, Ordering::Relaxed);
    }

    pub fn touch(&self, now: Millis, ip: &str) {
        self.last_seen.fetch_max(now, Ordering::Relaxed);
        let mut last_ip = self.last_ip.lock();
        if *last_ip != ip {
            *last_ip = ip.to_owned();
        }
    }
}

#[derive(Default)]
struct Entries {
    by_token: HashMap<TokenHash, Arc<CachedSession>>,
    by_id: HashMap<String, TokenHash>,
    /// Recently ended ids: when, the end's number and its reason.
    tombstones: HashMap<String, Tombstone>,
    /// The same ids, oldest end first: expired ones are dropped from the front, so an
    /// end costs O(1) even when a bulk kill leaves thousands of tombstones.
    tombstone_order: VecDeque<(Instant, String)>,
    /// Ends recorded so far (numbers the tombstones).
    ends: u64,
    /// The highest end number whose tombstone was forgotten.
    forgotten_through: u64,
}

struct Tombstone {
    at: Instant,
    number: u64,
    reason: Option<EndReason>,
}

/// Taken before a store read that may fill the cache: how many ends were known then.
#[derive(Clone, Copy, Debug)]
pub struct FillTicket(u64);

/// What filling the cache from a store read did.
pub enum Fill {
    Cached(Arc<CachedSession>),
    /// The session ended while it was being read.
    Ended(Option<EndReason>),
    /// Tombstones that might matter were forgotten during the read: read again.
    Retry,
}

#[derive(Default)]
pub struct SessionCache {
    entries: RwLock<Entries>,
}

impl SessionCache {
    pub fn get(&self, hash: &TokenHash) -> Option<Arc<CachedSession>> {
        self.read().by_token.get(hash).cloned()
    }

    pub fn insert(&self, hash: TokenHash, session: &Session) -> Arc<CachedSession> {
        let mut entries = self.write();
        if let Some(existing) = entries.by_token.get(&hash) {
            return existing.clone();
        }
        let cached = Arc::new(CachedSession::new(session));
        entries.by_id.insert(session.id.clone(), hash);
        entries.by_token.insert(hash, cached.clone());
        cached
    }

    /// Call before the store read whose result goes to `fill`.
    pub fn fill_ticket(&self) -> FillTicket {
        FillTicket(self.read().ends)
    }

    /// Caches a live session just read from the store, unless it ended meanwhile.
    pub fn fill(&self, ticket: FillTicket, hash: TokenHash, session: &Session) -> Fill {
        let mut entries = self.write();
        if let Some(tombstone) = entries.tombstones.get(&session.id) {
            return Fill::Ended(tombstone.reason);
        }
        if entries.forgotten_through > ticket.0 {
            return Fill::Retry;
        }
        if let Some(existing) = entries.by_token.get(&hash) {
            return Fill::Cached(existing.clone());
        }
        let cached = Arc::new(CachedSession::new(session));
        entries.by_id.insert(session.id.clone(), hash);
        entries.by_token.insert(hash, cached.clone());
        Fill::Cached(cached)
    }

    /// Evicts an ended session and leaves its tombstone for fills in flight.
    pub fn ended(&self, id: &str, reason: Option<EndReason>) {
        let mut entries = self.write();
        let now = Instant::now();
        let entries = &mut *entries;
        if let Some(hash) = entries.by_id.remove(id) {
            entries.by_token.remove(&hash);
        }
        while let Some((at, _)) = entries.tombstone_order.front() {
            if now.duration_since(*at) < TOMBSTONE_LIFE {
                break;
            }
            let Some((at, expired)) = entries.tombstone_order.pop_front() else {
                break;
            };
            // The id may have ended again since (a later tombstone): keep that one.
            if entries
                .tombstones
                .get(&expired)
                .is_some_and(|tombstone| tombstone.at == at)
            {
                if let Some(tombstone) = entries.tombstones.remove(&expired) {
                    entries.forgotten_through = entries.forgotten_through.max(tombstone.number);
                }
            }
        }
        entries.ends += 1;
        let number = entries.ends;
        entries.tombstone_order.push_back((now, id.to_owned()));
        entries.tombstones.insert(
            id.to_owned(),
            Tombstone {
                at: now,
                number,
                reason,
            },
        );
    }

    pub fn get_id(&self, id: &str) -> Option<Arc<CachedSession>> {
        let entries = self.read();
        entries
            .by_id
            .get(id)
            .and_then(|hash| entries.by_token.get(hash))
            .cloned()
    }

    pub fn len(&self) -> usize {
        self.read().by_token.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// "Last seen" updates that moved at least `granularity` since they were last
    /// written (all that moved at all when `granularity` is 0), marked as written.
    pub fn take_touches(&self, granularity: Millis) -> Vec<Touch> {
        let entries = self.read();
        entries
            .by_token
            .values()
            .filter_map(|cached| {
                let seen = cached.last_seen();
                let flushed = cached.flushed_last_seen.load(Ordering::Relaxed);
                let due = seen > flushed && seen - flushed >= granularity;
                due.then(|| {
                    cached.flushed_last_seen.store(seen, Ordering::Relaxed);
                    Touch {
                        id: cached.id.clone(),
                        user_id: cached.user_id,
                        role: cached.role,
                        last_seen_at: seen,
                        last_ip: cached.last_ip(),
                        flags: cached.flags(),
                    }
                })
            })
            .collect()
    }

    /// Ids of cached sessions seen within their role's idle timeout before `now`.
    pub fn active(&self, now: Millis, idle_of: impl Fn(Role) -> Millis) -> Vec<String> {
        self.read()
            .by_token
            .values()
            .filter(|cached| cached.last_seen() > now - idle_of(cached.role))
            .map(|cached| cached.id.clone())
            .collect()
    }

    /// Forgets every entry (after a policy change moved deadlines in the store). Call
    /// after flushing touches: unflushed "last seen" moves are lost with the entries.
    pub fn clear(&self) {
        let mut entries = self.write();
        entries.by_token.clear();
        entries.by_id.clear();
    }

    /// Drops entries whose absolute expiry has passed (their end is recorded by the sweeper).
    pub fn drop_expired(&self, now: Millis) {
        let mut entries = self.write();
        let expired: Vec<String> = entries
            .by_token
            .values()
            .filter(|cached| cached.expires_at <= now)
            .map(|c| c.id.clone())
            .collect();
        for id in expired {
            if let Some(hash) = entries.by_id.remove(&id) {
                entries.by_token.remove(&hash);
            }
        }
    }

    // Not poisoned by a panic (parking_lot): the maps stay consistent because every
    // write is a single insert/remove pair, so a panic elsewhere never stops the check.
    fn read(&self) -> RwLockReadGuard<'_, Entries> {
        self.entries.read()
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries> {
        self.entries.write()
    }
}

#[cfg(test)]
mod tests {
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
}
