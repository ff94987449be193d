//! The traffic generator: simulated people signing in and out of the demo
//! applications, guests arriving and leaving, sessions being checked, now and then a
//! phone changing networks. It calls the engine directly (the same calls the HTTP API
//! makes), so what the console shows is exactly what real applications would cause.
//!
//! The pace is tuned for watching: the console changes every second or two, and the
//! number of live sessions wanders around `TARGET`, never above `HIGH`. When sessions
//! vanish because someone killed them in the console, the generator hears it on the
//! live channel and fills the console up again within seconds.

use super::cast::{self, DemoApp, APPS, PEOPLE, PLACES};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::Rng;
use sessions_core::engine::{AppSignIn, ClientInfo};
use sessions_core::hub::Frame;
use sessions_core::model::{LiveEvent, Role};
use sessions_core::token::Token;
use sessions_core::Engine;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::TryRecvError;

/// Sessions opened in the first seconds, so the console is full at first sight.
const SEED_SESSIONS: usize = 40;
/// Pause between two seeded sessions (40 × 60 ms ≈ 2.4 s: they visibly pour in).
const SEED_PAUSE: Duration = Duration::from_millis(60);
/// The number of live sessions the traffic settles around: people leave at a rate
/// proportional to how many are in, arrivals come at a steady rate, so the count
/// wanders around this value instead of drifting off.
const TARGET: usize = 45;
/// Below this many (someone pressed "Kill all") the generator refills in bursts...
const LOW: usize = 20;
/// ...and above this many it only signs people out.
const HIGH: usize = 75;
/// The pause between two steps is drawn from this range, in milliseconds.
const STEP_PAUSE_MS: std::ops::Range<u64> = 500..2000;

/// A session the generator opened and believes live.
struct Live {
    id: String,
    app: &'static str,
    /// Index into `PEOPLE`; `None` for a guest.
    person: Option<usize>,
    mobile: bool,
    token: Token,
    client: ClientInfo,
}

pub struct Traffic {
    engine: Arc<Engine>,
    rng: StdRng,
    live: Vec<Live>,
}

impl Traffic {
    pub fn new(engine: Arc<Engine>, rng: StdRng) -> Traffic {
        Traffic {
            engine,
            rng,
            live: Vec::new(),
        }
    }

    /// Runs until the task is aborted (at shutdown).
    pub async fn run(mut self) {
        let mut events = self.engine.subscribe();
        for _ in 0..SEED_SESSIONS {
            self.arrive().await;
            tokio::time::sleep(SEED_PAUSE).await;
        }
        loop {
            let pause = self.rng.random_range(STEP_PAUSE_MS);
            tokio::time::sleep(Duration::from_millis(pause)).await;
            self.forget_ended(&mut events);
            self.step().await;
        }
    }

    /// One step: a sign-in, a sign-out or a network change, then a few checks.
    async fn step(&mut self) {
        let live = self.live.len();
        if live < LOW {
            // Someone pressed "Kill all": refill quickly rather than one per step.
            for _ in 0..self.rng.random_range(3..=6) {
                self.arrive().await;
            }
        } else {
            // Weights of: arrive, leave, change network.
            let weights: [u32; 3] = if live > HIGH {
                [0, 1, 0]
            } else {
                [20, (20 * live / TARGET) as u32, 2]
            };
            match pick_weighted(&mut self.rng, &weights) {
                0 => self.arrive().await,
                1 => self.leave().await,
                _ => self.change_network().await,
            }
        }
        let checks = self.rng.random_range(2..=5);
        self.check_some(checks).await;
    }

    /// A new visitor: a guest, or one of the people signing in on a device where
    /// they are not signed in yet.
    async fn arrive(&mut self) {
        let app = pick_app(&mut self.rng);
        if self.rng.random_bool(app.guest_share) {
            self.open_guest(app).await;
        } else {
            self.sign_in(app).await;
        }
    }

    async fn open_guest(&mut self, app: &'static DemoApp) {
        let place = PLACES.choose(&mut self.rng).unwrap_or(&PLACES[0]);
        let mobile = self.rng.random_bool(0.5);
        let agents = if mobile {
            cast::MOBILE_AGENTS
        } else {
            cast::DESKTOP_AGENTS
        };
        let user_agent = agents.choose(&mut self.rng).copied().unwrap_or_default();
        let client = ClientInfo {
            ip: format!("{}.{}", place.prefix, self.rng.random_range(2..=254)),
            user_agent: user_agent.to_owned(),
        };
        match self.engine.open_guest_session(app.name, &client).await {
            Ok(signed_in) => self.live.push(Live {
                id: signed_in.session.id,
                app: app.name,
                person: None,
                mobile,
                token: signed_in.token,
                client,
            }),
            Err(err) => tracing::debug!(error = %err, "demo: a guest was refused"),
        }
    }

    async fn sign_in(&mut self, app: &'static DemoApp) {
        let busy: HashSet<(usize, bool, &str)> = self
            .live
            .iter()
            .filter_map(|live| live.person.map(|person| (person, live.mobile, live.app)))
            .collect();
        let mobile = self.rng.random_bool(0.4);
        let mut people: Vec<usize> = (0..PEOPLE.len()).collect();
        people.shuffle(&mut self.rng);
        let Some(index) = people
            .into_iter()
            .find(|&person| !busy.contains(&(person, mobile, app.name)))
        else {
            return;
        };
        let client = home_client(index, mobile);
        self.open_person(app.name, index, mobile, client).await;
    }

