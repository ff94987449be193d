//! Network rules of a role: allowed and denied CIDR ranges (IPv4 and IPv6) and the
//! "private ranges only" / "public ranges only" shortcuts. Pure functions; a refusal
//! is a sentence naming the address and the rule that refused it.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const MAX_RANGES: usize = 500;

/// Stored as its snake_case name (`any`, `private_only`, `public_only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum RangeMode {
    #[default]
    Any,
    PrivateOnly,
    PublicOnly,
}

impl RangeMode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<RangeMode> {
        text.parse().ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IpRules {
    pub allow: Vec<IpNet>,
    pub deny: Vec<IpNet>,
    pub ranges: RangeMode,
}

impl IpRules {
    pub fn is_unrestricted(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty() && self.ranges == RangeMode::Any
    }

    /// `Ok` if a sign-in or session from `ip` is allowed. Deny wins, then the range
    /// mode, then the allow list (an empty allow list allows everything).
    pub fn check(&self, ip: IpAddr) -> Result<(), String> {
        let ip = ip.to_canonical();
        let refuse = |why: String| Err(format!("Sign-in from {ip} is not allowed: {why}."));
        if let Some(range) = self.deny.iter().find(|range| range.contains(&ip)) {
            return refuse(format!("it is in the denied range {range}"));
        }
        match self.ranges {
            RangeMode::PrivateOnly if !is_private(ip) => {
                return refuse("only private network addresses are allowed".into())
            }
            RangeMode::PublicOnly if is_private(ip) => {
                return refuse("only public addresses are allowed".into())
            }
            _ => {}
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|range| range.contains(&ip)) {
            return refuse("it is not in any allowed range".into());
        }
        Ok(())
    }

    /// Like `check` for an address as text. An address that does not parse passes
    /// only when there are no rules at all.
    pub fn check_str(&self, ip: &str) -> Result<(), String> {
        match ip.parse::<IpAddr>() {
            Ok(ip) => self.check(ip),
            Err(_) if self.is_unrestricted() => Ok(()),
            Err(_) => {
                let shown: String = ip.chars().take(60).collect();
                Err(format!(
                    "Sign-in from {shown:?} is not allowed: the address could not be read."
                ))
            }
        }
    }
}

/// Parses CIDR ranges separated by commas, spaces or new lines. A bare address is a
/// one-host range; host bits are cleared (10.1.2.3/8 becomes 10.0.0.0/8).
pub fn parse_cidr_list(text: &str) -> Result<Vec<IpNet>, String> {
    let mut ranges: Vec<IpNet> = Vec::new();
    for item in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
    {
        let range = parse_cidr(item)?;
        if !ranges.contains(&range) {
            ranges.push(range);
        }
        if ranges.len() > MAX_RANGES {
            return Err(format!("at most {MAX_RANGES} ranges are allowed."));
        }
    }
    Ok(ranges)
}

fn parse_cidr(item: &str) -> Result<IpNet, String> {
    let shown: String = item.chars().take(60).collect();
    if let Ok(range) = item.parse::<IpNet>() {
        return Ok(range.trunc());
    }
    if let Ok(ip) = item.parse::<IpAddr>() {
        return Ok(IpNet::from(ip));
    }
    if let Some((address, prefix)) = item.split_once('/') {
        let max = match address.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => Some(("IPv4", 32)),
            Ok(IpAddr::V6(_)) => Some(("IPv6", 128)),
            Err(_) => None,
        };
        if let Some((family, max)) = max {
            return Err(format!(
                "{shown:?} is not a CIDR range: the prefix length of an {family} range is 0 to {max}, not {prefix:?}."
            ));
        }
    }
    Err(format!(
        "{shown:?} is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/32)."
    ))
}

