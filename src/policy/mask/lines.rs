//! Secret positions found by reading a file's lines, without a YAML tree.
//!
//! A file with a syntax error has no tree, yet its snippet is shown. So the text is read the
//! way a person skims YAML: the rest of a line after a key named like a secret is masked, and
//! so is every line indented below such a key or below `credentials:` and
//! `sunshine_conversations:`. Flow punctuation (`{ } [ ] ,`), keys directly inside a credential
//! block and well-formed references (`env:NAME`) stay readable. It runs on files that do parse
//! too, as a second net (it also reads comments, which the tree does not hold).

use super::keys::{IDENTIFIER_KEYS, KeyKind};
use super::{Secrets, unquote};
use crate::policy::secret::SecretRef;
use crate::policy::source::{FileId, Span};

/// A key whose value goes on below its line.
struct Open {
    /// The key's column: lines indented further belong to it.
    column: usize,
    kind: KeyKind,
    /// For a credential block, the indentation of its own keys.
    child: Option<usize>,
}

/// Records the secret positions of one file's text.
pub fn scan(file: FileId, text: &str, secrets: &mut Secrets) {
    let mut reader = LineReader {
        file,
        secrets,
        open: None,
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        reader.line(offset, content);
        offset += line.len();
    }
}

struct LineReader<'s> {
    file: FileId,
    secrets: &'s mut Secrets,
    open: Option<Open>,
}

impl LineReader<'_> {
    fn mask(&mut self, base: usize, start: usize, end: usize) {
        if start < end {
            self.secrets
                .span(Span::new(self.file, base + start, base + end));
        }
    }

    fn line(&mut self, base: usize, content: &str) {
        let indent = content.len() - content.trim_start_matches(' ').len();
        let code_end = comment_start(content);
        if content[indent..].trim().is_empty() {
            return;
        }
        if let Some(open) = &mut self.open {
            if indent == code_end {
                // A comment line inside a secret block.
                self.mask(base, indent, content.len());
                return;
            }
            if indent > open.column {
                let start = skip_item_markers(content, indent);
                let deep = match open.kind {
                    KeyKind::Block => start > *open.child.get_or_insert(start),
                    _ => true,
                };
                self.mask_pieces(base, content, start, code_end, !deep);
                self.mask(base, code_end, content.len());
                return;
            }
            self.open = None;
        }
        if self.keys(base, content, 0, code_end, true) == Some(code_end) {
            // A comment after a secret value may well be about it.
            self.mask(base, code_end, content.len());
        } else {
            // The comment, read like code: `# old api_token: …`.
            self.keys(base, content, code_end, content.len(), false);
        }
    }

    /// Masks what follows each secret key in `content[from..to]`; returns where the last
    /// masked region ends (`to` if it runs to the end), if there was one.
    fn keys(
        &mut self,
        base: usize,
        content: &str,
        from: usize,
        to: usize,
        code: bool,
    ) -> Option<usize> {
        let mut masked_to = None;
        let mut pos = from;
        while let Some(key) = next_key(content, pos, to) {
            pos = key.colon + 1;
            let kind = self.secrets.kind(key.name);
            if kind == KeyKind::Plain {
                continue;
            }
            let in_flow = flow_depth(&content[from..key.start]) > 0;
            let end = if in_flow && kind == KeyKind::Secret {
                flow_value_end(content, pos, to)
            } else {
                to
            };
            self.mask_pieces(base, content, pos, end, kind == KeyKind::Block);
            if code && !in_flow {
                self.open = Some(Open {
                    column: key.start,
                    kind,
                    child: None,
                });
            }
            masked_to = Some(end);
            pos = end;
        }
        masked_to
    }

    /// Masks the scalars of `content[from..to]`, keeping flow punctuation, references and
    /// (with `keep_keys`) the key of each `key: value` piece.
    fn mask_pieces(&mut self, base: usize, content: &str, from: usize, to: usize, keep_keys: bool) {
        for (start, end) in pieces(content, from, to) {
            let mut value_start = start;
            let mut identifier = false;
            if keep_keys
                && let Some(key) = next_key(content, start, end)
                && content[start..key.start].trim().is_empty()
            {
                value_start = key.colon + 1;
                identifier = IDENTIFIER_KEYS.contains(&key.name);
            }
            let raw = &content[value_start..end];
            let lead = raw.len() - raw.trim_start().len();
            let value = raw.trim();
            if value.is_empty() || is_block_indicator(value) || is_reference(value) {
                continue;
            }
            let value_start = value_start + lead;
            self.mask(base, value_start, value_start + value.len());
            if !identifier {
                self.secrets.value(unquote(value).to_owned());
            }
        }
    }
}

/// A `key:` found in a line.
struct Key<'a> {
    /// Where the key (or its opening quote) starts.
    start: usize,
    /// The key's name, without quotes.
    name: &'a str,
    /// Where its colon is.
    colon: usize,
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The next `key:` (a colon followed by a blank or the end) in `content[from..to]`.
fn next_key(content: &str, from: usize, to: usize) -> Option<Key<'_>> {
    let bytes = content.as_bytes();
    let mut search = from;
    while let Some(found) = content[search..to].find(':') {
        let colon = search + found;
        search = colon + 1;
        let followed_by_blank = colon + 1 >= to || matches!(bytes[colon + 1], b' ' | b'\t');
        if !followed_by_blank || colon == from {
            continue;
        }
        let before = &content[from..colon];
        let (start, name) = match before.chars().next_back() {
            Some(q @ ('"' | '\'')) => {
                let inner = &before[..before.len() - 1];
                let Some(open) = inner.rfind(q) else { continue };
                (from + open, &inner[open + 1..])
            }
            _ => {
                let name_len = before.len() - before.trim_end_matches(is_key_char).len();
                (colon - name_len, &before[before.len() - name_len..])
            }
        };
        let preceded_ok = content[..start]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '[' | '-' | '?'));
        if !name.is_empty() && preceded_ok {
            return Some(Key { start, name, colon });
        }
    }
    None
}

