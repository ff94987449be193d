//! Only what a person does counts as activity. An open tab keeps asking for its data
//! (lists, counts, settings, history, analytics, who is signed in) and reopens its live
//! channel whenever it drops; none of that may keep its session from going idle. What
//! the person does (a page load, an action, the page's "still here" after a click) does.

use crate::support::{cli_ok, json, refusal_reason, Args, Delivery, Live, TestServer};
use serde_json::json as value;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Error;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];
const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";
const IDLE: Duration = Duration::from_secs(60);
const REFRESH_EVERY: Duration = Duration::from_secs(2);

/// An open tab nobody touches: the reads its page makes by itself, all of which must
/// succeed while the session is live, and its live channel.
struct Tab<'a> {
    name: &'static str,
    server: &'a TestServer,
    cookie: String,
    signed_in: Instant,
    reads: Vec<(&'static str, Args)>,
    live: Live,
}

impl<'a> Tab<'a> {
    async fn open(
        name: &'static str,
        server: &'a TestServer,
        cookie: String,
        signed_in: Instant,
        reads: Vec<(&'static str, Args)>,
    ) -> Tab<'a> {
        let live = server
            .live(Some(&cookie))
            .await
            .expect("live channel opens");
        Tab {
            name,
            server,
            cookie,
            signed_in,
            reads,
            live,
        }
    }

    /// Refreshes like its page until the session is refused: its name, why, how long
    /// after the sign-in, and the channel open at that moment.
    async fn until_refused(mut self) -> (&'static str, String, Duration, Live) {
        loop {
            if let Err(reason) = self.refresh().await {
                return (self.name, reason, self.signed_in.elapsed(), self.live);
            }
            assert!(
                self.signed_in.elapsed() < IDLE + Duration::from_secs(15),
                "{} still live after {:?}",
                self.name,
                self.signed_in.elapsed()
            );
            tokio::time::sleep(REFRESH_EVERY).await;
        }
    }

    /// One round of every read, then a reconnect of the live channel.
    async fn refresh(&mut self) -> Result<(), String> {
        for (name, args) in &self.reads {
            let cookie = Some(self.cookie.as_str());
            let (status, body) = self.server.call_args(name, cookie, args).await;
            if status == 401 {
                return Err(refusal_reason(&body).unwrap_or_default());
            }
            assert_eq!(status, 200, "{} {name}: {body}", self.name);
        }
        // The new channel opens before the old one is dropped, so one is always open to
        // be told of the end, even when it is this reconnect that finds it.
        self.live = match self.server.live(Some(&self.cookie)).await {
            Ok(live) => live,
            Err(Error::Http(refused)) if refused.status() == 401 => {
                let body = String::from_utf8_lossy(refused.body().as_deref().unwrap_or_default());
                return Err(refusal_reason(&body).unwrap_or_default());
            }
            Err(err) => panic!("{} live channel: {err}", self.name),
        };
        Ok(())
    }
}

#[tokio::test]
async fn untouched_console_and_account_tabs_go_idle_on_time_whatever_they_refresh() {
    let server = TestServer::start(USERS);
    cli_ok(
        &server.database_url,
        &["settings", "set", "idle_timeout_minutes", "1"],
    );
    let watcher = server.sign_in("admin", "admin-password-1").await.cookie;
    let watcher_signed_in = Instant::now();
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_signed_in = Instant::now();
    // Traffic elsewhere keeps the server busy meanwhile (another admin works).
    let worker = server
        .sign_in_from(
            "admin",
            "admin-password-1",
            "Mozilla/5.0 (X11; Linux x86_64) Worker/1",
        )
        .await
        .cookie;
    // A session that stays live all along, for the console's detail read.
    let worker_id = server.session_id(&worker).await;

    // Every read an admin page makes by itself (console, kill confirmation, settings,
    // history, applications, analytics): each is a "viewing" call in app/src/*_api.rs.
    let history = value!({ "query":
        { "user": "", "reason": null, "from": null, "until": null, "after": null, "limit": 50 } });
    let report = value!({ "query": { "range": "Day", "since": "", "until": "", "app": "" } });
    let console = Tab::open(
        "console",
        &server,
        watcher,
        watcher_signed_in,
        vec![
            ("whoami", Args::Form(String::new())),
            ("session_facets", Args::Form(String::new())),
            ("list_sessions", Args::Form(LIST.into())),
            ("live_session", Args::Form(format!("id={worker_id}"))),
            ("get_settings", Args::Json(value!({}))),
            ("settings_changes", Args::Json(value!({}))),
            ("session_history", Args::Json(history)),
            ("list_applications", Args::Json(value!({}))),
            ("analytics_report", Args::Json(report)),
        ],
    )
    .await;
    // And those of a user's "My sessions".
    let account = Tab::open(
        "my sessions",
        &server,
        alice,
        alice_signed_in,
        vec![
            ("whoami", Args::Form(String::new())),
            ("my_sessions", Args::Form(LIST.into())),
        ],
    )
    .await;

    // The other admin clicks on the tabs' beat until both have ended.
    let working = async {
        loop {
            let (status, body) = server.call("still_here", Some(&worker), "").await;
            assert_eq!(status, 200, "the working admin stays signed in: {body}");
            tokio::time::sleep(REFRESH_EVERY).await;
        }
    };
    // Both tabs wait out the same minute.
    let ended = tokio::select! {
        ended = async { tokio::join!(console.until_refused(), account.until_refused()) } => ended,
        _ = working => unreachable!("the worker never stops"),
    };

    for (tab, reason, after, mut live) in [ended.0, ended.1] {
        assert_eq!(reason, "idle", "{tab}");
        assert!(
            after >= IDLE,
            "{tab} ended after {after:?}, before its idle timeout"
        );
        // Its open channel is told why, as for a kill, then closed.
        let events = live.until(|event| event["type"] == "signed_out").await;
        assert_eq!(
            events.last(),
            Some(&json(r#"{"type":"signed_out","reason":"idle"}"#)),
            "{tab}"
        );
        assert!(
            matches!(live.next().await, Delivery::Closed(_)),
            "the server closes the {tab} channel"
        );
    }
    // The working admin, whose clicks counted, is still signed in.
    assert_eq!(server.call("whoami", Some(&worker), "").await.0, 200);
}
