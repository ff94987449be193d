//! The command line against a real database file: messages and exit codes scripts can
//! rely on, and its view of (and power over) the sessions of a running server.

use crate::support::{
    cli, database, device_agent, json, missing_database, sqlite_path, stderr, stdout, TestServer,
};
use std::time::{Duration, Instant};

mod database;
mod history;
mod sessions;
mod settings;
mod users;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];
const CSV_HEADER: &str =
    "ID,User,App,Status,Role,IP,Country,Browser/OS,Signed in,Last seen,Expires,Flags";