pub fn format_cidr_list(list: &[IpNet]) -> String {
    list.iter()
        .map(IpNet::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Private, loopback, link-local and carrier-grade NAT addresses; IPv4-mapped IPv6
/// addresses are judged as their IPv4 address.
pub fn is_private(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || (a == 100 && (64..128).contains(&b))
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_modes_keep_their_stored_names() {
        let ranges = [
            RangeMode::Any,
            RangeMode::PrivateOnly,
            RangeMode::PublicOnly,
        ];
        for range in ranges {
            assert_eq!(RangeMode::parse(range.as_str()), Some(range));
        }
        let names: Vec<&str> = ranges.iter().map(|range| range.as_str()).collect();
        assert_eq!(names, ["any", "private_only", "public_only"]);
        assert_eq!(RangeMode::parse("Any"), None);
    }

    fn rules(allow: &str, deny: &str, ranges: RangeMode) -> IpRules {
        IpRules {
            allow: parse_cidr_list(allow).expect("allow"),
            deny: parse_cidr_list(deny).expect("deny"),
            ranges,
        }
    }

    #[test]
    fn rules_in_order_deny_then_mode_then_allow() {
        let cases: &[(IpRules, &str, bool)] = &[
            (IpRules::default(), "203.0.113.9", true),
            (IpRules::default(), "not an ip", true),
            (
                rules("", "203.0.113.0/24", RangeMode::Any),
                "203.0.113.9",
                false,
            ),
            (
                rules("", "203.0.113.0/24", RangeMode::Any),
                "203.0.114.1",
                true,
            ),
            (
                rules("203.0.113.0/24", "", RangeMode::Any),
                "203.0.113.9",
                true,
            ),
            (
                rules("203.0.113.0/24", "", RangeMode::Any),
                "198.51.100.1",
                false,
            ),
            (
                rules("203.0.113.0/24", "203.0.113.9", RangeMode::Any),
                "203.0.113.9",
                false,
            ),
            (
                rules("2001:db8::/32", "", RangeMode::Any),
                "2001:db8::1",
                true,
            ),
            (
                rules("2001:db8::/32", "", RangeMode::Any),
                "2001:db9::1",
                false,
            ),
            (
                rules("", "2001:db8::/32", RangeMode::Any),
                "2001:db8:ffff::1",
                false,
            ),
            (
                rules("", "203.0.113.0/24", RangeMode::Any),
                "::ffff:203.0.113.9",
                false,
            ),
            (
                rules("", "", RangeMode::PrivateOnly),
                "172.15.255.255",
                false,
            ),
            (rules("", "", RangeMode::PrivateOnly), "172.16.0.0", true),
            (
                rules("", "", RangeMode::PrivateOnly),
                "172.31.255.255",
                true,
            ),
            (rules("", "", RangeMode::PrivateOnly), "172.32.0.0", false),
            (rules("", "", RangeMode::PrivateOnly), "127.0.0.1", true),
            (rules("", "", RangeMode::PrivateOnly), "::1", true),
            (rules("", "", RangeMode::PrivateOnly), "fd00::1", true),
            (rules("", "", RangeMode::PrivateOnly), "2001:db8::1", false),
            (
                rules("", "", RangeMode::PrivateOnly),
                "::ffff:10.0.0.1",
                true,
            ),
            (rules("", "", RangeMode::PrivateOnly), "not an ip", false),
            (rules("", "", RangeMode::PublicOnly), "100.63.255.255", true),
            (rules("", "", RangeMode::PublicOnly), "100.64.0.0", false),
            (rules("", "", RangeMode::PublicOnly), "8.8.8.8", true),
            (rules("", "", RangeMode::PublicOnly), "192.168.1.1", false),
            (
                rules("10.0.0.0/8", "", RangeMode::PublicOnly),
                "10.0.0.1",
                false,
            ),
        ];
        for (rules, ip, allowed) in cases {
            assert_eq!(rules.check_str(ip).is_ok(), *allowed, "{ip} with {rules:?}");
        }
    }

    #[test]
    fn refusals_name_the_address_and_the_rule() {
        let deny = rules("", "203.0.113.0/24", RangeMode::Any);
        assert_eq!(
            deny.check_str("203.0.113.9"),
            Err("Sign-in from 203.0.113.9 is not allowed: it is in the denied range 203.0.113.0/24.".into())
        );
        let private = rules("", "", RangeMode::PrivateOnly);
        assert!(private
            .check_str("8.8.8.8")
            .expect_err("refused")
            .contains("only private"));
        let allow = rules("10.0.0.0/8", "", RangeMode::Any);
        assert!(allow
            .check_str("8.8.8.8")
            .expect_err("refused")
            .contains("not in any allowed range"));
    }

    #[test]
    fn bad_ranges_are_refused_precisely() {
        let too_long = parse_cidr_list("10.0.0.0/33").expect_err("refused");
        assert!(
            too_long.contains("prefix length of an IPv4 range is 0 to 32"),
            "{too_long}"
        );
        let too_long6 = parse_cidr_list("2001:db8::/129").expect_err("refused");
        assert!(too_long6.contains("IPv6 range is 0 to 128"), "{too_long6}");
        let junk = parse_cidr_list("10.0.0.0/8, foo").expect_err("refused");
        assert!(
            junk.starts_with("\"foo\" is not an IP address or CIDR range"),
            "{junk}"
        );
        assert!(parse_cidr_list("300.1.1.1").is_err());
        assert!(
            parse_cidr_list(&"10.0.0.1 ".repeat(2)).is_ok(),
            "duplicates collapse"
        );
        let many: String = (0..=MAX_RANGES)
            .map(|n| format!("10.{}.{}.0/24 ", n / 256, n % 256))
            .collect();
        assert!(parse_cidr_list(&many).is_err());
    }

    #[test]
    fn lists_normalise_and_round_trip() {
        let list =
            parse_cidr_list(" 10.1.2.3/8,,192.0.2.7\n2001:db8::1/32  10.9.9.9/8 ").expect("valid");
        let text = format_cidr_list(&list);
        assert_eq!(text, "10.0.0.0/8, 192.0.2.7/32, 2001:db8::/32");
        assert_eq!(parse_cidr_list(&text).expect("valid"), list);
        assert_eq!(parse_cidr_list("").expect("empty"), Vec::new());
    }
}
