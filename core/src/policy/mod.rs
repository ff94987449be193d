//! The session policy in force, typed. Stored settings are strings (see `catalogue`);
//! this module is the one place that validates them and turns them into a
//! `RolePolicy` per role. The rules themselves are pure functions: `ip_rules`,
//! `limits` (what a sign-in at a limit does), `mode` (whether limits and network rules
//! act or only report) and `impact` (what a change would end).

pub mod flags;
pub mod impact;
pub mod ip_rules;
pub mod limits;
pub mod mode;

use crate::catalogue::{
    self, SettingChange, SettingKey, SettingKind, SettingScope, SettingSpec, SettingValues,
    SETTINGS,
};
use crate::error::{CoreError, CoreResult};
use crate::model::{Millis, Role, MINUTE_MS};
use ip_rules::{format_cidr_list, parse_cidr_list, IpRules, RangeMode};
use mode::{judge, Decision, Mode, Rule, Verdict};

const DAY_MS: Millis = 24 * 60 * MINUTE_MS;

/// What a sign-in beyond a limit does. Stored as its snake_case name, one of the
/// catalogue's `LIMIT_ACTIONS` (a unit test holds them together).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum LimitAction {
    #[default]
    Refuse,
    EvictOldest,
}

impl LimitAction {
    pub fn parse(text: &str) -> Option<LimitAction> {
        text.parse().ok()
    }
}

/// Concurrent limits of one role; 0 means "no limit".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub per_user: i64,
    pub per_user_ip: i64,
    pub per_user_country: i64,
    pub per_user_device: i64,
    pub per_ip: i64,
    pub distinct_ips: i64,
    pub ip_window_ms: Millis,
    pub action: LimitAction,
}

impl Limits {
    /// No concurrent limit set: a sign-in needs no look at other sessions.
    pub fn is_unlimited(&self) -> bool {
        [
            self.per_user,
            self.per_user_ip,
            self.per_user_country,
            self.per_user_device,
            self.per_ip,
            self.distinct_ips,
        ]
        .iter()
        .all(|&max| max == 0)
    }
}

/// Everything the engine enforces for sessions of one role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolePolicy {
    pub idle_timeout_ms: Millis,
    pub lifetime_ms: Millis,
    pub allow_ip_change: bool,
    pub history_retention_ms: Millis,
    pub limits: Limits,
    pub ip_rules: IpRules,
    pub limits_mode: Mode,
    pub network_mode: Mode,
}

/// The stored values and, derived from them, the policy of each role.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    values: SettingValues,
    admin: RolePolicy,
    user: RolePolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::from_values(SettingValues::default()).unwrap_or_else(|_| unreachable_defaults())
    }
}

/// The built-in defaults are valid by construction (a unit test proves it).
fn unreachable_defaults() -> Policy {
    panic!("the built-in setting defaults do not validate")
}

impl Policy {
    /// Validates every value; the first invalid one is refused with a message naming it.
    pub fn from_values(mut values: SettingValues) -> CoreResult<Policy> {
        for spec in SETTINGS {
            let value = values
                .defaults
                .get(&spec.key)
                .map(String::as_str)
                .unwrap_or(spec.default);
            let normalized = normalize(spec, SettingScope::Default, value)?;
            values.defaults.insert(spec.key, normalized);
        }
        for (role, overrides) in &mut values.overrides {
            for (key, value) in overrides.iter_mut() {
                let spec = key.spec();
                *value = normalize(spec, SettingScope::Role(*role), value)?;
            }
        }
        overrides_cleanup(&mut values);
        let admin = RolePolicy::resolve(&values, Role::Admin)?;
        let user = RolePolicy::resolve(&values, Role::User)?;
        Ok(Policy {
            values,
            admin,
            user,
        })
    }

    /// Builds the policy from stored rows, dropping (and logging) any value that no
    /// longer validates, so that one bad row never stops the server from starting.
    pub fn from_stored(rows: Vec<(SettingScope, String, String)>) -> Policy {
        let mut values = SettingValues::default();
        for (scope, key, value) in rows {
            let valid =
                known_spec(&key).and_then(|spec| Ok((spec.key, normalize(spec, scope, &value)?)));
            match (valid, scope) {
                (Ok((key, value)), SettingScope::Default) => {
                    values.defaults.insert(key, value);
                }
                (Ok((key, value)), SettingScope::Role(role)) => {
                    values.overrides.entry(role).or_default().insert(key, value);
                }
                (Err(err), _) => {
                    tracing::warn!(%key, %value, error = %err, "ignoring a stored setting")
                }
            }
        }
        Policy::from_values(values).unwrap_or_default()
    }

