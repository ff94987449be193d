//! Memory of the check cache per cached session: the process's resident memory before
//! and after caching N sessions shaped like real ones (distinct ids, users and
//! addresses; user agents from a small set, as real traffic has). A benchmark, not a
//! test. Run (debug or release: the bytes are the same):
//! `cargo build -p sessions-core -p app -p server --features app/ssr --example cache_memory`
//! then `N=100000 target/debug/examples/cache_memory`. Results:
//! bench/results-cache-memory.md.

use sessions_core::cache::SessionCache;
use sessions_core::model::{AgentInfo, DeviceClass, Role, Session, SessionStatus};
use sessions_core::token::Token;

/// The process's resident memory, in KiB (Linux).
fn rss_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

const AGENTS: &[(&str, &str, &str, &str, DeviceClass)] = &[
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome", "131.0.0.0", "Windows 10", DeviceClass::Desktop),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari", "18.1", "Mac OSX", DeviceClass::Desktop),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox", "133.0", "Linux", DeviceClass::Desktop),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari", "18.1", "iPhone", DeviceClass::Phone),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome", "131.0.0.0", "Android", DeviceClass::Phone),
];

fn session(n: usize) -> Session {
    let (user_agent, browser, version, os, device) = AGENTS[n % AGENTS.len()];
    let ip = format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256);
    Session {
        id: format!(
            "{:032x}",
            (n as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
        ),
        application: "console".into(),
        user_id: Some(n as i64 % 20_000),
        external_user_id: None,
        username: Some(format!("user{}", n % 20_000)),
        status: SessionStatus::Authenticated,
        role: Role::User,
        first_ip: ip.clone(),
        last_ip: ip,
        user_agent: user_agent.into(),
        agent: AgentInfo {
            browser: browser.into(),
            browser_version: version.into(),
            os: os.into(),
            device,
        },
        country: Some("SE".into()),
        created_at: 1_800_000_000_000,
        last_seen_at: 1_800_000_000_000,
        idle_deadline: 1_800_001_800_000,
        expires_at: 1_800_043_200_000,
        ended_at: None,
        end_reason: None,
        ended_by: None,
        flags: Vec::new(),
    }
}

fn main() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    // Tokens and sessions are made first: only what the cache keeps is counted.
    let input: Vec<_> = (0..n)
        .map(|i| (Token::generate().hash(), session(i)))
        .collect();
    let cache = SessionCache::default();
    let before = rss_kib();
    for (hash, session) in &input {
        cache.insert(*hash, session);
    }
    let after = rss_kib();
    assert_eq!(cache.len(), n);
    let per_session = (after - before) as f64 * 1024.0 / n as f64;
    println!(
        "{n} cached sessions: RSS +{} KiB, {per_session:.0} bytes per cached session",
        after - before
    );
}
