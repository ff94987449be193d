//! `sessions demo` as a child process, and what it prints.

use super::{TestServer, BIN, START_TIMEOUT};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
