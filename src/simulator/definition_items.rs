//! The pieces trigger definitions are built of, as Zendesk writes them: the operator lists
//! each kind of field offers, the values of the built-in list fields, and one item (a
//! condition or action field) with its operators titled as Zendesk titles them.

use serde_json::{Map, Value};

use crate::zendesk::model::{Definition, DefinitionOperator, DefinitionValue};

pub(super) const LIST_OPS: &[&str] = &[
    "is",
    "is_not",
    "less_than",
    "greater_than",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
];
pub(super) const CHANGE_OPS: &[&str] = &[
    "is",
    "is_not",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
];
pub(super) const EQ_OPS: &[&str] = &["is", "is_not"];
pub(super) const STATUS_OPS: &[&str] = &[
    "includes",
    "not_includes",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
];
pub(super) const TEXT_OPS: &[&str] = &["includes", "not_includes", "is", "is_not"];
pub(super) const NUMBER_OPS: &[&str] = &["is", "less_than", "greater_than"];
pub(super) const STATUSES: &[(&str, &str)] = &[
    ("new", "New"),
    ("open", "Open"),
    ("pending", "Pending"),
    ("hold", "On-hold"),
    ("solved", "Solved"),
    ("closed", "Closed"),
];
pub(super) const TYPES: &[(&str, &str)] = &[
    ("question", "Question"),
    ("incident", "Incident"),
    ("problem", "Problem"),
    ("task", "Task"),
];
pub(super) const PRIORITIES: &[(&str, &str)] = &[
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("urgent", "Urgent"),
];
pub(super) const SATISFACTION: &[(&str, &str)] = &[
    ("unoffered", "Unoffered"),
    ("offered", "Offered"),
    ("bad", "Bad"),
    ("good", "Good"),
];
pub(super) const RECIPIENTS: &[(&str, &str)] = &[
    ("current_user", "(current user)"),
    ("requester_id", "(requester)"),
    ("assignee_id", "(assignee)"),
    ("requester_and_ccs", "(requester and CCs)"),
    ("all_agents", "(all non-restricted agents)"),
];

pub(super) fn values(list: &[(&str, &str)]) -> Option<Vec<DefinitionValue>> {
    Some(
        list.iter()
            .map(|(value, title)| DefinitionValue {
                value: Value::String((*value).to_owned()),
                title: (*title).to_owned(),
                enabled: Some(true),
                extra: Map::new(),
            })
            .collect(),
    )
}

pub(super) fn item(
    subject: &str,
    title: &str,
    kind: &str,
    ops: &[&str],
    values: Option<Vec<DefinitionValue>>,
) -> Definition {
    let mut definition = action(subject, title, kind, values);
    definition.operators = Some(ops.iter().map(|op| operator(op)).collect());
    definition
}

pub(super) fn action(
    subject: &str,
    title: &str,
    kind: &str,
    values: Option<Vec<DefinitionValue>>,
) -> Definition {
    Definition {
        subject: subject.to_owned(),
        title: title.to_owned(),
        kind: Some(kind.to_owned()),
        group: Some("ticket".to_owned()),
        nullable: Some(false),
        repeatable: Some(false),
        operators: None,
        values,
        extra: Map::new(),
    }
}

/// An operator with the title Zendesk gives it [SEEN OAS `TriggerDefinitionResponseExample`].
pub(super) fn operator(value: &str) -> DefinitionOperator {
    let (title, terminal) = match value {
        "is" => ("Is", false),
        "is_not" => ("Is not", false),
        "less_than" => ("Less than", false),
        "greater_than" => ("Greater than", false),
        "changed" => ("Changed", true),
        "value" => ("Changed to", false),
        "value_previous" => ("Changed from", false),
        "not_changed" => ("Not changed", true),
        "not_value" => ("Not changed to", false),
        "not_value_previous" => ("Not changed from", false),
        "includes" => ("Contains at least one of the following", false),
        "not_includes" => ("Contains none of the following", false),
        _ => ("", false),
    };
    DefinitionOperator {
        value: value.to_owned(),
        title: title.to_owned(),
        terminal,
        extra: Map::new(),
    }
}
