//! The session policy in force. Only the defaults are editable from the CLI and the
//! settings page in later work; the engine already reads them from the store.

use crate::model::{Millis, HOUR_MS, MINUTE_MS};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub idle_timeout_minutes: i64,
    pub lifetime_minutes: i64,
    pub allow_ip_change: bool,
    pub history_retention_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle_timeout_minutes: 30,
            lifetime_minutes: 12 * HOUR_MS / MINUTE_MS,
            allow_ip_change: false,
            history_retention_days: 30,
        }
    }
}

impl Settings {
    pub fn idle_timeout_ms(&self) -> Millis {
        self.idle_timeout_minutes * MINUTE_MS
    }

    pub fn lifetime_ms(&self) -> Millis {
        self.lifetime_minutes * MINUTE_MS
    }

    /// Applies one stored key/value pair; unknown keys are ignored so that a newer
    /// version's settings never stop an older binary from starting.
    pub fn apply(&mut self, key: &str, value: &str) {
        match key {
            "idle_timeout_minutes" => set_parsed(&mut self.idle_timeout_minutes, value),
            "lifetime_minutes" => set_parsed(&mut self.lifetime_minutes, value),
            "allow_ip_change" => set_parsed(&mut self.allow_ip_change, value),
            "history_retention_days" => set_parsed(&mut self.history_retention_days, value),
            _ => {}
        }
    }
}

fn set_parsed<T: std::str::FromStr>(slot: &mut T, value: &str) {
    if let Ok(parsed) = value.parse() {
        *slot = parsed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_product() {
        let settings = Settings::default();
        assert_eq!(settings.idle_timeout_ms(), 30 * MINUTE_MS);
        assert_eq!(settings.lifetime_ms(), 12 * HOUR_MS);
        assert!(!settings.allow_ip_change);
    }

    #[test]
    fn stored_values_apply_and_junk_is_ignored() {
        let mut settings = Settings::default();
        settings.apply("idle_timeout_minutes", "5");
        settings.apply("allow_ip_change", "true");
        settings.apply("lifetime_minutes", "soon");
        settings.apply("no_such_key", "1");
        assert_eq!(settings.idle_timeout_minutes, 5);
        assert!(settings.allow_ip_change);
        assert_eq!(settings.lifetime_minutes, Settings::default().lifetime_minutes);
    }
}
