//! What travels over the wire: pages, server-function answers and `/pkg` files are
//! compressed when the client accepts it, `/pkg` files with hashed names are cached for
//! good and pages never; the application API and the `/live` upgrade are left alone.

use crate::support::TestServer;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// What cargo-leptos writes with `hash-files`: the content hash of each built file.
const HASH_TXT: &[u8] = b"js: JsHash123\nwasm: WasmHash456\ncss: CssHash789\n";

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ascii").to_owned())
}

/// A built site: hash file in the site root, big enough files to be worth compressing.
fn built_site() -> Vec<(&'static str, Vec<u8>)> {
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(7u8, 50_000))
        .collect();
    vec![
        ("hash.txt", HASH_TXT.to_vec()),
        ("pkg/sessions.WasmHash456.wasm", wasm),
        (
            "pkg/sessions.JsHash123.js",
            "export default function init() {}\n"
                .repeat(200)
                .into_bytes(),
        ),
        (
            "pkg/sessions.CssHash789.css",
            "body { margin: 0; }\n".repeat(200).into_bytes(),
        ),
    ]
}

fn start(site: &[(&'static str, Vec<u8>)], env: &[(&str, &str)]) -> TestServer {
    let files: Vec<(&str, &[u8])> = site
        .iter()
        .map(|(path, bytes)| (*path, bytes.as_slice()))
        .collect();
    TestServer::start_with_site(&files, env)
}

#[tokio::test]
async fn pages_and_server_function_answers_are_compressed_and_never_stored() {
    let server = TestServer::start(&[("admin", "admin", "admin-password-1")]);
    for encoding in ["br", "gzip"] {
        let page = server
            .client()
            .get(format!("{}/login", server.base))
            .header("Accept-Encoding", encoding)
            .send()
            .await
            .expect("GET /login");
        assert_eq!(page.status(), 200);
        assert_eq!(header(&page, "content-encoding").as_deref(), Some(encoding));
        assert_eq!(header(&page, "vary").as_deref(), Some("accept-encoding"));
        assert_eq!(
            header(&page, "cache-control").as_deref(),
            Some("no-store"),
            "pages carry per-user data"
        );
    }
    let plain = server
        .client()
        .get(format!("{}/login", server.base))
        .send()
        .await
        .expect("GET /login");
    assert_eq!(
        header(&plain, "content-encoding"),
        None,
        "no Accept-Encoding, no compression"
    );
    assert!(plain.text().await.expect("html").contains("Sign in"));

    let admin = server.sign_in("admin", "admin-password-1").await;
    let answer = server
        .rpc("whoami", Some(&admin.cookie), "")
        .header("Origin", &server.base)
        .header("Accept-Encoding", "br")
        .send()
        .await
        .expect("rpc");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(&answer, "content-encoding").as_deref(),
        Some("br"),
        "a server-function answer"
    );
    assert_eq!(
        header(&answer, "cache-control").as_deref(),
        Some("no-store")
    );
}

#[tokio::test]
async fn hashed_pkg_files_are_cached_for_good_and_the_page_names_them() {
    let server = start(&built_site(), &[]);
    let page = server
        .client()
        .get(format!("{}/login", server.base))
        .send()
        .await
        .expect("GET /login");
    let html = page.text().await.expect("html");
    for name in [
        "/pkg/sessions.JsHash123.js",
        "/pkg/sessions.WasmHash456.wasm",
        "/pkg/sessions.CssHash789.css",
    ] {
        assert!(html.contains(name), "the page names {name}: {html}");
    }

    let wasm = server
        .client()
        .get(format!("{}/pkg/sessions.WasmHash456.wasm", server.base))
        .header("Accept-Encoding", "gzip, deflate, br")
        .send()
        .await
        .expect("GET wasm");
    assert_eq!(wasm.status(), 200);
    assert_eq!(header(&wasm, "cache-control").as_deref(), Some(IMMUTABLE));
    assert_eq!(header(&wasm, "content-encoding").as_deref(), Some("br"));
    let sent = wasm.bytes().await.expect("body").len();
    assert!(
        sent < 5_000,
        "50 KB of one byte compresses to little, got {sent}"
    );

    let css = server
        .client()
        .get(format!("{}/pkg/sessions.CssHash789.css", server.base))
        .send()
        .await
        .expect("css");
    assert_eq!(header(&css, "cache-control").as_deref(), Some(IMMUTABLE));
    let missing = server
        .client()
        .get(format!("{}/pkg/sessions.Other.wasm", server.base))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    assert_eq!(
        header(&missing, "cache-control").as_deref(),
        Some("no-store"),
        "a 404 must not stick"
    );
}

#[tokio::test]
async fn unhashed_pkg_files_are_revalidated() {
    let site = [(
        "pkg/sessions.js",
        b"export default function init() {}\n".repeat(100),
    )];
    let server = start(&site, &[("LEPTOS_HASH_FILES", "false")]);
    let js = server
        .client()
        .get(format!("{}/pkg/sessions.js", server.base))
        .send()
        .await
        .expect("js");
    assert_eq!(js.status(), 200);
    assert_eq!(
        header(&js, "cache-control").as_deref(),
        Some("no-cache"),
        "the same name may hold the next build"
    );
}

#[tokio::test]
async fn the_api_and_the_live_upgrade_are_not_compressed() {
    let server = TestServer::start(&[("admin", "admin", "admin-password-1")]);
    let key = server.api_add_app("shop");
    let (token, _) = server.api_create(&key, "u-1", "203.0.113.7").await;
    let body = serde_json::json!({ "token": token, "ip": "203.0.113.7", "user_agent": crate::support::API_USER_AGENT });
    let check = server
        .api_request(reqwest::Method::POST, "/sessions/check", Some(&key))
        .header("Content-Type", "application/json")
        .header("Accept-Encoding", "br, gzip")
        .body(body.to_string())
        .send()
        .await
        .expect("check");
    assert_eq!(check.status(), 200);
    assert_eq!(
        header(&check, "content-encoding"),
        None,
        "the check stays lean"
    );
    assert_eq!(
        header(&check, "cache-control"),
        None,
        "the page caching policy stays out of the API"
    );
    let openapi = server
        .api_request(reqwest::Method::GET, "/openapi.json", None)
        .header("Accept-Encoding", "br, gzip")
        .send()
        .await
        .expect("openapi");
    assert_eq!(openapi.status(), 200);
    assert_eq!(header(&openapi, "content-encoding"), None);

    let admin = server.sign_in("admin", "admin-password-1").await;
    let url = format!("{}/live", server.base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("request");
    request
        .headers_mut()
        .insert("Cookie", admin.cookie.parse().expect("cookie"));
    request.headers_mut().insert(
        "Accept-Encoding",
        "gzip, deflate, br".parse().expect("value"),
    );
    let (_socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the upgrade succeeds");
    assert_eq!(response.status(), 101);
    assert_eq!(response.headers().get("content-encoding"), None);
}
