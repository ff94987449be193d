//! Suspicious-session flags as pure functions of the user's recent sessions and the
//! new arrival (a sign-in, or a live session's address moving), at an injected `now`.
//! The engine fetches the history (`PolicyStore::sign_in_history`) and stores what
//! these return with the session; nothing here is refused, flags only inform.

use super::DAY_MS;
use crate::flag::{FlagKind, SessionFlag};
use crate::model::{Millis, HOUR_MS, MINUTE_MS};
use std::collections::HashSet;

/// How far back a country counts as "known" for the user. A month covers people who
/// sign in weekly or travel for work, and matches the window the issue asks for.
pub const LOOK_BACK_MS: Millis = 30 * DAY_MS;

/// The short window in which many distinct addresses look like a shared or stolen
/// credential rather than one person moving between home, phone and office.
pub const ADDRESS_WINDOW_MS: Millis = HOUR_MS;

/// Addresses in `ADDRESS_WINDOW_MS` that are never unusual: home, mobile data and an
/// office or VPN is three. More than this (or than the user's usual, if higher) flags.
pub const ADDRESS_FLOOR: usize = 3;

/// The window of a sign-in burst. Ten minutes catches scripted sign-ins, and is longer
/// than the throttle's lock-out so a paced credential-stuffing run still shows.
pub const BURST_WINDOW_MS: Millis = 10 * MINUTE_MS;

/// Sign-ins of one account in `BURST_WINDOW_MS` that are still normal: a person with a
/// laptop, a phone and a tablet who signs in again on a couple of them. The next flags.
pub const BURST_MAX: usize = 5;

/// What the flags need to know of one of the user's sessions. `country` is the one of
/// its first address (the store keeps no country for later addresses).
#[derive(Clone, Debug, PartialEq)]
pub struct SignInFact {
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub first_ip: String,
    pub last_ip: String,
    pub country: Option<String>,
}

/// The user's sessions seen within the look-back window, and whether they had any
/// older one: with neither, this is their first sign-in ever and nothing is flagged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SignInHistory {
    pub facts: Vec<SignInFact>,
    pub earlier: bool,
}

impl SignInHistory {
    fn is_first_ever(&self) -> bool {
        self.facts.is_empty() && !self.earlier
    }

    /// Facts last seen after `since` (strictly: a session seen exactly at the edge has left).
    fn seen_after(&self, since: Millis) -> impl Iterator<Item = &SignInFact> {
        self.facts
            .iter()
            .filter(move |fact| fact.last_seen_at > since)
    }
}

/// Where a session arrives from: a new sign-in's address, or a live session's new one.
#[derive(Clone, Copy, Debug)]
pub struct Arrival<'a> {
    pub ip: &'a str,
    pub country: Option<&'a str>,
}

/// The flags of a new sign-in of a user with `history` (not containing this sign-in).
pub fn on_sign_in(history: &SignInHistory, arrival: Arrival<'_>, now: Millis) -> Vec<SessionFlag> {
    if history.is_first_ever() {
        return Vec::new();
    }
    [
        new_country(history, arrival, now),
        many_addresses(history, arrival.ip, now),
        sign_in_burst(history, now),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The flags of a live session whose address moved to `arrival`; `history` contains
/// the session itself (at its previous address), `from_country` is its own country.
pub fn on_move(
    history: &SignInHistory,
    from_country: Option<&str>,
    arrival: Arrival<'_>,
    now: Millis,
) -> Vec<SessionFlag> {
    [
        country_change(from_country, arrival.country),
        many_addresses(history, arrival.ip, now),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A country none of the user's sessions seen in the look-back window came from. An
/// unknown country says nothing either way.
fn new_country(history: &SignInHistory, arrival: Arrival<'_>, now: Millis) -> Option<SessionFlag> {
    let country = arrival.country?;
    let known = history
        .seen_after(now - LOOK_BACK_MS - 1)
        .any(|fact| fact.country.as_deref() == Some(country));
    (!known).then(|| {
        SessionFlag::new(
            FlagKind::NewCountry,
            format!(
                "First sign-in from {country} in {} days",
                LOOK_BACK_MS / DAY_MS
            ),
        )
    })
}

fn country_change(from: Option<&str>, to: Option<&str>) -> Option<SessionFlag> {
    match (from, to) {
        (Some(from), Some(to)) if from != to => Some(SessionFlag::new(
            FlagKind::CountryChange,
            format!("Country changed from {from} to {to} during the session"),
        )),
        _ => None,
    }
}

/// More distinct addresses within `ADDRESS_WINDOW_MS` (this one included) than the
/// floor and than the user's usual: their distinct addresses over the look-back window
/// spread per day, so someone who always roams through many addresses is not flagged
/// for doing so within an hour.
fn many_addresses(history: &SignInHistory, ip: &str, now: Millis) -> Option<SessionFlag> {
    let addresses = |since: Millis| -> HashSet<&str> {
        history
            .seen_after(since)
            .flat_map(|fact| [fact.first_ip.as_str(), fact.last_ip.as_str()])
            .chain([ip])
            .collect()
    };
    let in_window = addresses(now - ADDRESS_WINDOW_MS).len();
    let per_day = addresses(now - LOOK_BACK_MS - 1)
        .len()
        .div_ceil((LOOK_BACK_MS / DAY_MS) as usize);
    let usual = ADDRESS_FLOOR.max(per_day);
    (in_window > usual).then(|| {
        SessionFlag::new(
            FlagKind::ManyAddresses,
            format!(
                "{in_window} addresses within {} (usually at most {usual})",
                duration_text(ADDRESS_WINDOW_MS)
            ),
        )
    })
}

/// More than `BURST_MAX` sign-ins (this one included) created within `BURST_WINDOW_MS`.
/// Failed attempts are the throttle's business; this counts sessions that were opened.
fn sign_in_burst(history: &SignInHistory, now: Millis) -> Option<SessionFlag> {
    let since = now - BURST_WINDOW_MS;
    let count = 1 + history
        .facts
        .iter()
        .filter(|fact| fact.created_at > since)
        .count();
    (count > BURST_MAX).then(|| {
        SessionFlag::new(
            FlagKind::SignInBurst,
            format!("{count} sign-ins within {}", duration_text(BURST_WINDOW_MS)),
        )
    })
}

fn duration_text(ms: Millis) -> String {
    match ms {
        HOUR_MS => "an hour".to_owned(),
        ms if ms % HOUR_MS == 0 => format!("{} hours", ms / HOUR_MS),
        ms => format!("{} minutes", ms / MINUTE_MS),
    }
}

#[cfg(test)]
#[path = "flags_tests.rs"]
mod tests;
