//! Text for times, durations and addresses. Pure functions of their inputs (the
//! current time is passed in), so server rendering and hydration print the same.

use sessions_core::analytics::DAY_MS;
use sessions_core::model::{Millis, Session, SessionFlag};

/// "just now", "5 min ago", "3 h ago", "2 d ago".
pub fn ago(then: Millis, now: Millis) -> String {
    let secs = ((now - then) / 1000).max(0);
    match secs {
        0..=9 => "just now".into(),
        10..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

/// Time left until `deadline`: "1 h 04 min", "12 min 05 s", "45 s", "expired".
pub fn time_left(deadline: Millis, now: Millis) -> String {
    let secs = (deadline - now) / 1000;
    if secs <= 0 {
        return "expired".into();
    }
    let (days, hours, minutes, seconds) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min {seconds:02} s")
    } else {
        format!("{seconds} s")
    }
}

/// An ISO-8601 UTC timestamp, for tooltips.
pub fn utc(at: Millis) -> String {
    let secs = at.div_euclid(1000).rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        date_of(at),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// Howard Hinnant's days-to-civil algorithm: a calendar date without a date crate in the wasm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Midnight UTC of a `YYYY-MM-DD` day, in milliseconds.
pub fn date_ms(text: &str) -> Option<Millis> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, i64, i64) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY_MS)
}

/// The UTC day of `at` as `YYYY-MM-DD`.
pub fn date_of(at: Millis) -> String {
    let (year, month, day) = civil_from_days(at.div_euclid(DAY_MS));
    format!("{year:04}-{month:02}-{day:02}")
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-to-days algorithm, the inverse of `civil_from_days`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Hides all but the last part of an address until the admin asks to see it.
pub fn mask_ip(ip: &str) -> String {
    if let Some((_, last)) = ip.rsplit_once('.') {
        format!("•••.•••.•••.{last}")
    } else if let Some((_, last)) = ip.rsplit_once(':') {
        format!("••••:••••:{last}")
    } else {
        "•••".into()
    }
}

/// "Chrome 120 on Linux".
pub fn agent_summary(session: &Session) -> String {
    let agent = &session.agent;
    let browser = if agent.browser_version.is_empty() {
        agent.browser.clone()
    } else {
        format!("{} {}", agent.browser, agent.browser_version)
    };
    format!("{browser} on {}", agent.os)
}

/// The reasons a session is flagged, in one line ("" when it is not).
pub fn flag_reasons(flags: &[SessionFlag]) -> String {
    flags
        .iter()
        .map(|flag| flag.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// "1 session", "3 sessions".
pub fn sessions_count(count: u32) -> String {
    format!("{count} session{}", if count == 1 { "" } else { "s" })
}

pub fn display_user(session: &Session) -> String {
    session.username.clone().unwrap_or_else(|| "Guest".into())
}

/// A country's two-letter code ("NL"), or "—" when unknown.
pub fn country(code: Option<&str>) -> String {
    code.and_then(country_code).unwrap_or_else(|| "—".into())
}

/// The tooltip of a country cell: the code, or "Unknown".
pub fn country_title(code: Option<&str>) -> String {
    code.and_then(country_code)
        .unwrap_or_else(|| "Unknown".into())
}

/// A well-formed two-letter code in upper case; anything else counts as unknown.
fn country_code(code: &str) -> Option<String> {
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times() {
        assert_eq!(ago(0, 5_000), "just now");
        assert_eq!(ago(0, 42_000), "42 s ago");
        assert_eq!(ago(0, 5 * 60_000), "5 min ago");
        assert_eq!(ago(0, 3 * 3_600_000), "3 h ago");
        assert_eq!(ago(0, 50 * 3_600_000), "2 d ago");
        assert_eq!(
            ago(10_000, 0),
            "just now",
            "clock skew never shows negative times"
        );
    }

    #[test]
    fn countdowns() {
        assert_eq!(time_left(0, 1), "expired");
        assert_eq!(time_left(45_000, 0), "45 s");
        assert_eq!(time_left(12 * 60_000 + 5_000, 0), "12 min 05 s");
        assert_eq!(time_left(3_600_000 + 4 * 60_000, 0), "1 h 04 min");
        assert_eq!(time_left(3 * 86_400_000 + 3_600_000, 0), "3 d 1 h");
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            utc(1_795_000_000_000),
            "2026-11-18 11:06:40 UTC",
            "checked with `date -u -d @1795000000`"
        );
    }

    #[test]
    fn masks_addresses() {
        assert_eq!(mask_ip("203.0.113.42"), "•••.•••.•••.42");
        assert_eq!(mask_ip("2001:db8::1"), "••••:••••:1");
    }

    #[test]
    fn countries_as_codes() {
        assert_eq!(country(Some("NL")), "NL");
        assert_eq!(country(Some("de")), "DE", "lower case is read as the code");
        assert_eq!(country_title(Some("NL")), "NL");
        for unknown in [None, Some(""), Some("NLD"), Some("1A")] {
            assert_eq!(country(unknown), "—", "{unknown:?}");
            assert_eq!(country_title(unknown), "Unknown", "{unknown:?}");
        }
    }
}
