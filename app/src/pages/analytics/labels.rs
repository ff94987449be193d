//! The analytics page's words and times: distribution entries with readable names, the
//! period in a sentence, and the charts' hour and day labels (UTC, like the report).

use crate::format::date_of;
use sessions_core::analytics::{Distribution, Report, DAY_MS};
use sessions_core::model::{EndReason, Millis, HOUR_MS};

/// A distribution's entries with readable names.
pub(super) fn entries(distributions: &[Distribution], name: &str) -> Vec<(String, i64)> {
    let Some(found) = distributions.iter().find(|d| d.name == name) else {
        return Vec::new();
    };
    found
        .entries
        .iter()
        .map(|(key, n)| (entry_label(name, key), *n))
        .collect()
}

fn entry_label(distribution: &str, key: &str) -> String {
    match (distribution, key) {
        (_, "") => "Unknown".into(),
        ("sign_ins", outcome) => {
            let mut chars = outcome.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        ("cleaned", reason) => EndReason::parse(reason)
            .map(|reason| reason.label().to_owned())
            .unwrap_or_else(|| reason.to_owned()),
        (_, other) => other.to_owned(),
    }
}

pub(super) fn period_text(report: &Report) -> String {
    let days = report.period.length() / DAY_MS;
    let length = if report.period.length() % DAY_MS == 0 && days > 1 {
        format!("{days} days")
    } else if report.period.length() == DAY_MS {
        "24 hours".to_owned()
    } else {
        format!("{} hours", report.period.length() / HOUR_MS)
    };
    let app = report.application.as_deref().unwrap_or("all applications");
    format!(
        "{} to {} UTC ({length}), {app}; changes compare with the {length} before.",
        exact(report.period.since),
        exact(report.period.until),
    )
}

fn exact(at: Millis) -> String {
    format!("{} {:02}:00", date_of(at), at.rem_euclid(DAY_MS) / HOUR_MS)
}

pub(super) fn hour_label(at: Millis) -> String {
    format!(
        "{} {:02}:00",
        &date_of(at)[5..],
        at.rem_euclid(DAY_MS) / HOUR_MS
    )
}

pub(super) fn day_label(at: Millis) -> String {
    date_of(at)[5..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_times_read_well() {
        assert_eq!(entry_label("sign_ins", "successful"), "Successful");
        assert_eq!(
            entry_label("cleaned", "evicted_by_limit"),
            "Evicted by limit"
        );
        assert_eq!(entry_label("country", ""), "Unknown");
        assert_eq!(entry_label("browser", "Firefox"), "Firefox");
        let at = crate::format::date_ms("2026-11-30").expect("day") + 13 * HOUR_MS;
        assert_eq!(hour_label(at), "11-30 13:00");
        assert_eq!(day_label(at), "11-30");
        assert_eq!(exact(at), "2026-11-30 13:00");
    }
}
