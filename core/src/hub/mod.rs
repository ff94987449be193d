//! The live event hub: one broadcast channel per process, carrying frames serialised
//! once per event (see `frame`), and a registry of the open channels' own sessions
//! (see `watchers`) so a channel learns that its session ended without reading batches.
//! A subscriber that falls behind is told it lagged and resyncs by reloading, so a slow
//! tab never slows the server.

mod frame;
mod watchers;

pub use frame::Frame;
pub use watchers::EndWatch;

use crate::model::{LiveEvent, Session};
use std::sync::Arc;
use tokio::sync::broadcast;
use watchers::Watchers;

const CAPACITY: usize = 4096;

#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<Frame>>,
    watchers: Arc<Watchers>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(CAPACITY).0,
            watchers: Arc::default(),
        }
    }
}

impl Hub {
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is normal (no console open): then not even serialise.
        if !self.is_watched() {
            return;
        }
        let _ = self.sender.send(Arc::new(Frame::build(event)));
    }

    /// Whether any console is watching: a message nobody receives need not be built.
    pub fn is_watched(&self) -> bool {
        self.sender.receiver_count() > 0
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.sender.subscribe()
    }

    /// Registers interest in the end of session `id`; dropping the watch unregisters.
    pub fn watch_end(&self, id: &str) -> EndWatch {
        Watchers::watch(&self.watchers, id)
    }

    /// Live channels registered for their session's end, i.e. open.
    pub fn open_channels(&self) -> usize {
        self.watchers.open()
    }

    /// Tells the channels of these (ended) sessions why they ended.
    pub fn fire_ends(&self, ended: &[Session]) {
        self.watchers.fire(ended);
    }
}
