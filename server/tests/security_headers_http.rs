//! Every page carries the browser-side protections: a Content-Security-Policy that
//! loads scripts only from this origin and forbids framing, no MIME sniffing, no
//! referrer leaving the site. Answers that are not pages get a policy that lets
//! nothing run.

mod support;

use support::TestServer;

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
    for (path, cookie) in [
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
        assert_eq!(header(&page, "x-content-type-options"), "nosniff");
        assert_eq!(header(&page, "referrer-policy"), "same-origin");
        assert_eq!(header(&page, "x-frame-options"), "DENY");
    }

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
