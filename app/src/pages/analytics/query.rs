//! What `/admin/analytics` shows, as its URL query: `?range=7d&app=shop`, or
//! `?range=custom&since=2026-11-01&until=2026-11-07`. The URL is the state, so a view
//! can be shared, the back button walks the views, and the plain GET form of a page
//! without its WASM asks for exactly the same thing.

use crate::components::console_url::encode;
use crate::format::date_ms;
use serde::{Deserialize, Serialize};
use sessions_core::analytics::{Period, DAY_MS};
use sessions_core::model::{Millis, HOUR_MS};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Range {
    #[default]
    Day,
    Week,
    Month,
    /// From the `since` day to the `until` day, both whole UTC days.
    Custom,
}

impl Range {
    pub const ALL: [Range; 4] = [Range::Day, Range::Week, Range::Month, Range::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Range::Day => "24h",
            Range::Week => "7d",
            Range::Month => "30d",
            Range::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Range::Day => "Last 24 hours",
            Range::Week => "Last 7 days",
            Range::Month => "Last 30 days",
            Range::Custom => "Custom dates",
        }
    }

    pub fn parse(text: &str) -> Option<Range> {
        Range::ALL.into_iter().find(|range| range.as_str() == text)
    }

    fn length(self) -> Option<Millis> {
        match self {
            Range::Day => Some(DAY_MS),
            Range::Week => Some(7 * DAY_MS),
            Range::Month => Some(30 * DAY_MS),
            Range::Custom => None,
        }
    }
}

/// The page's question. `since` and `until` are `YYYY-MM-DD` (UTC days, `until`
/// included) and only matter for `Custom`; `app` empty is every application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsQuery {
    pub range: Range,
    pub since: String,
    pub until: String,
    pub app: String,
}

impl AnalyticsQuery {
    /// Reads the URL's parameters; unknown or malformed ones fall back to the default.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> AnalyticsQuery {
        let range = get("range")
            .and_then(|range| Range::parse(&range))
            .unwrap_or_default();
        let date = |key| {
            get(key)
                .filter(|text| date_ms(text).is_some())
                .unwrap_or_default()
        };
        AnalyticsQuery {
            range,
            since: date("since"),
            until: date("until"),
            app: get("app").unwrap_or_default().trim().to_owned(),
        }
    }

    /// `?…` for the URL, without the defaults (`""` for the default view).
    pub fn to_search(&self) -> String {
        let mut pairs = Vec::new();
        if self.range != Range::Day {
            pairs.push(("range", self.range.as_str().to_owned()));
        }
        if self.range == Range::Custom {
            for (key, value) in [("since", &self.since), ("until", &self.until)] {
                if !value.is_empty() {
                    pairs.push((key, value.clone()));
                }
            }
        }
        if !self.app.is_empty() {
            pairs.push(("app", self.app.clone()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", encode(&value)))
            .collect();
        format!("?{}", encoded.join("&"))
    }

    /// The period asked for at `now`: a preset ends with the current hour (as the
    /// CLI's default does); custom dates cover whole UTC days, `until` included, and a
    /// missing `until` means up to now.
    pub fn period(&self, now: Millis) -> Result<Period, String> {
        if let Some(length) = self.range.length() {
            return Ok(Period::ending_at(now, length));
        }
        let since = date_ms(&self.since).ok_or("Choose the first day of the period.")?;
        let until = match date_ms(&self.until) {
            Some(day) => day + DAY_MS,
            None => now.div_euclid(HOUR_MS) * HOUR_MS + HOUR_MS,
        };
        Period::new(since, until).map_err(|_| {
            if since >= until {
                "The first day must not come after the last day.".to_owned()
            } else {
                "The period is longer than 366 days.".to_owned()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::date_of;

    fn parse(search: &str) -> AnalyticsQuery {
        AnalyticsQuery::from_params(|key| {
            search
                .trim_start_matches('?')
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_owned())
        })
    }

    #[test]
    fn days_round_trip() {
        let cases = [
            ("1970-01-01", 0),
            ("2000-02-29", 951_782_400_000),
            ("2026-11-30", 1_795_996_800_000),
        ];
        for (text, ms) in cases {
            assert_eq!(date_ms(text), Some(ms), "{text}");
            assert_eq!(date_of(ms), text);
            assert_eq!(
                date_of(ms + DAY_MS - 1),
                text,
                "the last instant of the day"
            );
        }
        for bad in [
            "",
            "2026-11",
            "2026-13-01",
            "2026-02-29",
            "2026-11-31",
            "26-11-30",
            "2026-11-30x",
        ] {
            assert_eq!(date_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_url_round_trips_without_defaults() {
        assert_eq!(AnalyticsQuery::default().to_search(), "");
        let cases = [
            "?range=7d",
            "?range=30d&app=shop",
            "?range=custom&since=2026-11-01&until=2026-11-07",
        ];
        for search in cases {
            assert_eq!(parse(search).to_search(), search);
        }
        let spaced = AnalyticsQuery {
            app: "my app".into(),
            ..AnalyticsQuery::default()
        };
        assert_eq!(spaced.to_search(), "?app=my%20app");
        // Dates only count for custom periods; bad values fall back.
        assert_eq!(parse("?range=7d&since=2026-11-01").to_search(), "?range=7d");
        assert_eq!(
            parse("?range=week&since=yesterday"),
            AnalyticsQuery::default()
        );
    }

    #[test]
    fn periods_end_with_the_current_hour_or_cover_whole_days() {
        let day = date_ms("2026-11-30").expect("day");
        let now = day + 13 * HOUR_MS + 5 * 60_000;
        let week = parse("?range=7d").period(now).expect("week");
        assert_eq!(
            (week.until, week.length()),
            (day + 14 * HOUR_MS, 7 * DAY_MS)
        );
        let custom = parse("?range=custom&since=2026-11-01&until=2026-11-07")
            .period(now)
            .expect("custom");
        let first = date_ms("2026-11-01").expect("first");
        assert_eq!((custom.since, custom.until), (first, first + 7 * DAY_MS));
        let open = parse("?range=custom&since=2026-11-29")
            .period(now)
            .expect("open");
        assert_eq!(open.until, day + 14 * HOUR_MS, "up to now");
        let errors = [
            "?range=custom",
            "?range=custom&since=2026-11-08&until=2026-11-07",
            "?range=custom&since=2024-01-01&until=2026-11-07",
        ];
        for search in errors {
            assert!(parse(search).period(now).is_err(), "{search}");
        }
    }
}
