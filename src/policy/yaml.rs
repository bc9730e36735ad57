//! A YAML document as a tree of spanned nodes, parsed with serde-saphyr.
//!
//! The loader walks this tree itself instead of deserialising straight into typed structs:
//! serde stops at the first error, and zdpolicy must report every problem in a file in one run,
//! each at its line and column. Duplicate keys are passed through to the tree so they can be
//! reported with both locations rather than aborting the parse.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{DuplicateKeyPolicy, Options, Spanned};

use super::source::{FileId, Span};
use super::yaml_limits::{self, LimitBreach, YamlLimits};

/// One YAML node and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node is in its file.
    pub span: Span,
}

/// The value of a [`Node`], following the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false` (YAML 1.2: `yes`/`no` are strings).
    Bool(bool),
    /// An integer or a float.
    Number(serde_json::Number),
    /// A string scalar, quoted or plain.
    String(String),
    /// A sequence, in order.
    Seq(Vec<Node>),
    /// A mapping, in order, duplicates kept so they can be reported.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short description of the kind of value, for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.is_f64() => "a number",
            Value::Number(_) => "an integer",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The node as plain JSON (spans dropped), e.g. for opaque condition values.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_key().unwrap_or_default(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The node as a mapping key: strings as themselves, other scalars as their text.
    pub fn as_key(&self) -> Option<String> {
        match &self.value {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => Some("null".to_owned()),
            Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// Looks up a key in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_key().as_deref() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn set_file(&mut self, file: FileId) {
        self.span.file = file;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.set_file(file)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.set_file(file);
                v.set_file(file);
            }),
            _ => {}
        }
    }
}

/// A YAML syntax error, with where the parser stopped.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// What the parser said, without its own location prefix or snippet.
    pub message: String,
    /// Where the error is, when the parser knows.
    pub span: Option<Span>,
    /// Set when the parser stopped at a size limit rather than at bad syntax.
    pub limit: Option<LimitBreach>,
}

/// Parses one YAML document into a spanned tree, within the default [`YamlLimits`].
///
/// An empty document (or one holding only comments) parses to a `Null` node.
///
/// # Errors
/// Returns the parser's first syntax error; YAML cannot be parsed past one.
pub fn parse(file: FileId, text: &str) -> Result<Node, SyntaxError> {
    parse_within(file, text, &YamlLimits::default())
}

/// Parses one YAML document into a spanned tree, stopping at `limits`.
///
/// # Errors
/// Returns the parser's first syntax error, or the limit the file went over.
pub fn parse_within(file: FileId, text: &str, limits: &YamlLimits) -> Result<Node, SyntaxError> {
    let mut options = Options::default();
    options.budget = Some(limits.budget());
    options.alias_limits = limits.alias_limits();
    // Report duplicate keys ourselves, with both locations, instead of aborting.
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    // YAML 1.2: only true/false are booleans, so `no` stays the string "no".
    options.strict_booleans = true;
    options.with_snippet = false;
    if text.trim().lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    }) {
        return Ok(Node {
            value: Value::Null,
            span: Span::new(file, 0, 0),
        });
    }
    match serde_saphyr::from_str_with_options::<Node>(text, options) {
        Ok(mut node) => {
            node.set_file(file);
            Ok(node)
        }
        Err(err) => Err(SyntaxError {
            span: err.location().and_then(|loc| {
                if let Some(start) = loc.span().byte_offset() {
                    let start = start as usize;
                    let len = loc.span().byte_len().unwrap_or(0) as usize;
                    return Some(Span::new(file, start, start + len));
                }
                let start = offset_of(text, loc.line() as usize, loc.column() as usize)?;
                Some(Span::new(file, start, start))
            }),
            message: clean_message(&err.to_string()),
            limit: yaml_limits::breach(&err, limits),
        }),
    }
}

/// The byte offset of a one-based line and character column, if it is in the text.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let line_text = &text[line_start..];
    let in_line = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    Some(line_start + in_line)
}

/// Strips the "line X column Y:" prefix serde-saphyr adds, since diagnostics carry the location.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    let first = match first
        .strip_prefix("line ")
        .and_then(|rest| rest.find(": ").map(|i| &rest[i + 2..]))
    {
        Some(rest) => rest.trim(),
        None => first,
    };
    // The location is shown by the diagnostic itself.
    match first.rfind(" at line ") {
        Some(idx) => first[..idx].to_owned(),
        None => first.to_owned(),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        let loc = spanned.referenced;
        let start = loc.span().byte_offset().unwrap_or(0) as usize;
        let len = loc.span().byte_len().unwrap_or(0) as usize;
        Ok(Node {
            value: spanned.value,
            span: Span::new(FileId(0), start, start + len),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            |n| Value::Number(n.into()),
        ))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(
            |_| Value::String(v.to_string()),
            |n| Value::Number(n.into()),
        ))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v)
            .map_or_else(|| Value::String(v.to_string()), Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Node {
        parse(FileId(0), text).expect("valid yaml")
    }

    #[test]
    fn scalars_follow_yaml_1_2() {
        let node = parse_str("a: yes\nb: true\nc: 12\nd: '12'\ne: ~\nf: 1.5\n");
        assert_eq!(node.get("a").unwrap().value, Value::String("yes".into()));
        assert_eq!(node.get("b").unwrap().value, Value::Bool(true));
        assert_eq!(node.get("c").unwrap().value, Value::Number(12.into()));
        assert_eq!(node.get("d").unwrap().value, Value::String("12".into()));
        assert_eq!(node.get("e").unwrap().value, Value::Null);
        assert!(matches!(node.get("f").unwrap().value, Value::Number(_)));
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n";
        let node = parse_str(text);
        let Value::Map(entries) = &node.value else {
            panic!("map")
        };
        let (key, _) = &entries[1];
        assert_eq!(&text[key.span.start..key.span.end], "accounts");
        let sub = node
            .get("accounts")
            .unwrap()
            .get("acme")
            .unwrap()
            .get("subdomain")
            .unwrap();
        assert_eq!(&text[sub.span.start..sub.span.end], "acme");
        assert_eq!(sub.span.start, text.rfind("acme").unwrap());
    }

    #[test]
    fn duplicate_keys_are_kept_for_reporting() {
        let node = parse_str("a: 1\na: 2\n");
        let Value::Map(entries) = &node.value else {
            panic!("map")
        };
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let err = parse(FileId(0), "a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.span.is_some(), "{err:?}");
        assert!(!err.message.is_empty());
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn empty_and_comment_only_documents_are_null() {
        assert_eq!(parse_str("").value, Value::Null);
        assert_eq!(parse_str("# nothing\n").value, Value::Null);
    }
}
