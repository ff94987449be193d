//! The settings page's state that its views share: the unsaved edits and what the
//! preview of saving them says. Kept apart from the page so that the rows and panels
//! that read it do not depend on the page that holds them.

use sessions_core::catalogue::{SettingChange, SettingKey, SettingScope};
use sessions_core::model::Impact;
use std::collections::BTreeMap;

/// Unsaved edits: (scope, key) → new value, `None` = drop the role's override.
pub type Drafts = BTreeMap<(SettingScope, SettingKey), Option<String>>;

/// What the preview panel shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Preview {
    Idle,
    Checking,
    Ready(Impact),
    Invalid(String),
}

pub fn to_changes(drafts: &Drafts) -> Vec<SettingChange> {
    drafts
        .iter()
        .map(|((scope, key), value)| SettingChange {
            scope: *scope,
            key: key.as_str().to_owned(),
            value: value.clone(),
        })
        .collect()
}
