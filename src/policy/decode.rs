//! Turning a spanned YAML tree into typed policy values while collecting every problem.
//!
//! Each policy type implements [`Decode`]. Decoding never stops at the first problem: a bad
//! value is reported and skipped (the decode returns `None` for it) and the walk goes on, so
//! one run reports everything (the approach of cargo-deny's config checks and toml-span).
//! Mappings are read key by key through a [`MapReader`] (`map_reader.rs`).

use super::diagnostic::{Code, Diagnostic};
use super::yaml::{Node, Value};

pub use super::map_reader::MapReader;

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
    fn lists_keep_good_items_and_report_bad_ones() {
        let node = parse(FileId(0), "[true, 3, false]").unwrap();
        let mut decoder = Decoder::default();
        let v: Option<Vec<bool>> = Decode::decode(&node, &mut decoder);
        assert_eq!(v, Some(vec![true, false]));
        assert_eq!(decoder.diagnostics.len(), 1);
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
