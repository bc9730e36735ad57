//! Canonical forms: key-sorted JSON for hashing, and the comparison of condition and action
//! values that Zendesk treats alike, so that after an apply the next plan is empty.
//!
//! Real payloads show the same meaning spelt several ways (docs/zendesk-notes.md, "Shapes seen
//! in real payloads"): ids inside values arrive as strings (`"75"`) where a
//! policy may write numbers (`75`), single values as one-item lists, and the "no value" of
//! terminal operators (`changed`, `present`, …) as `null` in some accounts and `""` in others.
//! The planner compares through these forms but never rewrites what it sends or preserves.

use serde_json::{Map, Value};

use crate::policy::model as policy;
use crate::zendesk::model as wire;

/// Operators that take no value ("terminal" in `/api/v2/triggers/definitions`).
const TERMINAL_OPERATORS: &[&str] = &["changed", "not_changed", "present", "not_present"];

/// `value` sorted by key at every level, written compactly: the text that hashes and
/// fingerprints are taken of. Arrays keep their order (order is meaningful in Zendesk).
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    // Only serde_json's own output and ASCII punctuation were written.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends [`canonical_json`] of `value` to `out`, without building the sorted copy: a policy
/// hash writes every account's settings, so building them twice would double its cost.
pub(crate) fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_key(key, out);
                write_canonical(value, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        // serde_json's compact writer for leaves: the escapes and number forms of `to_string`.
        leaf => write_leaf(leaf, out),
    }
}

/// Appends `"key":`, escaped as serde_json escapes object keys.
pub(crate) fn write_key(key: &str, out: &mut Vec<u8>) {
    write_leaf(key, out);
    out.push(b':');
}

