//! The HTTP surface of the real server: cookies, CSRF, bad input, authorisation,
//! revocation across processes, pages and the live channel.

use crate::support::{cli, device_agent, json, refusal_reason, stderr, Delivery, TestServer};
use std::time::{Duration, Instant};

mod authorisation;
mod live;
mod revocation;
mod sign_in;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";
