//! Every setting of the session policy: its stored name, label, allowed values and
//! default. Plain data shared with the browser, so the settings page and the CLI
//! describe a setting the same way the server validates it.
//!
//! Every setting has a default and may be overridden per role; `policy` (server side)
//! turns the stored strings into a typed policy and is the one place that validates.

use crate::model::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What values a setting takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    /// A whole number in `min..=max`, shown with `unit`.
    Number {
        min: i64,
        max: i64,
        unit: &'static str,
    },
    /// A whole number of sessions or addresses; 0 means "no limit".
    Limit {
        max: i64,
    },
    Toggle,
    /// One of these stored values, each with its label.
    Choice(&'static [(&'static str, &'static str)]),
    /// CIDR ranges separated by commas, spaces or new lines.
    Ranges,
}

/// The name of a setting: stored, typed at the CLI and sent as its snake_case name. One
/// variant per entry of [`SETTINGS`] (a unit test holds them together).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SettingKey {
    IdleTimeoutMinutes,
    LifetimeMinutes,
    AllowIpChange,
    HistoryRetentionDays,
    MaxSessionsPerUser,
    MaxSessionsPerUserIp,
    MaxSessionsPerUserCountry,
    MaxSessionsPerUserDevice,
    MaxSessionsPerIp,
    MaxIpsPerUser,
    IpWindowMinutes,
    LimitAction,
    LimitsMode,
    IpRanges,
    IpAllow,
    IpDeny,
    NetworkMode,
}

impl SettingKey {
    pub const ALL: &'static [SettingKey] = <SettingKey as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<SettingKey> {
        text.parse().ok()
    }

    /// This setting's entry in the catalogue.
    pub fn spec(self) -> &'static SettingSpec {
        SETTINGS
            .iter()
            .find(|spec| spec.key == self)
            .unwrap_or_else(|| panic!("setting {self} has no catalogue entry"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingSpec {
    /// Stored and CLI name.
    pub key: SettingKey,
    pub label: &'static str,
    pub help: &'static str,
    pub kind: SettingKind,
    pub default: &'static str,
    pub group: SettingGroup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingGroup {
    Lifetime,
    Limits,
    Network,
}

impl SettingGroup {
    pub const ALL: [SettingGroup; 3] = [
        SettingGroup::Lifetime,
        SettingGroup::Limits,
        SettingGroup::Network,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SettingGroup::Lifetime => "Session lifetime",
            SettingGroup::Limits => "Concurrent session limits",
            SettingGroup::Network => "Network rules",
        }
    }
}

pub const LIMIT_ACTIONS: &[(&str, &str)] = &[
    ("refuse", "Refuse the new sign-in"),
    ("evict_oldest", "End the oldest session"),
];
pub const RANGE_MODES: &[(&str, &str)] = &[
    ("any", "Any address"),
    ("private_only", "Private ranges only"),
    ("public_only", "Public ranges only"),
];

/// Whether a role's limits (or network rules) act, or only report what they would do.
pub const POLICY_MODES: &[(&str, &str)] = &[
    ("enforce", "Enforce: refuse and end sessions"),
    (
        "observe",
        "Observe: refuse and end nothing, record what would happen",
    ),
];

const MAX_MINUTES: i64 = 99_999;
const MAX_LIMIT: i64 = 10_000;

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: SettingKey::IdleTimeoutMinutes,
        label: "Idle timeout",
        help: "A session without a request for this long ends.",
        kind: SettingKind::Number { min: 1, max: MAX_MINUTES, unit: "minutes" },
        default: "30",
        group: SettingGroup::Lifetime,
    },
    SettingSpec {
        key: SettingKey::LifetimeMinutes,
        label: "Maximum lifetime",
        help: "A session ends this long after sign-in, however active.",
        kind: SettingKind::Number { min: 1, max: 525_600, unit: "minutes" },
        default: "720",
        group: SettingGroup::Lifetime,
    },
    SettingSpec {
        key: SettingKey::AllowIpChange,
        label: "Allow IP address changes during a session",
        help: "When off, a request from another address than the last one ends the session.",
        kind: SettingKind::Toggle,
        default: "false",
        group: SettingGroup::Lifetime,
    },
    SettingSpec {
        key: SettingKey::HistoryRetentionDays,
        label: "History retention",
        help: "Ended sessions stay in the history this long.",
        kind: SettingKind::Number { min: 1, max: 3650, unit: "days" },
        default: "30",
        group: SettingGroup::Lifetime,
    },
    SettingSpec {
        key: SettingKey::MaxSessionsPerUser,
        label: "Sessions per user",
        help: "Live sessions one user may hold at once.",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::MaxSessionsPerUserIp,
        label: "Sessions per user and IP address",
        help: "Live sessions one user may hold from one address.",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::MaxSessionsPerUserCountry,
        label: "Sessions per user and country",
        help: "Live sessions one user may hold from one country.",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::MaxSessionsPerUserDevice,
        label: "Sessions per user and device class",
        help: "Live sessions one user may hold on desktops, on phones, on tablets…",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::MaxSessionsPerIp,
        label: "Sessions per IP address",
        help: "Live sessions of this role from one address, all users together.",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::MaxIpsPerUser,
        label: "Distinct IP addresses per user",
        help: "Addresses one user may sign in from within the window below; against credential sharing. \
               Always refuses: ending sessions cannot undo an address already used.",
        kind: SettingKind::Limit { max: MAX_LIMIT },
        default: "0",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::IpWindowMinutes,
        label: "Window for distinct IP addresses",
        help: "How far back the distinct-address limit looks.",
        kind: SettingKind::Number { min: 1, max: MAX_MINUTES, unit: "minutes" },
        default: "1440",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::LimitAction,
        label: "At the limit",
        help: "What a sign-in beyond a limit does.",
        kind: SettingKind::Choice(LIMIT_ACTIONS),
        default: "refuse",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::LimitsMode,
        label: "Limits mode",
        help: "Observe lets every sign-in through and ends nothing because of a limit; a sign-in \
               the limits would have refused, or that would have ended another session, is \
               flagged with the reason and counted in the analytics.",
        kind: SettingKind::Choice(POLICY_MODES),
        default: "enforce",
        group: SettingGroup::Limits,
    },
    SettingSpec {
        key: SettingKey::IpRanges,
        label: "Allowed address kinds",
        help: "Private ranges: 10/8, 172.16/12, 192.168/16, loopback, link-local, 100.64/10, fc00::/7.",
        kind: SettingKind::Choice(RANGE_MODES),
        default: "any",
        group: SettingGroup::Network,
    },
    SettingSpec {
        key: SettingKey::IpAllow,
        label: "Allowed ranges",
        help: "If any, sign-ins only from these CIDR ranges (IPv4 or IPv6).",
        kind: SettingKind::Ranges,
        default: "",
        group: SettingGroup::Network,
    },
    SettingSpec {
        key: SettingKey::IpDeny,
        label: "Denied ranges",
        help: "Never from these CIDR ranges; wins over the allowed ones.",
        kind: SettingKind::Ranges,
        default: "",
        group: SettingGroup::Network,
    },
    SettingSpec {
        key: SettingKey::NetworkMode,
        label: "Network rules mode",
        help: "Observe refuses no sign-in and ends no session because of these rules; a sign-in \
               or an address move they would have refused is flagged with the reason and counted \
               in the analytics.",
        kind: SettingKind::Choice(POLICY_MODES),
        default: "enforce",
        group: SettingGroup::Network,
    },
];

