//! The Analytics page and `sessions analytics` agree: the same data (sign-ins, a
//! failure and a kill through the real server, and a period before it written by an
//! engine whose clock runs a day behind), then the page's server function, the page's
//! HTML as the server renders it, and the CLI's JSON show the same KPIs to the digit.

use crate::support::{cli_json, json, TestServer, USER_AGENT};
use serde_json::{json, Value};
use sessions_core::model::EndReason;
use sessions_core::store::{EndSelector, Scope};
use std::collections::BTreeMap;
use std::time::Duration;

const USERS: &[(&str, &str, &str)] = &[
    ("alice", "admin", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

/// name -> (current, previous, change) as JSON numbers or null.
type Kpis = BTreeMap<String, (Value, Value, Value)>;

fn kpis_of(report: &Value) -> Kpis {
    report["kpis"]
        .as_array()
        .expect("kpis")
        .iter()
        .map(|kpi| {
            let name = kpi["name"].as_str().expect("name").to_owned();
            let number = |key: &str| match kpi[key].as_f64() {
                Some(n) => json!(n),
                None => Value::Null,
            };
            (
                name,
                (
                    number("current"),
                    number("previous"),
                    number("change_percent"),
                ),
            )
        })
        .collect()
}

/// The KPIs as the page's HTML carries them (`data-kpi`, `data-current`, ...).
fn kpis_in_html(html: &str) -> Kpis {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].to_owned())
    };
    let number = |text: Option<String>| match text.as_deref() {
        None | Some("") => Value::Null,
        Some(text) => json!(text.parse::<f64>().expect("a number")),
    };
    html.split("<li")
        .filter_map(|chunk| {
            let tag = &chunk[..chunk.find('>')?];
            let name = attribute(tag, "data-kpi")?;
            Some((
                name,
                (
                    number(attribute(tag, "data-current")),
                    number(attribute(tag, "data-previous")),
                    number(attribute(tag, "data-change")),
                ),
            ))
        })
        .collect()
}

#[tokio::test]
async fn the_page_shows_the_numbers_the_cli_prints() {
    let mut server = TestServer::start(USERS);
    // The previous period (a day earlier): bob signs in and out, and fails once.
    let past = server.engine_behind(Duration::from_secs(25 * 3600)).await;
    let client = sessions_core::engine::ClientInfo {
        ip: "127.0.0.1".into(),
        user_agent: USER_AGENT.into(),
    };
    let old = past
        .sign_in("bob", "bob-password-1".into(), &client)
        .await
        .expect("sign in a day ago");
    assert!(past
        .sign_in("bob", "nope-nope-nope".into(), &client)
        .await
        .is_err());
    let selector = EndSelector::Ids {
        ids: vec![old.session.id.clone()],
        scope: Scope::Everyone,
    };
    past.end(selector, EndReason::Logout, "bob")
        .await
        .expect("sign out");
    past.flush_rollups().await.expect("write the past");

    // This period: two sign-ins, a failure, a kill by the admin.
    let admin = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    assert!(server
        .try_sign_in_from("bob", "wrong-password", USER_AGENT)
        .await
        .is_err());
    let bob_id = server.session_id(&bob).await;
    let (status, body) = server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={bob_id}"))
        .await;
    assert_eq!((status, body.as_str()), (200, "1"), "the admin kills bob");

    let (status, body) = server
        .call_json(
            "analytics_report",
            Some(&admin),
            &json!({"query": {"range": "Day", "since": "", "until": "", "app": ""}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    let html = server
        .client()
        .get(format!("{}/admin/analytics", server.base))
        .header("Cookie", &admin)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    // The server writes what it holds when it stops; the CLI reads what is written.
    assert!(server.stop().success());
    let cli = cli_json(&server.database_url, &["analytics", "--format", "json"]);

    let from_cli = kpis_of(&cli);
    assert_eq!(from_cli.len(), 8, "{cli}");
    assert_eq!(kpis_of(&page["report"]), from_cli, "server function vs CLI");
    assert_eq!(kpis_in_html(&html), from_cli, "page HTML vs CLI");
    // The figures are the ones made above: 2 of 3 sign-ins now, 1 of 2 a day before.
    let rate = &from_cli["sign_in_success_rate"];
    assert_eq!(rate, &(json!(66.67), json!(50.0), json!(33.33)), "{cli}");
    assert!(
        html.contains("66.7 %"),
        "the rate as the CLI's table prints it"
    );
    assert!(html.contains("n/a"), "a change against 0 reads n/a");
    for chart in [
        "chart-sign-ins",
        "chart-sessions",
        "chart-users",
        "chart-outcomes",
        "chart-browser",
    ] {
        assert!(
            html.contains(&format!("id=\"{chart}\"")),
            "{chart} rendered"
        );
    }
    assert!(
        html.contains("role=\"img\""),
        "charts are images with a name"
    );

    // The period and application filters reach the report; bad input is a clear 4xx.
    let server = TestServer::start_on(&server.database_url, &[]);
    let asks = [
        (
            json!({"range": "Week", "since": "", "until": "", "app": "console"}),
            200,
            "console",
        ),
        (
            json!({"range": "Custom", "since": "2026-11-08", "until": "2026-11-01", "app": ""}),
            400,
            "must not come after",
        ),
        (
            json!({"range": "Day", "since": "", "until": "", "app": "nope"}),
            404,
            "No application named",
        ),
    ];
    for (query, code, text) in asks {
        let (status, body) = server
            .call_json("analytics_report", Some(&admin), &json!({ "query": query }))
            .await;
        assert_eq!(status, code, "{query}: {body}");
        assert!(body.contains(text), "{query}: {body}");
    }
    let (status, _) = server
        .call_json(
            "analytics_report",
            None,
            &json!({"query": {"range": "Day", "since": "", "until": "", "app": ""}}),
        )
        .await;
    assert_eq!(status, 401, "signed out: refused");
}
