//! User agent parsing, done once when a session is created (woothee does the work).

use crate::model::{AgentInfo, DeviceClass};

/// Longer user agents are cut before parsing and storing; real ones are < 1 KB.
pub const MAX_USER_AGENT_LEN: usize = 1024;

pub fn parse_user_agent(user_agent: &str) -> AgentInfo {
    let Some(parsed) = woothee::parser::Parser::new().parse(user_agent) else {
        return AgentInfo {
            browser: "Unknown".into(),
            os: "Unknown".into(),
            ..AgentInfo::default()
        };
    };
    let device = match parsed.category {
        "pc" => DeviceClass::Desktop,
        "smartphone" | "mobilephone" => DeviceClass::Phone,
        "crawler" => DeviceClass::Bot,
        _ => DeviceClass::Unknown,
    };
    let device = if device == DeviceClass::Phone && is_tablet(user_agent) {
        DeviceClass::Tablet
    } else {
        device
    };
    AgentInfo {
        browser: known_or_unknown(parsed.name),
        browser_version: major_version(parsed.version),
        os: known_or_unknown(parsed.os),
        device,
    }
}

/// Cuts a user agent to at most `MAX_USER_AGENT_LEN` bytes on a char boundary.
pub fn clamp_user_agent(user_agent: &str) -> String {
    let mut end = user_agent.len().min(MAX_USER_AGENT_LEN);
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    user_agent[..end].to_owned()
}

// woothee files tablets under "smartphone"; the console distinguishes them.
fn is_tablet(user_agent: &str) -> bool {
    user_agent.contains("iPad")
        || (user_agent.contains("Android") && !user_agent.contains("Mobile"))
}

fn known_or_unknown(name: &str) -> String {
    if name.is_empty() || name == "UNKNOWN" {
        "Unknown".into()
    } else {
        name.to_owned()
    }
}

fn major_version(version: &str) -> String {
    if version == "UNKNOWN" {
        return String::new();
    }
    version.split('.').next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    const SAFARI_IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

    #[test]
    fn desktop_chrome() {
        let info = parse_user_agent(CHROME_LINUX);
        assert_eq!(info.browser, "Chrome");
        assert_eq!(info.browser_version, "120");
        assert_eq!(info.os, "Linux");
        assert_eq!(info.device, DeviceClass::Desktop);
    }

    #[test]
    fn phones_and_tablets() {
        assert_eq!(parse_user_agent(SAFARI_IPHONE).device, DeviceClass::Phone);
        assert_eq!(parse_user_agent(SAFARI_IPAD).device, DeviceClass::Tablet);
    }

    #[test]
    fn junk_is_unknown() {
        let info = parse_user_agent("curl-ish/0");
        assert_eq!(info.browser, "Unknown");
        assert_eq!(info.device, DeviceClass::Unknown);
    }

    #[test]
    fn clamps_on_char_boundary() {
        let long = "é".repeat(MAX_USER_AGENT_LEN);
        let clamped = clamp_user_agent(&long);
        assert!(clamped.len() <= MAX_USER_AGENT_LEN);
        assert!(clamped.chars().all(|c| c == 'é'));
    }
}
