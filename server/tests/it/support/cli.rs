//! The CLI against a database file, and the database files themselves.

use super::{json, BIN};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

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

pub(super) fn database_url(dir: &Path) -> String {
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

/// The path of a `sqlite://PATH` URL.
pub fn sqlite_path(database_url: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(database_url.trim_start_matches("sqlite://"))
}
