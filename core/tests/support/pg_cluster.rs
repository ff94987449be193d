//! A throwaway PostgreSQL cluster for tests: one per test binary, started on first use
//! (`initdb` into a temporary folder, a free port, its unix socket in that folder, TLS
//! with a self-signed certificate), and a fresh database for every test.
//!
//! Nothing stops it explicitly: `postgres` runs under a small shell that waits on a
//! pipe from this process and, when the pipe closes (this process ended, however it
//! ended), stops the server and deletes the folder. So a crashed or killed test run
//! leaves nothing behind.
//!
//! Shared by the library's conformance suite (`#[path]`) and the engine test binaries.
//! PostgreSQL missing is a failure with the fix, never a quietly skipped test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Cluster {
    dir: PathBuf,
    port: u16,
    /// The `postgres` options after `-D`, for `pg_ctl start -o` (`OwnCluster`).
    options: Vec<String>,
    /// Closing this pipe (at process exit) stops the server; never written to.
    _keeper: Mutex<ChildStdin>,
    /// The shell watching the pipe; it outlives every test and ends with the process.
    _watcher: Mutex<Child>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// A new, empty database on the shared cluster, as a URL over its unix socket.
pub async fn fresh_database_url() -> String {
    CLUSTER.get_or_init(start).fresh_database_url().await
}

/// A cluster of the caller's own, not the shared one, that it stops and starts again
/// with `pg_ctl` as an operator or an outage would: for fault tests. Dropping it stops
/// the server (the folder goes when the process ends, as the shared one's does).
pub struct OwnCluster(Cluster);

impl OwnCluster {
    pub fn start() -> OwnCluster {
        OwnCluster(start())
    }

    /// A new, empty database on this cluster.
    pub async fn fresh_database_url(&self) -> String {
        self.0.fresh_database_url().await
    }

    /// `pg_ctl stop -m fast`: connections are closed, new ones refused.
    pub fn stop(&self) {
        run(
            &mut self.pg_ctl(&["stop", "-m", "fast", "-w"]),
            "pg_ctl stop",
        );
    }

    /// Starts the server again with the same settings, on the same port.
    pub fn restart(&self) {
        let log = self.0.dir.join("postgres.log");
        let options = self.0.options.join(" ");
        let mut pg_ctl = self.pg_ctl(&["start", "-w", "-o", &options]);
        pg_ctl.arg("-l").arg(log);
        run(&mut pg_ctl, "pg_ctl start");
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut command = as_user(is_root(), &bin_dir().join("pg_ctl"));
        command.arg("-D").arg(self.0.dir.join("data")).args(args);
        command
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        // A server started by `restart` is not the watcher's child: stop it here.
        let _ = self
            .pg_ctl(&["stop", "-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The same database over TCP with TLS required (the cluster has a self-signed certificate).
pub fn over_tls(url: &str) -> String {
    let cluster = CLUSTER
        .get()
        .expect("the cluster is started by fresh_database_url");
    let database = url
        .split_once('?')
        .map_or(url, |(path, _)| path)
        .rsplit('/')
        .next()
        .unwrap_or("postgres");
    format!(
        "postgres://postgres@127.0.0.1:{}/{database}?sslmode=require",
        cluster.port
    )
}

async fn connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url)
        .await
        .expect("connect to the test cluster")
}

impl Cluster {
    async fn fresh_database_url(&self) -> String {
        let name = format!("test_{}", NEXT_DATABASE.fetch_add(1, Ordering::SeqCst));
        let admin = self.url_over_socket("postgres");
        let mut connection = connect(&admin).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut connection)
            .await
            .expect("create a test database");
        self.url_over_socket(&name)
    }

    fn url_over_socket(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{}/{database}?host={}",
            self.port,
            self.dir.display()
        )
    }
}