    pub fn values(&self) -> &SettingValues {
        &self.values
    }

    pub fn for_role(&self, role: Role) -> &RolePolicy {
        match role {
            Role::Admin => &self.admin,
            Role::User => &self.user,
        }
    }

    /// The policy after `changes`, all validated, or the first refusal. Returns the
    /// changes in normalised form (what will be stored), without the ones that change nothing.
    pub fn with_changes(
        &self,
        changes: &[SettingChange],
    ) -> CoreResult<(Policy, Vec<SettingChange>)> {
        if changes.is_empty() {
            return Err(CoreError::invalid("No setting to change."));
        }
        let mut values = self.values.clone();
        let mut effective = Vec::new();
        for change in changes {
            let spec = known_spec(&change.key)?;
            let value = change
                .value
                .as_deref()
                .map(|value| normalize(spec, change.scope, value))
                .transpose()?;
            let current = values.get(change.scope, spec.key).map(str::to_owned);
            let value = match (change.scope, value) {
                // Clearing a default resets it to the built-in value.
                (SettingScope::Default, None) => Some(spec.default.to_owned()),
                (_, value) => value,
            };
            if current == value {
                continue;
            }
            set_value(&mut values, change.scope, spec.key, value.clone());
            effective.push(SettingChange {
                scope: change.scope,
                key: spec.key.as_str().to_owned(),
                value,
            });
        }
        Ok((Policy::from_values(values)?, effective))
    }

    /// The shortest idle timeout of any role: how often "last seen" must reach the store.
    pub fn shortest_idle_ms(&self) -> Millis {
        self.admin.idle_timeout_ms.min(self.user.idle_timeout_ms)
    }
}

impl RolePolicy {
    pub fn mode(&self, rule: Rule) -> Mode {
        match rule {
            Rule::Limits => self.limits_mode,
            Rule::Network => self.network_mode,
        }
    }

    /// What `rule`'s `decision` does for this role, by the rule's mode.
    pub fn judge(&self, rule: Rule, decision: Decision) -> Verdict {
        judge(rule, self.mode(rule), decision)
    }

    /// What the network rules do to a sign-in or a live session from `ip`, by their mode.
    pub fn judge_address(&self, ip: &str) -> Verdict {
        self.judge(Rule::Network, self.ip_rules.check_str(ip).into())
    }

    /// Whether the network rules end a live session (or refuse a sign-in) from `ip`:
    /// refused by them and enforced.
    pub fn network_refuses(&self, ip: &str) -> bool {
        matches!(self.judge_address(ip), Verdict::Refuse(_))
    }

    fn resolve(values: &SettingValues, role: Role) -> CoreResult<RolePolicy> {
        let text = |key: SettingKey| values.effective(role, key);
        let number = |key: SettingKey| {
            text(key)
                .parse::<i64>()
                .map_err(|_| CoreError::internal(format!("unchecked {key}")))
        };
        let ranges = |key: SettingKey| parse_cidr_list(text(key)).map_err(CoreError::invalid);
        Ok(RolePolicy {
            idle_timeout_ms: number(SettingKey::IdleTimeoutMinutes)? * MINUTE_MS,
            lifetime_ms: number(SettingKey::LifetimeMinutes)? * MINUTE_MS,
            allow_ip_change: text(SettingKey::AllowIpChange) == "true",
            history_retention_ms: number(SettingKey::HistoryRetentionDays)? * DAY_MS,
            limits: Limits {
                per_user: number(SettingKey::MaxSessionsPerUser)?,
                per_user_ip: number(SettingKey::MaxSessionsPerUserIp)?,
                per_user_country: number(SettingKey::MaxSessionsPerUserCountry)?,
                per_user_device: number(SettingKey::MaxSessionsPerUserDevice)?,
                per_ip: number(SettingKey::MaxSessionsPerIp)?,
                distinct_ips: number(SettingKey::MaxIpsPerUser)?,
                ip_window_ms: number(SettingKey::IpWindowMinutes)? * MINUTE_MS,
                action: LimitAction::parse(text(SettingKey::LimitAction)).unwrap_or_default(),
            },
            ip_rules: IpRules {
                allow: ranges(SettingKey::IpAllow)?,
                deny: ranges(SettingKey::IpDeny)?,
                ranges: RangeMode::parse(text(SettingKey::IpRanges)).unwrap_or_default(),
            },
            limits_mode: Mode::parse(text(Rule::Limits.setting())),
            network_mode: Mode::parse(text(Rule::Network.setting())),
        })
    }
}

