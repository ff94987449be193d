//! The flag rules at their thresholds: each case is raised one step past its limit and
//! not raised at it.

use super::*;

const NOW: Millis = 1_000 * DAY_MS;

fn fact(created_at: Millis, last_seen_at: Millis, ip: &str, country: &str) -> SignInFact {
    SignInFact {
        created_at,
        last_seen_at,
        first_ip: ip.to_owned(),
        last_ip: ip.to_owned(),
        country: Some(country.to_owned()),
    }
}

/// One earlier session from DE, long ago and quiet, so only the rule under test fires.
fn history(facts: Vec<SignInFact>) -> SignInHistory {
    SignInHistory {
        facts,
        earlier: true,
    }
}

fn arrival<'a>(ip: &'a str, country: &'a str) -> Arrival<'a> {
    Arrival {
        ip,
        country: Some(country),
    }
}

fn kinds(flags: &[SessionFlag]) -> Vec<FlagKind> {
    flags.iter().map(|flag| flag.kind).collect()
}

#[test]
fn first_sign_in_ever_is_never_flagged() {
    let flags = on_sign_in(&SignInHistory::default(), arrival("1.1.1.1", "SE"), NOW);
    assert!(flags.is_empty());
    // A user with only older history than the window is not new: SE is.
    let returning = SignInHistory {
        facts: Vec::new(),
        earlier: true,
    };
    let flags = on_sign_in(&returning, arrival("1.1.1.1", "SE"), NOW);
    assert_eq!(kinds(&flags), vec![FlagKind::NewCountry]);
    assert_eq!(flags[0].reason, "First sign-in from SE in 30 days");
}

#[test]
fn new_country_at_the_edge_of_the_look_back() {
    let edge = NOW - LOOK_BACK_MS;
    let cases = [
        // (last seen from SE, arriving from, raised)
        (edge, "SE", false),
        (edge - 1, "SE", true),
        (NOW - HOUR_MS * 2, "SE", false),
        (NOW - HOUR_MS * 2, "FR", true),
    ];
    for (seen, from, raised) in cases {
        let old = fact(seen - DAY_MS, seen, "9.9.9.9", "SE");
        let flags = on_sign_in(&history(vec![old]), arrival("9.9.9.9", from), NOW);
        assert_eq!(
            kinds(&flags).contains(&FlagKind::NewCountry),
            raised,
            "seen {} ms before now, from {from}",
            NOW - seen
        );
    }
}

#[test]
fn unknown_country_is_not_a_new_country() {
    let old = fact(NOW - DAY_MS, NOW - DAY_MS, "9.9.9.9", "SE");
    let unknown = Arrival {
        ip: "9.9.9.9",
        country: None,
    };
    assert!(on_sign_in(&history(vec![old]), unknown, NOW).is_empty());
}

#[test]
fn many_addresses_at_the_floor_and_the_window_edge() {
    // (addresses seen inside the window before this one, last seen of the others, raised)
    let inside = NOW - ADDRESS_WINDOW_MS + 1;
    let edge = NOW - ADDRESS_WINDOW_MS;
    let cases = [
        (ADDRESS_FLOOR - 1, inside, false),
        (ADDRESS_FLOOR, inside, true),
        (ADDRESS_FLOOR, edge, false),
    ];
    for (others, seen, raised) in cases {
        let facts = (0..others)
            .map(|n| fact(seen - DAY_MS, seen, &format!("10.0.0.{n}"), "SE"))
            .collect();
        let flags = on_sign_in(&history(facts), arrival("10.0.1.1", "SE"), NOW);
        assert_eq!(
            kinds(&flags).contains(&FlagKind::ManyAddresses),
            raised,
            "{others} other addresses last seen {} ms ago",
            NOW - seen
        );
        if raised {
            assert_eq!(
                flags[0].reason,
                "4 addresses within an hour (usually at most 3)"
            );
        }
    }
}

#[test]
fn a_user_who_always_roams_has_a_higher_usual() {
    // 120 distinct addresses over the month and this one make 5 a day, the usual.
    let month: Vec<SignInFact> = (0..120)
        .map(|n| {
            let seen = NOW - (n + 1) * 4 * HOUR_MS;
            fact(seen, seen, &format!("10.1.{}.{}", n / 200, n % 200), "SE")
        })
        .collect();
    let recent = |count: usize| -> Vec<SignInFact> {
        (0..count)
            .map(|n| fact(NOW - HOUR_MS, NOW - 60_000, &format!("10.2.0.{n}"), "SE"))
            .collect()
    };
    for (others, raised) in [(4, false), (5, true)] {
        let mut facts = month.clone();
        facts.extend(recent(others));
        let flags = on_sign_in(&history(facts), arrival("10.3.0.1", "SE"), NOW);
        assert_eq!(
            kinds(&flags).contains(&FlagKind::ManyAddresses),
            raised,
            "{others} others in the window"
        );
    }
}

#[test]
fn sign_in_burst_at_its_count_and_window_edge() {
    let inside = NOW - BURST_WINDOW_MS + 1;
    let edge = NOW - BURST_WINDOW_MS;
    let cases = [
        (BURST_MAX - 1, inside, false),
        (BURST_MAX, inside, true),
        (BURST_MAX, edge, false),
    ];
    for (before, created, raised) in cases {
        // All from one address and country, so no other rule fires.
        let facts = (0..before)
            .map(|_| fact(created, created, "10.0.0.1", "SE"))
            .collect();
        let flags = on_sign_in(&history(facts), arrival("10.0.0.1", "SE"), NOW);
        assert_eq!(
            kinds(&flags),
            if raised {
                vec![FlagKind::SignInBurst]
            } else {
                vec![]
            },
            "{before} sign-ins {} ms before",
            NOW - created
        );
        if raised {
            assert_eq!(flags[0].reason, "6 sign-ins within 10 minutes");
        }
    }
}

#[test]
fn a_move_flags_a_country_change_only_between_known_countries() {
    let own = fact(NOW - HOUR_MS, NOW - 1, "10.0.0.1", "DE");
    let cases = [
        (Some("DE"), Some("SE"), true),
        (Some("DE"), Some("DE"), false),
        (None, Some("SE"), false),
        (Some("DE"), None, false),
    ];
    for (from, to, raised) in cases {
        let moved = Arrival {
            ip: "10.0.0.2",
            country: to,
        };
        let flags = on_move(&history(vec![own.clone()]), from, moved, NOW);
        assert_eq!(
            kinds(&flags) == vec![FlagKind::CountryChange],
            raised,
            "{from:?} to {to:?}"
        );
        if raised {
            assert_eq!(
                flags[0].reason,
                "Country changed from DE to SE during the session"
            );
        }
    }
}

#[test]
fn a_move_counts_the_new_address_in_the_window() {
    let seen = NOW - 60_000;
    let facts: Vec<SignInFact> = (0..ADDRESS_FLOOR)
        .map(|n| fact(seen, seen, &format!("10.0.0.{n}"), "DE"))
        .collect();
    // Moving to an address already counted adds nothing; a fresh one tips it over.
    let same = on_move(
        &history(facts.clone()),
        Some("DE"),
        arrival("10.0.0.0", "DE"),
        NOW,
    );
    assert!(same.is_empty());
    let fresh = on_move(&history(facts), Some("DE"), arrival("10.9.9.9", "DE"), NOW);
    assert_eq!(kinds(&fresh), vec![FlagKind::ManyAddresses]);
}
