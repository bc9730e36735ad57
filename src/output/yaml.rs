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
            write_value(out, value, indent, path, comment, false);
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
        Value::String(s) => double_quoted(s),
        other => flow_text(other),
    }
}

/// A YAML double-quoted scalar that reads back as exactly `s`. Line breaks, tabs and every
/// character YAML does not allow raw, or that would be invisible in a review (bidirectional
/// controls, zero-width characters, a byte-order mark), are escaped; everything else,
/// right-to-left text included, is written as itself.
pub fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters a YAML 1.2 stream may not hold raw (C0 and C1 controls, DEL, U+FFFE/U+FFFF)
/// and characters that print as nothing (zero-width, bidirectional and line-separator
/// controls, the byte-order mark): all in the Basic Multilingual Plane, so `\uXXXX` fits.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
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
    fn double_quoted_escapes_what_yaml_or_a_reviewer_would_lose() {
        assert_eq!(double_quoted("a\tb\n"), r#""a\tb\n""#);
        assert_eq!(double_quoted("q\"\\"), r#""q\"\\""#);
        assert_eq!(double_quoted("\u{200f}x\u{7f}"), r#""\u200Fx\u007F""#);
        assert_eq!(double_quoted("שלום  "), "\"שלום  \"");
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

    mod round_trip {
        use super::super::to_yaml;
        use crate::policy::source::FileId;
        use crate::policy::yaml::parse;
        use proptest::prelude::*;
        use serde_json::Value;

        /// Text as real accounts hold it: spaces at the ends, tabs, line breaks, quotes,
        /// Liquid braces, YAML look-alikes, right-to-left and invisible characters.
        fn text() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    Just(" ".to_owned()),
                    Just("\t".to_owned()),
                    Just("\n".to_owned()),
                    Just("\r\n".to_owned()),
                    Just("{{ticket.id}}".to_owned()),
                    Just("no".to_owned()),
                    Just("- ".to_owned()),
                    Just(": ".to_owned()),
                    Just("#".to_owned()),
                    Just("'\"".to_owned()),
                    Just("\u{200f}\u{feff}\u{85}\u{2028}".to_owned()),
                    Just("שלום".to_owned()),
                    "[a-z0-9]{1,6}",
                    any::<char>().prop_map(String::from),
                ],
                0..6,
            )
            .prop_map(|parts| parts.concat())
        }

        fn value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                text().prop_map(Value::String),
            ];
            leaf.prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::vec((text(), inner), 0..4)
                        .prop_map(|entries| Value::Object(entries.into_iter().collect())),
                ]
            })
        }

        proptest! {
            /// What the writer writes, YAML reads back as the same value: nothing trimmed,
            /// re-spaced or re-typed (`"75"` stays a string, `null` stays `null`).
            #[test]
            fn written_yaml_reads_back_unchanged(inner in value()) {
                let document = serde_json::json!({ "v": inner });
                let text = to_yaml(&document, &|_| None);
                let node = parse(FileId(0), &text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
                prop_assert_eq!(node.to_json(), document, "{}", text);
            }
        }
    }
}
