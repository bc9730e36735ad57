//! Ticket trigger categories and their envelope.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A ticket trigger category. Its `id` is a string, unlike a trigger's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategory {
    /// The category's id, a string of digits.
    pub id: String,
    /// The category's name.
    pub name: String,
    /// Order among categories.
    pub position: i64,
    /// The category's API URL (real payloads carry it although the OpenAPI schema does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the category was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When the category was last written (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Active triggers in the category (only with `include=rule_counts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_count: Option<i64>,
    /// Inactive triggers in the category (only with `include=rule_counts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_count: Option<i64>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TriggerCategory {
    /// A category as Zendesk answers a create: its id, name, position and both timestamps set
    /// to `stamp`, no URL or rule counts.
    pub fn created(id: String, name: &str, position: i64, stamp: String) -> Self {
        Self {
            id,
            name: name.to_owned(),
            position,
            url: None,
            created_at: Some(stamp.clone()),
            updated_at: Some(stamp),
            active_count: None,
            inactive_count: None,
            extra: Map::new(),
        }
    }
}

/// `{"trigger_category": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategoryResponse {
    /// The category.
    pub trigger_category: TriggerCategory,
}
