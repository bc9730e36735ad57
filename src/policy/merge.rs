//! Merging the files of one policy into one document: `defaults` key by key (default
//! triggers by key), groups and accounts by name. Defining the same thing twice is an error
//! that names both places; the tree of each part is kept for layering.

use std::collections::BTreeMap;

use super::decode::Decoder;
use super::diagnostic::{Code, Diagnostic};
use super::model::{Account, AccountName, Document, GroupName, Layer, Located};
use super::source::Span;
use super::yaml::{Node, Value};

/// A file's decoded document and the tree it came from.
pub(crate) struct Parsed {
    /// The file's tree.
    pub node: Node,
    /// Its document, when it decodes.
    pub document: Option<Document>,
}

/// Everything the files define, merged, with the tree of each part kept for layering.
pub(crate) struct Merged<'a> {
    /// The merged `defaults` tree, if any file has one.
    pub defaults: Option<Node>,
    /// Each group with its tree.
    pub groups: BTreeMap<GroupName, (Located<GroupName>, Layer, &'a Node)>,
    /// Each account with its tree.
    pub accounts: BTreeMap<AccountName, (Located<AccountName>, Account, &'a Node)>,
}

/// Merges the files: `defaults` key by key, groups and accounts by name; defining the same
/// thing twice is an error that names both places.
pub(crate) fn merge_files<'a>(parsed: &'a [Parsed], decoder: &mut Decoder) -> Merged<'a> {
    let mut merged = Merged {
        defaults: None,
        groups: BTreeMap::new(),
        accounts: BTreeMap::new(),
    };
    for file in parsed {
        let Some(document) = &file.document else {
            continue;
        };
        if let Some(node) = file
            .node
            .get("defaults")
            .filter(|n| matches!(n.value, Value::Map(_)))
        {
            match &mut merged.defaults {
                None => merged.defaults = Some(node.clone()),
                Some(base) => merge_defaults(base, node, "defaults", decoder),
            }
        }
        let groups = document.groups.iter().map(|(n, l)| (n, l));
        add_named(&mut merged.groups, &file.node, "group", groups, decoder);
        let accounts = document.accounts.iter().map(|(n, a)| (n, a));
        add_named(
            &mut merged.accounts,
            &file.node,
            "account",
            accounts,
            decoder,
        );
    }
    merged
}

/// Adds a file's groups (or accounts) to those of the files before; one already defined is
/// reported and skipped. `kind` is also the file's key for them, plural (`groups:`).
fn add_named<'a, K, V>(
    into: &mut BTreeMap<K, (Located<K>, V, &'a Node)>,
    file: &'a Node,
    kind: &str,
    items: impl Iterator<Item = (&'a Located<K>, &'a V)>,
    decoder: &mut Decoder,
) where
    K: Ord + Clone + AsRef<str> + 'a,
    V: Clone + 'a,
{
    let section = file.get(&format!("{kind}s"));
    for (name, value) in items {
        let Some(node) = section.and_then(|s| s.get(name.value.as_ref())) else {
            continue;
        };
        if let Some((first, _, _)) = into.get(&name.value) {
            decoder.report(duplicate(kind, name.value.as_ref(), name.span, first.span));
            continue;
        }
        into.insert(name.value.clone(), (name.clone(), value.clone(), node));
    }
}

fn duplicate(kind: &str, name: &str, again: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateDefinition,
        again,
        format!("{kind} `{name}` is defined twice"),
    )
    .with_label("defined again here")
    .with_secondary(first, "first defined here")
    .with_help(format!(
        "define each {kind} once; merge the two definitions or rename one"
    ))
}