fn write_leaf<T: serde::Serialize + ?Sized>(leaf: &T, out: &mut Vec<u8>) {
    // Writing a string, number, boolean or null to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, leaf);
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

/// Whether two values are alike: `canonical_value(a, a_terminal) == canonical_value(b,
/// b_terminal)`, decided without building either form (every trigger of every account is
/// compared on each plan, and almost all are alike).
pub fn alike(a: Option<&Value>, a_terminal: bool, b: Option<&Value>, b_terminal: bool) -> bool {
    alike_forms(value_form(a, a_terminal), value_form(b, b_terminal))
}

/// The value `canonical_value` starts from: `null` for no value and for terminal operators.
fn value_form(value: Option<&Value>, terminal: bool) -> &Value {
    match value {
        Some(value) if !terminal => value,
        _ => &Value::Null,
    }
}

/// Whether `scalar_form(a) == scalar_form(b)`.
fn alike_forms(a: &Value, b: &Value) -> bool {
    let (a, b) = (single(a), single(b));
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| alike_forms(x, y))
        }
        // `sorted` changes no entry, and maps compare without regard to order.
        (Value::Object(_), Value::Object(_)) => a == b,
        _ => match (text_form(a), text_form(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// A one-item list is its item, at any depth.
fn single(mut value: &Value) -> &Value {
    while let Value::Array(items) = value
        && let [item] = items.as_slice()
    {
        value = item;
    }
    value
}

/// The text a string, number or boolean stands for in `scalar_form`.
fn text_form(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(true) => Some(Cow::Borrowed("true")),
        Value::Bool(false) => Some(Cow::Borrowed("false")),
        Value::Number(n) => Some(Cow::Owned(number_text(n))),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Whether two conditions mean the same: same field and operator, alike values. Keys other
/// than `field`, `operator` and `value` do not take part.
pub fn same_condition(a: &wire::Condition, b: &wire::Condition) -> bool {
    same_condition_parts(
        (&a.field, a.operator.as_deref(), a.value.as_ref()),
        (&b.field, b.operator.as_deref(), b.value.as_ref()),
    )
}

/// Whether two actions mean the same: same field, alike values.
pub fn same_action(a: &wire::Action, b: &wire::Action) -> bool {
    a.field == b.field && alike(a.value.as_ref(), false, b.value.as_ref(), false)
}

/// Whether a policy's condition (its references resolved to ids) means the same as a live
/// one: [`same_condition`] of its wire form, without building that form. Most triggers of a
/// converged account are compared and nothing else, so nothing is copied for them.
pub fn written_condition_is(written: &policy::Condition, live: &wire::Condition) -> bool {
    same_condition_parts(
        (
            written.field.value.text(),
            written.operator.as_ref().map(|op| op.value.name()),
            written.value.as_ref().map(|v| &v.value),
        ),
        (&live.field, live.operator.as_deref(), live.value.as_ref()),
    )
}

/// Whether a policy's action means the same as a live one: [`same_action`] of its wire form.
pub fn written_action_is(written: &policy::Action, live: &wire::Action) -> bool {
    written.field.value.text() == live.field
        && alike(
            written.value.as_ref().map(|v| &v.value),
            false,
            live.value.as_ref(),
            false,
        )
}

/// Whether a policy's conditions mean the same as live ones, item by item in order.
pub fn written_conditions_are(written: &[policy::Condition], live: &[wire::Condition]) -> bool {
    written.len() == live.len()
        && written
            .iter()
            .zip(live)
            .all(|(w, l)| written_condition_is(w, l))
}

/// Whether a policy's actions mean the same as live ones, item by item in order.
pub fn written_actions_are(written: &[policy::Action], live: &[wire::Action]) -> bool {
    written.len() == live.len()
        && written
            .iter()
            .zip(live)
            .all(|(w, l)| written_action_is(w, l))
}

/// A condition's field, operator and value: what [`same_condition`] compares.
type ConditionParts<'a> = (&'a str, Option<&'a str>, Option<&'a Value>);

fn same_condition_parts(a: ConditionParts<'_>, b: ConditionParts<'_>) -> bool {
    let ((a_field, a_operator, a_value), (b_field, b_operator, b_value)) = (a, b);
    a_field == b_field
        && a_operator == b_operator
        && alike(
            a_value,
            is_terminal(a_operator),
            b_value,
            is_terminal(b_operator),
        )
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
    use proptest::prelude::*;
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
    fn canonical_json_is_the_sorted_copy_written_compactly() {
        let value = json!({
            "z": [{"y": 1.5, "x": -3}, "t\u{1}\"\\é", null, true],
            "a\n": {},
            "m": {"b": [], "a": {"d": 18446744073709551615u64, "c": 1e300}},
        });
        assert_eq!(canonical_json(&value), sorted(&value).to_string());
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

    /// Any JSON value of the shapes condition and action values take, small enough to
    /// collide often.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..3).prop_map(Value::from),
            prop_oneof![Just(1.0f64), Just(-2.0), Just(2.5), Just(1e16)].prop_map(Value::from),
            prop_oneof![
                Just(""),
                Just("1"),
                Just("-2"),
                Just("2.5"),
                Just("true"),
                Just("false"),
                Just("a")
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::vec((prop_oneof![Just("k"), Just("l")], inner), 0..3).prop_map(
                    |entries| Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect()
                    )
                ),
            ]
        })
    }

    proptest! {
        #[test]
        fn alike_agrees_with_comparing_canonical_values(
            a in proptest::option::of(any_value()),
            b in proptest::option::of(any_value()),
            a_terminal in any::<bool>(),
            b_terminal in any::<bool>(),
        ) {
            prop_assert_eq!(
                alike(a.as_ref(), a_terminal, b.as_ref(), b_terminal),
                canonical_value(a.as_ref(), a_terminal) == canonical_value(b.as_ref(), b_terminal)
            );
        }
    }

    #[test]
    fn nested_single_item_lists_and_objects_compare_as_their_forms() {
        let form = |v: Value| Some(v);
        assert!(alike(
            form(json!([[["7"]]])).as_ref(),
            false,
            form(json!(7)).as_ref(),
            false
        ));
        assert!(alike(form(json!([null])).as_ref(), false, None, false));
        assert!(!alike(form(json!([])).as_ref(), false, None, false));
        assert!(alike(
            form(json!({"a": 1, "b": [2]})).as_ref(),
            false,
            form(json!([{"b": [2], "a": 1}])).as_ref(),
            false
        ));
        assert!(!alike(
            form(json!({"a": 1})).as_ref(),
            false,
            form(json!({"a": "1"})).as_ref(),
            false
        ));
    }

    #[test]
    fn extra_keys_do_not_take_part() {
        let a = condition(json!({"field": "status", "operator": "is", "value": "open", "note": 1}));
        let b = condition(json!({"field": "status", "operator": "is", "value": "open"}));
        assert!(same_condition(&a, &b));
    }
}
