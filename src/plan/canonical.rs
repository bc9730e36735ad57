//! Canonical forms: key-sorted JSON for hashing, and the comparison of condition and action
//! values that Zendesk treats alike, so that after an apply the next plan is empty.
//!
//! Real payloads show the same meaning spelt several ways (docs/zendesk-notes.md, "Shapes seen
//! in real payloads"): ids inside values arrive as strings (`"75"`) where a
//! policy may write numbers (`75`), single values as one-item lists, and the "no value" of
//! terminal operators (`changed`, `present`, …) as `null` in some accounts and `""` in others.
//! The planner compares through these forms but never rewrites what it sends or preserves.

use serde_json::{Map, Value};

use crate::zendesk::model as wire;

/// Operators that take no value ("terminal" in `/api/v2/triggers/definitions`).
const TERMINAL_OPERATORS: &[&str] = &["changed", "not_changed", "present", "not_present"];

/// `value` sorted by key at every level, written compactly: the text that hashes and
/// fingerprints are taken of. Arrays keep their order (order is meaningful in Zendesk).
pub fn canonical_json(value: &Value) -> String {
    sorted(value).to_string()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                if let Some(v) = map.get(key) {
                    out.insert(key.clone(), sorted(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Whether an operator takes no value.
pub fn is_terminal(operator: Option<&str>) -> bool {
    operator.is_some_and(|op| TERMINAL_OPERATORS.contains(&op))
}

/// A condition or action value in the form Zendesk treats alike: numbers and booleans as
/// their text, a one-item list as its item, an absent value as `null`; for a terminal operator
/// every value is `null`.
pub fn canonical_value(value: Option<&Value>, terminal: bool) -> Value {
    if terminal {
        return Value::Null;
    }
    match value {
        None | Some(Value::Null) => Value::Null,
        Some(value) => scalar_form(value),
    }
}

fn scalar_form(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::String(number_text(n)),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(items) if items.len() == 1 => scalar_form(&items[0]),
        Value::Array(items) => Value::Array(items.iter().map(scalar_form).collect()),
        Value::Object(_) => sorted(value),
        Value::Null | Value::String(_) => value.clone(),
    }
}

/// `75`, `75.0` and `"75"` are one value to Zendesk's form-style parameters.
fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// Whether two conditions mean the same: same field and operator, alike values. Keys other
/// than `field`, `operator` and `value` do not take part.
pub fn same_condition(a: &wire::Condition, b: &wire::Condition) -> bool {
    a.field == b.field
        && a.operator == b.operator
        && canonical_value(a.value.as_ref(), is_terminal(a.operator.as_deref()))
            == canonical_value(b.value.as_ref(), is_terminal(b.operator.as_deref()))
}

/// Whether two actions mean the same: same field, alike values.
pub fn same_action(a: &wire::Action, b: &wire::Action) -> bool {
    a.field == b.field
        && canonical_value(a.value.as_ref(), false) == canonical_value(b.value.as_ref(), false)
}

/// Whether two condition lists mean the same, item by item in order.
pub fn same_conditions(a: &[wire::Condition], b: &[wire::Condition]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_condition(x, y))
}

/// Whether two action lists mean the same, item by item in order.
pub fn same_actions(a: &[wire::Action], b: &[wire::Action]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_action(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn condition(value: Value) -> wire::Condition {
        serde_json::from_value(value).expect("condition")
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_keeps_array_order() {
        let value = json!({"b": 1, "a": {"d": [2, 1], "c": null}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":null,"d":[2,1]},"b":1}"#
        );
    }

    #[test]
    fn numbers_strings_and_single_item_lists_are_alike() {
        let a = condition(json!({"field": "via_id", "operator": "is", "value": "75"}));
        for other in [json!(75), json!(["75"]), json!([75]), json!(75.0)] {
            let b = condition(json!({"field": "via_id", "operator": "is", "value": other}));
            assert!(same_condition(&a, &b), "{other}");
        }
        let b = condition(json!({"field": "via_id", "operator": "is", "value": "76"}));
        assert!(!same_condition(&a, &b));
    }

    #[test]
    fn multi_item_lists_keep_their_order() {
        let a = condition(
            json!({"field": "custom_status_id", "operator": "includes", "value": ["1", "2"]}),
        );
        let b = condition(
            json!({"field": "custom_status_id", "operator": "includes", "value": [1, 2]}),
        );
        let c = condition(
            json!({"field": "custom_status_id", "operator": "includes", "value": ["2", "1"]}),
        );
        assert!(same_condition(&a, &b));
        assert!(!same_condition(&a, &c));
    }

    #[test]
    fn terminal_operators_ignore_null_absent_and_empty_values() {
        let forms = [
            json!({"field": "assignee_id", "operator": "changed", "value": null}),
            json!({"field": "assignee_id", "operator": "changed", "value": ""}),
            json!({"field": "assignee_id", "operator": "changed"}),
        ];
        for a in &forms {
            for b in &forms {
                assert!(same_condition(&condition(a.clone()), &condition(b.clone())));
            }
        }
    }

    #[test]
    fn empty_text_is_a_value_for_other_operators() {
        let a = condition(json!({"field": "assignee_id", "operator": "is", "value": ""}));
        let b = condition(json!({"field": "assignee_id", "operator": "is", "value": null}));
        assert!(!same_condition(&a, &b));
    }

    #[test]
    fn booleans_and_their_text_are_alike() {
        let a = condition(json!({"field": "comment_is_public", "operator": "is", "value": true}));
        let b = condition(json!({"field": "comment_is_public", "operator": "is", "value": "true"}));
        assert!(same_condition(&a, &b));
    }

    #[test]
    fn extra_keys_do_not_take_part() {
        let a = condition(json!({"field": "status", "operator": "is", "value": "open", "note": 1}));
        let b = condition(json!({"field": "status", "operator": "is", "value": "open"}));
        assert!(same_condition(&a, &b));
    }
}
