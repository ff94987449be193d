//! Every page carries the browser-side protections: a Content-Security-Policy that
//! loads scripts only from this origin (inline ones only with the answer's own nonce)
//! and forbids framing, no MIME sniffing, no
//! referrer leaving the site. Answers that are not pages get a policy that lets
//! nothing run.

use crate::support::TestServer;

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .expect("ascii")
        .to_owned()
}

#[tokio::test]
async fn pages_refuse_framing_and_foreign_scripts() {
    let server = TestServer::start(&[("admin", "admin", "admin-password-1")]);
    let admin = server.sign_in("admin", "admin-password-1").await;
    let mut nonces = Vec::new();
    for (path, cookie) in [
        ("/login", None),
        ("/login", None),
        ("/admin/sessions", Some(admin.cookie.as_str())),
    ] {
        let mut request = server.client().get(format!("{}{path}", server.base));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let page = request.send().await.expect("GET page");
        assert_eq!(page.status(), 200, "{path}");
        let policy = header(&page, "content-security-policy");
        assert_eq!(header(&page, "x-content-type-options"), "nosniff");
        assert_eq!(header(&page, "referrer-policy"), "same-origin");
        assert_eq!(header(&page, "x-frame-options"), "DENY");
        for directive in [
            "frame-ancestors 'none'",
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(
                policy.contains(directive),
                "{path}: {directive} missing from {policy}"
            );
        }
        assert!(!policy.contains("'unsafe-eval'"), "{path}: {policy}");
        let script_src = policy
            .split(';')
            .find(|directive| directive.trim().starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {policy}"))
            .to_owned();
        assert!(
            !script_src.contains("'unsafe-inline'"),
            "{path}: any inline script may run: {script_src}"
        );
        nonces.push(only_inline_scripts_with_the_policys_nonce(path, &script_src, page).await);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "every answer gets its own nonce");

    let answer = server
        .rpc("whoami", Some(&admin.cookie), "")
        .header("Origin", &server.base)
        .send()
        .await
        .expect("rpc");
    assert_eq!(answer.status(), 200);
    assert!(header(&answer, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&answer, "x-content-type-options"), "nosniff");
}

/// The nonce `script_src` allows, after checking that every inline script of the page
/// carries it (or the page would not hydrate under its own policy).
async fn only_inline_scripts_with_the_policys_nonce(
    path: &str,
    script_src: &str,
    page: reqwest::Response,
) -> String {
    let nonce = script_src
        .split_whitespace()
        .find_map(|source| source.strip_prefix("'nonce-"))
        .and_then(|source| source.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{path}: no nonce in {script_src}"))
        .to_owned();
    let html = page.text().await.expect("page body");
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').expect("a closed script tag")])
        .collect();
    assert!(!scripts.is_empty(), "{path}: no inline script to check");
    for attributes in scripts {
        if attributes.contains(" src=") {
            continue;
        }
        assert!(
            attributes.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: an inline script without the policy's nonce: <script{attributes}>"
        );
    }
    nonce
}
