//! A managed trigger two ways: as the policy wants it and as Zendesk has it, with the views
//! a plan shows (`before`/`after`) and the field-by-field comparison between them.
//!
//! The managed fields are title, description (with the ownership marker), active state,
//! category (only when the policy names one: Zendesk puts a trigger created without one in
//! its first category, so "none" could never be reached), conditions and actions.

use serde_json::{Map, Value, json};

use super::canonical::{written_actions_are, written_conditions_are};
use super::categories::{category_ref, live_category_name};
use super::model::{FieldChange, json as to_json};
use super::operation::{CategoryRef, TriggerWrite};
use super::ownership::{is_managed_description, managed_description};
use crate::live::LiveState;
use crate::policy::model::{self as policy, TriggerKey, TriggerSpec};
use crate::zendesk::model::{Action, Condition, Conditions, Trigger};

/// A managed trigger as the policy wants it.
pub(crate) struct Desired<'a> {
    /// The trigger's key.
    pub key: &'a str,
    /// The title (borrowed, like the text below: a converged trigger's plan copies neither).
    pub title: &'a str,
    /// The key as the policy names it, for the description's marker.
    marker_key: &'a TriggerKey,
    /// The policy's own description text, without the marker.
    user_description: Option<&'a str>,
    active: bool,
    /// The category, when the policy names one.
    pub category: Option<CategoryRef>,
    /// The policy's conditions, compared with a live trigger's as written and turned into
    /// Zendesk's spelling only for a write (see [`written_conditions_are`]).
    conditions: &'a policy::Conditions,
    actions: &'a [policy::Action],
}

impl<'a> Desired<'a> {
    /// The trigger `spec` describes, its category looked up in `live`.
    pub fn new(spec: &'a TriggerSpec, live: &LiveState) -> Self {
        Self {
            key: spec.key.value.as_str(),
            title: spec.title.value.as_str(),
            marker_key: &spec.key.value,
            user_description: spec
                .description
                .as_ref()
                .map(|d| d.value.as_str())
                .filter(|d| !d.is_empty()),
            // A trigger is active unless the policy says otherwise (TriggerSpec docs).
            active: spec.active.as_ref().is_none_or(|a| a.value),
            category: spec.category.as_ref().map(|c| category_ref(live, &c.value)),
            conditions: &spec.conditions,
            actions: &spec.actions.value,
        }
    }

    /// The managed view after apply: the view of [`Self::write`]. An unmanaged category is
    /// shown as it will be: unchanged for an update (`kept`), Zendesk's choice for a create
    /// (left out).
    pub fn view(&self, kept: Option<Value>) -> Value {
        self.write().view(kept)
    }

    /// Every managed field, for creates and updates alike (Zendesk needs conditions and
    /// actions together on update, and sending the rest makes the write idempotent).
    pub fn write(&self) -> TriggerWrite {
        TriggerWrite {
            title: Some(self.title.to_owned()),
            description: Some(managed_description(self.marker_key, self.user_description)),
            active: Some(self.active),
            category: self.category.clone(),
            conditions: Conditions {
                all: self.conditions.all.iter().map(wire_condition).collect(),
                any: self.conditions.any.iter().map(wire_condition).collect(),
            },
            actions: self.actions.iter().map(wire_action).collect(),
        }
    }
}

/// A policy condition as Zendesk's API spells it, its value exactly as written.
pub(crate) fn wire_condition(condition: &policy::Condition) -> Condition {
    Condition {
        field: condition.field.value.text().to_owned(),
        operator: condition
            .operator
            .as_ref()
            .map(|op| op.value.name().to_owned()),
        value: condition.value.as_ref().map(|v| v.value.clone()),
        extra: Map::new(),
    }
}

/// A policy action as Zendesk's API spells it, its value exactly as written.
pub(crate) fn wire_action(action: &policy::Action) -> Action {
    Action {
        field: action.field.value.text().to_owned(),
        value: action.value.as_ref().map(|v| v.value.clone()),
        extra: Map::new(),
    }
}

/// The managed view of a live trigger.
pub(crate) fn live_view(trigger: &Trigger, live: &LiveState) -> Value {
    json!({
        "title": trigger.title,
        "description": trigger.description.clone().flatten(),
        "active": trigger.active,
        "category": live_category_name(live, trigger.category_id.as_ref()),
        "conditions": to_json(&trigger.conditions),
        "actions": to_json(&trigger.actions),
    })
}

impl Desired<'_> {
    /// Which of `trigger`'s conditions and actions are this trigger's ([`HeldRules::of`] its spec).
    pub fn held_by(&self, trigger: &Trigger) -> HeldRules {
        HeldRules::compare(self.conditions, self.actions, trigger)
    }

    /// Whether a live description is the policy's own text, marker aside: an unmarked trigger
    /// being adopted that differs only by the marker needs no write (the marker is added with
    /// its next real change). Byte for byte; absent, `null` and `""` all mean "no text".
    pub fn same_unmarked_description(&self, live: Option<&str>) -> bool {
        live.filter(|d| !d.is_empty()) == self.user_description
    }
}

