//! `/metrics` on the listener of `--metrics-addr` (here its variable), scraped and
//! parsed like Prometheus does: the counters move with sign-ins, checks and kills, the
//! gauges follow the live sessions and channels, and the main listener never serves it.

mod support;

use prometheus_parse::{Sample, Value};
use std::time::Duration;
use support::{TestServer, USER_AGENT};

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

    fn checks(&self) -> u64 {
        self.0
            .iter()
            .find_map(|sample| match &sample.value {
                Value::Histogram(buckets) if sample.metric == "sessions_check_duration_seconds" => {
                    buckets
                        .iter()
                        .find(|bucket| bucket.less_than == f64::INFINITY)
                        .map(|bucket| bucket.count as u64)
                }
                _ => None,
            })
            .expect("the check latency histogram")
    }
}

#[tokio::test]
async fn counters_move_with_sign_ins_checks_and_kills() {
    let (server, url) = start_with_metrics();
    let before = Scraped::take(&server, &url).await;
    assert_eq!(
        before.value(
            "sessions_build_info",
            Some(("version", env!("CARGO_PKG_VERSION")))
        ),
        1.0
    );

    let admin = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let refused = server
        .try_sign_in_from("bob", "wrong-password", USER_AGENT)
        .await;
    assert!(refused.is_err(), "a wrong password is refused");
    let bob_id = server.session_id(&bob).await;
    let _channel = server.live(Some(&admin)).await.expect("live channel");

    let during = Scraped::take(&server, &url).await;
    let sign_ins = |scrape: &Scraped, outcome| {
        scrape.value("sessions_sign_ins_total", Some(("outcome", outcome)))
    };
    assert_eq!(
        sign_ins(&during, "success") - sign_ins(&before, "success"),
        2.0
    );
    assert_eq!(
        sign_ins(&during, "failed") - sign_ins(&before, "failed"),
        1.0
    );
    let ok_checks =
        |scrape: &Scraped| scrape.value("sessions_checks_total", Some(("outcome", "ok")));
    assert!(
        ok_checks(&during) > ok_checks(&before),
        "whoami checked bob's session"
    );
    assert!(
        during.checks() > before.checks(),
        "and its time is in the histogram"
    );
    assert_eq!(
        during.value(
            "sessions_active_by_application",
            Some(("application", "console"))
        ),
        2.0
    );
    assert_eq!(
        during.value("sessions_active_by_role", Some(("role", "user"))),
        1.0
    );
    assert_eq!(
        during.value(
            "sessions_active_by_status",
            Some(("status", "authenticated"))
        ),
        2.0
    );
    assert_eq!(during.value("sessions_live_channels", None), 1.0);
    assert_eq!(during.value("sessions_cache_entries", None), 2.0);

    let (status, body) = server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={bob_id}"))
        .await;
    assert_eq!(
        (status, body.as_str()),
        (200, "1"),
        "the admin kills bob's session"
    );
    let refused_check = server.call("whoami", Some(&bob), "").await;
    assert_eq!(refused_check.0, 401, "bob's next check is refused");

    let after = Scraped::take(&server, &url).await;
    let killed =
        |scrape: &Scraped| scrape.value("sessions_ended_total", Some(("reason", "killed")));
    assert_eq!(killed(&after) - killed(&during), 1.0);
    let ended_checks =
        |scrape: &Scraped| scrape.value("sessions_checks_total", Some(("outcome", "ended")));
    assert_eq!(
        ended_checks(&after) - ended_checks(&during),
        1.0,
        "the refused check counts as ended"
    );
    assert_eq!(
        after.value("sessions_active_by_role", Some(("role", "user"))),
        0.0
    );
    assert_eq!(
        after.value(
            "sessions_active_by_application",
            Some(("application", "console"))
        ),
        1.0
    );
    assert_eq!(after.value("sessions_store_errors_total", None), 0.0);
}

#[tokio::test]
async fn the_main_listener_never_serves_metrics() {
    let (server, url) = start_with_metrics();
    assert!(
        !url.starts_with(&server.base),
        "a listener of its own: {url} vs {}",
        server.base
    );
    let response = server
        .client()
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
    let body = response.text().await.expect("body");
    assert!(!body.contains("sessions_sign_ins_total"), "{body}");
}

#[tokio::test]
async fn metrics_are_off_unless_asked() {
    let server = TestServer::start(USERS);
    let printed = server.printed(Duration::from_millis(500));
    assert!(
        printed.iter().all(|line| !line.contains("Metrics")),
        "{printed:?}"
    );
    let response = server
        .client()
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 404);
}
