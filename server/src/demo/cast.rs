//! Who the demo's simulated users are, what they browse with and where they are.
//!
//! Everything here is made up but shaped like real traffic, so every column of the
//! console has something to show: names in many scripts, the common browsers on every
//! platform (phones and tablets included), and addresses that the offline country
//! database places in many countries. The addresses are only strings stored in
//! sessions: the demo never sends anything to them.

/// A demo application: its name and how the generator treats it.
pub struct DemoApp {
    pub name: &'static str,
    /// Relative share of sign-ins and guests (the shop is the busiest).
    pub weight: u32,
    /// Chance that a new visitor is a guest rather than a signed-in user.
    pub guest_share: f64,
}

/// Four applications of a small company; billing has no guests (you sign in to pay).
pub const APPS: &[DemoApp] = &[
    DemoApp {
        name: "shop",
        weight: 5,
        guest_share: 0.45,
    },
    DemoApp {
        name: "helpdesk",
        weight: 3,
        guest_share: 0.15,
    },
    DemoApp {
        name: "wiki",
        weight: 3,
        guest_share: 0.35,
    },
    DemoApp {
        name: "billing",
        weight: 2,
        guest_share: 0.0,
    },
];

/// A simulated person: a stable user id (as the application would have it), a
/// display name, whether they are an admin, and the country they usually are in.
pub struct Person {
    pub user_id: &'static str,
    pub name: &'static str,
    pub admin: bool,
    pub country: &'static str,
}

const fn person(user_id: &'static str, name: &'static str, country: &'static str) -> Person {
    Person {
        user_id,
        name,
        admin: false,
        country,
    }
}

const fn admin(user_id: &'static str, name: &'static str, country: &'static str) -> Person {
    Person {
        user_id,
        name,
        admin: true,
        country,
    }
}

/// Forty people; a few are admins (the console's Role column and chips show both).
pub const PEOPLE: &[Person] = &[
    person("u-1001", "Ava Thompson", "US"),
    person("u-1002", "Marcus Johnson", "US"),
    admin("u-1003", "Emily Chen", "US"),
    person("u-1004", "Jordan Rivera", "US"),
    person("u-1005", "Tyler Brooks", "US"),
    person("u-1006", "Lena Schmidt", "DE"),
    admin("u-1007", "Jonas Weber", "DE"),
    person("u-1008", "Katrin Fischer", "DE"),
    person("u-1009", "Camille Dubois", "FR"),
    person("u-1010", "Lucas Martin", "FR"),
    person("u-1011", "Chloé Bernard", "FR"),
    admin("u-1012", "Oliver Wright", "GB"),
    person("u-1013", "Amelia Clarke", "GB"),
    person("u-1014", "Harry Evans", "GB"),
    person("u-1015", "Haruto Sato", "JP"),
    person("u-1016", "Yui Tanaka", "JP"),
    person("u-1017", "Gabriel Souza", "BR"),
    person("u-1018", "Beatriz Lima", "BR"),
    admin("u-1019", "Priya Sharma", "IN"),
    person("u-1020", "Arjun Patel", "IN"),
    person("u-1021", "Ananya Iyer", "IN"),
    person("u-1022", "Jack Wilson", "AU"),
    person("u-1023", "Charlotte Nguyen", "AU"),
    person("u-1024", "Noah Tremblay", "CA"),
    person("u-1025", "Sophie Roy", "CA"),
    person("u-1026", "Daan de Vries", "NL"),
    person("u-1027", "Sanne Jansen", "NL"),
    person("u-1028", "Lucía García", "ES"),
    person("u-1029", "Mateo Fernández", "ES"),
    person("u-1030", "Giulia Rossi", "IT"),
    person("u-1031", "Lorenzo Bianchi", "IT"),
    person("u-1032", "Elsa Lindqvist", "SE"),
    person("u-1033", "Jakub Nowak", "PL"),
    person("u-1034", "Zuzanna Wójcik", "PL"),
    person("u-1035", "김민준 (Min-jun Kim)", "KR"),
    person("u-1036", "Seo-yeon Park", "KR"),
    person("u-1037", "Valentina Hernández", "MX"),
    person("u-1038", "Diego López", "MX"),
    person("u-1039", "Thabo Nkosi", "ZA"),
    person("u-1040", "Chiamaka Okafor", "NG"),
];

/// Where addresses come from: a /24 prefix per country, chosen from the big consumer
/// networks of that country, so the country database resolves them (a unit test
/// checks every one against the shipped database).
pub struct Place {
    pub country: &'static str,
    /// The first three octets; the generator picks the last one.
    pub prefix: &'static str,
}

