//! `/metrics` on the listener of `--metrics-addr` (here its variable), scraped and
//! parsed like Prometheus does: the counters move with sign-ins, checks and kills, the
//! gauges follow the live sessions and channels, and the main listener never serves it.

use crate::support::{TestServer, USER_AGENT};
use prometheus_parse::{Sample, Value};
use std::time::Duration;

const USERS: &[(&str, &str, &str)] = &[
    ("alice", "admin", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

/// The server with metrics on a free port, and the URL of its `/metrics`.
fn start_with_metrics() -> (TestServer, String) {
    let server = TestServer::start_with_env(USERS, &[("SESSIONS_METRICS_ADDR", "127.0.0.1:0")]);
    let printed = server.printed(Duration::from_millis(500));
    let url = printed
        .iter()
        .find_map(|line| line.strip_prefix("Metrics for Prometheus on "))
        .unwrap_or_else(|| panic!("no metrics address printed: {printed:?}"))
        .trim()
        .to_owned();
    (server, url)
}

/// One scrape, parsed.
struct Scraped(Vec<Sample>);

impl Scraped {
    async fn take(server: &TestServer, url: &str) -> Scraped {
        let response = server.client().get(url).send().await.expect("scrape");
        assert_eq!(response.status().as_u16(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        let text = response.text().await.expect("body");
        let lines = text.lines().map(|line| Ok(line.to_owned()));
        Scraped(
            prometheus_parse::Scrape::parse(lines)
                .expect("Prometheus text")
                .samples,
        )
    }

    /// The value of `name` with `label` (or without labels), 0 when absent: a gauge
    /// family drops values that fell to zero.
    fn value(&self, name: &str, label: Option<(&str, &str)>) -> f64 {
        self.0
            .iter()
            .filter(|sample| sample.metric == name)
            .find(|sample| label.is_none_or(|(key, value)| sample.labels.get(key) == Some(value)))
            .map(|sample| match &sample.value {
                Value::Counter(n) | Value::Gauge(n) | Value::Untyped(n) => *n,
                other => panic!("{name} is not a number: {other:?}"),
            })
            .unwrap_or(0.0)
    }

    /// `sessions_active_by_{dimension}{dimension="value"}`.
    fn active(&self, dimension: &str, value: &str) -> f64 {
        let name = format!("sessions_active_by_{dimension}");
        self.value(&name, Some((dimension, value)))
    }

    /// How much the counter `name{key="value"}` grew since `before`.
    fn grew(&self, before: &Scraped, name: &str, (key, value): (&str, &str)) -> f64 {
        self.value(name, Some((key, value))) - before.value(name, Some((key, value)))
    }

    /// Checks timed so far: the `+Inf` bucket of the latency histogram.
    fn checks_timed(&self) -> f64 {
        let histogram = self.0.iter().find_map(|sample| match &sample.value {
            Value::Histogram(buckets) if sample.metric == "sessions_check_duration_seconds" => {
                Some(buckets)
            }
            _ => None,
        });
        let buckets = histogram.expect("the check latency histogram");
        let infinity = buckets
            .iter()
            .find(|bucket| bucket.less_than == f64::INFINITY);
        infinity.expect("a +Inf bucket").count
    }
}

const SIGN_INS: &str = "sessions_sign_ins_total";
const CHECKS: &str = "sessions_checks_total";

#[tokio::test]
async fn counters_move_with_sign_ins_checks_and_kills() {
    let (server, url) = start_with_metrics();
    let before = Scraped::take(&server, &url).await;
    let version = ("version", env!("CARGO_PKG_VERSION"));
    assert_eq!(before.value("sessions_build_info", Some(version)), 1.0);

    let admin = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let wrong = server
        .try_sign_in_from("bob", "wrong-password", USER_AGENT)
        .await;
    assert!(wrong.is_err(), "a wrong password is refused");
    let bob_id = server.session_id(&bob).await;
    let _channel = server.live(Some(&admin)).await.expect("live channel");

    let during = Scraped::take(&server, &url).await;
    assert_eq!(during.grew(&before, SIGN_INS, ("outcome", "success")), 2.0);
    assert_eq!(during.grew(&before, SIGN_INS, ("outcome", "failed")), 1.0);
    let checked = during.grew(&before, CHECKS, ("outcome", "ok"));
    assert!(checked >= 1.0, "whoami checked bob's session");
    assert!(
        during.checks_timed() > before.checks_timed(),
        "and timed it"
    );
    assert_eq!(during.active("application", "console"), 2.0);
    assert_eq!(during.active("role", "user"), 1.0);
    assert_eq!(during.active("status", "authenticated"), 2.0);
    assert_eq!(during.value("sessions_live_channels", None), 1.0);
    assert_eq!(during.value("sessions_cache_entries", None), 2.0);

    let form = format!("ids[0]={bob_id}");
    let (status, body) = server.call("kill_sessions", Some(&admin), &form).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "1"),
        "the admin kills bob's session"
    );
    let (status, _) = server.call("whoami", Some(&bob), "").await;
    assert_eq!(status, 401, "bob's next check is refused");

    let after = Scraped::take(&server, &url).await;
    let killed = ("reason", "killed");
    assert_eq!(after.grew(&during, "sessions_ended_total", killed), 1.0);
    let ended = after.grew(&during, CHECKS, ("outcome", "ended"));
    assert_eq!(ended, 1.0, "the refused check counts as ended");
    assert_eq!(after.active("role", "user"), 0.0);
    assert_eq!(after.active("application", "console"), 1.0);
    assert_eq!(after.value("sessions_store_errors_total", None), 0.0);
}

/// Asserts that the main listener answers 404 for `/metrics`, with none of its text.
async fn main_listener_has_no_metrics(server: &TestServer) {
    let url = format!("{}/metrics", server.base);
    let response = server.client().get(url).send().await.expect("request");
    assert_eq!(response.status().as_u16(), 404);
    let body = response.text().await.expect("body");
    assert!(!body.contains(SIGN_INS), "{body}");
}

#[tokio::test]
async fn the_main_listener_never_serves_metrics() {
    let (server, url) = start_with_metrics();
    let base = &server.base;
    assert!(
        !url.starts_with(base),
        "a listener of its own: {url} vs {base}"
    );
    main_listener_has_no_metrics(&server).await;
}

#[tokio::test]
async fn metrics_are_off_unless_asked() {
    let server = TestServer::start(USERS);
    let printed = server.printed(Duration::from_millis(500));
    let announced = printed.iter().any(|line| line.contains("Metrics"));
    assert!(!announced, "{printed:?}");
    main_listener_has_no_metrics(&server).await;
}
