//! The engine's background work: writing batched "last seen" updates, ending idle and
//! expired sessions, picking up ends recorded by other processes (announced, and
//! polled), reporting this instance alive, judging address moves for flags, and
//! writing the analytics' finished hours.

use crate::engine::Engine;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Clone, Copy, Debug)]
pub struct Intervals {
    pub flush: Duration,
    /// Also how often an instance that does not lead tries to take the lead: how long
    /// the sweep can pause when its leader dies.
    pub sweep: Duration,
    /// How often the change log is read (sessions created and ended, settings and
    /// applications changed). This bounds how long a change made by another process
    /// (the CLI, another instance) can take to reach this one where the store does
    /// not announce it (SQLite), and it is the safety net where it does.
    pub end_poll: Duration,
    /// How often this instance reports itself alive (with how far it has applied the
    /// end log): well under the staleness bound, or ends stop waiting for it.
    pub heartbeat: Duration,
    /// How often the leader samples the live count for the analytics (the average and
    /// peak of active sessions) and finished hours are written as rollups (each
    /// (hour, application, metric, dimension) once, whatever the traffic).
    pub rollup: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Intervals {
            flush: Duration::from_secs(5),
            sweep: Duration::from_secs(5),
            end_poll: Duration::from_millis(100),
            heartbeat: Duration::from_secs(1),
            rollup: Duration::from_secs(10),
        }
    }
}

/// Starts the background loops; they run until the returned handles are aborted.
pub fn spawn(engine: Arc<Engine>, intervals: Intervals) -> Vec<JoinHandle<()>> {
    vec![
        every(intervals.flush, engine.clone(), |engine| async move {
            engine.flush_touches(false).await.map(drop)
        }),
        every(intervals.sweep, engine.clone(), |engine| async move {
            engine.sweep_tick().await
        }),
        every(intervals.end_poll, engine.clone(), |engine| async move {
            engine.apply_logged_changes().await.map(drop)
        }),
        every(intervals.heartbeat, engine.clone(), |engine| async move {
            engine.heartbeat().await
        }),
        every(intervals.rollup, engine.clone(), |engine| async move {
            engine.rollup_tick().await.map(drop)
        }),
        // Ends committed elsewhere, at once where the store announces them.
        tokio::spawn(engine.clone().follow_end_feed()),
        // Address moves are judged for flags as soon as a check queues one.
        tokio::spawn(async move {
            loop {
                engine.moves_waiting().await;
                engine.judge_moves().await;
            }
        }),
    ]
}

fn every<F, Fut>(period: Duration, engine: Arc<Engine>, work: F) -> JoinHandle<()>
where
    F: Fn(Arc<Engine>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = crate::CoreResult<()>> + Send,
{
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(err) = work(engine.clone()).await {
                tracing::error!(error = %err, "background session work failed; retrying next tick");
            }
        }
    })
}
