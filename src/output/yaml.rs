//! A small YAML writer for JSON-shaped values, with optional end-of-line comments.
//!
//! zdpolicy writes YAML that people read and that other tools parse: strings that a YAML 1.1
//! reader would take for something else (`no`, `yes`, `on`, `1e3`, `~`) are quoted, and
//! comments can follow any scalar line (used by `render --explain`).

use serde_json::Value;

use crate::policy::resolve::join;

/// Writes `value` as a YAML block document. `comment(path)` may return a comment for the line
/// of the value at `path` (dotted keys; list items by index, or by their `key` field if they
/// have one).
pub fn to_yaml(value: &Value, comment: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, "", comment, true);
    out
}

fn write_value(
    out: &mut String,
    value: &Value,
    indent: usize,
    path: &str,
    comment: &dyn Fn(&str) -> Option<String>,
    top: bool,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if !top {
                out.push('\n');
            }
            for (key, child) in map {
                out.push_str(&" ".repeat(indent));
                out.push_str(&scalar_text(&Value::String(key.clone())));
                out.push(':');
                let child_path = join(path, key);
                write_child(out, child, indent + 2, &child_path, comment);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if !top {
                out.push('\n');
            }
            for (i, item) in items.iter().enumerate() {
                let item_key = item
                    .get("key")
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_owned);
                let item_path = join(path, &item_key);
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // First key on the dash line, the rest indented under it.
                        let mut first = true;
                        for (key, child) in map {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                out.push_str(&" ".repeat(indent + 2));
                            }
                            out.push_str(&scalar_text(&Value::String(key.clone())));
                            out.push(':');
                            write_child(out, child, indent + 4, &join(&item_path, key), comment);
                        }
                    }
                    _ => write_child(out, item, indent + 2, &item_path, comment),
                }
            }
        }
        scalar => {
            out.push_str(&scalar_text(scalar));
            push_comment(out, path, comment);
            out.push('\n');
        }
    }
}

fn write_child(
    out: &mut String,
    value: &Value,
    indent: usize,
    path: &str,
    comment: &dyn Fn(&str) -> Option<String>,
) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            write_value(out, value, indent, path, comment, false)
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().any(|i| i.is_object() || i.is_array()) =>
        {
            write_value(out, value, indent, path, comment, false);
        }
        _ => {
            out.push(' ');
            out.push_str(&flow_text(value));
            push_comment(out, path, comment);
            out.push('\n');
        }
    }
}

fn push_comment(out: &mut String, path: &str, comment: &dyn Fn(&str) -> Option<String>) {
    if let Some(text) = comment(path) {
        out.push_str("  # ");
        out.push_str(&text);
    }
}

/// A value on one line: scalars as themselves, short lists of scalars in flow style.
fn flow_text(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flow_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    scalar_text(&Value::String(k.clone())),
                    flow_text(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        scalar => scalar_text(scalar),
    }
}

/// A scalar as YAML text, quoted when a YAML 1.1 or 1.2 reader could misread it.
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if is_plain_safe(s) => s.clone(),
        // JSON string syntax is valid YAML double-quoted syntax.
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
        other => flow_text(other),
    }
}

fn is_plain_safe(s: &str) -> bool {
    const AMBIGUOUS: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", ".nan", ".inf",
        "-.inf", "",
    ];
    if AMBIGUOUS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    let looks_numeric =
        first.is_ascii_digit() || ((first == '-' || first == '+' || first == '.') && s.len() > 1);
    if looks_numeric
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() || "+-._:xXoO".contains(c))
    {
        return false;
    }
    first.is_ascii_alphanumeric()
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _-./()@:".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        for s in [
            "no", "Yes", "on", "1e3", "0x1F", "12", "", "a: b", " lead", "trail ", "#x",
        ] {
            assert!(scalar_text(&json!(s)).starts_with('"'), "{s}");
        }
        for s in [
            "acme",
            "Request customer satisfaction rating (messaging)",
            "env:ACME",
        ] {
            let text = scalar_text(&json!(s));
            assert!(!text.starts_with('"'), "{s} -> {text}");
        }
    }

    #[test]
    fn writes_nested_values_and_comments() {
        let value = json!({"a": {"b": true, "c": [1, 2]}, "t": [{"key": "x", "v": "no"}]});
        let text = to_yaml(&value, &|p: &str| {
            (p == "a.b").then(|| "set here".to_owned())
        });
        assert_eq!(
            text,
            "a:\n  b: true  # set here\n  c: [1, 2]\nt:\n  - key: x\n    v: \"no\"\n"
        );
    }
}
