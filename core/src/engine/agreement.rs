//! Read your own kill everywhere. Every process that serves checks (serve, demo; not
//! the one-shot CLI) reports to the store how far it has applied the end log, with a
//! heartbeat. An end is acknowledged only once every instance heard from within the
//! staleness bound has applied it, so that the next check anywhere refuses the ended
//! token. The wait is bounded by the same staleness bound: an instance that stopped
//! reporting (dead, or cut off from the database) is not waited for, which is safe
//! because such an instance fails closed: once it has not read the end log for longer
//! than the bound, it answers checks and sign-ins "unavailable" rather than trust a
//! cache that may hold a revoked session, until a read succeeds again.

use super::Engine;
use crate::error::{CoreError, CoreResult};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The default staleness bound: how long an instance may go without reading the end
/// log before no end waits for it.
pub const DEFAULT_STALENESS_BOUND: Duration = Duration::from_secs(5);
/// How often a waiting end asks the store whether every instance caught up.
const AGREEMENT_POLL: Duration = Duration::from_millis(5);
/// An instance silent this long is gone: its row is deleted (by the leader).
const FORGET_SILENT_AFTER_MS: i64 = 60 * 60 * 1000;

/// This process as one instance among those on the database.
pub(super) struct Membership {
    /// Random per process: a restarted instance is a new one.
    id: String,
    /// Set once this process serves checks; the CLI never does, so no end waits for it.
    serving: AtomicBool,
    staleness_bound: Duration,
    /// When the end log was last read successfully, and when the last successful
    /// report was sent (taken before sending, so no later than the database's
    /// heartbeat time). This instance fails closed a staleness bound after the older
    /// of the two: once ends stop waiting for it (its heartbeat is older than the
    /// bound), it has stopped answering from its cache already.
    /// Both are read on every check, so they are atomics rather than locks.
    last_read: Moment,
    last_reported: Moment,
    /// One reader of the end log at a time (the poller, a waiting end), so that no end
    /// is applied twice.
    pub(super) apply_lock: tokio::sync::Mutex<()>,
}

impl Membership {
    pub(super) fn new(staleness_bound: Duration) -> Membership {
        Membership {
            id: crate::token::new_session_id(),
            serving: AtomicBool::new(false),
            staleness_bound,
            last_read: Moment::now(),
            last_reported: Moment::now(),
            apply_lock: tokio::sync::Mutex::new(()),
        }
    }
}

impl Engine {
    /// Makes this process an instance that ends wait for, and reports it alive; called
    /// before serving the first check and then on every heartbeat tick.
    pub async fn heartbeat(&self) -> CoreResult<()> {
        if !self.membership.serving.swap(true, Ordering::SeqCst) {
            // Serving starts now: the log was read at the open, the bound counts from here.
            self.end_log_read();
            self.membership.last_reported.note(Instant::now());
        }
        self.report_applied().await
    }

    /// Deletes the rows of instances silent for an hour: processes that died without
    /// leaving. Ends stopped waiting for them after the staleness bound already; this
    /// keeps the table from growing with every crash or redeploy. Leader only.
    /// A failure is logged and left for the next tick: it must not hold up the sweep.
    pub(super) async fn forget_dead_instances(&self) {
        match self.store.forget_silent(FORGET_SILENT_AFTER_MS).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "forgot instances silent for an hour"),
            Err(err) => tracing::warn!(error = %err, "could not forget dead instances"),
        }
    }

    /// A clean shutdown: ends no longer wait for this process.
    pub async fn leave_cluster(&self) -> CoreResult<()> {
        self.membership.serving.store(false, Ordering::SeqCst);
        self.store.leave(&self.membership.id).await
    }

    /// Fails closed: `Unavailable` when this process serves checks and has not read the
    /// end log, or reported how far it read, for longer than the staleness bound (the
    /// database is down or unreachable): ends acknowledged elsewhere meanwhile did not
    /// wait for it and may be missing from its cache.
    pub fn ensure_current(&self) -> CoreResult<()> {
        if !self.membership.serving.load(Ordering::SeqCst) {
            return Ok(());
        }
        let since = self
            .membership
            .last_read
            .elapsed()
            .max(self.membership.last_reported.elapsed());
        if since > self.membership.staleness_bound {
            return Err(CoreError::Unavailable(format!(
                "the end log not read or not reported for {} ms (staleness bound {} ms)",
                since.as_millis(),
                self.membership.staleness_bound.as_millis()
            )));
        }
        Ok(())
    }

    /// Called after each successful read of the end log.
    pub(super) fn end_log_read(&self) {
        self.membership.last_read.note(Instant::now());
    }

    pub(super) async fn report_applied(&self) -> CoreResult<()> {
        if !self.membership.serving.load(Ordering::SeqCst) {
            return Ok(());
        }
        let applied = self.current_seq.load(Ordering::SeqCst);
        let sent = Instant::now();
        self.store
            .report_applied(&self.membership.id, applied)
            .await?;
        self.membership.last_reported.note(sent);
        Ok(())
    }

    /// Waits until every live instance has applied the ends committed so far (this
    /// process's own included), at most the staleness bound. The ends are durable
    /// already: past the bound, or while the store cannot answer, the end is still
    /// acknowledged, with a warning.
    pub(super) async fn await_agreement(&self) {
        let deadline = Instant::now() + self.membership.staleness_bound;
        let heard_within = self.membership.staleness_bound.as_millis() as i64;
        let mut last_error = None;
        loop {
            match self.instances_behind_latest(heard_within).await {
                Ok(0) => return,
                Ok(_) => {}
                Err(err) => last_error = Some(err),
            }
            if Instant::now() >= deadline {
                match last_error {
                    Some(err) => tracing::warn!(error = %err, "cannot confirm that every instance applied an end; acknowledging it after the staleness bound"),
                    None => tracing::warn!("an instance has not applied an end within the staleness bound; acknowledging it anyway"),
                }
                return;
            }
            tokio::time::sleep(AGREEMENT_POLL).await;
        }
    }

    /// How many live instances have not applied the latest end. This process applies
    /// it first (the latest is at least the end just committed: the counter moves in
    /// its transaction).
    async fn instances_behind_latest(&self, heard_within: i64) -> CoreResult<i64> {
        let latest = self.store.latest_end_seq().await?;
        if self.current_seq.load(Ordering::SeqCst) < latest {
            self.apply_logged_changes().await?;
        }
        self.store.instances_behind(latest, heard_within).await
    }
}

/// A time this process noted, kept as nanoseconds since the process made it: read
/// lock-free by every check.
struct Moment {
    origin: Instant,
    nanos: AtomicU64,
}

impl Moment {
    fn now() -> Moment {
        Moment {
            origin: Instant::now(),
            nanos: AtomicU64::new(0),
        }
    }

    /// Two reports may finish out of order; the later time wins.
    fn note(&self, when: Instant) {
        let nanos = when.saturating_duration_since(self.origin).as_nanos() as u64;
        self.nanos.fetch_max(nanos, Ordering::SeqCst);
    }

    fn elapsed(&self) -> Duration {
        self.origin
            .elapsed()
            .saturating_sub(Duration::from_nanos(self.nanos.load(Ordering::SeqCst)))
    }
}
