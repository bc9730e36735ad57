//! Turning a spanned YAML tree into typed policy values while collecting every problem.
//!
//! Each policy type implements [`Decode`]. Decoding never stops at the first problem: a bad
//! value is reported and skipped (the decode returns `None` for it) and the walk goes on, so
//! one run reports everything (the approach of cargo-deny's config checks and toml-span).

use super::diagnostic::{Code, Diagnostic};
use super::source::Span;
use super::yaml::{Node, Value};

/// Collects diagnostics while decoding.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Every problem found so far.
    pub diagnostics: Vec<Diagnostic>,
}

impl Decoder {
    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports that `node` is not of the expected kind.
    pub fn wrong_type(&mut self, node: &Node, expected: &str) {
        self.report(
            Diagnostic::error(
                Code::WrongType,
                node.span,
                format!("expected {expected}, found {}", node.value.kind()),
            )
            .with_label(format!("expected {expected}")),
        );
    }
}

/// A value that is decoded as a named entry of a mapping (an account or a group), so its
/// messages can say which one ("account `acme`").
pub trait DecodeEntry: Sized {
    /// Decodes the entry named `name`.
    fn decode_entry(name: &str, node: &Node, decoder: &mut Decoder) -> Option<Self>;
}

/// A policy value that can be decoded from a spanned YAML node.
pub trait Decode: Sized {
    /// Decodes `node`, reporting problems to `decoder`; `None` if the value is unusable.
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self>;
}

impl Decode for bool {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::String(s)
                if ["true", "false", "yes", "no", "on", "off"]
                    .contains(&s.to_ascii_lowercase().as_str()) =>
            {
                decoder.report(
                    Diagnostic::error(Code::WrongType, node.span, "expected a boolean (true or false), found a string")
                        .with_label("this is a string")
                        .with_help("write true or false without quotes (YAML 1.2 reads only those as booleans)"),
                );
                None
            }
            _ => {
                decoder.wrong_type(node, "a boolean (true or false)");
                None
            }
        }
    }
}

impl Decode for String {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            _ => {
                decoder.wrong_type(node, "a string");
                None
            }
        }
    }
}

impl Decode for u32 {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Number(n) if n.as_u64().is_some() => {
                let v = n.as_u64().unwrap_or_default();
                match u32::try_from(v) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        decoder.report(Diagnostic::error(
                            Code::InvalidValue,
                            node.span,
                            format!("{v} is too large (at most {})", u32::MAX),
                        ));
                        None
                    }
                }
            }
            _ => {
                decoder.wrong_type(node, "a non-negative integer");
                None
            }
        }
    }
}

impl Decode for u64 {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
            _ => {
                decoder.wrong_type(node, "a non-negative integer");
                None
            }
        }
    }
}

impl Decode for serde_json::Value {
    fn decode(node: &Node, _decoder: &mut Decoder) -> Option<Self> {
        Some(node.to_json())
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Seq(items) => {
                // Keep the good items even if some are bad, so later checks still see them.
                let decoded: Vec<Option<T>> = items.iter().map(|n| T::decode(n, decoder)).collect();
                Some(decoded.into_iter().flatten().collect())
            }
            _ => {
                decoder.wrong_type(node, "a list");
                None
            }
        }
    }
}

impl<T: Decode> Decode for super::model::Located<T> {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        T::decode(node, decoder).map(|value| super::model::Located {
            value,
            span: node.span,
        })
    }
}

