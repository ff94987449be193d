//! The live event hub: one broadcast channel per process. Each open console
//! subscribes and filters what it may see; a subscriber that falls behind is told it
//! lagged and resyncs by reloading, so a slow tab never slows the server.

use crate::model::LiveEvent;
use tokio::sync::broadcast;

const CAPACITY: usize = 4096;

#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<LiveEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            sender: broadcast::channel(CAPACITY).0,
        }
    }
}

impl Hub {
    pub fn publish(&self, event: LiveEvent) {
        // No subscribers is normal (no console open); nothing to do then.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}
