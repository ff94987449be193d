//! The engine: sign-in, the session check, listing and ending sessions. Every rule of
//! the session model is enforced here, once, whatever the caller (pages, server
//! functions, the live channel, the CLI). The check is `check`; sign-in and its limits,
//! accounts, and policy changes live in the other submodules. Here: the engine itself,
//! listing, ending, and the periodic flush and sweep.

mod accounts;
mod actor;
mod agreement;
mod analytics;
mod app_sessions;
mod applications;
mod check;
mod cluster;
mod counts;
mod end_feed;
#[cfg(test)]
mod fill_race_tests;
mod flags;
mod form_nonce;
mod listing;
mod live;
mod observe;
mod own_changes;
mod policy_changes;
mod publish;
mod recent_auth;
mod sign_in;

pub use accounts::KeepSessions;
pub use actor::{Actor, OPERATOR_NAME};
pub use agreement::DEFAULT_STALENESS_BOUND;
pub use analytics::DEFAULT_PERIOD_MS;
pub use app_sessions::AppSignIn;
pub use applications::NewAppKey;
pub use form_nonce::new_form_nonce;
pub use policy_changes::SavedSettings;
pub use recent_auth::RECENT_AUTH_MS;
pub use sign_in::SignInForm;

use crate::cache::SessionCache;
use crate::clock::{SharedClock, SystemClock};
use crate::cookie::CookiePolicy;
use crate::counters::Counters;
use crate::error::CoreResult;
use crate::geo::GeoDb;
use crate::hub::Hub;
use crate::model::{EndReason, Facets, LiveEvent, Millis, Role, Session, TouchedSession};
use crate::password::HashGate;
use crate::policy::Policy;
use crate::store::{self, EndRecord, EndSelector, SharedStore, StoreOptions};
use crate::throttle::Throttle;
use crate::token::Token;
use parking_lot::RwLock;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::sync::Arc;

pub use crate::model::CONSOLE_APP;
/// Recorded as `ended_by` when no person ended a session (idle, expiry, limits).
pub const SYSTEM_ACTOR: &str = "system";
/// Most sessions one call may name.
const MAX_IDS_PER_CALL: usize = 1000;
/// Most sessions one sweep transaction ends. A transaction holds the change log's
/// counter until it commits, and meanwhile no instance can confirm it is current: a
/// sweep of a million idle sessions in one transaction (a cluster back after an
/// outage, say) made the other instance fail closed for 21.7 s (bench/sweep_1m.sh).
const SWEEP_BATCH: i64 = 10_000;

#[derive(Clone, Debug)]
pub struct EngineConfig {
    pub database_url: String,
    /// `false` only with the explicit plain-http opt-out: drops `Secure` and `__Host-`.
    pub secure_cookies: bool,
    /// The offline IP-to-country database; without it every country is unknown.
    pub geo_db: Option<PathBuf>,
    /// Pool size and statement timeout of the database connection.
    pub store: StoreOptions,
    /// How long an instance may go without reading the end log before ends stop
    /// waiting for it (see `agreement`).
    pub staleness_bound: std::time::Duration,
}

/// Where a request comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}

#[derive(Clone)]
pub struct SignedIn {
    pub session: Session,
    pub token: Token,
}

pub struct Engine {
    store: SharedStore,
    cache: SessionCache,
    hub: Hub,
    clock: SharedClock,
    throttle: Throttle,
    hashing: HashGate,
    policy: RwLock<Arc<Policy>>,
    /// The store's settings version this process's policy was read at.
    policy_version: AtomicI64,
    geo: GeoDb,
    sign_ins: sign_in::SignInGate,
    keys: applications::KeyTable,
    /// One policy change at a time, so a save and a reload never interleave.
    policy_lock: tokio::sync::Mutex<()>,
    cookies: CookiePolicy,
    /// Highest change-log sequence number whose session entry this process has
    /// applied: where its next read of the log starts.
    applied_end_seq: AtomicI64,
    /// The highest sequence number read that an acknowledgement may wait for (an end,
    /// or a number the log skips: a settings or applications change); reported at once
    /// once this process is current past it.
    awaited_seq: AtomicI64,
    /// The sequence number this process is current as of: every session entry up to
    /// it applied and the settings and applications as new as it followed. What it
    /// reports to the instances that wait for it.
    current_seq: AtomicI64,
    /// Creations and ends this process published itself; the change-log reader skips them.
    own_changes: own_changes::OwnChanges,
    counts: counts::LiveCounts,
    /// This process among the instances that ends wait for.
    membership: agreement::Membership,
    /// Whether this instance led the once-per-cluster work at the last sweep tick.
    leading: AtomicBool,
    confirmations: recent_auth::Confirmations,
    counters: Counters,
    /// Address moves seen by checks, judged for flags in the background.
    moves: flags::PendingMoves,
    /// Analytics figures not yet written as rollups.
    tally: crate::analytics::tally::Tally,
    /// Tests hold a check between its store read and its cache fill here.
    #[cfg(test)]
    fill_pause: parking_lot::Mutex<Option<Arc<fill_race_tests::FillPause>>>,
}