/// Merges another file's `defaults` into the merged tree; a setting set in both is an error.
fn merge_defaults(base: &mut Node, upper: &Node, path: &str, decoder: &mut Decoder) {
    let (Value::Map(base_entries), Value::Map(upper_entries)) = (&mut base.value, &upper.value)
    else {
        return;
    };
    for (key_node, value) in upper_entries {
        let Some(key) = key_node.as_key() else {
            continue;
        };
        let child = format!("{path}.{key}");
        let existing = base_entries
            .iter_mut()
            .find(|(k, _)| k.as_key().as_deref() == Some(key.as_str()));
        match existing {
            None => base_entries.push((key_node.clone(), value.clone())),
            Some((_, existing))
                if matches!(
                    (&existing.value, &value.value),
                    (Value::Map(_), Value::Map(_))
                ) =>
            {
                merge_defaults(existing, value, &child, decoder);
            }
            Some((_, existing)) if child == "defaults.triggers" => {
                merge_default_triggers(existing, value, decoder);
            }
            Some((existing_key, _)) => {
                decoder.report(duplicate(
                    "defaults setting",
                    &child,
                    key_node.span,
                    existing_key.span,
                ));
            }
        }
    }
}

/// Default triggers from several files are combined; the same key in two files is an error.
fn merge_default_triggers(base: &mut Node, upper: &Node, decoder: &mut Decoder) {
    let (Value::Seq(base_items), Value::Seq(upper_items)) = (&mut base.value, &upper.value) else {
        return;
    };
    for trigger in upper_items {
        let key = trigger.get("key");
        let clash = key.and_then(|k| {
            base_items
                .iter()
                .filter_map(|t| t.get("key"))
                .find(|existing| existing.as_key() == k.as_key())
        });
        match (key, clash) {
            (Some(key), Some(first)) => decoder.report(duplicate(
                "default trigger",
                &key.as_key().unwrap_or_default(),
                key.span,
                first.span,
            )),
            _ => base_items.push(trigger.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;

    fn codes(policy: &crate::policy::Policy) -> Vec<&'static str> {
        policy.diagnostics.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn the_same_account_in_two_files_names_both() {
        let a = "version: 1\naccounts:\n  acme: { subdomain: acme }\n";
        let policy = load_texts(&[("a.yaml", a), ("b.yaml", a)]);
        assert_eq!(codes(&policy), ["duplicate-definition"]);
        let d = &policy.diagnostics[0];
        assert_eq!(
            policy.sources.describe(d.primary.as_ref().unwrap().span),
            "b.yaml:3:3"
        );
        assert_eq!(policy.sources.describe(d.secondary[0].span), "a.yaml:3:3");
    }

    #[test]
    fn the_same_group_in_two_files_is_an_error() {
        let a = "version: 1\ngroups:\n  eu: { unmanaged_triggers: report }\naccounts:\n  acme: { subdomain: acme, groups: [eu] }\n";
        let b = "version: 1\ngroups:\n  eu: { safety: { max_deletes: 1 } }\n";
        assert_eq!(
            codes(&load_texts(&[("a.yaml", a), ("b.yaml", b)])),
            ["duplicate-definition"]
        );
    }

    #[test]
    fn defaults_merge_across_files_but_not_the_same_setting() {
        let a = "version: 1\ndefaults:\n  messaging: { agents_can_end_sessions: true }\naccounts:\n  acme: { subdomain: acme }\n";
        let b = "version: 1\ndefaults:\n  messaging: { end_session_after_inactivity: true }\n";
        let policy = load_texts(&[("a.yaml", a), ("b.yaml", b)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let m = policy.accounts[0].messaging();
        assert_eq!(m.agents_can_end_sessions.map(|v| v.value), Some(true));
        assert_eq!(m.end_session_after_inactivity.map(|v| v.value), Some(true));

        let c = "version: 1\ndefaults:\n  messaging: { agents_can_end_sessions: false }\n";
        let policy = load_texts(&[("a.yaml", a), ("c.yaml", c)]);
        assert_eq!(codes(&policy), ["duplicate-definition"]);
        assert!(
            policy.diagnostics[0]
                .message
                .contains("defaults.messaging.agents_can_end_sessions")
        );
    }
}
