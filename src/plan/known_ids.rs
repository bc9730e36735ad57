//! Names for the ids a live trigger holds, where the account's lists know them: so a diff
//! shows `group "Tier 1" (360001)` on its "before" side too, not only where the policy named
//! the object ("after"). For people only: apply and the stale check never read them.

use serde_json::Value;

use super::references::ResolvedReference;
use crate::directory::{Directory, ListKind, value_slot};
use crate::policy::model::RefKind;

/// Every id in the conditions and actions of `view` (a trigger's managed view) that names an
/// object of a list the account read: ticket fields by `custom_fields_<id>`, their options by
/// tag, and the ids of groups, forms, brands, schedules, custom statuses and webhooks in the
/// values that hold them. `at` is the place in `view`, as in [`ResolvedReference::at`].
pub(crate) fn known_ids(view: &Value, directory: &Directory) -> Vec<ResolvedReference> {
    if directory.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let lists = [
        ("conditions.all", view.pointer("/conditions/all")),
        ("conditions.any", view.pointer("/conditions/any")),
        ("actions", view.get("actions")),
    ];
    for (list, items) in lists {
        let Some(Value::Array(items)) = items else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            item_ids(&format!("{list}[{i}]"), item, directory, &mut found);
        }
    }
    found
}

fn item_ids(at: &str, item: &Value, directory: &Directory, found: &mut Vec<ResolvedReference>) {
    let Some(field) = item.get("field").and_then(Value::as_str) else {
        return;
    };
    let value = item.get("value");
    if let Some(field_id) = field.strip_prefix("custom_fields_") {
        let Some(entry) = directory.by_id(ListKind::TicketFields, field_id) else {
            return;
        };
        found.push(named(
            format!("{at}.field"),
            RefKind::TicketField,
            &entry.name,
            field_id,
        ));
        for (place, tag) in texts(&format!("{at}.value"), value) {
            if let Some(option) = entry.options.iter().find(|o| o.value == tag) {
                let mut reference = named(place, RefKind::Option, &option.name, &tag);
                reference.field_id = Some(field_id.to_owned());
                found.push(reference);
            }
        }
        return;
    }
    let Some((list, slot)) = value_slot(field) else {
        return;
    };
    let (place, value) = match (slot, value) {
        (Some(i), Some(Value::Array(items))) => (format!("{at}.value[{i}]"), items.get(i)),
        (Some(_), _) => return,
        (None, value) => (format!("{at}.value"), value),
    };
    for (place, id) in texts(&place, value) {
        if let Some(entry) = directory.by_id(list, &id) {
            found.push(named(place, list.reference_kind(), &entry.name, &id));
        }
    }
}

/// The texts of a value with their places: a scalar at `at`, a list's items at `at[j]`.
fn texts(at: &str, value: Option<&Value>) -> Vec<(String, String)> {
    let text = |v: &Value| match v {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(j, v)| Some((format!("{at}[{j}]"), text(v)?)))
            .collect(),
        Some(v) => text(v).map(|t| (at.to_owned(), t)).into_iter().collect(),
        None => Vec::new(),
    }
}

fn named(at: String, kind: RefKind, name: &str, id: &str) -> ResolvedReference {
    ResolvedReference {
        at,
        kind,
        name: name.to_owned(),
        id: id.to_owned(),
        field_id: None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::directory::{Entry, OptionEntry};

    #[test]
    fn ids_the_account_knows_are_named_where_they_stand() {
        let entry = |id: &str, name: &str| Entry {
            id: id.into(),
            name: name.into(),
            active: true,
            options: Vec::new(),
        };
        let mut product = entry("46", "Product");
        product.options = vec![OptionEntry {
            id: "461".into(),
            name: "Enterprise".into(),
            value: "enterprise".into(),
        }];
        let directory = Directory {
            lists: [
                (ListKind::Groups, vec![entry("360001", "Tier 1")]),
                (ListKind::TicketFields, vec![product]),
            ]
            .into_iter()
            .collect(),
        };
        let view = json!({
            "title": "T",
            "conditions": {
                "all": [{"field": "custom_fields_46", "operator": "is", "value": "enterprise"}],
                "any": [{"field": "group_id", "operator": "is", "value": "999"}]
            },
            "actions": [
                {"field": "group_id", "value": "360001"},
                {"field": "notification_group", "value": ["360001", "subject", "body"]},
                {"field": "brand_id", "value": "1"}
            ]
        });
        let found: Vec<(String, RefKind, String, String)> = known_ids(&view, &directory)
            .into_iter()
            .map(|r| (r.at, r.kind, r.name, r.id))
            .collect();
        let expected = [
            (
                "conditions.all[0].field",
                RefKind::TicketField,
                "Product",
                "46",
            ),
            (
                "conditions.all[0].value",
                RefKind::Option,
                "Enterprise",
                "enterprise",
            ),
            ("actions[0].value", RefKind::Group, "Tier 1", "360001"),
            ("actions[1].value[0]", RefKind::Group, "Tier 1", "360001"),
        ]
        .map(|(at, kind, name, id)| (at.to_owned(), kind, name.to_owned(), id.to_owned()));
        // An id the account does not have (999), and a list not read (brands), stay unnamed.
        assert_eq!(found, expected);
    }
}