pub const PLACES: &[Place] = &[
    Place {
        country: "US",
        prefix: "73.22.33",
    },
    Place {
        country: "DE",
        prefix: "91.12.34",
    },
    Place {
        country: "FR",
        prefix: "90.12.45",
    },
    Place {
        country: "GB",
        prefix: "86.140.12",
    },
    Place {
        country: "JP",
        prefix: "153.156.78",
    },
    Place {
        country: "BR",
        prefix: "177.12.34",
    },
    Place {
        country: "IN",
        prefix: "49.36.12",
    },
    Place {
        country: "AU",
        prefix: "1.123.45",
    },
    Place {
        country: "CA",
        prefix: "99.230.12",
    },
    Place {
        country: "NL",
        prefix: "77.170.12",
    },
    Place {
        country: "ES",
        prefix: "83.45.67",
    },
    Place {
        country: "IT",
        prefix: "79.20.12",
    },
    Place {
        country: "SE",
        prefix: "78.70.12",
    },
    Place {
        country: "PL",
        prefix: "83.10.20",
    },
    Place {
        country: "KR",
        prefix: "121.140.12",
    },
    Place {
        country: "MX",
        prefix: "189.140.12",
    },
    Place {
        country: "ZA",
        prefix: "105.224.12",
    },
    Place {
        country: "NG",
        prefix: "105.112.12",
    },
];

/// The place of `country` (every person's country is in `PLACES`; a test checks it).
pub fn place_of(country: &str) -> &'static Place {
    PLACES
        .iter()
        .find(|place| place.country == country)
        .unwrap_or(&PLACES[0])
}

/// Desktop browsers, roughly in order of how common they are.
pub const DESKTOP_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
];

/// Phones and tablets.
pub const MOBILE_AGENTS: &[&str] = &[
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
];

/// The person's laptop: the same browser every time they sign in from it.
pub fn desktop_of(person: usize) -> &'static str {
    DESKTOP_AGENTS[person % DESKTOP_AGENTS.len()]
}

/// The person's phone (or tablet).
pub fn mobile_of(person: usize) -> &'static str {
    MOBILE_AGENTS[(person * 3 + 1) % MOBILE_AGENTS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessions_core::agent::parse_user_agent;
    use sessions_core::geo::{GeoDb, DEFAULT_GEO_DB};
    use sessions_core::model::DeviceClass;
    use std::collections::HashSet;
    use std::path::Path;

    #[test]
    fn every_place_resolves_to_its_country() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(DEFAULT_GEO_DB);
        if !path.exists() {
            eprintln!("skipped: no {} (run scripts/setup.sh)", path.display());
            return;
        }
        let geo = GeoDb::open(Some(&path));
        let mut wrong = Vec::new();
        for place in PLACES {
            for host in [2, 77, 254] {
                let ip = format!("{}.{host}", place.prefix);
                let found = geo.country(&ip);
                if found.as_deref() != Some(place.country) {
                    wrong.push(format!("{ip}: expected {} got {found:?}", place.country));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn everyone_has_a_place_and_ids_are_unique() {
        let ids: HashSet<_> = PEOPLE.iter().map(|p| p.user_id).collect();
        assert_eq!(ids.len(), PEOPLE.len());
        for person in PEOPLE {
            assert!(
                PLACES.iter().any(|place| place.country == person.country),
                "{}",
                person.name
            );
        }
        assert!(PEOPLE.iter().filter(|p| p.admin).count() >= 3);
    }

    #[test]
    fn agents_parse_into_varied_browsers_systems_and_devices() {
        let parsed: Vec<_> = DESKTOP_AGENTS
            .iter()
            .chain(MOBILE_AGENTS)
            .map(|agent| parse_user_agent(agent))
            .collect();
        for (agent, info) in DESKTOP_AGENTS.iter().chain(MOBILE_AGENTS).zip(&parsed) {
            assert_ne!(info.browser, "Unknown", "{agent}");
            assert_ne!(info.os, "Unknown", "{agent}");
        }
        for (agent, info) in DESKTOP_AGENTS.iter().zip(&parsed) {
            assert_eq!(info.device, DeviceClass::Desktop, "{agent}");
        }
        let devices: HashSet<_> = parsed
            .iter()
            .map(|info| format!("{:?}", info.device))
            .collect();
        assert!(
            devices.contains("Phone") && devices.contains("Tablet"),
            "{devices:?}"
        );
        let browsers: HashSet<_> = parsed.iter().map(|info| info.browser.as_str()).collect();
        assert!(browsers.len() >= 5, "{browsers:?}");
    }
}
