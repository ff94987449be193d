//! How `sessions serve` takes its options, on the real server: where it listens
//! (`--addr`, else `SESSIONS_ADDR`) and the plain-http cookie opt-out
//! (`--insecure-cookies`), which must say loudly that it is on.

use crate::support::pg_cluster::free_port;
use crate::support::TestServer;

const USERS: &[(&str, &str, &str)] = &[("alice", "user", "alice-password-1")];
const WARNING: &str = "INSECURE COOKIES: --insecure-cookies is on.";

/// Whether a `Set-Cookie` header carries the `Secure` attribute (not just the word).
fn is_secure(set_cookie: &str) -> bool {
    set_cookie
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

#[tokio::test]
async fn insecure_cookies_drop_the_prefix_and_secure_and_warn_on_stderr() {
    const ADDR: &[&str] = &["--addr", "127.0.0.1:0"];
    const FLAG: &[&str] = &["--addr", "127.0.0.1:0", "--insecure-cookies"];
    const ENV: &[(&str, &str)] = &[("SESSIONS_INSECURE_COOKIES", "true")];
    // (flags, environment, the cookie's name, whether it is Secure): warned exactly when not.
    for (args, env, name, secure) in [
        (ADDR, &[][..], "__Host-sessions", true),
        (FLAG, &[], "sessions", false),
        (ADDR, ENV, "sessions", false),
    ] {
        let case = format!("{args:?} {env:?}");
        let (mut server, log) = TestServer::start_serve(USERS, args, env);
        let alice = server.sign_in("alice", "alice-password-1").await;
        let set_cookie = &alice.set_cookie;
        assert!(
            set_cookie.starts_with(&format!("{name}=")),
            "{case}: {set_cookie}"
        );
        assert_eq!(is_secure(set_cookie), secure, "{case}: {set_cookie}");
        // What the opt-out keeps: script and other sites still cannot use the cookie.
        for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(
                set_cookie.contains(part),
                "{case}: {set_cookie} lacks {part}"
            );
        }
        assert_eq!(
            server.call("whoami", Some(&alice.cookie), "").await.0,
            200,
            "{case}: the server reads back the cookie it set"
        );

        server.kill();
        let logged = log.after_exit();
        assert_eq!(
            logged.contains(WARNING),
            !secure,
            "{case}: warned exactly when the cookies are insecure:\n{logged}"
        );
    }
}

#[tokio::test]
async fn the_server_listens_on_sessions_addr_unless_addr_is_given() {
    let from_env = format!("127.0.0.1:{}", free_port());
    let from_flag = format!("127.0.0.1:{}", free_port());
    let env = [("SESSIONS_ADDR", from_env.as_str())];
    // (the flags, where it must listen): the environment only fills in a missing flag.
    for (args, listens_on) in [
        (&[][..], &from_env),
        (&["--addr", from_flag.as_str()][..], &from_flag),
    ] {
        let (server, _log) = TestServer::start_serve(USERS, args, &env);
        let base = format!("http://{listens_on}");
        assert_eq!(server.base, base, "{args:?}: where it says it listens");
        let response = server
            .client()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap_or_else(|err| panic!("{args:?}: nothing answers on {base}: {err}"));
        assert_eq!(response.status().as_u16(), 200, "{args:?}: {base}/healthz");
    }
}
