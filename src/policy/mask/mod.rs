//! Masking secrets in everything zdpolicy shows about policy files: snippets, diagnostic
//! messages, labels and help, in every output format.
//!
//! Masking does not depend on the loader recognising a key. While a policy loads, every file
//! is read for secrets twice: as a YAML tree when it parses (`tree`: everything under
//! `credentials`, `sunshine_conversations` or a key named like a secret, at any depth, of any
//! type), and as lines of text whether it parses or not (`lines`: the same rules by key and
//! indentation, for files with a syntax error, and comments). The positions and values found
//! are kept with the files ([`Secrets::apply`]). When anything is shown, one [`Masker`] masks
//! those positions, every other occurrence of the secret values, and any word that looks like a
//! secret by its shape ([`words`]), in file text and in message text alike.

pub mod keys;
mod lines;
mod tree;
pub mod words;

use std::cell::OnceCell;
use std::ops::Range;

use aho_corasick::AhoCorasick;

use self::keys::{KeyKind, KeyKinds};
use super::source::{FileId, SourceMap, Span};
use super::yaml::Node;

/// The character shown instead of each byte of a secret (so byte offsets stay valid).
pub const MASK: char = '*';

/// Secret positions and values found in a policy's files while loading.
#[derive(Debug, Default)]
pub struct Secrets {
    spans: Vec<Span>,
    values: Vec<String>,
    /// Both scanners classify every key they meet: once per name for all files.
    kinds: KeyKinds,
}

impl Secrets {
    /// Reads one file's text line by line (it need not be valid YAML).
    pub fn scan_text(&mut self, file: FileId, text: &str) {
        lines::scan(file, text, self);
    }

    /// Reads a parsed file.
    pub fn scan_tree(&mut self, node: &Node) {
        tree::scan(node, self);
    }

    /// Records what was found with the files, where every renderer's [`Masker`] finds it.
    pub fn apply(self, sources: &mut SourceMap) {
        for span in self.spans {
            sources.redact(span);
        }
        for value in self.values {
            sources.redact_value(value);
        }
    }

    fn span(&mut self, span: Span) {
        self.spans.push(span);
    }

    fn value(&mut self, value: String) {
        self.values.push(value);
    }

    fn kind(&mut self, key: &str) -> KeyKind {
        self.kinds.of(key)
    }
}

/// Values shorter than this are masked where they were written but not searched for
/// elsewhere: a short one (`acme`, `true`) would mask ordinary words in every message.
pub const MIN_SEARCHED_LENGTH: usize = 6;

/// Masks secrets in files and messages of one policy: the one place that decides what is
/// safe to show, used by every output format.
pub struct Masker<'a> {
    sources: &'a SourceMap,
    /// Secret values, searched for in every text shown (none if there are none).
    known: Option<AhoCorasick>,
    /// Each file's masked text, made when first needed.
    shown: Vec<OnceCell<String>>,
}

impl<'a> Masker<'a> {
    /// A masker for the files (and the secrets marked in them) of `sources`.
    pub fn new(sources: &'a SourceMap) -> Self {
        let mut known: Vec<String> = sources.secret_values().to_vec();
        known.retain(|k| k.chars().count() >= MIN_SEARCHED_LENGTH);
        known.sort();
        known.dedup();
        // Building fails only past the automaton's size limits; then fall back to searching
        // for none rather than fail to show a diagnostic: the values are masked where they
        // were written in any case.
        let known = (!known.is_empty())
            .then(|| AhoCorasick::new(&known).ok())
            .flatten();
        Self {
            sources,
            known,
            shown: sources.files().map(|_| OnceCell::new()).collect(),
        }
    }

    /// `text` (a message, a label, a help line) with every secret in it masked.
    pub fn text(&self, text: &str) -> String {
        mask(text, self.ranges(text))
    }

    /// The text of a file with every secret in it masked. Byte offsets and lines are those of
    /// the original, so spans still point at the right place.
    pub fn source(&self, file: FileId) -> &str {
        self.shown[file.0 as usize].get_or_init(|| {
            let file = self.sources.file(file);
            let text = file.text();
            let mut ranges: Vec<Range<usize>> =
                file.redactions().iter().map(|&(s, e)| s..e).collect();
            ranges.extend(self.ranges(text));
            mask(text, ranges)
        })
    }

    fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges = words::secret_ranges(text);
        if let Some(known) = &self.known {
            ranges.extend(known.find_overlapping_iter(text).map(|m| m.range()));
        }
        ranges
    }
}

/// Replaces every character that starts inside one of `ranges` by as many [`MASK`]s as it
/// has bytes; line breaks are kept so lines stay where they were.
fn mask(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut next = 0;
    let mut covered_to = 0;
    for (i, c) in text.char_indices() {
        while next < ranges.len() && ranges[next].start <= i {
            covered_to = covered_to.max(ranges[next].end);
            next += 1;
        }
        if i < covered_to && c != '\n' && c != '\r' {
            out.extend(std::iter::repeat_n(MASK, c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// A scalar without the quotes around it, if it has matching ones.
fn unquote(value: &str) -> &str {
    ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_values_are_masked_wherever_they_appear() {
        let mut sources = SourceMap::new();
        let a = sources.add("a.yaml", "token: \"hunter2-secret\"\n");
        let b = sources.add("b.yaml", "title: hunter2-secret and more\n");
        sources.redact(Span::new(a, 7, 23));
        sources.redact_value("hunter2-secret");
        let masker = Masker::new(&sources);
        assert_eq!(masker.source(a), "token: ****************\n");
        assert_eq!(masker.source(b), "title: ************** and more\n");
        assert_eq!(
            masker.text("`hunter2-secret` is not valid"),
            "`**************` is not valid"
        );
    }

    #[test]
    fn masking_keeps_byte_offsets_and_lines() {
        let mut sources = SourceMap::new();
        let id = sources.add(
            "a.yaml",
            "k: é1\nnext: 6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv\n",
        );
        sources.redact(Span::new(id, 3, 6));
        let masker = Masker::new(&sources);
        let shown = masker.source(id);
        assert_eq!(shown.len(), sources.file(id).text().len());
        assert_eq!(shown, format!("k: ***\nnext: {}\n", "*".repeat(40)));
    }

    #[test]
    fn short_values_are_not_searched_for() {
        let mut sources = SourceMap::new();
        let id = sources.add("a.yaml", "email: acme\naccount: acme\n");
        sources.redact(Span::new(id, 7, 11));
        sources.redact_value("acme");
        let masker = Masker::new(&sources);
        assert_eq!(masker.source(id), "email: ****\naccount: acme\n");
        assert_eq!(masker.text("account `acme`"), "account `acme`");
    }
}
