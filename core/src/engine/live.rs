//! The engine's side of the live channel: the broadcast of frames and the
//! authorisation of a channel, which never counts as the viewer's activity.

use super::{ClientInfo, Engine};
use crate::cache::CachedSession;
use crate::error::{CoreError, CoreResult};
use crate::hub::{EndWatch, Frame};
use crate::token::Token;
use std::sync::Arc;
use tokio::sync::broadcast;

impl Engine {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Frame>> {
        self.hub.subscribe()
    }

    /// Authorises a live channel on a console session and registers it to hear when
    /// that session ends. The watch is registered between two peeks: an end announced
    /// before the registration took the session out of the cache, so the second peek
    /// refuses it; an end announced after it fires the watch. Either way no channel
    /// stays open on an ended session.
    pub async fn watch(
        &self,
        token: &Token,
        client: &ClientInfo,
    ) -> CoreResult<(Arc<CachedSession>, EndWatch)> {
        let first = self.peek(token, client).await?;
        let watch = self.hub.watch_end(&first.id);
        let session = self.peek(token, client).await?;
        if session.id != first.id {
            return Err(CoreError::Unauthenticated(None));
        }
        Ok((session, watch))
    }
}
