//! One scrape: the engine's counters and in-memory figures read at once, then written
//! in the Prometheus text format by `prometheus-client`. The figures are read at scrape
//! time rather than kept in registry metrics, so nothing on the request path pays for
//! them (see `sessions_core::counters`).

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    prometheus_text, DescriptorEncoder, EncodeCounterValue, EncodeGaugeValue, MetricEncoder,
    NoLabelSet,
};
use prometheus_client::metrics::info::Info;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use sessions_core::counters::{self, CheckOutcome, LatencySnapshot, SignInOutcome};
use sessions_core::model::{EndReason, Facets};
use sessions_core::{CoreResult, Engine};

pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Everything one scrape shows, read from the engine.
#[derive(Debug)]
pub struct Scrape {
    pub active: Facets,
    pub sign_ins: [(SignInOutcome, u64); SignInOutcome::ALL.len()],
    pub checks: [(CheckOutcome, u64); CheckOutcome::ALL.len()],
    pub check_latency: LatencySnapshot,
    pub ends: [(EndReason, u64); EndReason::ALL.len()],
    pub open_channels: usize,
    pub cache_entries: usize,
    pub store_errors: u64,
}

impl Scrape {
    pub async fn take(engine: &Engine) -> CoreResult<Scrape> {
        let counters = engine.counters();
        Ok(Scrape {
            active: engine.facets().await?,
            sign_ins: counters.sign_ins(),
            checks: counters.checks(),
            check_latency: counters.check_latency(),
            ends: counters.ends(),
            open_channels: engine.open_channels(),
            cache_entries: engine.cache_entries(),
            store_errors: counters::store_errors(),
        })
    }

    /// The text a scrape answers.
    pub fn encode(self) -> Result<String, std::fmt::Error> {
        let mut registry = Registry::default();
        registry.register(
            "sessions_build",
            "The running build: its version",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
        registry.register_collector(Box::new(self));
        let mut text = String::new();
        prometheus_text::encode(&mut text, &registry)?;
        Ok(text)
    }
}

/// A labelled metric family: its name, help text and the one label it varies by.
struct Family {
    name: &'static str,
    help: &'static str,
    label: &'static str,
}

const fn family_of(name: &'static str, help: &'static str, label: &'static str) -> Family {
    Family { name, help, label }
}

const BY_APPLICATION: Family = family_of(
    "sessions_active_by_application",
    "Live sessions per application",
    "application",
);
const BY_ROLE: Family = family_of("sessions_active_by_role", "Live sessions per role", "role");
const BY_STATUS: Family = family_of(
    "sessions_active_by_status",
    "Live sessions per status (authenticated or guest)",
    "status",
);
const SIGN_INS: Family = family_of(
    "sessions_sign_ins",
    "Sign-ins and API session creations by outcome",
    "outcome",
);
const ENDED: Family = family_of(
    "sessions_ended",
    "Sessions this instance ended, by reason",
    "reason",
);
const CHECKS: Family = family_of("sessions_checks", "Session checks by outcome", "outcome");

type Written = Result<(), std::fmt::Error>;

impl Collector for Scrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Written {
        // The store counts live sessions per dimension, not per combination, so each
        // dimension is a gauge of its own; each sums to all live sessions.
        let active = &self.active;
        let by_application = active
            .applications
            .iter()
            .map(|(name, n)| (name.as_str(), *n));
        family(
            &mut encoder,
            &BY_APPLICATION,
            MetricType::Gauge,
            by_application,
            gauge,
        )?;
        let by_role = active.roles.iter().map(|(role, n)| (role.as_str(), *n));
        family(&mut encoder, &BY_ROLE, MetricType::Gauge, by_role, gauge)?;
        let by_status = active
            .statuses
            .iter()
            .map(|(status, n)| (status.as_str(), *n));
        family(
            &mut encoder,
            &BY_STATUS,
            MetricType::Gauge,
            by_status,
            gauge,
        )?;

        let sign_ins = self
            .sign_ins
            .iter()
            .map(|(outcome, n)| (outcome.as_str(), *n));
        family(
            &mut encoder,
            &SIGN_INS,
            MetricType::Counter,
            sign_ins,
            counter,
        )?;
        let ends = self.ends.iter().map(|(reason, n)| (reason.as_str(), *n));
        family(&mut encoder, &ENDED, MetricType::Counter, ends, counter)?;
        let checks = self
            .checks
            .iter()
            .map(|(outcome, n)| (outcome.as_str(), *n));
        family(&mut encoder, &CHECKS, MetricType::Counter, checks, counter)?;

        let latency = &self.check_latency;
        let help = "How long a session check took, in seconds";
        let name = "sessions_check_duration_seconds";
        let mut histogram = encoder.encode_descriptor(name, help, None, MetricType::Histogram)?;
        let buckets = &latency.buckets;
        histogram.encode_histogram::<NoLabelSet>(
            latency.sum_seconds,
            latency.count,
            buckets,
            None,
        )?;

        let help = "Live channels (console tabs) open on this instance";
        let mut channels =
            encoder.encode_descriptor("sessions_live_channels", help, None, MetricType::Gauge)?;
        gauge(&mut channels, self.open_channels)?;
        let help = "Live sessions held in this instance's check cache";
        let mut cache =
            encoder.encode_descriptor("sessions_cache_entries", help, None, MetricType::Gauge)?;
        gauge(&mut cache, self.cache_entries)?;
        let help = "Errors of the session store (database) since this instance started";
        let mut errors =
            encoder.encode_descriptor("sessions_store_errors", help, None, MetricType::Counter)?;
        counter(&mut errors, self.store_errors)
    }
}

