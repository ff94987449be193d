//! Runs the real `sessions` binary on a free port against a fresh SQLite file.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_sessions");

pub struct TestServer {
    pub base: String,
    pub database_url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Creates `users` (name, role, password) with the CLI, then starts the server.
    pub fn start(users: &[(&str, &str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!("sqlite://{}", dir.path().join("test.db").display());
        for (name, role, password) in users {
            let output = cli(&database_url, &["user", "add", name, "--role", role, "--password-stdin"], Some(password));
            assert!(output.status.success(), "user add {name}: {}", String::from_utf8_lossy(&output.stderr));
        }
        let (child, base) = spawn_server(&dir, &database_url);
        TestServer { base, database_url, child, _dir: dir }
    }

    /// SIGKILLs the server (no graceful shutdown at all) and starts a new one on the same file.
    pub fn kill_and_restart(mut self) -> TestServer {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
        let (child, base) = spawn_server(&self._dir, &self.database_url);
        self.child = child;
        self.base = base;
        self
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client")
    }

    /// Calls a server function the way our pages do (same-origin proof included).
    pub async fn call(&self, name: &str, cookie: Option<&str>, form: &str) -> (u16, String) {
        let mut request = self
            .client()
            .post(format!("{}/rpc/{name}", self.base))
            .header("Origin", &self.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned());
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Signs in and returns the `name=value` cookie pair and the full Set-Cookie header.
    pub async fn sign_in(&self, user: &str, password: &str) -> (String, String) {
        let response = self
            .client()
            .post(format!("{}/rpc/sign_in", self.base))
            .header("Origin", &self.base)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("username={user}&password={password}"))
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status().as_u16(), 200, "sign in as {user}");
        let header = response.headers()["set-cookie"].to_str().expect("ascii").to_owned();
        let pair = header.split(';').next().expect("pair").to_owned();
        (pair, header)
    }

    pub async fn session_id(&self, cookie: &str) -> String {
        let (status, body) = self.call("whoami", Some(cookie), "").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["session_id"].as_str().expect("id").to_owned()
    }
}

/// Starts `sessions serve` on a free port; returns the child and its base URL.
fn spawn_server(dir: &tempfile::TempDir, database_url: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", database_url])
        .env("LEPTOS_SITE_ROOT", dir.path().join("site"))
        .env("RUST_LOG", "warn")
        .env_remove("SESSIONS_ADMIN_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
    let base = line.trim().rsplit(' ').next().expect("address").to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "unexpected first line {line:?}");
    (child, base)
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a CLI command against `database_url`, optionally feeding `stdin`.
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
        input.write_all(format!("{text}\n").as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("cli output")
}
