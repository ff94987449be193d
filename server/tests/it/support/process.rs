//! The server as a child process: started on a free port, restarted, killed.

use super::{
    cli, database, database_url, device_agent, stderr, tls, BIN, START_TIMEOUT, USER_AGENT,
};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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
    pub(super) child: Child,
    pub(super) dir: tempfile::TempDir,
    /// What the server prints on stdout after the listening line.
    pub(super) printed: mpsc::Receiver<String>,
    /// The certificate the clients trust, when the server serves HTTPS itself.
    pub(super) tls: Option<tls::TestCert>,
}

impl TestServer {
    /// Creates `users` (name, role, password) with the CLI, then starts the server.
    pub fn start(users: &[(&str, &str, &str)]) -> TestServer {
        Self::start_with_env(users, &[])
    }

    /// `start` with `env` set for the server.
    pub fn start_with_env(users: &[(&str, &str, &str)], env: &[(&str, &str)]) -> TestServer {
        let (dir, database_url) = database();
        add_users(&database_url, users);
        Self::spawn(dir, env)
    }

    /// Creates `users`, then starts `sessions serve ARGS…` with `env`: ARGS stand in for
    /// `--addr 127.0.0.1:0`, so they must say where to listen unless `env` does. Also
    /// returns what the server logs on stderr (the other starts throw it away).
    pub fn start_serve(
        users: &[(&str, &str, &str)],
        args: &[&str],
        env: &[(&str, &str)],
    ) -> (TestServer, ServerLog) {
        let (dir, database_url) = database();
        add_users(&database_url, users);
        let spawned = spawn_serve(dir.path(), &database_url, args, env, Stdio::piped());
        let server = TestServer {
            base: spawned.base,
            database_url,
            child: spawned.child,
            dir,
            printed: spawned.printed,
            tls: None,
        };
        (server, ServerLog(spawned.log.expect("stderr is piped")))
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

    /// SIGKILLs the server and leaves it dead: no graceful shutdown, so it does not
    /// leave the cluster either (its last heartbeat stays in the database).
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
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

    /// An engine on the server's database whose clock runs `ago` behind: what it opens
    /// really is that old.
    pub async fn engine_behind(&self, ago: Duration) -> std::sync::Arc<sessions_core::Engine> {
        use sessions_core::clock::{Clock, ManualClock, SystemClock};
        let config = sessions_core::EngineConfig {
            database_url: self.database_url.clone(),
            secure_cookies: true,
            geo_db: None,
            store: Default::default(),
            staleness_bound: sessions_core::DEFAULT_STALENESS_BOUND,
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
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a server started by `start_serve` logs on stderr, line by line.
pub struct ServerLog(mpsc::Receiver<String>);

impl ServerLog {
    /// Everything it logged, once it has exited (kill it first): stderr is drained to
    /// its end, so nothing logged is missed, however late.
    pub fn after_exit(self) -> String {
        let mut logged = String::new();
        loop {
            match self.0.recv_timeout(START_TIMEOUT) {
                Ok(line) => {
                    logged.push_str(&line);
                    logged.push('\n');
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return logged,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("stderr stayed open: has the server exited? Logged so far:\n{logged}")
                }
            }
        }
    }
}

/// Creates `users` (name, role, password) in the database at `database_url`.
pub fn add_users(database_url: &str, users: &[(&str, &str, &str)]) {
    for (name, role, password) in users {
        let output = cli(
            database_url,
            &["user", "add", name, "--role", role, "--password-stdin"],
            Some(password),
        );
        assert!(
            output.status.success(),
            "user add {name}: {}",
            stderr(&output)
        );
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
    let addr = ["--addr", "127.0.0.1:0"];
    let spawned = spawn_serve(dir, database_url, &addr, env, Stdio::null());
    (spawned.child, spawned.base, spawned.printed)
}

/// A server `spawn_serve` started, once it has said where it listens.
struct Spawned {
    child: Child,
    base: String,
    /// What it prints on stdout after the listening line.
    printed: mpsc::Receiver<String>,
    /// What it logs on stderr, when that is a pipe.
    log: Option<mpsc::Receiver<String>>,
}

/// `spawn_server` with `args` for `--addr 127.0.0.1:0` and its stderr going to `log`
/// (a pipe is drained into `Spawned::log`).
fn spawn_serve(
    dir: &Path,
    database_url: &str,
    args: &[&str],
    env: &[(&str, &str)],
    log: Stdio,
) -> Spawned {
    let mut child = Command::new(BIN)
        .args(["serve", "--database-url", database_url])
        .args(args)
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("RUST_LOG", "info")
        .env_remove("SESSIONS_ADMIN_PASSWORD")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("start server");
    let printed = drain(child.stdout.take().expect("stdout"));
    let log = child.stderr.take().map(drain);
    let line = printed
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
    Spawned {
        child,
        base,
        printed,
        log,
    }
}

/// Reads `pipe` line by line on a thread of its own, so the child never blocks on it.
fn drain(pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (lines, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            let _ = lines.send(line);
        }
    });
    receiver
}
