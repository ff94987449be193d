//! Suspicious-session flags through the real server: the API's session objects (create,
//! check, list) and its OpenAPI schema carry them, and `sessions list` shows them.

use crate::support::{api_assert_session, cli_json, cli_ok, TestServer};
use reqwest::Method;
use serde_json::{json, Value};

const BURST: &str = "6 sign-ins within 10 minutes";

fn flags(session: &Value) -> Vec<(String, String)> {
    session["flags"]
        .as_array()
        .unwrap_or_else(|| panic!("no flags: {session}"))
        .iter()
        .map(|flag| {
            (
                flag["kind"].as_str().unwrap_or_default().to_owned(),
                flag["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_burst_of_sign_ins_is_flagged_in_the_api_and_the_cli() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    for n in 1..=5 {
        let (_, session) = server.api_create(&key, "u-1", "203.0.113.7").await;
        api_assert_session(&session);
        assert!(flags(&session).is_empty(), "sign-in {n}: {session}");
    }
    let (token, sixth) = server.api_create(&key, "u-1", "203.0.113.7").await;
    api_assert_session(&sixth);
    let expected = vec![("sign_in_burst".to_owned(), BURST.to_owned())];
    assert_eq!(flags(&sixth), expected, "{sixth}");
    let (_, other_user) = server.api_create(&key, "u-2", "203.0.113.7").await;
    assert!(flags(&other_user).is_empty(), "per account: {other_user}");

    let checked = server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_json(200);
    assert_eq!(flags(&checked), expected, "{checked}");
    let page = server
        .api(Method::GET, "/sessions?user_id=u-1", Some(&key), None)
        .await
        .expect_json(200);
    let listed: Vec<&Value> = page["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|session| !flags(session).is_empty())
        .collect();
    assert_eq!(listed.len(), 1, "{page}");
    assert_eq!(listed[0]["id"], sixth["id"]);

    let url = &server.database_url;
    let stored = cli_json(url, &["list", "--format", "json"]);
    let flagged: Vec<&Value> = stored
        .as_array()
        .expect("a list")
        .iter()
        .filter(|session| session["id"] == sixth["id"])
        .collect();
    assert_eq!(
        flagged[0]["flags"],
        json!([{ "kind": "sign_in_burst", "reason": BURST }])
    );
    let csv = cli_ok(url, &["list", "--format", "csv"]);
    let row = csv
        .lines()
        .find(|line| line.starts_with(sixth["id"].as_str().expect("id")))
        .expect("the sixth session's row");
    assert!(row.ends_with(&format!(",{BURST}")), "{row}");
    let table = cli_ok(url, &["list"]);
    assert!(table.contains("Flags") && table.contains(BURST), "{table}");
}

#[tokio::test]
async fn the_openapi_document_describes_flags() {
    let server = TestServer::start(&[]);
    let document = server
        .api(Method::GET, "/openapi.json", None, None)
        .await
        .expect_json(200);
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["ApiSession"]["properties"]["flags"]["items"]["$ref"],
        "#/components/schemas/ApiFlag",
        "{}",
        schemas["ApiSession"]
    );
    let required = schemas["ApiFlag"]["required"].to_string();
    assert!(
        required.contains("kind") && required.contains("reason"),
        "{required}"
    );
}
