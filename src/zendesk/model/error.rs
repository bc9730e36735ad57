//! Zendesk's error bodies in every shape it sends.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The Support API's usual error body: `{"error": "RecordNotFound", "description": "Not
/// found"}`, `{"error": "RecordInvalid", "description": …, "details": {…}}`, or just
/// `{"error": "Couldn't authenticate you"}`; some endpoints nest it:
/// `{"error": {"title": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordError {
    /// The error's name (or, for 401, a sentence), or an object with `title` and `message`.
    pub error: Value,
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Per-field problems: `{"base": [{"description": "…"}], "title": [{"description": "…",
    /// "error": "BlankError"}]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The JSON:API-style error body of trigger categories and pagination:
/// `{"errors": [{"code": "…", "title": "…"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorList {
    /// The errors.
    pub errors: Vec<ErrorItem>,
}

/// One entry of an [`ErrorList`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorItem {
    /// A stable code, e.g. `TriggerCategoryNotEmpty`.
    pub code: String,
    /// A human sentence.
    pub title: String,
    /// More detail, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The trigger a batch-job error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Any JSON error body Zendesk sends. Parse defensively: 429 bodies may be plain text, which
/// matches neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorBody {
    /// `{"errors": [...]}`.
    List(ErrorList),
    /// `{"error": ..., "description": ..., "details": ...}`.
    Record(Box<RecordError>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_bodies_parse_in_all_shapes() {
        let bodies = [
            json!({"error": "RecordNotFound", "description": "Not found"}),
            json!({"error": "Couldn't authenticate you"}),
            json!({"errors": [{"code": "TriggerCategoryNotEmpty", "title": "x"}]}),
            json!({"error": {"title": "Forbidden", "message": "No access"}}),
        ];
        for body in bodies {
            let parsed: ErrorBody = serde_json::from_value(body.clone()).expect("error parses");
            assert_eq!(serde_json::to_value(&parsed).expect("serialise"), body);
        }
    }
}
