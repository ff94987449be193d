//! The policy's own tests: defaults, overrides, the boundaries and refusals of every
//! kind of setting, stored rows that no longer validate.

use super::*;

fn change(scope: SettingScope, key: &str, value: &str) -> SettingChange {
    SettingChange {
        scope,
        key: key.into(),
        value: Some(value.into()),
    }
}

#[test]
fn defaults_match_the_product() {
    let policy = Policy::default();
    for &role in Role::ALL {
        let role_policy = policy.for_role(role);
        assert_eq!(role_policy.idle_timeout_ms, 30 * MINUTE_MS);
        assert_eq!(role_policy.lifetime_ms, 12 * 60 * MINUTE_MS);
        assert!(!role_policy.allow_ip_change);
        assert_eq!(
            role_policy.limits,
            Limits {
                ip_window_ms: 24 * 60 * MINUTE_MS,
                ..Limits::default()
            }
        );
        assert!(role_policy.ip_rules.is_unrestricted());
        assert_eq!(role_policy.limits_mode, Mode::Enforce);
        assert_eq!(role_policy.network_mode, Mode::Enforce);
    }
    assert_eq!(policy.values().defaults.len(), SETTINGS.len());
}

#[test]
fn a_role_override_wins_over_the_default() {
    let (policy, applied) = Policy::default()
        .with_changes(&[
            change(SettingScope::Default, "idle_timeout_minutes", "20"),
            change(SettingScope::Role(Role::Admin), "idle_timeout_minutes", "5"),
        ])
        .expect("valid");
    assert_eq!(applied.len(), 2);
    assert_eq!(policy.for_role(Role::Admin).idle_timeout_ms, 5 * MINUTE_MS);
    assert_eq!(policy.for_role(Role::User).idle_timeout_ms, 20 * MINUTE_MS);
    assert_eq!(policy.shortest_idle_ms(), 5 * MINUTE_MS);

    let cleared = SettingChange {
        scope: SettingScope::Role(Role::Admin),
        key: "idle_timeout_minutes".into(),
        value: None,
    };
    let (policy, _) = policy.with_changes(&[cleared]).expect("valid");
    assert_eq!(policy.for_role(Role::Admin).idle_timeout_ms, 20 * MINUTE_MS);
    assert!(policy.values().overrides.is_empty());
}

#[test]
fn boundaries_of_every_kind() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("idle_timeout_minutes", "0", None),
        ("idle_timeout_minutes", "1", Some("1")),
        ("idle_timeout_minutes", " 99999 ", Some("99999")),
        ("idle_timeout_minutes", "100000", None),
        ("idle_timeout_minutes", "1000000000", None),
        ("idle_timeout_minutes", "1.5", None),
        ("idle_timeout_minutes", "", None),
        ("max_sessions_per_user", "-1", None),
        ("max_sessions_per_user", "0", Some("0")),
        ("max_sessions_per_user", "10000", Some("10000")),
        ("max_sessions_per_user", "10001", None),
        ("allow_ip_change", "on", Some("true")),
        ("allow_ip_change", "FALSE", Some("false")),
        ("allow_ip_change", "maybe", None),
        ("limit_action", "evict_oldest", Some("evict_oldest")),
        ("limit_action", "explode", None),
        ("limits_mode", "observe", Some("observe")),
        ("network_mode", " enforce ", Some("enforce")),
        ("network_mode", "watch", None),
        ("ip_ranges", "private_only", Some("private_only")),
        ("ip_deny", "10.0.0.0/33", None),
        ("ip_deny", "foo", None),
        (
            "ip_deny",
            "10.1.2.3/8, 2001:db8::/32",
            Some("10.0.0.0/8, 2001:db8::/32"),
        ),
        ("ip_allow", "", Some("")),
    ];
    for (key, value, expected) in cases {
        let spec = catalogue::spec(key).expect("known key");
        let got = normalize(spec, SettingScope::Default, value).ok();
        assert_eq!(got.as_deref(), *expected, "{key} = {value:?}");
    }
}

#[test]
fn refusals_name_the_field_and_the_range_and_change_nothing() {
    let policy = Policy::default();
    let err = policy
        .with_changes(&[
            change(SettingScope::Default, "lifetime_minutes", "60"),
            change(SettingScope::Role(Role::User), "idle_timeout_minutes", "0"),
        ])
        .expect_err("idle 0 is refused");
    assert_eq!(
        err.to_string(),
        "Idle timeout (idle_timeout_minutes) for role user: must be a whole number of minutes from 1 to 99,999; got \"0\"."
    );
    assert_eq!(policy, Policy::default());

    let err = policy
        .with_changes(&[change(SettingScope::Default, "colour", "red")])
        .expect_err("unknown key");
    assert!(
        err.to_string()
            .starts_with("Unknown setting \"colour\". Known settings: idle_timeout_minutes"),
        "{err}"
    );

    let err = policy
        .with_changes(&[change(SettingScope::Default, "ip_deny", "10.0.0.0/33")])
        .expect_err("bad cidr");
    assert!(
        err.to_string().starts_with("Denied ranges (ip_deny): "),
        "{err}"
    );
    assert!(err.to_string().contains("10.0.0.0/33"), "{err}");
}

#[test]
fn unchanged_values_are_not_reported_as_changes() {
    let (_, applied) = Policy::default()
        .with_changes(&[change(SettingScope::Default, "idle_timeout_minutes", "30")])
        .expect("valid");
    assert!(applied.is_empty());
}

#[test]
fn bad_stored_rows_are_dropped_not_fatal() {
    let policy = Policy::from_stored(vec![
        (
            SettingScope::Default,
            "idle_timeout_minutes".into(),
            "0".into(),
        ),
        (
            SettingScope::Default,
            "lifetime_minutes".into(),
            "60".into(),
        ),
        (SettingScope::Role(Role::User), "no_such".into(), "1".into()),
    ]);
    assert_eq!(policy.for_role(Role::User).idle_timeout_ms, 30 * MINUTE_MS);
    assert_eq!(policy.for_role(Role::User).lifetime_ms, 60 * MINUTE_MS);
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(99_999), "99,999");
    assert_eq!(thousands(1_000_000), "1,000,000");
    assert_eq!(thousands(-1000), "-1,000");
}

#[test]
fn every_setting_key_has_one_catalogue_entry_under_its_own_name() {
    for &key in SettingKey::ALL {
        let entries = SETTINGS.iter().filter(|spec| spec.key == key).count();
        assert_eq!(entries, 1, "{key}");
        assert_eq!(
            catalogue::spec(key.as_str()).map(|spec| spec.key),
            Some(key)
        );
    }
    assert_eq!(SETTINGS.len(), SettingKey::ALL.len());
    assert!(catalogue::spec("no_such_setting").is_none());
}

#[test]
fn the_limit_action_choices_are_the_limit_actions() {
    let catalogue::SettingKind::Choice(choices) = SettingKey::LimitAction.spec().kind else {
        panic!("limit_action is a choice");
    };
    let named: Vec<LimitAction> = choices
        .iter()
        .map(|(name, _)| LimitAction::parse(name).unwrap_or_else(|| panic!("{name}")))
        .collect();
    assert_eq!(named, <LimitAction as strum::VariantArray>::VARIANTS);
    let policy = Policy::default()
        .with_changes(&[change(
            SettingScope::Default,
            "limit_action",
            "evict_oldest",
        )])
        .expect("valid")
        .0;
    assert_eq!(
        policy.for_role(Role::User).limits.action,
        LimitAction::EvictOldest
    );
}
