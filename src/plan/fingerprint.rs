//! Fingerprints of live objects: what the plan saw, so apply can refuse an object that changed
//! since: apply re-reads every object it will touch and refuses, per object, when the live
//! object differs from what the plan saw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::canonical::canonical_json;
use crate::live::LiveState;

/// How many hex digits of a field's sha256 a fingerprint keeps: enough to tell that a field
/// changed, short enough not to bloat the plan (the whole object's digest is kept in full).
const FIELD_DIGITS: usize = 16;

/// Trigger keys that Zendesk sets and no user can change, left out of its fingerprint: `url`
/// carries the host (the sandbox's and a restarted simulator's port changes with every run, so
/// every saved plan looked stale), `id` names the object already, `created_at` never changes
/// and `default` is Zendesk's own flag. `updated_at` is kept, beside the hash. Everything else a
/// user can edit counts, managed or not (`position`, `raw_title`, `brand_id`, `restriction`…):
/// a plan is made against the whole trigger as the reviewer's Zendesk had it.
const TRIGGER_READ_ONLY: &[&str] = &["url", "id", "created_at", "updated_at", "default"];

/// What a plan recorded about a live object: its `updated_at` (when it has one), a sha256 of
/// its canonical JSON, and a short hash of each field so a stale message can name what
/// changed. Two fingerprints are equal exactly when all three parts are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The object's `updated_at`, as Zendesk sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Lowercase hex sha256 of the object's key-sorted, compact JSON.
    pub sha256: String,
    /// Per field (a top-level key, or `KEY.SUB` inside an object such as `conditions.all`),
    /// the first 16 hex digits of the sha256 of its value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl Fingerprint {
    /// The fields whose values differ between `self` and `other` (present in one only
    /// included), in name order.
    pub fn changed_fields<'a>(&'a self, other: &'a Self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .fields
            .keys()
            .chain(other.fields.keys())
            .map(String::as_str)
            .filter(|name| self.fields.get(*name) != other.fields.get(*name))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Fingerprints a live object from its JSON and its `updated_at`.
pub fn fingerprint(value: &Value, updated_at: Option<&str>) -> Fingerprint {
    let mut fields = BTreeMap::new();
    for (key, field) in value.as_object().into_iter().flatten() {
        match field.as_object().filter(|inner| !inner.is_empty()) {
            Some(inner) => {
                for (sub, value) in inner {
                    fields.insert(format!("{key}.{sub}"), field_digest(value));
                }
            }
            None => {
                fields.insert(key.clone(), field_digest(field));
            }
        }
    }
    Fingerprint {
        updated_at: updated_at.map(str::to_owned),
        sha256: sha256_hex(canonical_json(value).as_bytes()),
        fields,
    }
}

fn field_digest(value: &Value) -> String {
    let mut digest = sha256_hex(canonical_json(value).as_bytes());
    digest.truncate(FIELD_DIGITS);
    digest
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of a digest (of [`sha256_hex`], or of a hasher fed in parts).
pub(crate) fn hex(digest: &[u8]) -> String {
    use std::fmt::Write as _;
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
    /// The account's execution order: every category's position, and every trigger's
    /// position, category and title (titles break ties). A trigger or category moved by hand
    /// since the plan makes its order changes stale.
    Positions,
}

/// A live object and its fingerprint when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// Which object.
    pub object: LiveObject,
    /// What it looked like.
    pub fingerprint: Fingerprint,
}

/// The fingerprint of `object` in `live` now, or `None` when the object is gone. Apply calls
/// this on a fresh read and compares with [`Seen::fingerprint`].
pub fn fingerprint_of(live: &LiveState, object: &LiveObject) -> Option<Fingerprint> {
    match object {
        LiveObject::Trigger { id } => {
            let trigger = live.triggers.iter().find(|t| t.id == *id)?;
            let mut value = serde_json::to_value(trigger).ok()?;
            if let Some(map) = value.as_object_mut() {
                map.retain(|key, _| !TRIGGER_READ_ONLY.contains(&key.as_str()));
            }
            Some(fingerprint(&value, trigger.updated_at.as_deref()))
        }
        LiveObject::AccountSettings => {
            let section = serde_json::to_value(&live.settings.messaging_inactivity).ok()?;
            Some(fingerprint(&wrapped("messaging_inactivity", section), None))
        }
        LiveObject::SunshineApp { app_id } => {
            let app = live.sunshine.as_ref().filter(|a| &a.id == app_id)?;
            let settings = serde_json::to_value(&app.settings).ok()?;
            Some(fingerprint(&wrapped("settings", settings), None))
        }
        LiveObject::Positions => Some(fingerprint(&positions(live), None)),
    }
}

