//! Reading the body of a trigger create or update: which keys Zendesk accepts, which it
//! ignores (and reports in `x-zendesk-api-warn`), and the shape checks it answers 422 for.

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::definitions::KNOWN_OPERATORS;
use crate::zendesk::model::{Action, Condition, Conditions};

/// Writable trigger attributes that the wire type keeps in `extra`: Zendesk stores them and
/// echoes them back (OAS 2026 `TriggerObject`: `brand_id`, `restriction`).
const EXTRA_ATTRIBUTES: &[&str] = &["brand_id", "restriction"];

/// What a create or update request asks for. `None` means "not in the request".
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TriggerInput {
    /// New title.
    pub title: Option<String>,
    /// New raw title.
    pub raw_title: Option<String>,
    /// New active state.
    pub active: Option<bool>,
    /// New position.
    pub position: Option<i64>,
    /// New description (`Some(None)`: set to null).
    pub description: Option<Option<String>>,
    /// New category id (`Some(None)`: set to null).
    pub category_id: Option<Option<String>>,
    /// A category to create and assign (write-only `category: {name, position}`).
    pub new_category: Option<(String, Option<i64>)>,
    /// New conditions (from `conditions`, or the legacy top-level `all`/`any`).
    pub conditions: Option<Conditions>,
    /// New actions.
    pub actions: Option<Vec<Action>>,
    /// Other writable attributes, stored as sent.
    pub attributes: Map<String, Value>,
    /// Keys Zendesk would ignore, as `trigger.<key>`.
    pub unpermitted: Vec<String>,
}

/// Reads `{"trigger": {...}}`.
///
/// # Errors
/// 400 `ParameterMissing` without a `trigger` object; 422 `RecordInvalid` for values of the
/// wrong type, malformed conditions or actions, and unknown operators.
pub(crate) fn parse_body(body: &Value) -> Result<TriggerInput, ApiError> {
    match body.get("trigger") {
        Some(Value::Object(trigger)) => parse_object(trigger),
        _ => Err(ApiError::ParameterMissing("trigger".to_owned())),
    }
}

/// Reads one trigger object (also used for seeded triggers).
///
/// # Errors
/// As [`parse_body`], without the root-key check.
pub(crate) fn parse_object(trigger: &Map<String, Value>) -> Result<TriggerInput, ApiError> {
    let mut input = TriggerInput::default();
    let mut legacy_all = None;
    let mut legacy_any = None;
    for (key, value) in trigger {
        match key.as_str() {
            "title" => input.title = Some(text(key, value)?),
            "raw_title" => input.raw_title = Some(text(key, value)?),
            "active" => input.active = Some(value.as_bool().ok_or_else(|| wrong_type(key))?),
            "position" => input.position = Some(value.as_i64().ok_or_else(|| wrong_type(key))?),
            "description" => input.description = Some(nullable_text(key, value)?),
            "category_id" => input.category_id = Some(category_id(value)?),
            "category" => input.new_category = Some(new_category(value)?),
            "conditions" => input.conditions = Some(conditions(value)?),
            "all" => legacy_all = Some(condition_list(value)?),
            "any" => legacy_any = Some(condition_list(value)?),
            "actions" => input.actions = Some(actions(value)?),
            k if EXTRA_ATTRIBUTES.contains(&k) => {
                input.attributes.insert(key.clone(), value.clone());
            }
            _ => input.unpermitted.push(format!("trigger.{key}")),
        }
    }
    // POST with top-level `all` (no `conditions` wrapper) is accepted and echoed as
    // `conditions.all` [SEEN zenpy 2023 recording].
    if input.conditions.is_none() && (legacy_all.is_some() || legacy_any.is_some()) {
        input.conditions = Some(Conditions {
            all: legacy_all.unwrap_or_default(),
            any: legacy_any.unwrap_or_default(),
        });
    }
    Ok(input)
}

/// The `x-zendesk-api-warn` header Zendesk sends when it ignored keys, in its Ruby-hash form:
/// `{:allowed_parameters=>{:controller=>"triggers", :action=>"update", :unpermitted_keys=>["trigger.id"], :invalid_values=>[]}}`
/// [SEEN zenpy recording].
pub(crate) fn api_warn_header(action: &str, unpermitted: &[String]) -> Option<String> {
    if unpermitted.is_empty() {
        return None;
    }
    let keys: Vec<String> = unpermitted.iter().map(|k| format!("{k:?}")).collect();
    Some(format!(
        "{{:allowed_parameters=>{{:controller=>\"triggers\", :action=>\"{action}\", :unpermitted_keys=>[{}], :invalid_values=>[]}}}}",
        keys.join(", ")
    ))
}

fn text(key: &str, value: &Value) -> Result<String, ApiError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        // A null title reads as blank; the blank check answers for it.
        Value::Null => Ok(String::new()),
        _ => Err(wrong_type(key)),
    }
}