/// Where a comment starts in a line (a `#` at the start or after a blank, outside quotes),
/// or the line's length.
fn comment_start(content: &str) -> usize {
    let mut quote = None;
    let mut escaped = false;
    let mut previous = ' ';
    for (i, c) in content.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else if c == '#' && previous.is_whitespace() {
            return i;
        } else if matches!(c, '"' | '\'') {
            quote = Some(c);
        }
        previous = c;
    }
    content.len()
}

/// How many flow collections (`{`, `[`) are open at the end of `text`.
fn flow_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// Where a value inside a flow collection ends: at the `,` or closing bracket that ends it.
fn flow_value_end(content: &str, from: usize, to: usize) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in content[from..to].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']' | ',') if depth == 0 => return from + i,
            (None, '}' | ']') => depth -= 1,
            _ => {}
        }
    }
    to
}

/// The pieces of `content[from..to]` between flow punctuation, as byte ranges.
fn pieces(content: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut start = from;
    let mut quote = None;
    for (i, c) in content[from..to].char_indices() {
        let i = from + i;
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '{' | '}' | '[' | ']' | ',') => {
                pieces.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push((start, to));
    pieces
}

/// Skips `- ` list markers at `indent`, returning where the item's content starts.
fn skip_item_markers(content: &str, mut at: usize) -> usize {
    while let Some(rest) = content[at..].strip_prefix('-') {
        let blanks = rest.len() - rest.trim_start_matches(' ').len();
        if blanks == 0 && !rest.is_empty() {
            break;
        }
        at += 1 + blanks;
    }
    at
}

/// `|`, `>-`, `|+2`…: the header of a block scalar, not a value.
fn is_block_indicator(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

fn is_reference(value: &str) -> bool {
    SecretRef::parse(unquote(value)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with every found position replaced by `*`, as `Masker` would show it.
    fn shown(text: &str) -> String {
        let mut secrets = Secrets::default();
        scan(FileId(0), text, &mut secrets);
        let mut bytes = text.as_bytes().to_vec();
        for span in &secrets.spans {
            bytes[span.start..span.end].fill(b'*');
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn a_credential_block_is_masked_by_indentation() {
        let text = "accounts:\n  acme:\n    credentials:\n      oauth_tokn: s3cr3t\n      # was: 0ld\n      nested:\n        - deep: [a, b]\n      api_token: \"env:OK\"\n    subdomain: acme\n";
        assert_eq!(
            shown(text),
            "accounts:\n  acme:\n    credentials:\n      oauth_tokn: ******\n      **********\n      nested:\n        - ***** [*, *]\n      api_token: \"env:OK\"\n    subdomain: acme\n"
        );
    }

    #[test]
    fn flow_credentials_keep_keys_punctuation_and_references() {
        let text = "    credentials: { oauth_token: env:A, client_id: abc, x: [1, 2] } # tok\n";
        assert_eq!(
            shown(text),
            "    credentials: { oauth_token: env:A, client_id: ***, x: [*, *] } *****\n"
        );
    }

    #[test]
    fn a_secret_key_in_a_flow_mapping_masks_only_its_value() {
        let text = "  acme: { subdomain: acme, api_token: s3cr3t, rate_limit_per_minute: 5 }\n";
        assert_eq!(
            shown(text),
            "  acme: { subdomain: acme, api_token: ******, rate_limit_per_minute: 5 }\n"
        );
    }

    #[test]
    fn a_secret_key_masks_the_lines_below_it() {
        let text = "password: |\n  line one\n  line two\nnext: shown\n";
        assert_eq!(
            shown(text),
            "password: |\n  ********\n  ********\nnext: shown\n"
        );
    }

    #[test]
    fn comments_are_read_too() {
        let plain = "# Only the loader can catch this: a policy without accounts.\nversion: 1\n";
        assert_eq!(shown(plain), plain);
        assert_eq!(
            shown("subdomain: acme # old api_token: s3cr3t\n"),
            "subdomain: acme # old api_token: ******\n"
        );
    }

    #[test]
    fn secret_values_are_searched_for_but_identifiers_are_not() {
        let mut secrets = Secrets::default();
        let text = "credentials:\n  email: admin@acme.example\n  api_token: 's3cr3t-value'\n";
        scan(FileId(0), text, &mut secrets);
        assert_eq!(secrets.spans.len(), 2);
        assert_eq!(secrets.values, ["s3cr3t-value"]);
    }

    #[test]
    fn ordinary_lines_are_left_alone() {
        let text = "triggers:\n  - key: vip\n    title: \"Token: shown\"\n    actions: [ { field: url, value: \"https://x.example/a:b\" } ]\n";
        assert_eq!(shown(text), text);
    }
}
