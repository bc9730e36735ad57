//! How the plan views show values: a created object's values whole, a changed field as a
//! line diff (lists and multi-line text) or `before -> after` (scalars), and references
//! with the name the policy wrote beside the id.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::lines::{Line, Sign, line};
use super::visible;
use crate::plan::model::FieldChange;
use crate::plan::references::ResolvedReference;
use crate::policy::model::RefKind;

/// A value shown whole (creates): scalars on one line, lists and multi-line text below.
pub(super) fn whole_value(
    sign: Sign,
    field: &str,
    value: &Value,
    references: &[ResolvedReference],
    out: &mut Vec<Line>,
) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push(line(sign, 1, format!("{field}:")));
            out.extend(items.iter().enumerate().map(|(i, item)| {
                line(
                    sign,
                    2,
                    show_item(item, &format!("{field}[{i}]"), references),
                )
            }));
        }
        Value::String(text) if text.contains('\n') => {
            out.push(line(sign, 1, format!("{field}:")));
            out.extend(visible::lines(text).map(|l| line(sign, 2, l)));
        }
        _ => out.push(line(sign, 1, format!("{field}: {}", show(value)))),
    }
}

/// A changed field: `old -> new` for scalars, a line diff for lists and multi-line text.
/// `before_names` name the ids of the old side, `references` those of the new.
pub(super) fn field_diff(
    field: &FieldChange,
    before_names: &[ResolvedReference],
    references: &[ResolvedReference],
    out: &mut Vec<Line>,
) {
    let Some((old, new)) = diff_lines(
        &field.field,
        (&field.before, before_names),
        (&field.after, references),
    ) else {
        out.push(line(
            Sign::Change,
            1,
            format!(
                "{}: {} -> {}",
                field.field,
                show(&field.before),
                show(&field.after)
            ),
        ));
        return;
    };
    out.push(line(Sign::Change, 1, format!("{}:", field.field)));
    let diff = TextDiff::from_lines(&old, &new);
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(line(Sign::Context, 2, "..."));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => Sign::Remove,
                    ChangeTag::Insert => Sign::Add,
                    ChangeTag::Equal => Sign::Context,
                };
                out.push(line(sign, 2, change.value().trim_end_matches('\n')));
            }
        }
    }
}

/// Both sides as text to diff by line: lists one item per line, text line by line when
/// either side has several lines (`null` is nothing). `None` for a pair of scalars.
fn diff_lines(
    field: &str,
    (before, before_names): (&Value, &[ResolvedReference]),
    (after, references): (&Value, &[ResolvedReference]),
) -> Option<(String, String)> {
    let is_list = |v: &Value| matches!(v, Value::Array(_));
    let is_text = |v: &Value| matches!(v, Value::String(t) if t.contains('\n'));
    let joined = |lines: Vec<String>| lines.into_iter().map(|l| l + "\n").collect::<String>();
    let list = |v: &Value, names: &[ResolvedReference]| match v {
        Value::Array(items) => Some(joined(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| show_item(item, &format!("{field}[{i}]"), names))
                .collect(),
        )),
        Value::Null => Some(String::new()),
        _ => None,
    };
    let text = |v: &Value| match v {
        Value::String(t) => Some(joined(visible::lines(t).collect())),
        Value::Null => Some(String::new()),
        _ => None,
    };
    if is_list(before) || is_list(after) {
        return Some((list(before, before_names)?, list(after, references)?));
    }
    if is_text(before) || is_text(after) {
        return Some((text(before)?, text(after)?));
    }
    None
}

/// A value in one line: JSON, strings quoted with unseen spaces marked (`"…created.␠␠"`).
pub(super) fn show(value: &Value) -> String {
    visible::value(value)
}

/// A condition or action at `path` (`actions[1]`) in one line, each id that a reference
/// resolved shown with its name: `{"field":"group_id","value":group "Tier 2" (360001234567)}`.
/// An id is named only where it is the one resolved there (the other side of a diff may hold
/// another id at that place).
fn show_item(item: &Value, path: &str, references: &[ResolvedReference]) -> String {
    let prefix = format!("{path}.");
    let mine: Vec<&ResolvedReference> = references
        .iter()
        .filter(|r| r.at.starts_with(&prefix))
        .collect();
    let Value::Object(map) = item else {
        return show(item);
    };
    if mine.is_empty() {
        return show(item);
    }
    let named = |at: &str, value: &Value| -> String {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(n) => n.to_string(),
            _ => return show(value),
        };
        mine.iter()
            .find(|r| {
                r.at == at
                    && (text == r.id
                        || (r.kind == RefKind::TicketField
                            && text == format!("custom_fields_{}", r.id)))
            })
            .map_or_else(
                || show(value),
                |r| format!("{} {} ({text})", r.kind.key(), quoted(&r.name)),
            )
    };
    let mut out = String::from("{");
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quoted(key));
        out.push(':');
        let at = format!("{path}.{key}");
        match value {
            Value::Array(items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    out.push_str(&named(&format!("{at}[{j}]"), item));
                }
                out.push(']');
            }
            other => out.push_str(&named(&at, other)),
        }
    }
    out.push('}');
    out
}

pub(super) fn quoted(text: &str) -> String {
    visible::string(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_and_multi_line_text_diff_by_line_and_scalars_do_not() {
        let diff_lines = |a: &Value, b: &Value| super::diff_lines("f", (a, &[]), (b, &[]));
        assert_eq!(
            diff_lines(&json!([1, "a"]), &Value::Null),
            Some(("1\n\"a\"\n".to_owned(), String::new()))
        );
        assert_eq!(
            diff_lines(&json!("one line"), &json!("two\nlines")),
            Some(("one line\n".to_owned(), "two\nlines\n".to_owned()))
        );
        assert_eq!(
            diff_lines(&json!("a\nb  "), &json!("a\nb")),
            Some(("a\n\"b␠␠\"\n".to_owned(), "a\nb\n".to_owned())),
            "lines that differ only by trailing spaces differ visibly"
        );
        assert_eq!(diff_lines(&json!("a"), &json!("b")), None);
        assert_eq!(diff_lines(&json!(true), &json!([1])), None);
    }

    #[test]
    fn a_field_diff_marks_removed_added_and_kept_lines() {
        let mut out = Vec::new();
        field_diff(
            &FieldChange {
                field: "actions".to_owned(),
                before: json!(["a", "b"]),
                after: json!(["a", "c"]),
            },
            &[],
            &[],
            &mut out,
        );
        let signs: Vec<(Sign, &str)> = out.iter().map(|l| (l.sign, l.text.as_str())).collect();
        assert_eq!(
            signs,
            [
                (Sign::Change, "actions:"),
                (Sign::Context, "\"a\""),
                (Sign::Remove, "\"b\""),
                (Sign::Add, "\"c\""),
            ]
        );
    }
}
