//! Reading references from a condition's or action's YAML: a `field` that names a custom
//! ticket field, and every `{ KIND: NAME }` in a value (alone or as a list item), each with
//! where it was written; a misspelt kind or a name of the wrong type is reported there.

use super::located::Located;
use super::reference::{Field, RefKind, Reference, ValueReference};
use crate::policy::decode::{Decoder, did_you_mean};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::{Node, Value};

/// Decodes a `field`: a non-empty string, or `{ ticket_field: TITLE }`.
pub(crate) fn decode_field(node: &Node, what: &str, decoder: &mut Decoder) -> Option<Field> {
    match &node.value {
        Value::String(name) if name.is_empty() => {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                node.span,
                format!("empty {what} field"),
            ));
            None
        }
        Value::String(name) => Some(Field::Api(name.clone())),
        Value::Map(_) => {
            let reference = decode_reference(node, &[RefKind::TicketField], decoder)?;
            Some(Field::TicketField(Located {
                value: reference.name,
                span: node.span,
            }))
        }
        _ => {
            decoder.wrong_type(node, "a field name or `{ ticket_field: TITLE }`");
            None
        }
    }
}

/// The references in a value: the value itself when it is a mapping, or the mapping items of
/// a list. Every other mapping is an error: Zendesk's values are scalars and lists.
pub(crate) fn value_references(node: &Node, decoder: &mut Decoder) -> Vec<ValueReference> {
    let kinds: Vec<RefKind> = RefKind::value_kinds().collect();
    let mut found = Vec::new();
    let mut one = |node: &Node, item: Option<usize>, decoder: &mut Decoder| {
        if let Some(reference) = decode_reference(node, &kinds, decoder) {
            found.push(ValueReference {
                reference,
                item,
                span: node.span,
            });
        }
    };
    match &node.value {
        Value::Map(_) => one(node, None, decoder),
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Map(_)) {
                    one(item, Some(i), decoder);
                }
            }
        }
        _ => {}
    }
    found
}

/// Decodes `{ KIND: NAME }` for one of `kinds`, reporting what is wrong with it.
fn decode_reference(node: &Node, kinds: &[RefKind], decoder: &mut Decoder) -> Option<Reference> {
    let Value::Map(entries) = &node.value else {
        decoder.wrong_type(node, "a reference");
        return None;
    };
    let keys: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
    let expected = keys
        .iter()
        .map(|k| format!("`{{ {k}: NAME }}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let [(key, name)] = entries.as_slice() else {
        decoder.report(
            Diagnostic::error(
                Code::InvalidValue,
                node.span,
                format!(
                    "a reference is a mapping with one key, the kind; this one has {}",
                    entries.len()
                ),
            )
            .with_help(format!("write one of: {expected}")),
        );
        return None;
    };
    let text = key.as_key().unwrap_or_default();
    let Some(kind) = RefKind::from_key(&text).filter(|k| kinds.contains(k)) else {
        let mut diagnostic = Diagnostic::error(
            Code::InvalidValue,
            key.span,
            format!("`{text}` is not a kind of reference that can stand here"),
        )
        .with_help(format!("write one of: {expected}"));
        if let Some(best) = did_you_mean(&text, keys.iter().copied()) {
            diagnostic = diagnostic.with_label(format!("did you mean `{best}`?"));
        }
        decoder.report(diagnostic);
        return None;
    };
    match &name.value {
        Value::String(name) if !name.is_empty() => Some(Reference {
            kind,
            name: name.clone(),
        }),
        Value::String(_) => {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                name.span,
                format!("empty {} name", kind.noun()),
            ));
            None
        }
        _ => {
            decoder.wrong_type(name, &format!("the {}'s name as a string", kind.noun()));
            None
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::policy::load::load_texts;

    pub(in crate::policy::model) const POLICY: &str = "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions:\n          all:\n            - { field: { ticket_field: Product }, operator: is, value: { option: Enterprise } }\n            - { field: group_id, operator: is, value: \"360001\" }\n        actions:\n          - { field: group_id, value: { group: \"Tier 2 \" } }\n          - { field: notification_webhook, value: [ { webhook: Slack alerts }, \"{}\" ] }\n";

    #[test]
    fn references_are_read_with_their_place_and_names_kept_exactly() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let trigger = &policy.accounts[0].triggers()[0];
        let first = &trigger.conditions.all[0];
        assert!(matches!(&first.field.value, Field::TicketField(t) if t.value == "Product"));
        let found = |refs: &[ValueReference]| -> Vec<(RefKind, String, Option<usize>)> {
            refs.iter()
                .map(|r| (r.reference.kind, r.reference.name.clone(), r.item))
                .collect()
        };
        assert_eq!(
            found(&first.references),
            [(RefKind::Option, "Enterprise".to_owned(), None)]
        );
        assert!(trigger.conditions.all[1].references.is_empty());
        let actions = &trigger.actions.value;
        assert_eq!(
            found(&actions[0].references),
            [(RefKind::Group, "Tier 2 ".to_owned(), None)]
        );
        assert_eq!(
            found(&actions[1].references),
            [(RefKind::Webhook, "Slack alerts".to_owned(), Some(0))]
        );
    }
}