impl Engine {
    pub async fn open(config: &EngineConfig) -> CoreResult<Arc<Engine>> {
        Engine::open_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn open_with_clock(
        config: &EngineConfig,
        clock: SharedClock,
    ) -> CoreResult<Arc<Engine>> {
        let store = store::open(&config.database_url, &config.store).await?;
        Engine::with_store(store, config, clock).await
    }

    /// The engine on a store opened by the caller (any backend); `config.database_url`
    /// is not read.
    pub async fn with_store(
        store: SharedStore,
        config: &EngineConfig,
        clock: SharedClock,
    ) -> CoreResult<Arc<Engine>> {
        // The heads first: what is loaded after them is at least as new.
        let heads = store.log_heads().await?;
        let policy = Policy::from_stored(store.load_settings().await?);
        // Every session not ended, expired or not: the sweep ends those and uncounts
        // them like any other end.
        let counts = counts::LiveCounts::new(store.live_groups(Millis::MIN).await?);
        let engine = Arc::new(Engine {
            store,
            cache: SessionCache::default(),
            hub: Hub::default(),
            throttle: Throttle::new(clock.clone()),
            hashing: HashGate::default(),
            clock,
            policy: RwLock::new(Arc::new(policy)),
            policy_version: AtomicI64::new(heads.settings_version),
            geo: GeoDb::open(config.geo_db.as_deref()),
            sign_ins: sign_in::SignInGate::default(),
            keys: applications::KeyTable::default(),
            policy_lock: tokio::sync::Mutex::new(()),
            cookies: CookiePolicy {
                secure: config.secure_cookies,
            },
            applied_end_seq: AtomicI64::new(heads.seq),
            current_seq: AtomicI64::new(heads.seq),
            awaited_seq: AtomicI64::new(heads.seq),
            own_changes: Default::default(),
            counts,
            membership: agreement::Membership::new(config.staleness_bound),
            leading: AtomicBool::new(false),
            confirmations: recent_auth::Confirmations::default(),
            counters: Counters::default(),
            moves: flags::PendingMoves::default(),
            tally: Default::default(),
            #[cfg(test)]
            fill_pause: parking_lot::Mutex::new(None),
        });
        engine.keys.follow(heads.applications_version);
        Ok(engine)
    }

    pub fn cookies(&self) -> CookiePolicy {
        self.cookies
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// The policy in force (cheap: an `Arc` clone).
    pub fn policy(&self) -> Arc<Policy> {
        self.policy.read().clone()
    }

    pub fn geo_loaded(&self) -> bool {
        self.geo.is_loaded()
    }

    // ---- listing and ending --------------------------------------------------------

    /// Filter chip values of the live list, with counts, from memory (see `counts`).
    pub async fn facets(&self) -> CoreResult<Facets> {
        Ok(self.counts.snapshot())
    }

    /// How many sessions are live (not ended), from memory.
    pub fn live_total(&self) -> i64 {
        self.counts.total()
    }

    /// Ends what `selector` picks, unscoped: for the engine's own ends and commands
    /// already limited to administrators; a person's or an application's ends go
    /// through `end_sessions` and `end_all`, which take their reach from the actor.
    /// Write-through: the store first, then the cache and
    /// the live channels. Returns the sessions that were live and are now ended, once
    /// every live instance has applied the end (at most the staleness bound): after
    /// this returns, no instance's next check accepts them.
    pub async fn end(
        &self,
        selector: EndSelector,
        reason: EndReason,
        actor: &str,
    ) -> CoreResult<Vec<Session>> {
        let ended = self.end_unconfirmed(selector, reason, actor).await?;
        if !ended.is_empty() {
            self.await_agreement().await;
        }
        Ok(ended)
    }

    /// `end` without waiting for the other instances.
    async fn end_unconfirmed(
        &self,
        selector: EndSelector,
        reason: EndReason,
        actor: &str,
    ) -> CoreResult<Vec<Session>> {
        let record = EndRecord {
            reason,
            ended_by: actor.to_owned(),
            at: self.now(),
        };
        // Under the reader's lock: with a change feed, this process is woken by its own
        // end at the commit, and must not read it before it is marked as its own.
        let _one_reader = self.membership.apply_lock.lock().await;
        let ended = self.store.end_sessions(&selector, &record).await?;
        self.announce_ends(&ended);
        Ok(ended.sessions)
    }

    /// Writes batched "last seen" updates; with `force`, every pending one.
    pub async fn flush_touches(&self, force: bool) -> CoreResult<usize> {
        let policy = self.policy();
        // At most one write per session per minute, and often enough that the store
        // never lags far behind the idle timeout.
        let granularity = if force {
            0
        } else {
            (policy.shortest_idle_ms() / 4).min(60_000)
        };
        self.cache.forget_unused_texts();
        let touches = self.cache.take_touches(granularity);
        if touches.is_empty() {
            return Ok(0);
        }
        self.store.touch(&touches).await?;
        let touched = touches
            .iter()
            .map(|touch| TouchedSession {
                id: touch.id.clone(),
                user_id: touch.user_id,
                last_seen_at: touch.last_seen_at,
                idle_deadline: touch.last_seen_at + policy.for_role(touch.role).idle_timeout_ms,
                last_ip: touch.last_ip.clone(),
                flags: touch.flags.clone(),
            })
            .collect();
        self.hub.publish(LiveEvent::Touched { touched });
        Ok(touches.len())
    }

    /// Ends sessions that passed their absolute expiry or their idle deadline, and
    /// purges history past its retention.
    pub async fn sweep(&self) -> CoreResult<usize> {
        let now = self.now();
        let policy = self.policy();
        // Another instance may hold up to a minute of unwritten activity; give it that.
        let idle_before: Vec<(Role, Millis)> = Role::ALL
            .iter()
            .map(|&role| {
                let idle = policy.for_role(role).idle_timeout_ms;
                (role, now - idle - 2 * 60_000.min(idle / 4))
            })
            .collect();
        let keep = self
            .cache
            .active(now, |role| policy.for_role(role).idle_timeout_ms);
        let mut ended = self
            .end_in_batches(EndReason::Expired, now, |limit| EndSelector::ExpiredAt {
                at: now,
                limit,
            })
            .await?;
        for (role, before) in idle_before {
            ended += self
                .end_in_batches(EndReason::Idle, now, |limit| EndSelector::IdleSince {
                    role,
                    before,
                    keep: keep.clone(),
                    limit,
                })
                .await?;
        }
        self.cache.drop_expired(now);
        let cutoffs: Vec<(Role, Millis)> = Role::ALL
            .iter()
            .map(|&role| (role, now - policy.for_role(role).history_retention_ms))
            .collect();
        let purged = self.store.purge_history(&cutoffs).await?;
        if purged > 0 {
            tracing::info!(
                purged,
                "ended sessions past their history retention deleted"
            );
        }
        self.purge_rollups(now).await?;
        Ok(ended)
    }

    /// Ends what `selector` picks, `SWEEP_BATCH` sessions per transaction, announcing
    /// each batch as it commits; returns how many ended. Other instances apply each
    /// batch between two (see `SWEEP_BATCH`).
    async fn end_in_batches(
        &self,
        reason: EndReason,
        now: Millis,
        selector: impl Fn(i64) -> EndSelector,
    ) -> CoreResult<usize> {
        let record = EndRecord {
            reason,
            ended_by: SYSTEM_ACTOR.into(),
            at: now,
        };
        let selector = selector(SWEEP_BATCH);
        let mut ended = 0;
        loop {
            // See `end_unconfirmed`.
            let one_reader = self.membership.apply_lock.lock().await;
            let batch = self.store.end_sessions(&selector, &record).await?;
            self.announce_ends(&batch);
            drop(one_reader);
            ended += batch.sessions.len();
            if batch.sessions.len() < SWEEP_BATCH as usize {
                return Ok(ended);
            }
        }
    }

    /// The store's "last seen" lags by up to a flush; this process's memory does not.
    fn overlay_memory(&self, session: &mut Session) {
        if let Some(cached) = self.cache.get_id(&session.id) {
            session.last_seen_at = session.last_seen_at.max(cached.last_seen());
            session.last_ip = cached.last_ip();
        }
        self.fill_idle_deadline(session);
    }

    fn fill_idle_deadline(&self, session: &mut Session) {
        session.idle_deadline =
            session.last_seen_at + self.policy().for_role(session.role).idle_timeout_ms;
    }
}