    async fn open_person(
        &mut self,
        app: &'static str,
        index: usize,
        mobile: bool,
        client: ClientInfo,
    ) {
        let person = &PEOPLE[index];
        let sign_in = AppSignIn {
            user_id: person.user_id.to_owned(),
            display_name: Some(person.name.to_owned()),
            role: if person.admin {
                Role::Admin
            } else {
                Role::User
            },
            client: client.clone(),
        };
        match self.engine.open_app_session(app, sign_in).await {
            Ok(signed_in) => self.live.push(Live {
                id: signed_in.session.id,
                app,
                person: Some(index),
                mobile,
                token: signed_in.token,
                client,
            }),
            Err(err) => tracing::debug!(error = %err, "demo: a sign-in was refused"),
        }
    }

    /// Someone signs out (a guest closes the tab: the shop ends its guest session).
    async fn leave(&mut self) {
        if self.live.is_empty() {
            return;
        }
        let index = self.rng.random_range(0..self.live.len());
        let live = self.live.swap_remove(index);
        if let Err(err) = self
            .engine
            .end_app_session_by_token(live.app, &live.token)
            .await
        {
            tracing::debug!(error = %err, "demo: a sign-out failed");
        }
    }

    /// A phone moves from Wi-Fi to the mobile network. With the default policy (IP
    /// changes not allowed) its next check ends the session ("IP change" in History);
    /// the person then signs in again from the new address, as people do.
    async fn change_network(&mut self) {
        let phones: Vec<usize> = (0..self.live.len())
            .filter(|&i| self.live[i].mobile && self.live[i].person.is_some())
            .collect();
        let Some(&index) = phones.choose(&mut self.rng) else {
            return;
        };
        let live = self.live.swap_remove(index);
        let Some(person) = live.person else { return };
        let mut client = live.client.clone();
        let place = cast::place_of(PEOPLE[person].country);
        client.ip = format!("{}.{}", place.prefix, self.rng.random_range(200..=254));
        match self.engine.check_for(live.app, &live.token, &client).await {
            Ok(_) => self.live.push(Live {
                client: client.clone(),
                ..live
            }),
            Err(_) => self.open_person(live.app, person, true, client).await,
        }
    }

    /// Requests from a few signed-in browsers: each is a session check (a touch).
    /// A check that is refused means the session ended elsewhere; forget it.
    async fn check_some(&mut self, count: usize) {
        for _ in 0..count.min(self.live.len()) {
            let index = self.rng.random_range(0..self.live.len());
            let live = &self.live[index];
            if self
                .engine
                .check_for(live.app, &live.token, &live.client)
                .await
                .is_err()
            {
                self.live.swap_remove(index);
            }
        }
    }

    /// Drops sessions the live channel says have ended (killed in the console, ended
    /// by a policy change...), so the generator's count matches what the console shows.
    fn forget_ended(&mut self, events: &mut tokio::sync::broadcast::Receiver<Arc<Frame>>) {
        let mut ended = HashSet::new();
        loop {
            match events.try_recv() {
                Ok(frame) => {
                    if let LiveEvent::Ended { sessions } = &frame.event {
                        ended.extend(sessions.iter().map(|session| session.id.clone()));
                    }
                }
                Err(TryRecvError::Lagged(_)) => continue,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        if !ended.is_empty() {
            self.live.retain(|live| !ended.contains(&live.id));
        }
    }
}

/// Where a person signs in from: their own address at home (one per person and
/// device, so the IP column looks like real people), with their laptop or phone.
fn home_client(person: usize, mobile: bool) -> ClientInfo {
    let place = cast::place_of(PEOPLE[person].country);
    let (host, user_agent) = if mobile {
        (100 + person, cast::mobile_of(person))
    } else {
        (10 + person, cast::desktop_of(person))
    };
    ClientInfo {
        ip: format!("{}.{host}", place.prefix),
        user_agent: user_agent.to_owned(),
    }
}

fn pick_app(rng: &mut StdRng) -> &'static DemoApp {
    let weights: Vec<u32> = APPS.iter().map(|app| app.weight).collect();
    &APPS[pick_weighted(rng, &weights)]
}

/// An index drawn with probability proportional to its weight.
fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for (index, &weight) in weights.iter().enumerate() {
        if ticket < weight {
            return index;
        }
        ticket -= weight;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weights_are_respected() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut counts = [0u32; 3];
        for _ in 0..10_000 {
            counts[pick_weighted(&mut rng, &[1, 0, 3])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > counts[0] * 2, "{counts:?}");
    }

    #[test]
    fn home_addresses_stay_in_one_octet() {
        for person in 0..PEOPLE.len() {
            for mobile in [false, true] {
                let ip: std::net::Ipv4Addr = home_client(person, mobile)
                    .ip
                    .parse()
                    .expect("an IPv4 address");
                assert!(ip.octets()[3] >= 2, "{ip}");
            }
        }
    }
}
