//! An event serialised once for everyone who may see it: the whole event for admins,
//! and for each user concerned only their own part of it, looked up by user id. A
//! batch of 10,000 ends costs two serialisations, not one per open channel.

use crate::model::{LiveEvent, Session, TouchedSession};
use bytes::Bytes;
use serde::Serialize;
use std::collections::HashMap;

pub struct Frame {
    /// The event itself, for listeners in this process (the demo traffic generator).
    pub event: LiveEvent,
    /// The whole event as JSON text: what admins see.
    pub admin: Bytes,
    /// Per user id, the JSON of only that user's sessions in the event. Guests and
    /// application users have no console account: their sessions are for admins only.
    users: HashMap<i64, Bytes>,
}

impl Frame {
    pub(super) fn build(event: LiveEvent) -> Frame {
        let admin = json(&event);
        let users = match (&event, event.user_id()) {
            (LiveEvent::SignedOut { .. }, _) => HashMap::new(),
            // All about one user (the usual case): they see exactly what admins see.
            (_, Some(user)) => HashMap::from([(user, admin.clone())]),
            (LiveEvent::Touched { touched }, None) => {
                per_user(touched, |t| t.user_id, |touched| View::Touched { touched })
            }
            (LiveEvent::Ended { sessions }, None) => {
                per_user(sessions, |s| s.user_id, |sessions| View::Ended { sessions })
            }
            (LiveEvent::Created { .. }, None) => HashMap::new(),
        };
        Frame {
            event,
            admin,
            users,
        }
    }

    /// What a user (not an admin) sees of this event, if anything.
    pub fn for_user(&self, user_id: i64) -> Option<&Bytes> {
        self.users.get(&user_id)
    }
}

/// A borrowed `LiveEvent` of one user's part of a batch: the same JSON, without
/// cloning the sessions.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum View<'a> {
    Touched { touched: Vec<&'a TouchedSession> },
    Ended { sessions: Vec<&'a Session> },
}

fn per_user<'a, T>(
    items: &'a [T],
    user_of: impl Fn(&T) -> Option<i64>,
    view: impl Fn(Vec<&'a T>) -> View<'a>,
) -> HashMap<i64, Bytes> {
    let mut groups: HashMap<i64, Vec<&'a T>> = HashMap::new();
    for item in items {
        if let Some(user) = user_of(item) {
            groups.entry(user).or_default().push(item);
        }
    }
    groups
        .into_iter()
        .map(|(user, part)| (user, json(&view(part))))
        .collect()
}

fn json<T: Serialize>(value: &T) -> Bytes {
    // Plain data with string keys: serialising it cannot fail.
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touched(id: &str, user_id: Option<i64>) -> TouchedSession {
        TouchedSession {
            id: id.into(),
            user_id,
            last_seen_at: 1,
            idle_deadline: 2,
            last_ip: "10.0.0.1".into(),
            flags: Vec::new(),
        }
    }

    #[test]
    fn each_user_gets_only_their_part_in_the_same_shape() {
        let event = LiveEvent::Touched {
            touched: vec![
                touched("a", Some(1)),
                touched("b", Some(2)),
                touched("c", Some(1)),
                touched("g", None),
            ],
        };
        let frame = Frame::build(event.clone());
        assert_eq!(
            frame.admin,
            Bytes::from(serde_json::to_vec(&event).unwrap_or_default())
        );
        let alice: LiveEvent =
            serde_json::from_slice(frame.for_user(1).expect("alice's part")).expect("json");
        assert_eq!(
            alice,
            LiveEvent::Touched {
                touched: vec![touched("a", Some(1)), touched("c", Some(1))]
            }
        );
        let bob: LiveEvent =
            serde_json::from_slice(frame.for_user(2).expect("bob's part")).expect("json");
        assert_eq!(
            bob,
            LiveEvent::Touched {
                touched: vec![touched("b", Some(2))]
            }
        );
        assert!(frame.for_user(3).is_none());
    }

    #[test]
    fn a_single_user_batch_shares_the_admin_bytes() {
        let frame = Frame::build(LiveEvent::Touched {
            touched: vec![touched("a", Some(1))],
        });
        assert_eq!(frame.for_user(1), Some(&frame.admin));
    }
}
