//! The managed triggers of an exported account: which live triggers are written, under which
//! keys and pins, where each stands among the unmanaged ones, and the notes on those left out.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::names::Namer;
use crate::live::LiveState;
use crate::plan::ownership::split_marker;
use crate::plan::reorder::execution_order;
use crate::policy::model::{DEFAULT_CSAT_TRIGGER_TITLE, Operator};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::{Condition, Trigger};

/// Every trigger that Zendesk does not mark `default: true` (nor the CSAT trigger zdpolicy
/// edits), as managed triggers, each pinned by id (`trigger_ids`: key → id); plus notes on
/// the ones that could not be expressed or were left out.
///
/// Every trigger is pinned, not only those whose title is shared: a title can be shared
/// tomorrow (someone copies a trigger) or changed in Zendesk, and a pin keeps the policy
/// naming the very trigger it was exported from.
///
/// Zendesk's standard "Notify …" triggers are exported too: Zendesk documents `default` as
/// marking a standard trigger, but real accounts were seen sending `default: false` for them,
/// and their titles are localised and editable, so nothing reliably tells them apart.
pub(super) fn managed_triggers(
    account: &ResolvedAccount,
    live: &LiveState,
    names: bool,
) -> (Vec<Value>, Map<String, Value>, Vec<String>) {
    let csat_title = account.csat_trigger_title();
    let mut keys = BTreeSet::new();
    let mut triggers = Vec::new();
    let mut notes = Vec::new();
    let mut pins = Map::new();
    let mut standard = Vec::new();
    let (_, in_order) = execution_order(live);
    let exported: BTreeSet<u64> = in_order
        .iter()
        .filter(|t| exportable(t, csat_title))
        .map(|t| t.id)
        .collect();
    for (at, trigger) in in_order.iter().copied().enumerate() {
        if trigger.title == csat_title || trigger.title == DEFAULT_CSAT_TRIGGER_TITLE {
            notes.push(format!(
                "trigger {} {} was left out: zdpolicy edits it only through \
                 `csat.survey_on_session_end`",
                trigger.id,
                quoted(&trigger.title)
            ));
            continue;
        }
        if trigger.default == Some(true) {
            standard.push(format!("{} {}", trigger.id, quoted(&trigger.title)));
            continue;
        }
        if let Some(operator) = unknown_operator(trigger) {
            notes.push(format!(
                "trigger {} {} was not exported: its operator `{operator}` is not one zdpolicy knows",
                trigger.id,
                quoted(&trigger.title)
            ));
            continue;
        }
        if trigger.title.trim().is_empty() || trigger.actions.is_empty() {
            notes.push(format!(
                "trigger {} was not exported: it has no title or no actions",
                trigger.id
            ));
            continue;
        }
        let (description, marker_key) = exported_description(trigger);
        let key = marker_key.unwrap_or_else(|| unique_key(&slug(&trigger.title), &keys));
        keys.insert(key.clone());
        let mut spec = Map::new();
        spec.insert("key".into(), json!(key));
        spec.insert("title".into(), json!(trigger.title));
        if let Some(description) = description {
            spec.insert("description".into(), description);
        }
        if let Some(Some(category_id)) = &trigger.category_id
            && let Some(name) = live.category_name(category_id)
        {
            spec.insert("category".into(), json!(name));
        }
        spec.insert("active".into(), json!(trigger.active));
        if let Some(placement) = placement(&in_order, at, &exported) {
            spec.insert("placement".into(), placement);
        }
        // The pin identifies the trigger, marked or not; adopting an unmarked one by its id
        // changes nothing on the first plan (the marker comes with zdpolicy's first write).
        pins.insert(key.clone(), json!(trigger.id));
        let mut namer = Namer {
            live,
            on: names,
            trigger: trigger.id,
            notes: &mut notes,
        };
        let all: Vec<Value> = trigger
            .conditions
            .all
            .iter()
            .map(|c| condition(c, &mut namer))
            .collect();
        let any: Vec<Value> = trigger
            .conditions
            .any
            .iter()
            .map(|c| condition(c, &mut namer))
            .collect();
        spec.insert("conditions".into(), json!({ "all": all, "any": any }));
        let actions: Vec<Value> = trigger
            .actions
            .iter()
            .map(|a| {
                let mut m = Map::new();
                let (field, value) = namer.name(&a.field, a.value.as_ref());
                m.insert("field".into(), field);
                if let Some(value) = value {
                    m.insert("value".into(), value);
                }
                Value::Object(m)
            })
            .collect();
        spec.insert("actions".into(), Value::Array(actions));
        triggers.push(Value::Object(spec));
    }
    if !standard.is_empty() {
        notes.push(format!(
            "{} of Zendesk's standard triggers (`default: true`) were left out, so zdpolicy \
             leaves them as Zendesk keeps them: {}",
            standard.len(),
            standard.join(", ")
        ));
    }
    (triggers, pins, notes)
}

