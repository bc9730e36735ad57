//! Reading one YAML mapping key by key for a decoder: duplicate and non-string keys are
//! reported as they are met, required keys when missing, and every key nobody asked for at
//! the end, with a "did you mean" suggestion.

use super::decode::{Decode, Decoder, did_you_mean};
use super::diagnostic::{Code, Diagnostic};
use super::source::Span;
use super::yaml::{Node, Value};

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
}