fn nullable_text(key: &str, value: &Value) -> Result<Option<String>, ApiError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(wrong_type(key)),
    }
}

/// Category ids are strings; a number is taken as its digits, as Rails would.
fn category_id(value: &Value) -> Result<Option<String>, ApiError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) if n.is_u64() => Ok(Some(n.to_string())),
        _ => Err(wrong_type("category_id")),
    }
}

fn new_category(value: &Value) -> Result<(String, Option<i64>), ApiError> {
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let position = value.get("position").and_then(Value::as_i64);
    Ok((name.to_owned(), position))
}

fn conditions(value: &Value) -> Result<Conditions, ApiError> {
    match value {
        Value::Null => Ok(Conditions::default()),
        Value::Object(map) => Ok(Conditions {
            all: map
                .get("all")
                .map(condition_list)
                .transpose()?
                .unwrap_or_default(),
            any: map
                .get("any")
                .map(condition_list)
                .transpose()?
                .unwrap_or_default(),
        }),
        _ => Err(wrong_type("conditions")),
    }
}

fn condition_list(value: &Value) -> Result<Vec<Condition>, ApiError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(wrong_type("conditions")),
    };
    items.iter().map(condition).collect()
}

fn condition(value: &Value) -> Result<Condition, ApiError> {
    let condition: Condition = serde_json::from_value(value.clone())
        .map_err(|_| ApiError::invalid("base", format!("Invalid condition {value}"), None))?;
    if condition.field.is_empty() {
        return Err(ApiError::invalid("base", "Invalid field ''", None));
    }
    let operator = condition.operator.as_deref().unwrap_or_default();
    if !KNOWN_OPERATORS.contains(&operator) {
        let shown = condition
            .value
            .as_ref()
            .map(display_value)
            .unwrap_or_default();
        return Err(ApiError::invalid(
            "base",
            format!(
                "Invalid operator '{operator}' in '{} / {operator} / {shown}'",
                condition.field
            ),
            None,
        ));
    }
    Ok(condition)
}

fn actions(value: &Value) -> Result<Vec<Action>, ApiError> {
    let items = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(wrong_type("actions")),
    };
    items
        .iter()
        .map(|item| {
            let action: Action = serde_json::from_value(item.clone())
                .map_err(|_| ApiError::invalid("base", format!("Invalid action {item}"), None))?;
            if action.field.is_empty() {
                return Err(ApiError::invalid(
                    "base",
                    format!("Invalid action {item}"),
                    None,
                ));
            }
            Ok(action)
        })
        .collect()
}

fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A 422 for a value of the wrong type. Zendesk's wording is [NOT FOUND]; this follows the
/// `details.<field>[].description` shape it uses.
fn wrong_type(key: &str) -> ApiError {
    ApiError::invalid(
        key,
        format!("{} is invalid", capitalise(key)),
        Some("InvalidValue"),
    )
}

/// "title" → "Title", for messages in Zendesk's "Title cannot be blank" style.
pub(crate) fn capitalise(key: &str) -> String {
    let mut chars = key.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_all_becomes_conditions() {
        let body = json!({"trigger": {"title": "t", "all": [{"field": "status", "operator": "less_than", "value": "solved"}],
            "actions": [{"field": "status", "value": "open"}]}});
        let input = parse_body(&body).expect("valid body");
        let conditions = input.conditions.expect("conditions");
        assert_eq!(conditions.all.len(), 1);
        assert!(conditions.any.is_empty());
    }

    #[test]
    fn read_only_and_unknown_keys_are_reported() {
        let body = json!({"trigger": {"id": 1, "title": "t", "frobnicate": true, "brand_id": 5}});
        let input = parse_body(&body).expect("valid body");
        assert_eq!(input.unpermitted, vec!["trigger.id", "trigger.frobnicate"]);
        assert_eq!(input.attributes["brand_id"], json!(5));
        assert_eq!(
            api_warn_header("update", &input.unpermitted).as_deref(),
            Some(
                "{:allowed_parameters=>{:controller=>\"triggers\", :action=>\"update\", :unpermitted_keys=>[\"trigger.id\", \"trigger.frobnicate\"], :invalid_values=>[]}}"
            )
        );
    }

    #[test]
    fn unknown_operator_is_422() {
        let body = json!({"trigger": {"title": "t", "conditions": {"all": [{"field": "status", "operator": "equals", "value": "open"}]}}});
        let err = parse_body(&body).expect_err("unknown operator");
        assert_eq!(err.status().as_u16(), 422);
        assert_eq!(
            err.body()["details"]["base"][0]["description"],
            json!("Invalid operator 'equals' in 'status / equals / open'")
        );
    }

    #[test]
    fn missing_root_is_400() {
        assert_eq!(
            parse_body(&json!({"title": "t"})),
            Err(ApiError::ParameterMissing("trigger".into()))
        );
    }
}
