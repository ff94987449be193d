//! Suspicious-session flags through the engine, on both backends, with the shipped
//! country database: raised at sign-in and on an address move, stored, filtered, kept
//! in history and seen by another process.

use sessions_core::engine::{Actor, ClientInfo, SignedIn};
use sessions_core::geo::{GeoDb, DEFAULT_GEO_DB};
use sessions_core::model::{
    EndReason, FlagKind, HistoryQuery, ListFilter, ListQuery, LiveEvent, Role, Session, SessionId,
};
use sessions_core::store::{EndSelector, Scope};
use sessions_core::Engine;
use std::path::PathBuf;
use std::sync::Arc;

mod support;

use support::{config, Backend, Fixture};

/// Public addresses and the country the shipped database gives them (checked first).
const US: &str = "8.8.8.8";
const SE: &str = "130.237.0.1";

fn geo_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(DEFAULT_GEO_DB)
}

/// The fixture's database under an engine that knows countries.
async fn fixture(backend: Backend) -> (Fixture, Arc<Engine>) {
    let geo = GeoDb::open(Some(&geo_path()));
    assert_eq!(geo.country(US).as_deref(), Some("US"));
    assert_eq!(geo.country(SE).as_deref(), Some("SE"));
    let f = support::fixture(backend, &[("alice", Role::User), ("root", Role::Admin)]).await;
    let mut with_geo = config(&f.url);
    with_geo.geo_db = Some(geo_path());
    let engine = Engine::open_with_clock(&with_geo, f.clock.clone())
        .await
        .expect("open with countries");
    (f, engine)
}

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

async fn sign_in(engine: &Engine, ip: &str) -> SignedIn {
    engine
        .sign_in("alice", "alice-password".into(), &client(ip))
        .await
        .expect("sign in")
}

fn kinds(session: &Session) -> Vec<FlagKind> {
    session.flags.iter().map(|flag| flag.kind).collect()
}

async fn a_new_country_is_flagged_but_never_a_first_sign_in(backend: Backend) {
    let (f, engine) = fixture(backend).await;
    let first = sign_in(&engine, SE).await;
    assert!(first.session.flags.is_empty(), "first sign-in ever");
    f.clock.advance(60_000);
    let same = sign_in(&engine, SE).await;
    assert!(same.session.flags.is_empty(), "a known country");
    f.clock.advance(60_000);
    let new = sign_in(&engine, US).await;
    assert_eq!(kinds(&new.session), vec![FlagKind::NewCountry]);
    assert_eq!(
        new.session.flags[0].reason,
        "First sign-in from US in 30 days"
    );

    // Stored: the list, its Flagged filter, and another process see the flag.
    let flagged = ListQuery {
        filter: ListFilter {
            flagged: true,
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    let page = engine.list(&Actor::Operator, &flagged).await.expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(page.sessions[0].id, new.session.id);
    let other = Engine::open_with_clock(&config(&f.url), f.clock.clone())
        .await
        .expect("another process");
    let seen = other
        .live_session(&SessionId::issued(new.session.id.clone()))
        .await
        .expect("read")
        .expect("live");
    assert_eq!(seen.flags, new.session.flags);

    // Ended, it keeps its flag in history.
    engine
        .end(
            EndSelector::Ids {
                ids: vec![new.session.id.clone()],
                scope: Scope::Everyone,
            },
            EndReason::Killed,
            "root",
        )
        .await
        .expect("kill");
    let history = engine
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(history.sessions[0].flags, new.session.flags);
}

async fn a_burst_of_sign_ins_flags_the_one_past_the_limit(backend: Backend) {
    let (f, engine) = fixture(backend).await;
    for n in 1..=5 {
        let signed = sign_in(&engine, SE).await;
        assert!(signed.session.flags.is_empty(), "sign-in {n}");
        f.clock.advance(10_000);
    }
    let sixth = sign_in(&engine, SE).await;
    assert_eq!(kinds(&sixth.session), vec![FlagKind::SignInBurst]);
    assert_eq!(
        sixth.session.flags[0].reason,
        "6 sign-ins within 10 minutes"
    );
}

async fn a_move_to_another_country_flags_the_live_session_once(backend: Backend) {
    let (f, engine) = fixture(backend).await;
    engine
        .save_settings(
            &[sessions_core::catalogue::SettingChange {
                scope: sessions_core::catalogue::SettingScope::Default,
                key: "allow_ip_change".into(),
                value: Some("true".into()),
            }],
            "root",
            None,
        )
        .await
        .expect("allow moves");
    let signed = sign_in(&engine, SE).await;
    f.clock.advance(1_000);
    let mut events = engine.subscribe();
    engine
        .check(&signed.token, &client(US))
        .await
        .expect("a move is allowed");
    // The check only queued the move: nothing is flagged until it is judged.
    let unjudged = engine
        .live_session(&SessionId::issued(signed.session.id.clone()))
        .await
        .expect("read")
        .expect("live");
    assert!(unjudged.flags.is_empty(), "the check waited for the judge");
    assert_eq!(engine.judge_moves().await, 1);
    // Consoles hear of it with a touch carrying the new address and the flag.
    engine.flush_touches(true).await.expect("flush");
    let touched = loop {
        match events.recv().await.map(|frame| frame.event.clone()) {
            Ok(LiveEvent::Touched { touched }) => break touched,
            Ok(_) => continue,
            Err(err) => panic!("no touch event: {err}"),
        }
    };
    assert_eq!(touched.len(), 1);
    assert_eq!(touched[0].last_ip, US);
    assert_eq!(
        touched[0]
            .flags
            .iter()
            .map(|flag| flag.kind)
            .collect::<Vec<_>>(),
        vec![FlagKind::CountryChange]
    );
    let moved = engine
        .live_session(&SessionId::issued(signed.session.id.clone()))
        .await
        .expect("read")
        .expect("live");
    assert_eq!(kinds(&moved), vec![FlagKind::CountryChange]);
    assert_eq!(
        moved.flags[0].reason,
        "Country changed from SE to US during the session"
    );
    // Back and forth again: the flag is not repeated.
    engine
        .check(&signed.token, &client(SE))
        .await
        .expect("check");
    engine
        .check(&signed.token, &client(US))
        .await
        .expect("check");
    assert_eq!(engine.judge_moves().await, 2);
    let again = engine
        .live_session(&SessionId::issued(signed.session.id.clone()))
        .await
        .expect("read")
        .expect("live");
    assert_eq!(again.flags, moved.flags);
    // A look (no activity) from a new address flags nothing.
    let quiet = sign_in(&engine, SE).await;
    engine.peek(&quiet.token, &client(US)).await.expect("peek");
    assert_eq!(engine.judge_moves().await, 0, "a look queues no move");
    let unflagged = engine
        .live_session(&SessionId::issued(quiet.session.id.clone()))
        .await
        .expect("read")
        .expect("live");
    assert!(unflagged.flags.is_empty());
}

support::on_both_backends!(
    a_new_country_is_flagged_but_never_a_first_sign_in,
    a_burst_of_sign_ins_flags_the_one_past_the_limit,
    a_move_to_another_country_flags_the_live_session_once,
);
