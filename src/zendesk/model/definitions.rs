//! Trigger definitions: the actions and conditions an account's triggers may use.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{"definitions": {...}}`: the body of `GET /api/v2/triggers/definitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerDefinitionsResponse {
    /// The definitions.
    pub definitions: TriggerDefinitions,
}

/// The actions and conditions an account's triggers may use. Field names that Zendesk does
/// not document (such as "Messaging session ended reason") are found here by `title`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerDefinitions {
    /// Action definitions.
    #[serde(default)]
    pub actions: Vec<Definition>,
    /// Conditions allowed in `conditions.all`.
    #[serde(default)]
    pub conditions_all: Vec<Definition>,
    /// Conditions allowed in `conditions.any`.
    #[serde(default)]
    pub conditions_any: Vec<Definition>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One action or condition definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// The API name to use as a condition's or action's `field`.
    pub subject: String,
    /// The name shown in Admin Center, e.g. "Status".
    pub title: String,
    /// The kind of value, e.g. `list`, `text`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The group in Admin Center, e.g. `ticket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether the value may be empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Whether the item may appear more than once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeatable: Option<bool>,
    /// The allowed operators (conditions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operators: Option<Vec<DefinitionOperator>>,
    /// The allowed values, for list-typed items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<DefinitionValue>>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One operator of a condition definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionOperator {
    /// The API name, e.g. `value`.
    pub value: String,
    /// The name shown in Admin Center, e.g. "Changed to".
    pub title: String,
    /// Whether the operator takes no value (`changed`, `present`).
    #[serde(default)]
    pub terminal: bool,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One allowed value of a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionValue {
    /// The API value, opaque (usually a string).
    pub value: Value,
    /// The name shown in Admin Center, e.g. "Ended by agent".
    pub title: String,
    /// Whether the value can be chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
