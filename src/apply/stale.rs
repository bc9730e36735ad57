//! Staleness: whether an object a reviewed change concerns changed in Zendesk since the plan.
//!
//! A change that touches a live object carries that object's fingerprint (`seen`); apply
//! fingerprints it again on a fresh read, and a difference means someone else wrote it, so
//! writing the plan's version could lose their change. A change without a fingerprint (a
//! create, a no-op, a manual step) is stale when what it was planned against is no longer
//! there: the object it creates exists now, the managed view it showed as `before` differs
//! from the one the policy and the fresh read give, or, for a no-op (which shows none), the
//! object needs a change now.

use serde_json::Value;

use crate::live::LiveState;
use crate::plan::ownership::marker_key;
use crate::plan::{Change, ChangeAction, Operation, fingerprint_of};

/// Why `reviewed` is stale, in words that name the object and exactly what changed; `None`
/// if it is not. `now` is the change the policy and `live` give at the same address, if any.
pub fn staleness(reviewed: &Change, now: Option<&Change>, live: &LiveState) -> Option<String> {
    let address = &reviewed.address;
    if let Some(moved) = moved_reference(reviewed, live) {
        return Some(moved);
    }
    if let Some(seen) = &reviewed.seen {
        let Some(fresh) = fingerprint_of(live, &seen.object) else {
            return Some(format!("{address} was deleted in Zendesk since the plan"));
        };
        if fresh == seen.fingerprint {
            return None;
        }
        let when = fresh
            .updated_at
            .as_deref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default();
        let fields = seen.fingerprint.changed_fields(&fresh);
        if fields.is_empty() && fresh.sha256 == seen.fingerprint.sha256 {
            return Some(format!(
                "{address} was saved again in Zendesk{when} since the plan (no field changed)"
            ));
        }
        return Some(format!(
            "{address} was edited in Zendesk{when} since the plan{}",
            changed(&fields)
        ));
    }
    match reviewed.operation.as_deref() {
        Some(Operation::CreateTrigger { trigger }) => {
            if let Some(key) = marker_key(trigger.description.as_deref())
                && live.triggers.iter().any(|t| {
                    marker_key(t.description.as_ref().and_then(Option::as_deref)) == Some(key)
                })
            {
                return Some(format!(
                    "{address} was created in Zendesk since the plan (a trigger with key {key} exists now)"
                ));
            }
        }
        Some(Operation::CreateCategory { name })
            if live.categories.iter().any(|c| &c.name == name) =>
        {
            return Some(format!("{address} was created in Zendesk since the plan"));
        }
        _ => {}
    }
    let now = now?;
    if reviewed.action == ChangeAction::NoOp {
        // A no-op carries no documents (Change::no_op): that the object needs something now
        // is what says it changed in Zendesk since, and the fields it needs changed are the
        // ones edited (they matched the policy then).
        return match now.action {
            ChangeAction::NoOp => None,
            ChangeAction::Create => {
                Some(format!("{address} was deleted in Zendesk since the plan"))
            }
            _ => {
                let fields: Vec<&str> = now.fields.iter().map(|f| f.field.as_str()).collect();
                Some(format!(
                    "{address} was edited in Zendesk since the plan{}",
                    changed(&fields)
                ))
            }
        };
    }
    match (&reviewed.before, &now.before) {
        (before, fresh) if before == fresh => None,
        (None, Some(_)) => Some(format!("{address} was created in Zendesk since the plan")),
        (Some(_), None) => Some(format!("{address} was deleted in Zendesk since the plan")),
        (Some(before), Some(fresh)) => {
            let fields = differing_fields(before, fresh);
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            Some(format!(
                "{address} was edited in Zendesk since the plan{}",
                changed(&fields)
            ))
        }
        (None, None) => None,
    }
}