/// Whether a trigger is written as a managed trigger (the tests in [`managed_triggers`]).
fn exportable(trigger: &Trigger, csat_title: &str) -> bool {
    trigger.title != csat_title
        && trigger.title != DEFAULT_CSAT_TRIGGER_TITLE
        && trigger.default != Some(true)
        && unknown_operator(trigger).is_none()
        && !trigger.title.trim().is_empty()
        && !trigger.actions.is_empty()
}

/// Where the exported trigger at `at` (in execution order) stands among the triggers of its
/// category that stay unmanaged: right after the last one before it, `first` when they all
/// come after it, nothing (`last`, the default) when there are none.
fn placement(in_order: &[&Trigger], at: usize, exported: &BTreeSet<u64>) -> Option<Value> {
    let category = |t: &Trigger| t.category_id.clone().flatten();
    let here = category(in_order[at]);
    let unmanaged = |t: &&&Trigger| category(t) == here && !exported.contains(&t.id);
    if let Some(previous) = in_order[..at].iter().rev().find(unmanaged) {
        return Some(json!({ "after": previous.title }));
    }
    in_order[at + 1..]
        .iter()
        .any(|t| unmanaged(&t))
        .then(|| json!("first"))
}

/// A title as a JSON string, so spaces at its ends show in the header comment.
fn quoted(title: &str) -> String {
    Value::String(title.to_owned()).to_string()
}

fn condition(c: &Condition, namer: &mut Namer<'_>) -> Value {
    let mut m = Map::new();
    let (field, value) = namer.name(&c.field, c.value.as_ref());
    m.insert("field".into(), field);
    if let Some(operator) = &c.operator {
        m.insert("operator".into(), json!(operator));
    }
    // Written as read: an explicit `null` stays `null` (a PUT must send it back), `""` stays
    // `""`, and an absent value stays absent.
    if let Some(value) = value {
        m.insert("value".into(), value);
    }
    Value::Object(m)
}

fn unknown_operator(trigger: &Trigger) -> Option<String> {
    trigger
        .conditions
        .all
        .iter()
        .chain(&trigger.conditions.any)
        .filter_map(|c| c.operator.as_deref())
        .find(|op| !Operator::ALL.iter().any(|(name, _)| name == op))
        .map(str::to_owned)
}

/// The policy's `description` for a live trigger, byte for byte, and the key its marker
/// names. A marked description gives the text before the marker (none if that is all); an
/// unmarked one is written as read, `null` and `""` included, so nothing is lost or trimmed.
fn exported_description(trigger: &Trigger) -> (Option<Value>, Option<String>) {
    let Some(description) = &trigger.description else {
        return (None, None);
    };
    let Some(text) = description.as_deref() else {
        return (Some(Value::Null), None);
    };
    match split_marker(text) {
        Some(marked) => (marked.text.map(|t| json!(t)), Some(marked.key.to_owned())),
        None => (Some(json!(text)), None),
    }
}

/// A trigger key from a title: lowercase ASCII letters and digits joined by hyphens.
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "trigger".to_owned()
    } else {
        slug.trim_end_matches('-').to_owned()
    }
}

fn unique_key(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|k| !taken.contains(k))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_trigger_keys() {
        assert_eq!(
            slug("Notify requester of comment update"),
            "notify-requester-of-comment-update"
        );
        assert_eq!(
            slug("[Assignment] [New] to Insights "),
            "assignment-new-to-insights"
        );
        assert_eq!(slug("Été 2024!"), "t-2024");
        assert_eq!(slug("***"), "trigger");
        for title in ["A", "Ünïcode ünly", "--x--", &"long ".repeat(40)] {
            let key = slug(title);
            assert!(
                crate::policy::model::TriggerKey::parse(&key).is_ok(),
                "{title} -> {key}"
            );
        }
    }

    #[test]
    fn keys_are_made_unique() {
        let mut taken = BTreeSet::new();
        taken.insert("vip".to_owned());
        taken.insert("vip-2".to_owned());
        assert_eq!(unique_key("vip", &taken), "vip-3");
        assert_eq!(unique_key("other", &taken), "other");
    }
}