/// Which of a live trigger's condition lists and actions already are the policy's. Compared
/// once per trigger: the definitions check and the field comparison both ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeldRules {
    /// `conditions.all` is the policy's.
    pub all: bool,
    /// `conditions.any` is the policy's.
    pub any: bool,
    /// `actions` are the policy's.
    pub actions: bool,
}

impl HeldRules {
    /// Compares the conditions and actions of `spec` (its references resolved) with `trigger`'s.
    pub fn of(spec: &TriggerSpec, trigger: &Trigger) -> Self {
        Self::compare(&spec.conditions, &spec.actions.value, trigger)
    }

    fn compare(
        conditions: &policy::Conditions,
        actions: &[policy::Action],
        trigger: &Trigger,
    ) -> Self {
        Self {
            all: written_conditions_are(&conditions.all, &trigger.conditions.all),
            any: written_conditions_are(&conditions.any, &trigger.conditions.any),
            actions: written_actions_are(actions, &trigger.actions),
        }
    }

    /// Every condition and action is the policy's.
    pub fn every(self) -> bool {
        self.all && self.any && self.actions
    }
}

/// The managed fields (as named in a plan's `fields`) that differ, compared canonically and
/// in the order a plan lists them. Builds nothing: most triggers of a converged account
/// match, and their plan shows no values.
pub(crate) fn differing_fields(
    desired: &Desired<'_>,
    trigger: &Trigger,
    held: HeldRules,
    live: &LiveState,
) -> Vec<&'static str> {
    let live_description = trigger.description.as_ref().and_then(Option::as_deref);
    let differs = [
        ("title", desired.title != trigger.title),
        (
            "description",
            !live_description.is_some_and(|d| {
                is_managed_description(d, desired.marker_key, desired.user_description)
            }),
        ),
        ("active", desired.active != trigger.active),
        (
            "category",
            desired.category.as_ref().is_some_and(|c| {
                live_category_name(live, trigger.category_id.as_ref()) != Some(c.name())
            }),
        ),
        ("conditions.all", !held.all),
        ("conditions.any", !held.any),
        ("actions", !held.actions),
    ];
    differs
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(field, _)| field)
        .collect()
}

/// The changes of `fields` (from [`differing_fields`]), their values shown from the views
/// `before` and `after`.
pub(crate) fn field_changes(fields: &[&str], before: &Value, after: &Value) -> Vec<FieldChange> {
    fields
        .iter()
        .map(|field| FieldChange {
            field: (*field).to_owned(),
            before: lookup(before, field),
            after: lookup(after, field),
        })
        .collect()
}

/// A dotted field of a view (`conditions.all`).
fn lookup(view: &Value, field: &str) -> Value {
    field
        .split('.')
        .try_fold(view, |v, part| v.get(part))
        .cloned()
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::canonical::{
        same_action, same_condition, written_action_is, written_condition_is,
    };
    use crate::policy::load::load_texts;

    /// Comparing as written must agree with comparing the wire form, for each spelling of the
    /// same meaning real payloads have and for values that differ.
    #[test]
    fn written_conditions_and_actions_compare_as_their_wire_forms() {
        let policy = load_texts(&[(
            "p.yaml",
            "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions:\n          all:\n            - { field: group_id, operator: is, value: 75 }\n            - { field: assignee_id, operator: changed }\n            - { field: status, operator: is, value: [open] }\n          any:\n            - { field: current_tags, operator: includes, value: vip }\n        actions:\n          - { field: group_id, value: 75 }\n          - { field: set_tags, value: null }\n",
        )]);
        let spec = &policy.accounts[0].triggers()[0];
        let written: Vec<&policy::Condition> = spec
            .conditions
            .all
            .iter()
            .chain(&spec.conditions.any)
            .collect();
        let live_values = [
            json!("75"),
            json!(76),
            json!(null),
            json!(""),
            json!(["open"]),
            json!("open"),
            json!("vip"),
            json!(["vip", "x"]),
        ];
        for condition in &written {
            let wire = wire_condition(condition);
            for operator in [
                wire.operator.clone(),
                Some("is_not".to_owned()),
                Some("changed".to_owned()),
            ] {
                for value in live_values.iter().map(|v| Some(v.clone())).chain([None]) {
                    let live = Condition {
                        operator: operator.clone(),
                        value,
                        ..wire.clone()
                    };
                    assert_eq!(
                        written_condition_is(condition, &live),
                        same_condition(&wire, &live),
                        "{condition:?} against {live:?}"
                    );
                }
            }
        }
        for action in &spec.actions.value {
            let wire = wire_action(action);
            for value in live_values.iter().map(|v| Some(v.clone())).chain([None]) {
                let live = Action {
                    value: value.clone(),
                    ..wire.clone()
                };
                assert_eq!(
                    written_action_is(action, &live),
                    same_action(&wire, &live),
                    "{action:?} against {value:?}"
                );
            }
            let other = Action {
                field: "priority".to_owned(),
                ..wire.clone()
            };
            assert!(!written_action_is(action, &other));
        }
    }
}
