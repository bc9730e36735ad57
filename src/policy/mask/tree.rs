//! Secret positions in a parsed YAML tree: everything under a credential block or a key named
//! like a secret, whatever its shape, whether or not the loader knows the key.

use super::Secrets;
use super::keys::{IDENTIFIER_KEYS, KeyKind};
use crate::policy::secret::SecretRef;
use crate::policy::yaml::{Node, Value};

/// Records every secret position in `node` (a whole document or any part of one).
pub fn scan(node: &Node, secrets: &mut Secrets) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                match key.as_key().map_or(KeyKind::Plain, |k| secrets.kind(&k)) {
                    KeyKind::Block => scan_block(value, secrets),
                    KeyKind::Secret => mask_all(value, secrets, true),
                    KeyKind::Plain => scan(value, secrets),
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|item| scan(item, secrets)),
        _ => {}
    }
}

/// The value of `credentials` or `sunshine_conversations`: its own keys stay readable (so a
/// misspelt one can be named in a diagnostic); everything below them is masked.
fn scan_block(node: &Node, secrets: &mut Secrets) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                let identifier = key
                    .as_key()
                    .is_some_and(|k| IDENTIFIER_KEYS.contains(&k.as_str()));
                mask_all(value, secrets, !identifier);
            }
        }
        _ => mask_all(node, secrets, true),
    }
}

/// Masks every scalar in `node`, mapping keys included, except a well-formed reference
/// (`env:NAME`), which users need to read. With `search`, the values are also masked wherever
/// else they appear.
fn mask_all(node: &Node, secrets: &mut Secrets, search: bool) {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .for_each(|item| mask_all(item, secrets, search)),
        Value::Map(entries) => {
            for (key, value) in entries {
                mask_all(key, secrets, search);
                mask_all(value, secrets, search);
            }
        }
        Value::String(text) if SecretRef::parse(text).is_ok() => {}
        Value::Null => secrets.span(node.span),
        _ => {
            secrets.span(node.span);
            // The same value may also be written elsewhere, e.g. where an alias here points.
            if let Some(text) = node.as_key().filter(|_| search) {
                secrets.value(text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::source::FileId;
    use crate::policy::yaml::parse;

    fn masked(text: &str) -> Vec<String> {
        let node = parse(FileId(0), text).unwrap();
        let mut secrets = Secrets::default();
        scan(&node, &mut secrets);
        secrets
            .spans
            .iter()
            .map(|s| text[s.start..s.end].to_owned())
            .collect()
    }

    #[test]
    fn everything_in_credentials_is_masked_but_references_and_direct_keys() {
        let text = "accounts:\n  acme:\n    subdomain: acme\n    credentials:\n      oauth_token: env:ACME\n      oauth_tokn: s3cr3t-one\n      nested: { deep: [ { x: s3cr3t-two } ], 42: true }\n      number: 1234567\n";
        assert_eq!(
            masked(text),
            [
                "s3cr3t-one",
                "deep",
                "x",
                "s3cr3t-two",
                "42",
                "true",
                "1234567"
            ]
        );
    }

    #[test]
    fn secret_named_keys_are_masked_anywhere() {
        let text = "groups:\n  eu:\n    messaging: { api_key: abcdef }\n    sunshine_conversation: { key_secret: [a1, env:OK] }\n    triggers: [ { key: vip, title: VIP } ]\n";
        assert_eq!(masked(text), ["abcdef", "a1"]);
    }

    #[test]
    fn identifiers_are_masked_but_not_searched_for() {
        let text = "credentials: { client_id: zdpolicy, client_secret: s3cr3t-value }\n";
        let node = parse(FileId(0), text).unwrap();
        let mut secrets = Secrets::default();
        scan(&node, &mut secrets);
        assert_eq!(secrets.spans.len(), 2);
        assert_eq!(secrets.values, ["s3cr3t-value"]);
    }

    #[test]
    fn an_alias_into_credentials_masks_its_value_everywhere() {
        let text =
            "x: &tok s3cr3t-value\naccounts:\n  acme:\n    credentials: { oauth_token: *tok }\n";
        let node = parse(FileId(0), text).unwrap();
        let mut secrets = Secrets::default();
        scan(&node, &mut secrets);
        assert_eq!(secrets.values, ["s3cr3t-value"]);
    }
}