/// A reference of the reviewed change whose object was renamed, deleted or deactivated since
/// the plan: writing its id would no longer mean what was reviewed.
fn moved_reference(reviewed: &Change, live: &LiveState) -> Option<String> {
    let address = &reviewed.address;
    reviewed.references.iter().find_map(|r| {
        let quoted = |name: &str| serde_json::Value::String(name.to_owned()).to_string();
        let what = format!("{} {} ({})", r.kind.noun(), quoted(&r.name), r.id);
        match r.now_in(&live.directory)? {
            Some(name) if name == r.name => None,
            Some(name) => Some(format!(
                "{address}: {what} was renamed to {} in Zendesk since the plan",
                quoted(name)
            )),
            None => Some(format!(
                "{address}: {what} was deleted or deactivated in Zendesk since the plan"
            )),
        }
    })
}

/// `: a, b changed`, or nothing when no field can be named.
fn changed(fields: &[&str]) -> String {
    if fields.is_empty() {
        String::new()
    } else {
        format!(": {} changed", fields.join(", "))
    }
}

/// The top-level fields of a managed view whose values differ (`conditions.all` and
/// `conditions.any` separately); `value` for a setting's plain value.
fn differing_fields(before: &Value, now: &Value) -> Vec<String> {
    if !before.is_object() || !now.is_object() {
        return vec!["value".to_owned()];
    }
    let mut fields = Vec::new();
    let keys: Vec<&String> = before
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .chain(now.as_object().into_iter().flat_map(|m| m.keys()))
        .collect();
    for key in keys {
        if fields
            .iter()
            .any(|f: &String| f == key || f.starts_with(&format!("{key}.")))
        {
            continue;
        }
        let (b, n) = (&before[key.as_str()], &now[key.as_str()]);
        if b == n {
            continue;
        }
        match (b.as_object(), n.as_object()) {
            (Some(b), Some(n)) => {
                for sub in b.keys().chain(n.keys()) {
                    let name = format!("{key}.{sub}");
                    if b.get(sub) != n.get(sub) && !fields.contains(&name) {
                        fields.push(name);
                    }
                }
            }
            _ => fields.push(key.clone()),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Directory, Entry, ListKind};
    use crate::plan::{Address, ChangeAction, ObjectKind, ResolvedReference};
    use crate::policy::model::{AccountName, RefKind};
    use serde_json::json;

    #[test]
    fn a_referenced_object_renamed_or_deleted_since_the_plan_makes_the_change_stale() {
        let mut reviewed = Change::new(
            Address::new(
                &AccountName::parse("acme").unwrap(),
                ObjectKind::Trigger,
                "route",
            ),
            ChangeAction::Create,
            None,
            Some(json!({})),
        );
        reviewed.references.push(ResolvedReference {
            at: "actions[0].value".into(),
            kind: RefKind::Group,
            name: "Tier 2".into(),
            id: "360002".into(),
            field_id: None,
        });
        let with_groups = |groups: Vec<Entry>| {
            let mut live: LiveState = serde_json::from_value(json!({
                "triggers": [], "categories": [],
                "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
                "settings": {}, "sunshine": null
            }))
            .unwrap();
            live.directory = Directory {
                lists: [(ListKind::Groups, groups)].into_iter().collect(),
            };
            live
        };
        let group = |name: &str, active: bool| Entry {
            id: "360002".into(),
            name: name.into(),
            active,
            options: Vec::new(),
        };
        let now = Some(&reviewed);
        assert_eq!(
            staleness(&reviewed, now, &with_groups(vec![group("Tier 2", true)])),
            None
        );
        assert_eq!(
            staleness(&reviewed, now, &with_groups(vec![group("Tier II", true)])).as_deref(),
            Some(
                "acme.trigger.route: group \"Tier 2\" (360002) was renamed to \"Tier II\" in \
                 Zendesk since the plan"
            )
        );
        for gone in [vec![], vec![group("Tier 2", false)]] {
            assert_eq!(
                staleness(&reviewed, now, &with_groups(gone)).as_deref(),
                Some(
                    "acme.trigger.route: group \"Tier 2\" (360002) was deleted or deactivated \
                     in Zendesk since the plan"
                )
            );
        }
    }

    #[test]
    fn names_the_fields_that_changed() {
        let before = json!({"title": "A", "conditions": {"all": [1], "any": []}, "actions": [1]});
        let now = json!({"title": "A", "conditions": {"all": [2], "any": []}, "actions": [2]});
        assert_eq!(
            differing_fields(&before, &now),
            ["conditions.all", "actions"]
        );
    }
}
