//! Ticket triggers: the trigger object, its conditions and actions, and the envelope of
//! show, create and update.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::presence::{null_as_empty, nullable, present};

/// A ticket trigger (`TriggerObject` in Zendesk's OpenAPI document).
///
/// Older payloads lack `default`, `description` and `category_id`; some lack `url`,
/// `raw_title` and the timestamps. Each of those is an `Option` that is left out on output
/// when it was left out on input. Fields are declared in the order Zendesk sends them, so
/// written JSON reads like Zendesk's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// The trigger's API URL, e.g. `https://acme.zendesk.com/api/v2/triggers/123.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Zendesk's id: a JSON number of 13–14 digits in real accounts, above 2^32.
    pub id: u64,
    /// The title, possibly with trailing spaces: never trim it.
    pub title: String,
    /// Whether the trigger runs.
    pub active: bool,
    /// When the trigger was last written (RFC 3339, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When the trigger was created (RFC 3339, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Zendesk's read-only "is a standard trigger" flag (absent in old payloads). Real accounts
    /// send `false` for the standard "Notify …" triggers, so `Some(false)` proves nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// What the trigger does.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The conditions under which the trigger runs.
    #[serde(default)]
    pub conditions: Conditions,
    /// The description: `None` when the key is absent, `Some(None)` when it is `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub description: Option<Option<String>>,
    /// Firing order within its category: not unique, with gaps, restarting per category.
    pub position: i64,
    /// The title before dynamic content is rendered (`{{dc.name}}`); equals `title` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_title: Option<String>,
    /// The trigger category's id (a string): `None` when absent, `Some(None)` when `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub category_id: Option<Option<String>>,
    /// Every other key Zendesk sent (`brand_id`, `restriction`, sideloads, future fields).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A trigger's conditions: all of `all` and at least one of `any` must hold.
///
/// Real responses always carry both arrays; a missing or `null` array reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    /// Conditions that must all be met.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub all: Vec<Condition>,
    /// Conditions of which at least one must be met.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub any: Vec<Condition>,
}

/// One condition: `{field, operator, value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The ticket property, e.g. `status`, `via_id`, `custom_fields_360001234`.
    pub field: String,
    /// The comparison, e.g. `is`, `value` ("Changed to"), `not_present`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The opaque value: string, number, boolean, list, `""` or `null` as sent.
    /// `None` means the key was absent; `Some(Value::Null)` means it was `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One action: `{field, value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// What the action sets or does, e.g. `status`, `notification_webhook`.
    pub field: String,
    /// The opaque value, often a list carrying Liquid templates that are not valid JSON.
    /// `None` means the key was absent; `Some(Value::Null)` means it was `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"trigger": {...}}`: the body of show, create and update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerResponse {
    /// The trigger.
    pub trigger: Trigger,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_and_absent_values_stay_distinct() {
        let input = json!({"conditions": [
            {"field": "assignee_id", "operator": "changed", "value": null},
            {"field": "assignee_id", "operator": "changed", "value": ""},
            {"field": "assignee_id", "operator": "changed"}
        ]});
        let conditions: Vec<Condition> =
            serde_json::from_value(input["conditions"].clone()).expect("conditions parse");
        assert_eq!(conditions[0].value, Some(Value::Null));
        assert_eq!(conditions[1].value, Some(json!("")));
        assert_eq!(conditions[2].value, None);
        assert_eq!(
            serde_json::to_value(&conditions).expect("serialise"),
            input["conditions"]
        );
    }

    #[test]
    fn description_null_absent_and_set_round_trip() {
        for extra in [
            json!({}),
            json!({"description": null}),
            json!({"description": "x"}),
        ] {
            let mut trigger = json!({
                "id": 6164111062810_u64, "title": "t ", "active": true, "position": 2,
                "conditions": {"all": [], "any": []}, "actions": []
            });
            if let (Some(t), Some(e)) = (trigger.as_object_mut(), extra.as_object()) {
                t.extend(e.clone());
            }
            let parsed: Trigger = serde_json::from_value(trigger.clone()).expect("trigger parses");
            assert_eq!(serde_json::to_value(&parsed).expect("serialise"), trigger);
        }
    }

    #[test]
    fn unknown_keys_are_kept() {
        let trigger = json!({
            "id": 1, "title": "t", "active": false, "position": 0,
            "conditions": {"all": [], "any": []}, "actions": [{"field": "status", "value": "open", "note": 1}],
            "brand_id": 7, "restriction": {"type": "Group", "ids": [1]}
        });
        let parsed: Trigger = serde_json::from_value(trigger.clone()).expect("trigger parses");
        assert_eq!(parsed.extra["brand_id"], json!(7));
        assert_eq!(serde_json::to_value(&parsed).expect("serialise"), trigger);
    }
}
