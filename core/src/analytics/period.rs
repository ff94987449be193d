//! The time a question covers: a half-open range of whole UTC hours, `[since, until)`.
//!
//! Rollups are hourly, so a period is rounded out to whole hours (`since` down,
//! `until` up): a figure counts in the period when its hour starts at or after `since`
//! and before `until`. With hour-aligned bounds an event exactly at `since` is in and
//! one exactly at `until` is out (it belongs to the next period), so consecutive
//! periods never count an event twice.

use crate::model::{Millis, HOUR_MS};
use serde::{Deserialize, Serialize};

pub const DAY_MS: Millis = 24 * HOUR_MS;
/// Longest period answered (a year and a day): bounds the rows read and the series.
pub const MAX_PERIOD_MS: Millis = 366 * DAY_MS;
/// Periods up to this long are charted per hour, longer ones per day.
const HOURLY_UP_TO_MS: Millis = 7 * DAY_MS;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub since: Millis,
    pub until: Millis,
}

/// The start of the UTC hour `at` falls in.
pub fn hour_of(at: Millis) -> Millis {
    at.div_euclid(HOUR_MS) * HOUR_MS
}

impl Period {
    /// `[since, until)` rounded out to whole hours. `since` must come before `until`.
    pub fn new(since: Millis, until: Millis) -> Result<Period, String> {
        if since >= until {
            return Err("The period must start before it ends (--since before --until).".into());
        }
        let period = Period {
            since: hour_of(since),
            until: hour_of(until - 1) + HOUR_MS,
        };
        if period.length() > MAX_PERIOD_MS {
            return Err("The period is longer than 366 days.".into());
        }
        Ok(period)
    }

    /// The `length` that ends with the hour `now` is in (that hour included, so what
    /// happened a moment ago is part of it).
    pub fn ending_at(now: Millis, length: Millis) -> Period {
        let until = hour_of(now) + HOUR_MS;
        Period {
            since: hour_of(until - length.max(HOUR_MS)),
            until,
        }
    }

    /// The period of the same length just before this one, for the KPIs' change.
    pub fn previous(&self) -> Period {
        Period {
            since: self.since - self.length(),
            until: self.since,
        }
    }

    pub fn length(&self) -> Millis {
        self.until - self.since
    }

    pub fn contains(&self, at: Millis) -> bool {
        self.since <= at && at < self.until
    }

    /// How long one point of the period's series is: an hour, or a day past 7 days.
    pub fn bucket_ms(&self) -> Millis {
        if self.length() > HOURLY_UP_TO_MS {
            DAY_MS
        } else {
            HOUR_MS
        }
    }

    /// The start of the series point `at` falls in (UTC days are whole hours).
    pub fn bucket_of(&self, at: Millis) -> Millis {
        let bucket = self.bucket_ms();
        at.div_euclid(bucket) * bucket
    }

    /// Every series point's start, oldest first.
    pub fn bucket_starts(&self) -> Vec<Millis> {
        let bucket = self.bucket_ms();
        let mut starts = Vec::new();
        let mut start = self.bucket_of(self.since);
        while start < self.until {
            starts.push(start);
            start += bucket;
        }
        starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_800_000_000_000 - 1_800_000_000_000 % DAY_MS;

    #[test]
    fn bounds_round_out_to_whole_hours() {
        let cases = [
            // (since, until) -> rounded
            ((T, T + HOUR_MS), Ok((T, T + HOUR_MS))),
            ((T + 1, T + HOUR_MS + 1), Ok((T, T + 2 * HOUR_MS))),
            ((T + 59 * 60_000, T + 61 * 60_000), Ok((T, T + 2 * HOUR_MS))),
            ((T, T), Err(())),
            ((T + 1, T), Err(())),
            ((T, T + MAX_PERIOD_MS + HOUR_MS), Err(())),
        ];
        for ((since, until), expected) in cases {
            let got = Period::new(since, until)
                .map(|p| (p.since, p.until))
                .map_err(drop);
            assert_eq!(got, expected, "{since} {until}");
        }
    }

    #[test]
    fn half_open_edges() {
        let period = Period::new(T, T + 2 * HOUR_MS).expect("period");
        assert!(period.contains(T), "the first instant is in");
        assert!(period.contains(T + 2 * HOUR_MS - 1));
        assert!(!period.contains(T + 2 * HOUR_MS), "the end is out");
        assert!(!period.contains(T - 1));
        let previous = period.previous();
        assert_eq!((previous.since, previous.until), (T - 2 * HOUR_MS, T));
        assert!(previous.contains(T - 1) && !previous.contains(T));
    }

    #[test]
    fn the_last_day_includes_the_current_hour() {
        let now = T + 5 * HOUR_MS + 17 * 60_000;
        let period = Period::ending_at(now, DAY_MS);
        assert_eq!(period.until, T + 6 * HOUR_MS);
        assert_eq!(period.length(), DAY_MS);
        assert!(period.contains(now));
    }

    #[test]
    fn series_are_hourly_up_to_a_week_then_daily() {
        let day = Period::new(T, T + DAY_MS).expect("period");
        assert_eq!(day.bucket_ms(), HOUR_MS);
        assert_eq!(day.bucket_starts().len(), 24);
        let week = Period::new(T, T + 7 * DAY_MS).expect("period");
        assert_eq!(week.bucket_starts().len(), 7 * 24);
        let month = Period::new(T + 3 * HOUR_MS, T + 30 * DAY_MS).expect("period");
        assert_eq!(month.bucket_ms(), DAY_MS);
        let starts = month.bucket_starts();
        assert_eq!(starts.first(), Some(&T), "the partial first day is a point");
        assert_eq!(starts.len(), 30);
    }
}