/// What the order of an account depends on, keyed by id so a stale message names the trigger
/// (`triggers.123`) or category (`trigger_categories.10001`) that moved.
fn positions(live: &LiveState) -> Value {
    let categories: Map<String, Value> = live
        .categories
        .iter()
        .map(|c| (c.id.clone(), Value::from(c.position)))
        .collect();
    let triggers: Map<String, Value> = live
        .triggers
        .iter()
        .map(|t| {
            let place = serde_json::json!({
                "position": t.position,
                "category_id": t.category_id.clone().flatten(),
                "title": t.title,
            });
            (t.id.to_string(), place)
        })
        .collect();
    serde_json::json!({"trigger_categories": categories, "triggers": triggers})
}

/// `{key: value}`, so the fields of a settings section are named as Zendesk nests them
/// (`messaging_inactivity.end_session`).
fn wrapped(key: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// Records what the plan saw of `object`, boxed as [`super::model::Change::seen`] holds it.
pub(crate) fn seen(live: &LiveState, object: LiveObject) -> Option<Box<Seen>> {
    let fingerprint = fingerprint_of(live, &object)?;
    Some(Box::new(Seen {
        object,
        fingerprint,
    }))
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

    fn live_with(trigger: Value) -> LiveState {
        serde_json::from_value(json!({
            "triggers": [trigger],
            "categories": [],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {"messaging_inactivity": {"enabled": true, "end_session": false}},
            "sunshine": null
        }))
        .expect("live state")
    }

    fn trigger(url: &str, description: &str) -> Value {
        json!({
            "id": 7, "url": url, "title": "T", "raw_title": "T", "active": true, "position": 3,
            "default": false, "description": description, "category_id": "1",
            "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
            "actions": [{"field": "priority", "value": "high"}],
            "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-02T00:00:00Z"
        })
    }

    // Regression (saved plans in the sandbox were always stale): the url carries the port of
    // whichever server answered, so it must not count.
    #[test]
    fn a_trigger_fingerprint_ignores_its_url_and_read_only_keys() {
        let object = LiveObject::Trigger { id: 7 };
        let here = fingerprint_of(
            &live_with(trigger("http://127.0.0.1:4001/t/7", "d")),
            &object,
        );
        let there = fingerprint_of(
            &live_with(trigger("http://127.0.0.1:4002/t/7", "d")),
            &object,
        );
        assert_eq!(here, there);
        let fields: Vec<&str> = here
            .iter()
            .flat_map(|f| f.fields.keys())
            .map(String::as_str)
            .collect();
        assert_eq!(
            fields,
            [
                "actions",
                "active",
                "category_id",
                "conditions.all",
                "conditions.any",
                "description",
                "position",
                "raw_title",
                "title"
            ]
        );
    }

    #[test]
    fn changed_fields_are_named_exactly() {
        let object = LiveObject::Trigger { id: 7 };
        let before = fingerprint_of(&live_with(trigger("u", "old")), &object).expect("found");
        let after = fingerprint_of(&live_with(trigger("u", "new")), &object).expect("found");
        assert_ne!(before, after);
        assert_eq!(before.changed_fields(&after), ["description"]);
        assert!(before.changed_fields(&before).is_empty());
    }

    #[test]
    fn settings_fields_are_named_as_zendesk_nests_them() {
        let live = live_with(trigger("u", "d"));
        let seen = fingerprint_of(&live, &LiveObject::AccountSettings).expect("settings");
        let fields: Vec<&str> = seen.fields.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "messaging_inactivity.enabled",
                "messaging_inactivity.end_session"
            ]
        );
    }

    #[test]
    fn sha256_of_nothing_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
