//! Texts many cached sessions have in common, kept once: the application's name, the
//! User-Agent header with what was read from it, the country. They are most of a cached
//! session's bytes when each session holds its own copy, and real traffic has few
//! distinct ones (issue 11: at most 1 KB per cached session).

use crate::model::AgentInfo;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Default)]
pub(super) struct SharedTexts {
    texts: HashSet<Arc<str>>,
    /// By User-Agent header: what the parser read from it is the same for every session.
    agents: HashMap<Arc<str>, Arc<AgentInfo>>,
}

impl SharedTexts {
    pub(super) fn text(&mut self, text: &str) -> Arc<str> {
        if let Some(kept) = self.texts.get(text) {
            return kept.clone();
        }
        let kept: Arc<str> = Arc::from(text);
        self.texts.insert(kept.clone());
        kept
    }

    /// The header and what was read from it, shared with other sessions that sent it.
    pub(super) fn agent(
        &mut self,
        user_agent: &str,
        agent: &AgentInfo,
    ) -> (Arc<str>, Arc<AgentInfo>) {
        let header = self.text(user_agent);
        let read = self
            .agents
            .entry(header.clone())
            .or_insert_with(|| Arc::new(agent.clone()))
            .clone();
        (header, read)
    }

    /// Drops what no cached session holds any more, so headers nobody sends again (or
    /// made up by a client) do not pile up.
    pub(super) fn forget_unused(&mut self) {
        // An agent entry holds its header once more: agents first, then texts.
        self.agents.retain(|_, read| Arc::strong_count(read) > 1);
        self.texts.retain(|text| Arc::strong_count(text) > 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DeviceClass;

    fn firefox() -> AgentInfo {
        AgentInfo {
            browser: "Firefox".into(),
            browser_version: "133.0".into(),
            os: "Linux".into(),
            device: DeviceClass::Desktop,
        }
    }

    #[test]
    fn the_same_text_is_kept_once_and_forgotten_when_nobody_holds_it() {
        let mut shared = SharedTexts::default();
        let (header, read) = shared.agent("Mozilla/5.0 Firefox/133.0", &firefox());
        let (again, read_again) = shared.agent("Mozilla/5.0 Firefox/133.0", &firefox());
        assert!(Arc::ptr_eq(&header, &again) && Arc::ptr_eq(&read, &read_again));
        let country = shared.text("SE");
        assert!(Arc::ptr_eq(&country, &shared.text("SE")));

        drop((again, read_again));
        shared.forget_unused();
        assert_eq!(
            (shared.texts.len(), shared.agents.len()),
            (2, 1),
            "still held"
        );
        drop((header, read, country));
        shared.forget_unused();
        assert_eq!((shared.texts.len(), shared.agents.len()), (0, 0));
    }
}
