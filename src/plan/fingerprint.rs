//! Fingerprints of live objects: what the plan saw, so apply can refuse an object that changed
//! since (design.md: "Apply re-reads every object it will touch and refuses, per object, when
//! the live object differs from what the plan saw").

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::canonical::canonical_json;
use crate::live::LiveState;

/// What a plan recorded about a live object: its `updated_at` (when it has one) and a sha256
/// of its canonical JSON. Two fingerprints are equal exactly when both parts are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The object's `updated_at`, as Zendesk sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Lowercase hex sha256 of the object's key-sorted, compact JSON.
    pub sha256: String,
}

/// Fingerprints a live object from its JSON and its `updated_at`.
pub fn fingerprint(value: &Value, updated_at: Option<&str>) -> Fingerprint {
    Fingerprint {
        updated_at: updated_at.map(str::to_owned),
        sha256: sha256_hex(canonical_json(value).as_bytes()),
    }
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    digest
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// A live object a change touches, by how apply finds it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveObject {
    /// A ticket trigger.
    Trigger {
        /// Its id.
        id: u64,
    },
    /// The `messaging_inactivity` section of the account settings (the rest of the settings
    /// is not zdpolicy's, so changes there do not invalidate a plan).
    AccountSettings,
    /// The settings of the account's Sunshine Conversations app.
    SunshineApp {
        /// The app id.
        app_id: String,
    },
}

/// A live object and its fingerprint when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// Which object.
    pub object: LiveObject,
    /// What it looked like.
    pub fingerprint: Fingerprint,
}

/// The managed view of a live trigger now (what a plan's `before` shows), for telling which
/// fields changed since a plan; `None` when it is gone or not a trigger.
pub fn trigger_view(live: &LiveState, object: &LiveObject) -> Option<Value> {
    let LiveObject::Trigger { id } = object else {
        return None;
    };
    let trigger = live.triggers.iter().find(|t| t.id == *id)?;
    Some(super::trigger_state::live_view(trigger, live))
}

/// The fingerprint of `object` in `live` now, or `None` when the object is gone. Apply calls
/// this on a fresh read and compares with [`Seen::fingerprint`].
pub fn fingerprint_of(live: &LiveState, object: &LiveObject) -> Option<Fingerprint> {
    match object {
        LiveObject::Trigger { id } => {
            let trigger = live.triggers.iter().find(|t| t.id == *id)?;
            let value = serde_json::to_value(trigger).ok()?;
            Some(fingerprint(&value, trigger.updated_at.as_deref()))
        }
        LiveObject::AccountSettings => {
            let value = serde_json::to_value(&live.settings.messaging_inactivity).ok()?;
            Some(fingerprint(&value, None))
        }
        LiveObject::SunshineApp { app_id } => {
            let app = live.sunshine.as_ref().filter(|a| &a.id == app_id)?;
            let value = serde_json::to_value(&app.settings).ok()?;
            Some(fingerprint(&value, None))
        }
    }
}

/// Records what the plan saw of `object`.
pub(crate) fn seen(live: &LiveState, object: LiveObject) -> Option<Seen> {
    let fingerprint = fingerprint_of(live, &object)?;
    Some(Seen {
        object,
        fingerprint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_a_fingerprint() {
        let a = fingerprint(&json!({"a": 1, "b": [1, 2]}), Some("2025-01-01T00:00:00Z"));
        let b = fingerprint(&json!({"b": [1, 2], "a": 1}), Some("2025-01-01T00:00:00Z"));
        assert_eq!(a, b);
        assert_eq!(a.sha256.len(), 64);
    }

    #[test]
    fn content_and_updated_at_both_count() {
        let base = fingerprint(&json!({"a": 1}), Some("t1"));
        assert_ne!(base, fingerprint(&json!({"a": 2}), Some("t1")));
        assert_ne!(base, fingerprint(&json!({"a": 1}), Some("t2")));
        assert_ne!(base, fingerprint(&json!({"a": 1}), None));
    }

    #[test]
    fn sha256_of_nothing_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
