//! Staleness: whether an object a plan touches changed in Zendesk since the plan was made.
//!
//! Every object a change touches was fingerprinted when planned (its `updated_at` and a hash
//! of its JSON). Apply re-reads it and compares; a difference means someone else wrote it,
//! and writing the plan's version would lose their change.

use serde_json::Value;

use crate::live::LiveState;
use crate::plan::ownership::marker_key;
use crate::plan::{Change, ChangeAction, Operation, fingerprint_of, trigger_view};

/// Why a change is stale, in words that name the object and what changed; `None` if it is not.
pub fn staleness(change: &Change, live: &LiveState) -> Option<String> {
    if let Some(seen) = &change.seen {
        let now = fingerprint_of(live, &seen.object);
        if now.as_ref() == Some(&seen.fingerprint) {
            return None;
        }
        let Some(now) = now else {
            return Some(format!(
                "{} was deleted in Zendesk since the plan",
                change.address
            ));
        };
        let when = now
            .updated_at
            .as_deref()
            .map(|t| format!(" at {t}"))
            .unwrap_or_default();
        let what = match (trigger_view(live, &seen.object), &change.before) {
            (Some(now), Some(before)) => differing_fields(before, &now),
            _ => Vec::new(),
        };
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(": {} differ", what.join(", "))
        };
        return Some(format!(
            "{} was edited in Zendesk{when} since the plan{what}",
            change.address
        ));
    }
    // A create has nothing to fingerprint; it is stale if its trigger appeared meanwhile.
    if change.action == ChangeAction::Create
        && let Some(Operation::CreateTrigger { trigger }) = &change.operation
    {
        let key = marker_key(trigger.description.as_deref())?;
        let exists = live
            .triggers
            .iter()
            .any(|t| marker_key(t.description.as_ref().and_then(Option::as_deref)) == Some(key));
        if exists {
            return Some(format!(
                "{} was created in Zendesk since the plan (a trigger with key {key} exists now)",
                change.address
            ));
        }
    }
    None
}

/// The top-level fields of a managed view whose values differ (`conditions.all` and
/// `conditions.any` separately).
fn differing_fields(before: &Value, now: &Value) -> Vec<String> {
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
    use serde_json::json;

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
