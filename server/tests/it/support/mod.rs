//! Runs the real `sessions` binary: the CLI against a SQLite file, and the server on a
//! free port against a fresh SQLite file, with helpers to call it like our pages do.

#![allow(dead_code)]

/// The throwaway PostgreSQL cluster the engine tests use, shared with them.
#[path = "../../../../core/tests/support/pg_cluster.rs"]
pub mod pg_cluster;
pub mod tls;

use futures::StreamExt;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub const BIN: &str = env!("CARGO_BIN_EXE_sessions");
/// The user agent every test request sends, so the parsed browser / OS can be checked.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a test waits for something that should happen at once.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A fresh database file in its own temporary directory: an empty file, which SQLite
/// takes for an empty database (administrative commands refuse a missing one).
pub fn database() -> (tempfile::TempDir, String) {
    let (dir, url) = missing_database();
    std::fs::write(dir.path().join("test.db"), b"").expect("empty database file");
    (dir, url)
}

/// The URL of a database file that does not exist, in its own temporary directory.
pub fn missing_database() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url(dir.path());
    (dir, url)
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("test.db").display())
}

/// Runs a CLI command against `database_url`, feeding `stdin` (stdin is a pipe either way).
pub fn cli(database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .args(["--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cli");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input
            .write_all(format!("{text}\n").as_bytes())
            .expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("cli output")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A signed-in browser, as far as the server can tell.
pub struct SignedIn {
    /// `name=value`, ready for a `Cookie` header.
    pub cookie: String,
    /// The whole `Set-Cookie` header.
    pub set_cookie: String,
    /// Where the page goes next (the function's JSON answer).
    pub landing: String,
}

pub struct TestServer {
    pub base: String,
    pub database_url: String,
    child: Child,
    dir: tempfile::TempDir,
    /// What the server prints on stdout after the listening line.
    printed: mpsc::Receiver<String>,
    /// The certificate the clients trust, when the server serves HTTPS itself.
    tls: Option<tls::TestCert>,
}

impl TestServer {
    /// Creates `users` (name, role, password) with the CLI, then starts the server.
    pub fn start(users: &[(&str, &str, &str)]) -> TestServer {
        Self::start_with_env(users, &[])
    }

    /// `start` with `env` set for the server.
    pub fn start_with_env(users: &[(&str, &str, &str)], env: &[(&str, &str)]) -> TestServer {
        let (dir, database_url) = database();
        for (name, role, password) in users {
            let output = cli(
                &database_url,
                &["user", "add", name, "--role", role, "--password-stdin"],
                Some(password),
            );
            assert!(
                output.status.success(),
                "user add {name}: {}",
                stderr(&output)
            );
        }
        Self::spawn(dir, env)
    }

    /// Starts on an empty database with `SESSIONS_ADMIN_PASSWORD` set.
    pub fn start_with_admin_password(password: &str) -> TestServer {
        let (dir, _) = database();
        Self::spawn(dir, &[("SESSIONS_ADMIN_PASSWORD", password)])
    }

    /// Starts on an empty database with `files` (path under the site root, contents)
    /// in its site root, and `env`.
    pub fn start_with_site(files: &[(&str, &[u8])], env: &[(&str, &str)]) -> TestServer {
        let (dir, _) = database();
        for (path, contents) in files {
            let path = dir.path().join("site").join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("site dir");
            std::fs::write(&path, contents).expect("site file");
        }
        Self::spawn(dir, env)
    }

    /// Starts on `database_url` (any backend), with `env` set for the server.
    pub fn start_on(database_url: &str, env: &[(&str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn_on(dir, database_url.to_owned(), env)
    }

    fn spawn(dir: tempfile::TempDir, env: &[(&str, &str)]) -> TestServer {
        let database_url = database_url(dir.path());
        Self::spawn_on(dir, database_url, env)
    }

    fn spawn_on(dir: tempfile::TempDir, database_url: String, env: &[(&str, &str)]) -> TestServer {
        let (child, base, printed) = spawn_server(dir.path(), &database_url, env);
        TestServer {
            base,
            database_url,
            child,
            dir,
            printed,
            tls: None,
        }
    }

    /// Creates `users`, then starts the server serving HTTPS with `cert` (given by the
    /// environment twins of `--tls-cert`/`--tls-key`); its clients trust `cert`.
    pub fn start_tls(users: &[(&str, &str, &str)], cert: tls::TestCert) -> TestServer {
        let env = cert.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut server = Self::start_with_env(users, &env);
        assert!(
            server.base.starts_with("https://"),
            "served over TLS: {}",
            server.base
        );
        server.tls = Some(cert);
        server
    }

    /// SIGKILLs the server (no graceful shutdown at all) and starts a new one on the same file.
    pub fn kill_and_restart(mut self) -> TestServer {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
        let (child, base, printed) = spawn_server(self.dir.path(), &self.database_url, &[]);
        self.child = child;
        self.base = base;
        self.printed = printed;
        self
    }

    /// The lines printed on stdout after the listening line, up to a pause of `quiet`.
    pub fn printed(&self, quiet: Duration) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.printed.recv_timeout(quiet) {
            lines.push(line);
        }
        lines
    }

    /// A client that follows no redirects and keeps no cookies (tests send `Cookie` themselves).
    pub fn client(&self) -> reqwest::Client {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .timeout(Duration::from_secs(10));
        let builder = match &self.tls {
            Some(cert) => builder.add_root_certificate(cert.reqwest_root()),
            None => builder,
        };
        builder.build().expect("client")
    }

    /// A server-function request the way our pages make it, minus the same-origin proof.
    pub fn rpc(&self, name: &str, cookie: Option<&str>, form: &str) -> reqwest::RequestBuilder {
        let request = self
            .client()
            .post(format!("{}/rpc/{name}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        match cookie {
            Some(cookie) => request.header("Cookie", cookie),
            None => request,
        }
    }

    /// An engine on the server's database whose clock runs `ago` behind: what it opens
    /// really is that old.
    pub async fn engine_behind(&self, ago: Duration) -> std::sync::Arc<sessions_core::Engine> {
        use sessions_core::clock::{Clock, ManualClock, SystemClock};
        let config = sessions_core::EngineConfig {
            database_url: self.database_url.clone(),
            secure_cookies: true,
            geo_db: None,
            store: Default::default(),
        };
        let clock = ManualClock::new(SystemClock.now() - ago.as_millis() as i64);
        sessions_core::Engine::open_with_clock(&config, clock)
            .await
            .expect("open the database")
    }

    /// Signs `user` in `ago` ago (see `engine_behind`). Its cookie.
    pub async fn old_session(&self, user: &str, password: &str, ago: Duration) -> String {
        let engine = self.engine_behind(ago).await;
        let client = sessions_core::engine::ClientInfo {
            ip: "127.0.0.1".into(),
            user_agent: device_agent(9),
        };
        let signed_in = engine
            .sign_in(user, password.into(), &client)
            .await
            .expect("sign in");
        format!("{}={}", engine.cookies().name(), signed_in.token.expose())
    }

    /// Calls a server function the way our pages do (same-origin proof included).
    pub async fn call(&self, name: &str, cookie: Option<&str>, form: &str) -> (u16, String) {
        let response = self
            .rpc(name, cookie, form)
            .header("Origin", &self.base)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    pub async fn sign_in(&self, user: &str, password: &str) -> SignedIn {
        self.sign_in_from(user, password, USER_AGENT).await
    }

    /// Signs in from a browser that sends `user_agent` (see `device_agent`), without a
    /// form nonce: every call is a session of its own.
    pub async fn sign_in_from(&self, user: &str, password: &str, user_agent: &str) -> SignedIn {
        match self.try_sign_in_from(user, password, user_agent).await {
            Ok(signed_in) => signed_in,
            Err((status, body)) => panic!("sign in as {user}: {status} {body}"),
        }
    }

    /// A sign-in attempt from `user_agent`: the session, or the status and body of the refusal.
    pub async fn try_sign_in_from(
        &self,
        user: &str,
        password: &str,
        user_agent: &str,
    ) -> Result<SignedIn, (u16, String)> {
        let form = format!("username={user}&password={password}");
        let request = self
            .rpc("sign_in", None, &form)
            .header("Origin", &self.base)
            .header("User-Agent", user_agent);
        let response = request.send().await.expect("sign in");
        let status = response.status().as_u16();
        let set_cookie = response
            .headers()
            .get("set-cookie")
            .map(|value| value.to_str().expect("ascii").to_owned())
            .unwrap_or_default();
        let body = response.text().await.expect("body");
        if status != 200 {
            assert!(
                set_cookie.is_empty(),
                "a refused sign-in set a cookie: {set_cookie}"
            );
            return Err((status, body));
        }
        let cookie = set_cookie.split(';').next().expect("pair").to_owned();
        let landing = serde_json::from_str(&body).expect("a JSON string");
        Ok(SignedIn {
            cookie,
            set_cookie,
            landing,
        })
    }

    /// Calls a server function that takes JSON (same-origin proof included).
    pub async fn call_json(
        &self,
        name: &str,
        cookie: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, String) {
        let mut request = self
            .client()
            .post(format!("{}/rpc/{name}", self.base))
            .header("Origin", &self.base)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Waits until the policy in force in the server (as `get_settings` shows it to
    /// `admin_cookie`) has `value` for `key`: the default (`role` None) or a role's
    /// override (`value` None: no override). Settings saved elsewhere arrive within a second.
    pub async fn wait_for_setting(
        &self,
        admin_cookie: &str,
        role: Option<&str>,
        key: &str,
        value: Option<&str>,
    ) {
        let request = serde_json::json!({});
        eventually(
            &format!("the server to see {key} = {value:?} for {role:?}"),
            || async {
                let (status, body) = self
                    .call_json("get_settings", Some(admin_cookie), &request)
                    .await;
                assert_eq!(status, 200, "get_settings: {body}");
                let values = &json(&body)["values"];
                let current = match role {
                    None => &values["defaults"][key],
                    Some(role) => &values["overrides"][role][key],
                };
                current.as_str() == value
            },
        )
        .await;
    }

    pub async fn session_id(&self, cookie: &str) -> String {
        let (status, body) = self.call("whoami", Some(cookie), "").await;
        assert_eq!(status, 200, "{body}");
        json(&body)["session_id"].as_str().expect("id").to_owned()
    }

    /// Polls `whoami` every 50 ms for up to 2 s; how long it took to be refused, if it was.
    pub async fn time_until_refused(&self, cookie: &str, since: Instant) -> Option<Duration> {
        while since.elapsed() < Duration::from_secs(2) {
            if self.call("whoami", Some(cookie), "").await.0 == 401 {
                return Some(since.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// Opens `/live` with `cookie`; the error carries the refused upgrade's response.
    pub async fn live(
        &self,
        cookie: Option<&str>,
    ) -> Result<Live, tokio_tungstenite::tungstenite::Error> {
        self.live_from(cookie, None).await
    }

    /// Opens `/live` as a page of `origin` would (`None`: no Origin header, not a browser).
    pub async fn live_from(
        &self,
        cookie: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Live, tokio_tungstenite::tungstenite::Error> {
        // http → ws, https → wss
        let url = format!("ws{}/live", self.base.trim_start_matches("http"));
        let mut request = url.into_client_request()?;
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("Cookie", cookie.parse().expect("header value"));
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("Origin", origin.parse().expect("header value"));
        }
        let connector = self.tls.as_ref().map(tls::TestCert::websocket_connector);
        let (socket, _) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, connector)
                .await?;
        Ok(Live { socket })
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `sessions serve` on a free port; returns the child and its base URL once it
/// has said where it listens, and what it prints next. Its stdout keeps being drained so
/// it never blocks.
fn spawn_server(
    dir: &Path,
    database_url: &str,
    env: &[(&str, &str)],
) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "info")
        .env_remove("SESSIONS_ADMIN_PASSWORD")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let stdout = child.stdout.take().expect("stdout");
    let (lines, first) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = lines.send(line);
        }
    });
    let line = first
        .recv_timeout(START_TIMEOUT)
        .expect("the server says where it listens");
    let base = line
        .split_once("listening on ")
        .map(|(_, url)| url.trim().to_owned())
        .unwrap_or_default();
    assert!(
        base.starts_with("http://127.0.0.1:") || base.starts_with("https://127.0.0.1:"),
        "unexpected first line {line:?}"
    );
    (child, base, first)
}

/// A user agent of its own per `device` number (Chrome 120 + `device` on Linux).
pub fn device_agent(device: u32) -> String {
    USER_AGENT.replace("Chrome/120.", &format!("Chrome/{}.", 120 + device))
}

/// Polls `check` every 50 ms until it holds; panics naming `what` after `EVENT_TIMEOUT`.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + EVENT_TIMEOUT;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs a CLI command that must succeed; its stdout.
pub fn cli_ok(database_url: &str, args: &[&str]) -> String {
    let output = cli(database_url, args, None);
    assert!(
        output.status.success(),
        "sessions {}: {}",
        args.join(" "),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs a CLI command that must print JSON (pass `--format json`) and succeed.
pub fn cli_json(database_url: &str, args: &[&str]) -> serde_json::Value {
    json(&cli_ok(database_url, args))
}

pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|err| panic!("not JSON ({err}): {body}"))
}

/// The `reason` of an `{"Unauthenticated":{…}}` error body.
pub fn refusal_reason(body: &str) -> Option<String> {
    json(body)["Unauthenticated"]["reason"]
        .as_str()
        .map(str::to_owned)
}

/// What a live socket delivered next.
#[derive(Debug)]
pub enum Delivery {
    Event(serde_json::Value),
    Closed(Option<u16>),
    TimedOut,
}

pub struct Live {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Live {
    /// The next JSON event or the close, skipping pings; `TimedOut` after `EVENT_TIMEOUT`.
    pub async fn next(&mut self) -> Delivery {
        let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
        loop {
            let Ok(message) = tokio::time::timeout_at(deadline, self.socket.next()).await else {
                return Delivery::TimedOut;
            };
            match message {
                Some(Ok(Message::Text(text))) => return Delivery::Event(json(&text)),
                Some(Ok(Message::Close(frame))) => {
                    return Delivery::Closed(frame.map(|frame| frame.code.into()))
                }
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return Delivery::Closed(None),
            }
        }
    }

    /// Events up to and including the first that `wanted` accepts; panics if none comes.
    pub async fn until(
        &mut self,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let mut seen = Vec::new();
        loop {
            match self.next().await {
                Delivery::Event(event) => {
                    let done = wanted(&event);
                    seen.push(event);
                    if done {
                        return seen;
                    }
                }
                other => panic!("expected event never came ({other:?}); got {seen:?}"),
            }
        }
    }
}

// ---- application API helpers ----------------------------------------------------------
// The application HTTP API (/api/v1): keys from `sessions app add`, calls with a Bearer
// key, and the contract's error shape. Every name here starts with `api`.

/// A user agent for API sessions (Chrome 120 on Windows 10, a desktop).
pub const API_USER_AGENT: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

/// What one API call answered.
#[derive(Debug)]
pub struct ApiReply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl ApiReply {
    pub fn json(&self) -> serde_json::Value {
        json(&self.body)
    }

    /// Asserts a success `status` with a JSON body; the body.
    pub fn expect_json(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.content_type.starts_with("application/json"),
            "content type {:?}",
            self.content_type
        );
        self.json()
    }

    /// Asserts the contract's error: `status`, JSON, exactly `{"error":{"code","message"[,"reason"]}}`
    /// with `code` and a non-empty message. The error object.
    pub fn expect_error(&self, status: u16, code: &str) -> serde_json::Value {
        assert_eq!(
            (self.status, self.error_code().as_deref()),
            (status, Some(code)),
            "{}",
            self.body
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "content type {:?}: {}",
            self.content_type,
            self.body
        );
        let body = self.json();
        let top = body.as_object().expect("an object");
        assert_eq!(top.keys().collect::<Vec<_>>(), ["error"], "{}", self.body);
        let error = body["error"].as_object().expect("an error object");
        assert!(
            error
                .keys()
                .all(|key| ["code", "message", "reason"].contains(&key.as_str())),
            "{}",
            self.body
        );
        let message = error
            .get("message")
            .and_then(|message| message.as_str())
            .unwrap_or_default();
        assert!(!message.trim().is_empty(), "no message: {}", self.body);
        body["error"].clone()
    }

    /// Asserts a 401 session refusal with `code` and, when given, the end `reason`.
    pub fn expect_refusal(&self, code: &str, reason: Option<&str>) {
        let error = self.expect_error(401, code);
        if let Some(reason) = reason {
            assert_eq!(error["reason"].as_str(), Some(reason), "{}", self.body);
        }
    }

    pub fn error_code(&self) -> Option<String> {
        let body: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        body["error"]["code"].as_str().map(str::to_owned)
    }
}

/// Sends `request`; what it answered.
pub async fn api_send(request: reqwest::RequestBuilder) -> ApiReply {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let body = response.text().await.expect("body");
    ApiReply {
        status,
        content_type,
        body,
    }
}

/// The live sessions and the number of ended ones, as the CLI sees the database: what
/// a refused request must leave as it was.
#[derive(Debug, PartialEq)]
pub struct ApiStored {
    pub live: Vec<String>,
    pub ended: usize,
}

impl TestServer {
    /// `sessions app add NAME --format json` on this server's database: the key.
    pub fn api_add_app(&self, name: &str) -> String {
        let created = cli_json(
            &self.database_url,
            &["app", "add", name, "--format", "json"],
        );
        assert_eq!(created["name"].as_str(), Some(name), "{created}");
        created["key"]
            .as_str()
            .unwrap_or_else(|| panic!("no key: {created}"))
            .to_owned()
    }

    /// A request to `/api/v1{path}` with `key` as Bearer (none when `None`).
    pub fn api_request(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .client()
            .request(method, format!("{}/api/v1{path}", self.base));
        match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }

    /// An API call with an optional JSON body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> ApiReply {
        let mut request = self.api_request(method, path, key);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        api_send(request).await
    }

    pub async fn api_post(&self, path: &str, key: &str, body: serde_json::Value) -> ApiReply {
        self.api(reqwest::Method::POST, path, Some(key), Some(&body))
            .await
    }

    /// Creates a session of `user_id` from `ip` (201 asserted): the token and the session.
    pub async fn api_create(
        &self,
        key: &str,
        user_id: &str,
        ip: &str,
    ) -> (String, serde_json::Value) {
        let body =
            serde_json::json!({ "user_id": user_id, "ip": ip, "user_agent": API_USER_AGENT });
        let created = self.api_post("/sessions", key, body).await.expect_json(201);
        let token = created["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {created}"))
            .to_owned();
        (token, created["session"].clone())
    }

    /// Checks `token` from `ip`.
    pub async fn api_check(&self, key: &str, token: &str, ip: &str) -> ApiReply {
        let body = serde_json::json!({ "token": token, "ip": ip, "user_agent": API_USER_AGENT });
        self.api_post("/sessions/check", key, body).await
    }

    /// Live session ids (sorted) and the count of ended sessions, from the CLI.
    pub fn api_stored(&self) -> ApiStored {
        let live = cli_json(&self.database_url, &["list", "--format", "json"]);
        let mut live: Vec<String> = live
            .as_array()
            .expect("a list")
            .iter()
            .map(|session| session["id"].as_str().expect("id").to_owned())
            .collect();
        live.sort_unstable();
        let ended = cli_json(
            &self.database_url,
            &["history", "--limit", "10000", "--format", "json"],
        );
        ApiStored {
            live,
            ended: ended.as_array().expect("a list").len(),
        }
    }

    /// The live session `id` as `sessions list --format json` shows it, if live.
    pub fn api_listed(&self, id: &str) -> Option<serde_json::Value> {
        let live = cli_json(&self.database_url, &["list", "--format", "json"]);
        live.as_array()
            .expect("a list")
            .iter()
            .find(|session| session["id"] == id)
            .cloned()
    }
}

/// Asserts the contract's session object: every field with its type.
pub fn api_assert_session(session: &serde_json::Value) {
    let text = |key: &str| {
        session[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} is not a string: {session}"))
    };
    let id = text("id");
    assert!(
        id.len() == 32
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "id {id}"
    );
    for key in ["user_id", "display_name", "country"] {
        assert!(
            session[key].is_null() || session[key].is_string(),
            "{key}: {session}"
        );
    }
    assert!(
        ["authenticated", "guest"].contains(&text("status")),
        "{session}"
    );
    assert!(["user", "admin"].contains(&text("role")), "{session}");
    for key in [
        "first_ip",
        "last_ip",
        "user_agent",
        "browser",
        "browser_version",
        "os",
        "device",
    ] {
        text(key);
    }
    for key in ["created_at", "last_seen_at", "idle_deadline", "expires_at"] {
        assert!(
            session[key]
                .as_i64()
                .is_some_and(|at| at > 1_600_000_000_000),
            "{key}: {session}"
        );
    }
    let flags = session["flags"]
        .as_array()
        .unwrap_or_else(|| panic!("flags is not a list: {session}"));
    for flag in flags {
        assert!(
            flag["kind"].is_string() && flag["reason"].is_string(),
            "{session}"
        );
    }
}

/// True for a token of the contract's shape: 43 base64url characters.
pub fn api_is_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

// ---- demo helpers ------------------------------------------------------------------------
// `sessions demo` prints where it listens, then a banner with the demo admin's password
// and its throwaway database. These start it, read that banner, and stop it the way a
// person does (SIGTERM, like Ctrl-C), so the test can see it clean up after itself.

/// What `sessions demo` printed after the listening line.
pub struct DemoBanner {
    pub password: String,
    /// The `sqlite://…` URL of the database it uses.
    pub database_url: String,
    pub lines: Vec<String>,
}

impl TestServer {
    /// Starts `sessions demo --addr 127.0.0.1:0 ARGS…` with `env`, reading the banner.
    pub fn start_demo(args: &[&str], env: &[(&str, &str)]) -> (TestServer, DemoBanner) {
        let dir = tempfile::tempdir().expect("temp dir");
        let geo =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/geo/geo-whois-asn-country.mmdb");
        let mut child = Command::new(BIN)
            .args(["demo", "--addr", "127.0.0.1:0", "--geoip-db"])
            .arg(&geo)
            .args(args)
            .env("LEPTOS_SITE_ROOT", dir.path().join("site"))
            .env("RUST_LOG", "info")
            .env_remove("DATABASE_URL")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start demo");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = sender.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let mut seen = Vec::new();
        while !seen
            .iter()
            .any(|line: &String| line.starts_with("Database: "))
        {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => {
                    let _ = child.kill();
                    panic!("the demo never printed its banner; got {seen:?}");
                }
            }
        }
        let first = seen.first().cloned().unwrap_or_default();
        let base = first
            .split_once("listening on ")
            .map(|(_, url)| url.trim().to_owned())
            .unwrap_or_default();
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "the first line is where it listens: {seen:?}"
        );
        let after = |prefix: &str| {
            seen.iter()
                .find_map(|line| line.trim().strip_prefix(prefix))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let password = after("Password: ");
        let database_url = after("Database: ")
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let banner = DemoBanner {
            password,
            database_url: database_url.clone(),
            lines: seen,
        };
        (
            TestServer {
                base,
                database_url,
                child,
                dir,
                printed: lines,
                tls: None,
            },
            banner,
        )
    }

    /// Sends SIGTERM (what Ctrl-C does) and waits up to 10 s for the process to end.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop within 10 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The path of a `sqlite://PATH` URL.
pub fn sqlite_path(database_url: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(database_url.trim_start_matches("sqlite://"))
}