/// Decodes a string that must be one of a closed set of names (an enum in the schema).
pub fn decode_choice<T: Copy>(
    node: &Node,
    decoder: &mut Decoder,
    what: &str,
    choices: &[(&'static str, T)],
) -> Option<T> {
    let text = String::decode(node, decoder)?;
    if let Some((_, value)) = choices.iter().find(|(name, _)| *name == text) {
        return Some(*value);
    }
    let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
    let mut diagnostic = Diagnostic::error(
        Code::InvalidValue,
        node.span,
        format!("`{text}` is not a valid {what}"),
    )
    .with_help(format!("expected one of: {}", names.join(", ")));
    if let Some(best) = did_you_mean(&text, names.iter().copied()) {
        diagnostic = diagnostic.with_label(format!("did you mean `{best}`?"));
    }
    decoder.report(diagnostic);
    None
}

/// Reads the keys of one YAML mapping, reporting duplicates, non-string keys and, at the end,
/// every key nobody asked for (with a "did you mean" suggestion).
pub struct MapReader<'n> {
    what: String,
    /// What its keys are called in "unknown key" messages, when not plain keys.
    key_noun: Option<&'static str>,
    span: Span,
    entries: Vec<(String, &'n Node, &'n Node)>,
    used: Vec<bool>,
    asked: Vec<&'static str>,
}

impl<'n> MapReader<'n> {
    /// Starts reading `node` as a mapping; reports and returns `None` if it is not one.
    /// `what` names the mapping in messages, e.g. "account `acme`".
    pub fn new(node: &'n Node, what: impl Into<String>, decoder: &mut Decoder) -> Option<Self> {
        let Value::Map(raw) = &node.value else {
            decoder.wrong_type(node, "a mapping");
            return None;
        };
        let what = what.into();
        let mut entries: Vec<(String, &'n Node, &'n Node)> = Vec::with_capacity(raw.len());
        for (key, value) in raw {
            let Some(name) = key.as_key() else {
                decoder.report(Diagnostic::error(
                    Code::WrongType,
                    key.span,
                    format!("keys in {what} must be strings, found {}", key.value.kind()),
                ));
                continue;
            };
            if let Some((_, first, _)) = entries.iter().find(|(n, _, _)| *n == name) {
                decoder.report(
                    Diagnostic::error(
                        Code::DuplicateKey,
                        key.span,
                        format!("duplicate key `{name}` in {what}"),
                    )
                    .with_label("defined again here")
                    .with_secondary(first.span, "first defined here")
                    .with_help("YAML keys must be unique; remove one of them"),
                );
                continue;
            }
            entries.push((name, key, value));
        }
        let used = vec![false; entries.len()];
        Some(Self {
            what,
            key_noun: None,
            span: node.span,
            entries,
            used,
            asked: Vec::new(),
        })
    }

    /// Names the keys of this mapping in "unknown key" messages: with `"credential key"`, a
    /// misspelt key reads "unknown credential key `oauth_tokn`, did you mean `oauth_token`?".
    pub fn keys_named(mut self, noun: &'static str) -> Self {
        self.key_noun = Some(noun);
        self
    }

    /// Whether some key has not been taken (so [`MapReader::finish`] will report it).
    pub fn has_unknown_keys(&self) -> bool {
        self.used.iter().any(|used| !used)
    }

    /// The name used for this mapping in messages.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// The mapping's span.
    pub fn span(&self) -> Span {
        self.span
    }

    /// Takes the value of `key` if present (null counts as absent), marking it as known.
    pub fn take(&mut self, key: &'static str) -> Option<&'n Node> {
        self.take_entry(key).map(|(_, v)| v)
    }

    /// Takes the key node and value node of `key` if present (null counts as absent).
    pub fn take_entry(&mut self, key: &'static str) -> Option<(&'n Node, &'n Node)> {
        self.asked.push(key);
        let index = self.entries.iter().position(|(n, _, _)| n == key)?;
        self.used[index] = true;
        let (_, k, v) = self.entries[index];
        if v.value == Value::Null {
            return None;
        }
        Some((k, v))
    }

    /// Takes the value of `key` if present, an explicit `null` included: for opaque values
    /// (condition and action values) where `null`, `""` and an absent key are three different
    /// things Zendesk sends back.
    pub fn take_nullable(&mut self, key: &'static str) -> Option<&'n Node> {
        self.asked.push(key);
        let index = self.entries.iter().position(|(n, _, _)| n == key)?;
        self.used[index] = true;
        Some(self.entries[index].2)
    }

    /// Decodes `key` if present.
    pub fn optional<T: Decode>(&mut self, key: &'static str, decoder: &mut Decoder) -> Option<T> {
        self.take(key).and_then(|node| T::decode(node, decoder))
    }

    /// Decodes `key`, reporting it as missing if absent.
    pub fn required<T: Decode>(&mut self, key: &'static str, decoder: &mut Decoder) -> Option<T> {
        match self.take(key) {
            Some(node) => T::decode(node, decoder),
            None => {
                decoder.report(
                    Diagnostic::error(
                        Code::MissingKey,
                        self.span,
                        format!("missing key `{key}` in {}", self.what),
                    )
                    .with_label(format!("`{key}` is required here")),
                );
                None
            }
        }
    }

    /// All entries not yet taken, as (key node, value node); marks them used.
    pub fn take_rest(&mut self) -> Vec<(&'n Node, &'n Node)> {
        let mut rest = Vec::new();
        for (i, (_, k, v)) in self.entries.iter().enumerate() {
            if !self.used[i] {
                self.used[i] = true;
                rest.push((*k, *v));
            }
        }
        rest
    }

    /// Reports every key that was never taken, suggesting the closest known key.
    pub fn finish(self, decoder: &mut Decoder) {
        for (i, (name, key, _)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let best = did_you_mean(name, self.asked.iter().copied());
            let message = match (self.key_noun, best) {
                (None, _) => format!("unknown key `{name}` in {}", self.what),
                (Some(noun), None) => format!("unknown {noun} `{name}`"),
                (Some(noun), Some(best)) => {
                    format!("unknown {noun} `{name}`, did you mean `{best}`?")
                }
            };
            let mut diagnostic = Diagnostic::error(Code::UnknownKey, key.span, message);
            let expected = self.asked.join(", ");
            diagnostic = match best {
                Some(best) => diagnostic
                    .with_label(format!("did you mean `{best}`?"))
                    .with_help(format!("expected one of: {expected}")),
                None => diagnostic
                    .with_label("not a known key")
                    .with_help(format!("expected one of: {expected}")),
            };
            decoder.report(diagnostic);
        }
    }
}

/// The candidate closest to `input`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(input, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::source::FileId;
    use crate::policy::yaml::parse;

    #[test]
    fn reader_reports_unknown_keys_with_suggestion() {
        let node = parse(FileId(0), "max_deletes: 1\nmax_changed_precent: 3\n").unwrap();
        let mut decoder = Decoder::default();
        let mut reader = MapReader::new(&node, "safety", &mut decoder).unwrap();
        let _: Option<u32> = reader.optional("max_deletes", &mut decoder);
        let _: Option<u32> = reader.optional("max_changed_percent", &mut decoder);
        reader.finish(&mut decoder);
        assert_eq!(decoder.diagnostics.len(), 1);
        let d = &decoder.diagnostics[0];
        assert_eq!(d.code, Code::UnknownKey);
        assert_eq!(
            d.primary.as_ref().unwrap().message,
            "did you mean `max_changed_percent`?"
        );
    }

    #[test]
    fn reader_reports_duplicates_and_keeps_first() {
        let node = parse(FileId(0), "a: true\na: false\n").unwrap();
        let mut decoder = Decoder::default();
        let mut reader = MapReader::new(&node, "x", &mut decoder).unwrap();
        let a: Option<bool> = reader.optional("a", &mut decoder);
        reader.finish(&mut decoder);
        assert_eq!(a, Some(true));
        assert_eq!(decoder.diagnostics.len(), 1);
        assert_eq!(decoder.diagnostics[0].code, Code::DuplicateKey);
        assert_eq!(decoder.diagnostics[0].secondary.len(), 1);
    }

    #[test]
    fn missing_required_key_is_reported() {
        let node = parse(FileId(0), "a: true\n").unwrap();
        let mut decoder = Decoder::default();
        let mut reader = MapReader::new(&node, "x", &mut decoder).unwrap();
        let _: Option<bool> = reader.optional("a", &mut decoder);
        let b: Option<bool> = reader.required("b", &mut decoder);
        assert_eq!(b, None);
        assert_eq!(decoder.diagnostics[0].code, Code::MissingKey);
    }

    #[test]
    fn lists_keep_good_items_and_report_bad_ones() {
        let node = parse(FileId(0), "[true, 3, false]").unwrap();
        let mut decoder = Decoder::default();
        let v: Option<Vec<bool>> = Decode::decode(&node, &mut decoder);
        assert_eq!(v, Some(vec![true, false]));
        assert_eq!(decoder.diagnostics.len(), 1);
    }

    #[test]
    fn an_explicit_null_is_kept_only_when_asked_for() {
        let node = parse(FileId(0), "a: null\nb: ~\n").unwrap();
        let mut decoder = Decoder::default();
        let mut reader = MapReader::new(&node, "x", &mut decoder).unwrap();
        assert_eq!(reader.take("a"), None, "null counts as absent for settings");
        let b = reader.take_nullable("b").map(Node::to_json);
        assert_eq!(b, Some(serde_json::Value::Null));
        assert_eq!(reader.take_nullable("c"), None);
        reader.finish(&mut decoder);
        assert!(decoder.diagnostics.is_empty());
    }

    #[test]
    fn did_you_mean_ignores_distant_words() {
        assert_eq!(
            did_you_mean("subdomian", ["subdomain", "groups"]),
            Some("subdomain")
        );
        assert_eq!(did_you_mean("zzz", ["subdomain", "groups"]), None);
    }
}
