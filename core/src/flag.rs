//! Why a session looks suspicious, as stored with it and shown everywhere it appears
//! (console, history, API, CLI, My sessions). Plain data shared with the browser; the
//! rules that raise flags are `policy::flags` (server only).

use serde::{Deserialize, Serialize};

/// What kind of unusual sign-in a flag reports. Stored and sent as its snake_case name.
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
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FlagKind {
    /// A country the user has not signed in from within the look-back window.
    NewCountry,
    /// The session's address moved to another country while it was live.
    CountryChange,
    /// More distinct addresses in a short window than the user usually has.
    ManyAddresses,
    /// Many sign-ins of one account in a short window.
    SignInBurst,
    /// A limit in observe mode would have refused this sign-in or ended another session.
    LimitObserved,
    /// A network rule in observe mode would have refused this sign-in or address.
    NetworkRuleObserved,
}

impl FlagKind {
    pub const ALL: &'static [FlagKind] = <FlagKind as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<FlagKind> {
        text.parse().ok()
    }

    /// A short label for badges.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::NewCountry => "New country",
            FlagKind::CountryChange => "Country changed",
            FlagKind::ManyAddresses => "Many addresses",
            FlagKind::SignInBurst => "Sign-in burst",
            FlagKind::LimitObserved => "Limit (observed)",
            FlagKind::NetworkRuleObserved => "Network rule (observed)",
        }
    }

    /// Whether the flag says the sign-in may not be the person's own. Observed rules
    /// report the admin's policy trial, not the person: they are never warned of them.
    pub fn is_suspicious(self) -> bool {
        !matches!(
            self,
            FlagKind::LimitObserved | FlagKind::NetworkRuleObserved
        )
    }
}

/// One reason a session was flagged: the kind, and a sentence a person can act on
/// ("First sign-in from SE in 30 days").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFlag {
    pub kind: FlagKind,
    pub reason: String,
}

impl SessionFlag {
    pub fn new(kind: FlagKind, reason: impl Into<String>) -> SessionFlag {
        SessionFlag {
            kind,
            reason: reason.into(),
        }
    }
}

/// `current` with the flags of `raised` whose kind it does not have yet: a flag, once
/// raised, keeps its first reason; the same kind again adds nothing.
pub fn merge_flags(current: &[SessionFlag], raised: Vec<SessionFlag>) -> Vec<SessionFlag> {
    let mut merged = current.to_vec();
    for flag in raised {
        if !merged.iter().any(|have| have.kind == flag.kind) {
            merged.push(flag);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_serialize_by_name() {
        let mut names = Vec::new();
        for &kind in FlagKind::ALL {
            assert_eq!(FlagKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).expect("serialize");
            assert_eq!(json, format!("{:?}", kind.as_str()));
            names.push(kind.as_str());
        }
        assert_eq!(
            names,
            [
                "new_country",
                "country_change",
                "many_addresses",
                "sign_in_burst",
                "limit_observed",
                "network_rule_observed"
            ]
        );
        let flag = SessionFlag::new(FlagKind::NewCountry, "First sign-in from SE in 30 days");
        let json = serde_json::to_string(&flag).expect("serialize");
        assert_eq!(
            json,
            r#"{"kind":"new_country","reason":"First sign-in from SE in 30 days"}"#
        );
    }

    #[test]
    fn merging_keeps_the_first_reason_of_a_kind() {
        let first = vec![SessionFlag::new(FlagKind::CountryChange, "DE to SE")];
        let merged = merge_flags(
            &first,
            vec![
                SessionFlag::new(FlagKind::CountryChange, "SE to FR"),
                SessionFlag::new(FlagKind::ManyAddresses, "5 addresses"),
            ],
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].reason, "DE to SE");
        assert_eq!(merged[1].kind, FlagKind::ManyAddresses);
    }
}
