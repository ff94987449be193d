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

mod shared;

use crate::model::{AgentInfo, EndReason, Millis, Role, Session, SessionFlag, SessionStatus};
use crate::store::Touch;
use crate::token::TokenHash;
use parking_lot::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use shared::SharedTexts;
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
    /// This and the agent's texts are shared with every cached session that has the
    /// same (see `shared`): most of a session's bytes otherwise.
    pub application: Arc<str>,
    pub user_id: Option<i64>,
    pub external_user_id: Option<String>,
    pub username: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub first_ip: String,
    pub user_agent: Arc<str>,
    pub agent: Arc<AgentInfo>,
    pub country: Option<Arc<str>>,
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
    fn new(session: &Session, shared: &mut SharedTexts) -> CachedSession {
        let (user_agent, agent) = shared.agent(&session.user_agent, &session.agent);
        CachedSession {
            id: session.id.clone(),
            application: shared.text(&session.application),
            user_id: session.user_id,
            external_user_id: session.external_user_id.clone(),
            username: session.username.clone(),
            status: session.status,
            role: session.role,
            first_ip: session.first_ip.clone(),
            user_agent,
            agent,
            country: session
                .country
                .as_deref()
                .map(|country| shared.text(country)),
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
    shared: SharedTexts,
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
        let cached = Arc::new(CachedSession::new(session, &mut entries.shared));
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
        let cached = Arc::new(CachedSession::new(session, &mut entries.shared));
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
    /// Drops shared texts no cached session holds any more. Every instance calls it with
    /// its "last seen" batches (only the leader sweeps); it walks the distinct texts,
    /// not the sessions.
    pub fn forget_unused_texts(&self) {
        self.write().shared.forget_unused();
    }

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
        entries.shared.forget_unused();
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
mod tests;
