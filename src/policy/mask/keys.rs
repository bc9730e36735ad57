//! Which mapping keys hold secrets: the credential blocks, and keys named like a secret.
//!
//! Names are matched loosely (a misspelt `oauth_tokn` or `credentails` still counts): a key
//! that is not recognised is exactly where a leak slips through.

use std::collections::HashMap;

use crate::policy::decode::did_you_mean;

/// What a mapping key says about the value under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `credentials` or `sunshine_conversations` (or a misspelling of one): every value inside
    /// is masked; the keys directly inside stay readable, so a misspelt one can be named.
    Block,
    /// A key named like a secret (`oauth_token`, `client_secret`, `password`, `api_key`…):
    /// everything in its value is masked.
    Secret,
    /// Any other key.
    Plain,
}

/// The policy's credential blocks.
const BLOCKS: &[&str] = &["credentials", "sunshine_conversations"];

/// Keys of the credential blocks that name an identity rather than hold a secret. Their values
/// are masked where they are written, like everything in the blocks, but not searched for
/// elsewhere: `client_id: zdpolicy` must not mask the name of `zdpolicy.yaml` in every message.
pub const IDENTIFIER_KEYS: &[&str] = &["client_id", "email", "app_id"];

/// Words that, anywhere in a key's name, make its value a secret.
const SECRET_WORDS: &[&str] = &[
    "token",
    "tokens",
    "secret",
    "secrets",
    "password",
    "passwd",
    "passphrase",
    "apikey",
    "bearer",
    "authorization",
    "credential",
    "credentials",
    "privatekey",
];

/// Close enough to a secret word to be a misspelling of it. Stricter than the "did you mean"
/// threshold, so that ordinary words (`title`, `session`) are not taken for secrets.
const WORD_SIMILARITY: f64 = 0.9;

/// Classifies a mapping key by its name.
pub fn classify(key: &str) -> KeyKind {
    let words = words(key);
    if did_you_mean(&words.join("_"), BLOCKS.iter().copied()).is_some() {
        return KeyKind::Block;
    }
    // `key` alone is a trigger's identifier; `api_key`, `key_id`, `key_secret` are secrets.
    let compound_key = words.len() > 1 && words.iter().any(|w| w == "key");
    if compound_key || words.iter().any(|w| is_secret_word(w)) {
        KeyKind::Secret
    } else {
        KeyKind::Plain
    }
}

/// Classifications already made, by key name. A policy repeats a few dozen key names
/// (`title`, `conditions`, `field`, …) hundreds of thousands of times, and classifying one
/// compares each of its words with every secret word by similarity, so each name is classified
/// once. At most [`KeyKinds::MOST`] names are kept: past that (a policy of ever new key names)
/// a name is classified again each time, so the memo never grows with the file.
#[derive(Debug, Default)]
pub struct KeyKinds {
    known: HashMap<String, KeyKind>,
}

impl KeyKinds {
    /// The most distinct key names remembered.
    pub const MOST: usize = 4096;

    /// What `key` says about the value under it: [`classify`], remembered.
    pub fn of(&mut self, key: &str) -> KeyKind {
        if let Some(kind) = self.known.get(key) {
            return *kind;
        }
        let kind = classify(key);
        if self.known.len() < Self::MOST {
            self.known.insert(key.to_owned(), kind);
        }
        kind
    }
}

fn is_secret_word(word: &str) -> bool {
    SECRET_WORDS.iter().any(|secret| {
        word == *secret
            || (word.len() >= 4 && strsim::jaro_winkler(word, secret) >= WORD_SIMILARITY)
    })
}

/// The lowercase words of a key: split at anything not a letter or digit, and at camelCase
/// humps (`clientSecret` is `client`, `secret`).
fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_kinds_are_the_classified_ones_and_the_memo_is_bounded() {
        let mut kinds = KeyKinds::default();
        for key in [
            "title",
            "credentails",
            "oauth_tokn",
            "title",
            "api_key",
            "key",
        ] {
            assert_eq!(kinds.of(key), classify(key), "{key}");
        }
        assert_eq!(kinds.known.len(), 5);
        for i in 0..KeyKinds::MOST + 10 {
            let key = format!("k{i}");
            assert_eq!(kinds.of(&key), KeyKind::Plain);
        }
        assert_eq!(kinds.known.len(), KeyKinds::MOST);
        assert_eq!(kinds.of("client_secret_new"), KeyKind::Secret);
    }

    #[test]
    fn credential_blocks_and_their_misspellings() {
        for key in [
            "credentials",
            "credential",
            "credentails",
            "sunshine_conversations",
            "sunshine_conversation",
            "sunshineConversations",
        ] {
            assert_eq!(classify(key), KeyKind::Block, "{key}");
        }
    }

    #[test]
    fn secret_keys_and_their_misspellings() {
        for key in [
            "oauth_token",
            "oauth_tokn",
            "client_secret",
            "client_secrt",
            "api_token",
            "key_id",
            "key_secret",
            "password",
            "pasword",
            "api_key",
            "apiKey",
            "clientSecret",
            "Authorization",
            "private_key",
        ] {
            assert_eq!(classify(key), KeyKind::Secret, "{key}");
        }
    }

    #[test]
    fn ordinary_keys_are_plain() {
        for key in [
            "key",
            "title",
            "subdomain",
            "client_id",
            "email",
            "app_id",
            "value",
            "session_ended_condition",
            "total",
            "conditions",
        ] {
            assert_eq!(classify(key), KeyKind::Plain, "{key}");
        }
    }

    /// Every key the policy format defines, found in its JSON Schema: only the credential keys
    /// may count as secrets, or masking would hide ordinary settings from diagnostics.
    #[test]
    fn only_the_formats_credential_keys_are_secret() {
        let schema = crate::policy::schema::policy_schema();
        let mut keys = std::collections::BTreeSet::new();
        collect_properties(&schema, &mut keys);
        assert!(keys.contains("survey_on_session_end"), "{keys:?}");
        let secret: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| classify(k) != KeyKind::Plain)
            .collect();
        assert_eq!(
            secret,
            [
                "api_token",
                "client_secret",
                "credentials",
                "key_id",
                "key_secret",
                "oauth_token",
                "sunshine_conversations"
            ]
        );
    }

    fn collect_properties(
        value: &serde_json::Value,
        keys: &mut std::collections::BTreeSet<String>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(properties)) = map.get("properties") {
                    keys.extend(properties.keys().cloned());
                }
                map.values().for_each(|v| collect_properties(v, keys));
            }
            serde_json::Value::Array(items) => {
                for v in items {
                    collect_properties(v, keys);
                }
            }
            _ => {}
        }
    }
}
