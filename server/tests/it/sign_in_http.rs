//! Sign-in from a browser against the real server: each sign-in is a session of its
//! own, and a browser signing in again leaves no older session of its own alive.

use crate::support::{json, refusal_reason, TestServer, USER_AGENT};

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];

/// Signs in as `user` sending `form` extra fields and `cookie`: the status, the new
/// `name=value` cookie (empty when none was set) and the body.
async fn sign_in(
    server: &TestServer,
    user: &str,
    extra: &str,
    cookie: Option<&str>,
) -> (u16, String, String) {
    let form = format!("username={user}&password={user}-password-1{extra}");
    let response = server
        .rpc("sign_in", cookie, &form)
        .header("Origin", &server.base)
        .header("User-Agent", USER_AGENT)
        .send()
        .await
        .expect("sign in");
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter(|value| !value.contains("Max-Age=0"))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .next()
        .unwrap_or_default();
    (status, cookie, response.text().await.expect("body"))
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_holds() {
    let server = TestServer::start(USERS);
    let (status, old, body) = sign_in(&server, "alice", "", None).await;
    assert_eq!(status, 200, "{body}");
    let (status, new, body) = sign_in(&server, "alice", "", Some(&old)).await;
    assert_eq!(status, 200, "{body}");
    assert!(!new.is_empty() && new != old, "a fresh token: {new}");
    let (status, body) = server.call("whoami", Some(&old), "").await;
    assert_eq!(status, 401, "the old session ended: {body}");
    assert_eq!(refusal_reason(&body).as_deref(), Some("logout"), "{body}");
    let (status, body) = server.call("whoami", Some(&new), "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["username"].as_str(), Some("alice"));
}

#[tokio::test]
async fn the_sign_in_form_sent_twice_opens_one_session() {
    let server = TestServer::start(USERS);
    let page = server
        .client()
        .get(format!("{}/login", server.base))
        .send()
        .await
        .expect("login page");
    let html = page.text().await.expect("html");
    let nonce = html
        .split("name=\"nonce\"")
        .nth(1)
        .and_then(|rest| rest.split("value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the form carries a nonce: {html}"))
        .to_owned();
    assert_eq!(nonce.len(), 32, "{nonce}");
    let with_nonce = format!("&nonce={nonce}");
    let (status, first, body) = sign_in(&server, "alice", &with_nonce, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, second, body) = sign_in(&server, "alice", &with_nonce, None).await;
    assert_eq!(status, 400, "{body}");
    assert!(second.is_empty(), "no second session, no cookie");
    assert!(body.contains("already sent"), "{body}");
    assert_eq!(
        server.call("whoami", Some(&first), "").await.0,
        200,
        "the first is untouched"
    );
    let live = crate::support::cli_json(&server.database_url, &["list", "--format", "json"]);
    assert_eq!(live.as_array().map(Vec::len), Some(1), "{live}");
}

/// A plain HTML form post, as a browser without the page's WASM sends it: the answer
/// is a redirect to a page. Its `Location`.
async fn plain_form_post(server: &TestServer, name: &str, cookie: &str, form: &str) -> String {
    let response = server
        .rpc(name, Some(cookie), form)
        .header("Origin", &server.base)
        .header("Accept", "text/html")
        .header("Referer", format!("{}/account/sessions", server.base))
        .send()
        .await
        .expect("form post");
    assert!(
        response.status().is_redirection(),
        "{name}: {}",
        response.status()
    );
    let location = response.headers()["location"].to_str().expect("ascii");
    location
        .strip_prefix(&server.base)
        .unwrap_or(location)
        .to_owned()
}

async fn page(server: &TestServer, path: &str, cookie: &str) -> String {
    let response = server
        .client()
        .get(format!("{}{path}", server.base))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("GET page");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("page")
}

#[tokio::test]
async fn without_scripts_a_stale_password_is_asked_for_on_the_page_then_the_sign_out_goes_through()
{
    let server = TestServer::start(USERS);
    // Signed in 6 minutes ago: the password was not entered recently.
    let stale = server
        .old_session(
            "alice",
            "alice-password-1",
            std::time::Duration::from_secs(360),
        )
        .await;
    let other = server.sign_in("alice", "alice-password-1").await.cookie;

    // The sign-out comes back asking for the password, with a form for it; nothing ends.
    let asked = plain_form_post(&server, "sign_out_others", &stale, "").await;
    assert!(asked.contains("__err="), "{asked}");
    let html = page(&server, &asked, &stale).await;
    assert!(
        html.contains("Enter your password to confirm it is you."),
        "{html}"
    );
    assert!(
        html.contains(r#"action="/rpc/confirm_password""#),
        "no password form"
    );
    assert!(
        html.contains(r#"type="password" name="password""#),
        "no password field"
    );
    assert_eq!(server.call("whoami", Some(&other), "").await.0, 200);

    // A wrong password: said on the page, the form again, still nothing ends.
    let wrong = plain_form_post(&server, "confirm_password", &stale, "password=nope").await;
    let html = page(&server, &wrong, &stale).await;
    assert!(html.contains("The password is wrong."), "{html}");
    assert!(html.contains(r#"action="/rpc/confirm_password""#));
    assert_eq!(server.call("whoami", Some(&other), "").await.0, 200);

    // The right one, then the same sign-out again: it goes through.
    let confirmed = plain_form_post(
        &server,
        "confirm_password",
        &stale,
        "password=alice-password-1",
    )
    .await;
    assert_eq!(confirmed, "/account/sessions?done=confirmed&count=0");
    let html = page(&server, &confirmed, &stale).await;
    assert!(html.contains("Password confirmed."), "{html}");
    assert!(!html.contains(r#"action="/rpc/confirm_password""#));
    let done = plain_form_post(&server, "sign_out_others", &stale, "").await;
    assert_eq!(done, "/account/sessions?done=signed-out&count=1");
    assert_eq!(server.call("whoami", Some(&other), "").await.0, 401);
    assert_eq!(server.call("whoami", Some(&stale), "").await.0, 200);
}