fn known_spec(key: &str) -> CoreResult<&'static SettingSpec> {
    catalogue::spec(key).ok_or_else(|| {
        let shown: String = key.chars().take(60).collect();
        CoreError::invalid_field(
            "key",
            format!(
                "Unknown setting {shown:?}. Known settings: {}.",
                catalogue::known_keys()
            ),
        )
    })
}

fn set_value(
    values: &mut SettingValues,
    scope: SettingScope,
    key: SettingKey,
    value: Option<String>,
) {
    match (scope, value) {
        (SettingScope::Default, Some(value)) => {
            values.defaults.insert(key, value);
        }
        (SettingScope::Default, None) => {
            values.defaults.remove(&key);
        }
        (SettingScope::Role(role), Some(value)) => {
            values.overrides.entry(role).or_default().insert(key, value);
        }
        (SettingScope::Role(role), None) => {
            if let Some(overrides) = values.overrides.get_mut(&role) {
                overrides.remove(&key);
            }
        }
    }
}

fn overrides_cleanup(values: &mut SettingValues) {
    values
        .overrides
        .retain(|_, overrides| !overrides.is_empty());
}

/// Checks one value against its setting and returns its canonical stored form.
/// Errors name the setting (label and key), the scope and the allowed values.
pub fn normalize(spec: &SettingSpec, scope: SettingScope, value: &str) -> CoreResult<String> {
    let value = value.trim();
    let refuse = |allowed: String| {
        let shown: String = value.chars().take(40).collect();
        let scope = match scope {
            SettingScope::Default => String::new(),
            SettingScope::Role(role) => format!(" for role {role}"),
        };
        CoreError::invalid_field(
            spec.key.as_str(),
            format!(
                "{} ({}){scope}: {allowed}; got {shown:?}.",
                spec.label, spec.key
            ),
        )
    };
    match spec.kind {
        SettingKind::Number { min, max, unit } => match value.parse::<i64>() {
            Ok(number) if (min..=max).contains(&number) => Ok(number.to_string()),
            _ => Err(refuse(format!(
                "must be a whole number of {unit} from {} to {}",
                thousands(min),
                thousands(max)
            ))),
        },
        SettingKind::Limit { max } => match value.parse::<i64>() {
            Ok(number) if (0..=max).contains(&number) => Ok(number.to_string()),
            _ => Err(refuse(format!(
                "must be a whole number from 0 (no limit) to {}",
                thousands(max)
            ))),
        },
        SettingKind::Toggle => match value.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok("true".into()),
            "false" | "off" | "no" | "0" => Ok("false".into()),
            _ => Err(refuse("must be on or off (true or false)".into())),
        },
        SettingKind::Choice(choices) => match choices.iter().find(|(stored, _)| *stored == value) {
            Some((stored, _)) => Ok((*stored).to_owned()),
            None => Err(refuse(format!(
                "must be one of {}",
                choices
                    .iter()
                    .map(|(stored, _)| *stored)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        },
        SettingKind::Ranges => match parse_cidr_list(value) {
            Ok(list) => Ok(format_cidr_list(&list)),
            Err(problem) => {
                let scope = match scope {
                    SettingScope::Default => String::new(),
                    SettingScope::Role(role) => format!(" for role {role}"),
                };
                Err(CoreError::invalid_field(
                    spec.key.as_str(),
                    format!("{} ({}){scope}: {problem}", spec.label, spec.key),
                ))
            }
        },
    }
}

/// 99999 → "99,999": limits read better grouped.
pub fn thousands(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if number < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

#[cfg(test)]
mod tests;
