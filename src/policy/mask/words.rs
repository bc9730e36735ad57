//! Secrets recognised by their shape alone, wherever they stand: long random-looking words,
//! and the credential after `Bearer` or `Basic`.
//!
//! The heuristic (documented in docs/policy-format.md, "What is masked") is deliberately
//! simple and leans towards masking: hiding an identifier that looks random costs a less
//! readable snippet; showing a token costs a rotation.

use std::collections::HashMap;
use std::ops::Range;

/// A secret-looking word is at least this many characters long.
pub const MIN_LENGTH: usize = 20;

/// ...has at least this many places where a letter and a digit touch (`a1`, `9f`): random
/// strings mix them everywhere, identifiers such as `custom_fields_360012345678` do not.
pub const MIN_LETTER_DIGIT_CHANGES: usize = 2;

/// ...and at least this Shannon entropy, in bits per character (a random 20-character hex
/// string has about 3.6; `a1a1a1…` has 1).
pub const MIN_ENTROPY: f64 = 2.5;

/// Characters a token is made of: base64 (standard and URL-safe) and hex.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-')
}

/// Whether a word (a run of letters, digits and `+/=_-`) looks like a secret.
pub fn looks_like_secret(word: &str) -> bool {
    word.len() >= MIN_LENGTH
        && word.chars().all(is_token_char)
        && letter_digit_changes(word) >= MIN_LETTER_DIGIT_CHANGES
        && entropy(word) >= MIN_ENTROPY
}

fn letter_digit_changes(word: &str) -> usize {
    let bytes = word.as_bytes();
    bytes
        .windows(2)
        .filter(|pair| {
            let (a, b) = (pair[0], pair[1]);
            (a.is_ascii_alphabetic() && b.is_ascii_digit())
                || (a.is_ascii_digit() && b.is_ascii_alphabetic())
        })
        .count()
}

/// Shannon entropy of the characters of `word`, in bits per character.
fn entropy(word: &str) -> f64 {
    let mut counts: HashMap<char, usize> = HashMap::new();
    let mut total = 0usize;
    for c in word.chars() {
        *counts.entry(c).or_default() += 1;
        total += 1;
    }
    let total = total as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Byte ranges of `text` that look like secrets: secret-looking words, the word after
/// `Bearer`, and a base64 word of 12 or more characters after `Basic` (HTTP authorization
/// schemes, as in a pasted `Authorization:` header).
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (is_token_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if looks_like_secret(&text[s..i]) {
                    ranges.push(s..i);
                }
                start = None;
            }
            _ => {}
        }
    }
    ranges.extend(after_scheme(text, "bearer", 1, |_| true));
    ranges.extend(after_scheme(text, "basic", 12, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
    }));
    ranges
}

/// The credential after an authorization scheme word (matched without regard to case): the
/// run of non-blank characters that follows it, if it is at least `min` long and every
/// character passes `allowed`.
fn after_scheme(
    text: &str,
    scheme: &str,
    min: usize,
    allowed: impl Fn(char) -> bool,
) -> Vec<Range<usize>> {
    let lower = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    for (at, _) in lower.match_indices(scheme) {
        let word_start = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let rest = &text[at + scheme.len()..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if !word_start || gap == 0 {
            continue;
        }
        let value_start = at + scheme.len() + gap;
        let value_len = text[value_start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ';' | ')' | '}' | ']')
            })
            .unwrap_or(text.len() - value_start);
        let value = &text[value_start..value_start + value_len];
        if value.chars().count() >= min && value.chars().all(&allowed) {
            ranges.push(value_start..value_start + value_len);
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_look_like_secrets() {
        for token in [
            "6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv",
            "0123456789abcdef0123456789abcdef",
            "leak-canary-9f8e7d6c5b4a3210",
            "Zq8vR2mX9kLp4Tn7Wb3Yc6Hd",
            "AKIAIOSFODNN7EXAMPLE",
            "dGhpcyBpcyBhIHNlY3JldCB0b2tlbiE2MDE=",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        ] {
            assert!(looks_like_secret(token), "{token}");
        }
    }

    #[test]
    fn identifiers_and_references_do_not() {
        for word in [
            "ACME_ZENDESK_OAUTH_TOKEN",
            "ZENDESK_API_TOKEN_ACME_EU_2",
            "custom_fields_360012345678",
            "end_session_after_inactivity",
            "survey-on-session-end-2024",
            "/run/secrets/acme-zendesk-token-2",
            "/run/secrets/zendesk-eu2-token",
            "ticket_form_id_1234567890",
            "20240101000000000000",
            "a1a1a1a1a1a1a1a1a1a1a1a1",
            "short9f8e7d6c",
        ] {
            assert!(!looks_like_secret(word), "{word}");
        }
    }

    fn masked(text: &str) -> Vec<&str> {
        let mut ranges = secret_ranges(text);
        ranges.sort_by_key(|r| (r.start, r.end));
        ranges.dedup();
        ranges.into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_tokens_in_running_text() {
        assert_eq!(
            masked("title: \"key 6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv here\""),
            ["6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv"]
        );
        assert!(masked("env:ACME_ZENDESK_OAUTH_TOKEN, file:/run/secrets/zendesk").is_empty());
    }

    #[test]
    fn finds_the_credential_after_an_authorization_scheme() {
        assert_eq!(
            masked("Authorization: Bearer abc.def-1, next"),
            ["abc.def-1"]
        );
        assert_eq!(masked("[\"bearer  x\"]"), ["x"]);
        assert_eq!(
            masked("Basic dXNlcjpwYXNzd29yZA=="),
            ["dXNlcjpwYXNzd29yZA=="]
        );
        assert!(masked("Basic routing; unbearer x; Bearer").is_empty());
    }
}
