//! A managed trigger two ways: as the policy wants it and as Zendesk has it, with the views
//! a plan shows (`before`/`after`) and the field-by-field comparison between them.
//!
//! The managed fields are title, description (with the ownership marker), active state,
//! category (only when the policy names one: Zendesk puts a trigger created without one in
//! its first category, so "none" could never be reached), conditions and actions.

use serde_json::{Map, Value, json};

use super::canonical::{same_actions, same_conditions};
use super::categories::{category_ref, live_category_name};
use super::model::{FieldChange, json as to_json};
use super::operation::{CategoryRef, TriggerWrite};
use super::ownership::managed_description;
use crate::live::LiveState;
use crate::policy::model::{self as policy, TriggerSpec};
use crate::zendesk::model::{Action, Condition, Conditions, Trigger};

/// A managed trigger as the policy wants it.
pub(crate) struct Desired<'a> {
    /// The trigger's key.
    pub key: &'a str,
    /// The title (borrowed, like the text below: a converged trigger's plan copies neither).
    pub title: &'a str,
    description: String,
    /// The policy's own description text, without the marker.
    user_description: Option<&'a str>,
    active: bool,
    /// The category, when the policy names one.
    pub category: Option<CategoryRef>,
    conditions: Conditions,
    actions: Vec<Action>,
}

impl<'a> Desired<'a> {
    /// The trigger `spec` describes, its category looked up in `live`.
    pub fn new(spec: &'a TriggerSpec, live: &LiveState) -> Self {
        Self {
            key: spec.key.value.as_str(),
            title: spec.title.value.as_str(),
            description: managed_description(
                &spec.key.value,
                spec.description.as_ref().map(|d| d.value.as_str()),
            ),
            user_description: spec
                .description
                .as_ref()
                .map(|d| d.value.as_str())
                .filter(|d| !d.is_empty()),
            // A trigger is active unless the policy says otherwise (TriggerSpec docs).
            active: spec.active.as_ref().is_none_or(|a| a.value),
            category: spec.category.as_ref().map(|c| category_ref(live, &c.value)),
            conditions: Conditions {
                all: spec.conditions.all.iter().map(wire_condition).collect(),
                any: spec.conditions.any.iter().map(wire_condition).collect(),
            },
            actions: spec.actions.value.iter().map(wire_action).collect(),
        }
    }

    /// The conditions as Zendesk spells them, one for each of the policy's, in its order.
    pub fn conditions(&self) -> &Conditions {
        &self.conditions
    }

    /// The actions as Zendesk spells them, one for each of the policy's, in its order.
    pub fn actions(&self) -> &[Action] {
        &self.actions
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
            description: Some(self.description.clone()),
            active: Some(self.active),
            category: self.category.clone(),
            conditions: self.conditions.clone(),
            actions: self.actions.clone(),
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
    /// Whether a live description is the policy's own text, marker aside: an unmarked trigger
    /// being adopted that differs only by the marker needs no write (the marker is added with
    /// its next real change). Byte for byte; absent, `null` and `""` all mean "no text".
    pub fn same_unmarked_description(&self, live: Option<&str>) -> bool {
        live.filter(|d| !d.is_empty()) == self.user_description
    }
}

/// The managed fields (as named in a plan's `fields`) that differ, compared canonically and
/// in the order a plan lists them. Builds nothing: most triggers of a converged account
/// match, and their plan shows no values.
pub(crate) fn differing_fields(
    desired: &Desired<'_>,
    trigger: &Trigger,
    live: &LiveState,
) -> Vec<&'static str> {
    let live_description = trigger.description.as_ref().and_then(Option::as_deref);
    let differs = [
        ("title", desired.title != trigger.title),
        (
            "description",
            live_description != Some(desired.description.as_str()),
        ),
        ("active", desired.active != trigger.active),
        (
            "category",
            desired.category.as_ref().is_some_and(|c| {
                live_category_name(live, trigger.category_id.as_ref()) != Some(c.name())
            }),
        ),
        (
            "conditions.all",
            !same_conditions(&desired.conditions.all, &trigger.conditions.all),
        ),
        (
            "conditions.any",
            !same_conditions(&desired.conditions.any, &trigger.conditions.any),
        ),
        ("actions", !same_actions(&desired.actions, &trigger.actions)),
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