fn start() -> Cluster {
    let bin = bin_dir();
    let as_root = is_root();
    let dir = tempfile::Builder::new()
        .prefix("sessions-pg-")
        .tempdir()
        .expect("temp dir")
        .keep();
    if as_root {
        // initdb and postgres refuse to run as root: the folder and the server belong
        // to the `postgres` user the Debian package creates.
        run(
            Command::new("chown").arg("postgres:postgres").arg(&dir),
            "chown the cluster folder",
        );
    }
    let data = dir.join("data");
    let mut initdb = as_user(as_root, &bin.join("initdb"));
    initdb.arg("--pgdata").arg(&data).args([
        "--auth=trust",
        "--username=postgres",
        "--encoding=UTF8",
        "--no-sync",
        "--no-instructions",
    ]);
    run(&mut initdb, "initdb");
    let tls = make_certificate(as_root, &dir);
    let port = free_port();
    let log = dir.join("postgres.log");
    let mut options: Vec<String> = vec![
        "-p".into(),
        port.to_string(),
        "-k".into(),
        dir.display().to_string(),
        // Durability is not under test here; speed is.
        "-c".into(),
        "listen_addresses=127.0.0.1".into(),
        "-c".into(),
        "fsync=off".into(),
        "-c".into(),
        "synchronous_commit=off".into(),
        "-c".into(),
        "full_page_writes=off".into(),
        "-c".into(),
        "max_connections=300".into(),
    ];
    if tls {
        options.extend(["-c".into(), "ssl=on".into()]);
    }
    let mut server = vec![
        bin.join("postgres").display().to_string(),
        "-D".into(),
        data.display().to_string(),
    ];
    server.extend(options.iter().cloned());
    let quoted: Vec<String> = server.iter().map(|word| format!("'{word}'")).collect();
    let script = format!(
        "{} >'{}' 2>&1 & pid=$!; read _ignored; kill -INT $pid; wait $pid; rm -rf '{}'",
        quoted.join(" "),
        log.display(),
        dir.display()
    );
    let mut shell = as_user(as_root, Path::new("/bin/sh"));
    shell
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = shell.spawn().expect("start postgres");
    let keeper = child.stdin.take().expect("the keeper pipe");
    wait_until_ready(&data, &log);
    Cluster {
        dir,
        port,
        options,
        _keeper: Mutex::new(keeper),
        _watcher: Mutex::new(child),
    }
}

/// Where `initdb` and `postgres` are: `SESSIONS_PG_BIN`, then `initdb` on PATH, then
/// the newest Debian package folder.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SESSIONS_PG_BIN") {
        return PathBuf::from(dir);
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|dir| dir.join("initdb").is_file() && dir.join("postgres").is_file())
    });
    if let Some(dir) = on_path {
        return dir;
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    debian.retain(|dir| dir.join("initdb").is_file());
    debian.sort_by_key(|dir| {
        dir.parent()
            .and_then(|version| version.file_name())
            .and_then(|name| name.to_str())
            .and_then(|name| name.parse::<u32>().ok())
            .unwrap_or(0)
    });
    debian.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed, and the PostgreSQL backend's tests need it (initdb and \
             postgres, no server running). Install it with `bash scripts/setup.sh --test` (Debian's \
             `postgresql` package), or set SESSIONS_PG_BIN to the folder holding initdb."
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

fn as_user(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command, what: &str) {
    let out = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed certificate in the data folder, so `sslmode=require` can be tested.
/// Without `openssl` the cluster runs without TLS and the TLS test says so.
fn make_certificate(as_root: bool, dir: &Path) -> bool {
    let data = dir.join("data");
    let mut openssl = as_user(as_root, Path::new("openssl"));
    openssl
        .args([
            "req",
            "-new",
            "-x509",
            "-days",
            "2",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-newkey",
            "rsa:2048",
        ])
        .arg("-keyout")
        .arg(data.join("server.key"))
        .arg("-out")
        .arg(data.join("server.crt"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let made = openssl
        .status()
        .map(|status| status.success())
        .unwrap_or(false);
    // PostgreSQL refuses a key that others may read.
    use std::os::unix::fs::PermissionsExt;
    made && std::fs::set_permissions(
        data.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .is_ok()
}

/// A port nothing listens on right now, picked by the OS (another process could take it
/// before it is bound; rare enough on a test machine).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// `postmaster.pid` ends in `ready` once the server accepts connections.
fn wait_until_ready(data: &Path, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = std::fs::read_to_string(data.join("postmaster.pid")).unwrap_or_default();
        if status
            .lines()
            .nth(7)
            .is_some_and(|line| line.trim() == "ready")
        {
            return;
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("the test PostgreSQL did not start within 30 s; its log:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