/// Writes `family` with one sample per (label value, number), each by `write`.
fn family<'a, N>(
    encoder: &mut DescriptorEncoder,
    family: &Family,
    metric_type: MetricType,
    values: impl Iterator<Item = (&'a str, N)>,
    write: impl Fn(&mut MetricEncoder, N) -> Written,
) -> Written {
    let mut metric = encoder.encode_descriptor(family.name, family.help, None, metric_type)?;
    for (value, n) in values {
        write(&mut metric.encode_family(&[(family.label, value)])?, n)?;
    }
    Ok(())
}

fn gauge<N: EncodeGaugeValue>(metric: &mut MetricEncoder, n: N) -> Written {
    metric.encode_gauge(&n)
}

fn counter<N: EncodeCounterValue>(metric: &mut MetricEncoder, n: N) -> Written {
    metric.encode_counter::<NoLabelSet, _, u64>(&n, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessions_core::counters::Counters;
    use sessions_core::model::{Role, SessionStatus};
    use std::time::Duration;

    fn scrape() -> Scrape {
        let counters = Counters::default();
        counters.count_sign_in(SignInOutcome::Failed);
        counters.count_check(CheckOutcome::Ok, Duration::from_micros(40));
        counters.count_check(CheckOutcome::Ok, Duration::from_millis(2));
        counters.count_ends([EndReason::Killed]);
        Scrape {
            active: Facets {
                applications: vec![("console".into(), 2), ("shop-eu".into(), 1)],
                roles: vec![(Role::Admin, 1), (Role::User, 2)],
                statuses: vec![(SessionStatus::Authenticated, 3)],
                countries: vec![("DE".into(), 3)],
            },
            sign_ins: counters.sign_ins(),
            checks: counters.checks(),
            check_latency: counters.check_latency(),
            ends: counters.ends(),
            open_channels: 4,
            cache_entries: 5,
            store_errors: 6,
        }
    }

    fn samples(text: &str) -> Vec<prometheus_parse::Sample> {
        let lines = text.lines().map(|line| Ok(line.to_owned()));
        prometheus_parse::Scrape::parse(lines)
            .expect("parses")
            .samples
    }

    fn value(
        samples: &[prometheus_parse::Sample],
        name: &str,
        label: Option<(&str, &str)>,
    ) -> Option<f64> {
        samples
            .iter()
            .find(|sample| {
                sample.metric == name
                    && label.is_none_or(|(key, value)| sample.labels.get(key) == Some(value))
            })
            .and_then(|sample| match sample.value {
                prometheus_parse::Value::Counter(n)
                | prometheus_parse::Value::Gauge(n)
                | prometheus_parse::Value::Untyped(n) => Some(n),
                _ => None,
            })
    }

    #[test]
    fn every_family_is_written_with_its_labels() {
        let text = scrape().encode().expect("encodes");
        let samples = samples(&text);
        let at = |name, label| value(&samples, name, label);
        assert_eq!(
            at(
                "sessions_active_by_application",
                Some(("application", "console"))
            ),
            Some(2.0)
        );
        assert_eq!(
            at(
                "sessions_active_by_application",
                Some(("application", "shop-eu"))
            ),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            at("sessions_active_by_role", Some(("role", "admin"))),
            Some(1.0)
        );
        assert_eq!(
            at(
                "sessions_active_by_status",
                Some(("status", "authenticated"))
            ),
            Some(3.0)
        );
        assert_eq!(
            at("sessions_sign_ins_total", Some(("outcome", "failed"))),
            Some(1.0)
        );
        assert_eq!(
            at("sessions_sign_ins_total", Some(("outcome", "success"))),
            Some(0.0),
            "every outcome is shown, zeros too"
        );
        assert_eq!(
            at("sessions_checks_total", Some(("outcome", "ok"))),
            Some(2.0)
        );
        assert_eq!(
            at("sessions_ended_total", Some(("reason", "killed"))),
            Some(1.0)
        );
        assert_eq!(
            at("sessions_ended_total", Some(("reason", "evicted_by_limit"))),
            Some(0.0)
        );
        assert_eq!(at("sessions_live_channels", None), Some(4.0));
        assert_eq!(at("sessions_cache_entries", None), Some(5.0));
        assert_eq!(at("sessions_store_errors_total", None), Some(6.0));
        assert_eq!(
            at(
                "sessions_build_info",
                Some(("version", env!("CARGO_PKG_VERSION")))
            ),
            Some(1.0),
            "{text}"
        );
        assert!(
            text.contains("# TYPE sessions_check_duration_seconds histogram"),
            "{text}"
        );
    }

    #[test]
    fn the_latency_histogram_is_cumulative_and_ends_at_infinity() {
        let text = scrape().encode().expect("encodes");
        let histogram = samples(&text)
            .into_iter()
            .find_map(|sample| match sample.value {
                prometheus_parse::Value::Histogram(buckets)
                    if sample.metric == "sessions_check_duration_seconds" =>
                {
                    Some(buckets)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no histogram in {text}"));
        let count_at = |bound: f64| {
            histogram
                .iter()
                .find(|bucket| bucket.less_than == bound)
                .map(|bucket| bucket.count)
        };
        assert_eq!(count_at(25e-6), Some(0.0));
        assert_eq!(count_at(50e-6), Some(1.0));
        assert_eq!(count_at(2.5e-3), Some(2.0));
        assert_eq!(count_at(f64::INFINITY), Some(2.0));
        assert!(
            text.contains("sessions_check_duration_seconds_count 2"),
            "{text}"
        );
    }
}