/// The setting named `name`, if there is one (names come from people and the ledger).
pub fn spec(name: &str) -> Option<&'static SettingSpec> {
    SettingKey::parse(name).map(SettingKey::spec)
}

pub fn known_keys() -> String {
    SETTINGS
        .iter()
        .map(|spec| spec.key.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a value applies: the default for everyone, or one role's override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingScope {
    Default,
    Role(Role),
}

impl SettingScope {
    /// Stored form: `*` for the default, else the role name.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingScope::Default => "*",
            SettingScope::Role(role) => role.as_str(),
        }
    }

    pub fn parse(text: &str) -> Option<SettingScope> {
        if text == "*" {
            Some(SettingScope::Default)
        } else {
            Role::parse(text).map(SettingScope::Role)
        }
    }

    pub fn label(self) -> String {
        match self {
            SettingScope::Default => "all roles".into(),
            SettingScope::Role(role) => format!("role {role}"),
        }
    }
}

/// One requested change: set a value, or (with `None`) drop a role's override.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    pub scope: SettingScope,
    pub key: String,
    pub value: Option<String>,
}

/// The stored values: defaults (every key present) and each role's overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingValues {
    pub defaults: BTreeMap<SettingKey, String>,
    pub overrides: BTreeMap<Role, BTreeMap<SettingKey, String>>,
}

impl SettingValues {
    /// The value in force for `role`: its override, else the default.
    pub fn effective(&self, role: Role, key: SettingKey) -> &str {
        self.overrides
            .get(&role)
            .and_then(|values| values.get(&key))
            .or_else(|| self.defaults.get(&key))
            .map(String::as_str)
            .unwrap_or(key.spec().default)
    }

    pub fn get(&self, scope: SettingScope, key: SettingKey) -> Option<&str> {
        match scope {
            SettingScope::Default => self.defaults.get(&key).map(String::as_str),
            SettingScope::Role(role) => self
                .overrides
                .get(&role)
                .and_then(|values| values.get(&key))
                .map(String::as_str),
        }
    }
}

/// A recorded settings change: who, when, old and new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsChangeRecord {
    /// Ledger order: a newer change has a higher id (the paging cursor).
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub scope: SettingScope,
    pub key: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}
