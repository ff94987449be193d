//! Enforce or observe: what a finding of a role's limits or network rules does. In
//! observe mode nothing is refused or ended because of them; what enforcing would have
//! done becomes a flag on the session, so an admin can try a policy on real traffic
//! before turning it on. The one place that turns a rule's finding into what happens,
//! for sign-ins and for address moves alike.

use crate::catalogue::SettingKey;
use crate::flag::{FlagKind, SessionFlag};

/// What a rule finds about a sign-in (the limits, or the network rules through
/// `Verdict`): go ahead, possibly ending older sessions, or refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead, after ending these sessions (oldest first).
    Allow {
        evict: Vec<String>,
    },
    Refuse(String),
}

/// Whether a rule acts or only reports. Stored as `enforce` / `observe`.
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
pub enum Mode {
    #[default]
    Enforce,
    Observe,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The stored value, validated by the catalogue already; anything else enforces,
    /// so an unreadable value never silently switches a rule off.
    pub fn parse(text: &str) -> Mode {
        text.parse().unwrap_or(Mode::Enforce)
    }
}

/// The rules that have a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// The concurrent-session limits (and the distinct-address limit).
    Limits,
    /// The network rules: address kinds, allowed and denied ranges.
    Network,
}

impl Rule {
    /// The analytics dimension, the same one a blocked sign-in of this rule has.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Limits => "limit",
            Rule::Network => "network_rule",
        }
    }

    /// The setting that holds this rule's mode.
    pub fn setting(self) -> SettingKey {
        match self {
            Rule::Limits => SettingKey::LimitsMode,
            Rule::Network => SettingKey::NetworkMode,
        }
    }

    fn flag(self) -> FlagKind {
        match self {
            Rule::Limits => FlagKind::LimitObserved,
            Rule::Network => FlagKind::NetworkRuleObserved,
        }
    }
}

/// What happens once the mode is applied to a rule's finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead, after ending these sessions (oldest first).
    Allow { evict: Vec<String> },
    /// Refused, with the sentence that says why.
    Refuse(String),
    /// Go ahead and end nothing; the flag says what enforcing would have done.
    Observed(SessionFlag),
}

/// The network rules' answer for an address, as a decision like the limits' one.
impl From<Result<(), String>> for Decision {
    fn from(checked: Result<(), String>) -> Decision {
        match checked {
            Ok(()) => Decision::Allow { evict: Vec::new() },
            Err(message) => Decision::Refuse(message),
        }
    }
}

/// Applies `mode` to what `rule` decided.
pub fn judge(rule: Rule, mode: Mode, decision: Decision) -> Verdict {
    match (mode, decision) {
        (Mode::Enforce, Decision::Refuse(message)) => Verdict::Refuse(message),
        (_, Decision::Allow { evict }) if evict.is_empty() => Verdict::Allow { evict },
        (Mode::Enforce, Decision::Allow { evict }) => Verdict::Allow { evict },
        (Mode::Observe, Decision::Refuse(message)) => Verdict::Observed(observed(rule, &message)),
        (Mode::Observe, Decision::Allow { evict }) => {
            let sessions = if evict.len() == 1 {
                "1 older session".to_owned()
            } else {
                format!("{} older sessions", evict.len())
            };
            let message = format!("A limit would have ended {sessions} of this user.");
            Verdict::Observed(observed(rule, &message))
        }
    }
}

fn observed(rule: Rule, message: &str) -> SessionFlag {
    SessionFlag::new(
        rule.flag(),
        format!("Observe mode, not enforced: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFUSAL: &str = "Sign-in refused: at most 2 sessions per user are allowed.";

    fn allow(ids: &[&str]) -> Decision {
        Decision::Allow {
            evict: ids.iter().map(|id| (*id).to_owned()).collect(),
        }
    }

    #[test]
    fn every_finding_in_both_modes() {
        let refuse = || Decision::Refuse(REFUSAL.into());
        let cases: Vec<(Rule, Mode, Decision, Verdict)> = vec![
            (Rule::Limits, Mode::Enforce, allow(&[]), Verdict::Allow { evict: vec![] }),
            (Rule::Limits, Mode::Observe, allow(&[]), Verdict::Allow { evict: vec![] }),
            (
                Rule::Limits,
                Mode::Enforce,
                allow(&["s1", "s2"]),
                Verdict::Allow { evict: vec!["s1".into(), "s2".into()] },
            ),
            (
                Rule::Limits,
                Mode::Observe,
                allow(&["s1", "s2"]),
                Verdict::Observed(SessionFlag::new(
                    FlagKind::LimitObserved,
                    "Observe mode, not enforced: A limit would have ended 2 older sessions of this user.",
                )),
            ),
            (
                Rule::Limits,
                Mode::Observe,
                allow(&["s1"]),
                Verdict::Observed(SessionFlag::new(
                    FlagKind::LimitObserved,
                    "Observe mode, not enforced: A limit would have ended 1 older session of this user.",
                )),
            ),
            (Rule::Limits, Mode::Enforce, refuse(), Verdict::Refuse(REFUSAL.into())),
            (
                Rule::Limits,
                Mode::Observe,
                refuse(),
                Verdict::Observed(SessionFlag::new(
                    FlagKind::LimitObserved,
                    format!("Observe mode, not enforced: {REFUSAL}"),
                )),
            ),
            (Rule::Network, Mode::Enforce, refuse(), Verdict::Refuse(REFUSAL.into())),
            (
                Rule::Network,
                Mode::Observe,
                refuse(),
                Verdict::Observed(SessionFlag::new(
                    FlagKind::NetworkRuleObserved,
                    format!("Observe mode, not enforced: {REFUSAL}"),
                )),
            ),
            (Rule::Network, Mode::Observe, allow(&[]), Verdict::Allow { evict: vec![] }),
        ];
        for (rule, mode, decision, expected) in cases {
            let shown = format!("{rule:?} {mode:?} {decision:?}");
            assert_eq!(judge(rule, mode, decision), expected, "{shown}");
        }
    }

    #[test]
    fn a_network_answer_is_a_decision() {
        assert_eq!(Decision::from(Ok(())), allow(&[]));
        assert_eq!(
            Decision::from(Err("no".to_owned())),
            Decision::Refuse("no".into())
        );
    }

    #[test]
    fn modes_read_back_and_anything_else_enforces() {
        use strum::VariantArray;
        let names: Vec<&str> = Mode::VARIANTS.iter().map(|mode| mode.as_str()).collect();
        assert_eq!(names, ["enforce", "observe"]);
        for &mode in Mode::VARIANTS {
            assert_eq!(Mode::parse(mode.as_str()), mode);
        }
        assert_eq!(Mode::parse("Observe "), Mode::Enforce);
        assert_eq!(Mode::parse(""), Mode::Enforce);
    }
}
