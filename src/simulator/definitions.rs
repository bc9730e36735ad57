//! A realistic `GET /api/v2/triggers/definitions` for one account, following its features.
//!
//! Shape and operator titles follow Zendesk's OpenAPI example [SEEN]. Items whose API names
//! Zendesk does not document use clearly named placeholders starting with `zdpolicy_sim_`;
//! clients must find them by `title`, as they must against Zendesk, and never hard-code them.

use serde_json::{Map, Value, json};

use super::state::Account;
use crate::zendesk::model::{Definition, DefinitionOperator, DefinitionValue, TriggerDefinitions};

/// Subject of "Messaging session ended reason": its API name is [NOT FOUND] in any public
/// source (docs/zendesk-notes.md, "The CSAT-on-end trigger"), so this is a placeholder.
pub(crate) const SESSION_ENDED_REASON_SUBJECT: &str = "zdpolicy_sim_messaging_session_ended_reason";
/// Value of "Ended by agent" for that condition: also [NOT FOUND], also a placeholder.
pub(crate) const ENDED_BY_AGENT_VALUE: &str = "zdpolicy_sim_ended_by_agent";
/// Condition "CSAT survey not yet sent" of the customizable CSAT feature: [NOT FOUND].
pub(crate) const CSAT_SURVEY_SENT_SUBJECT: &str = "zdpolicy_sim_csat_survey_sent";
/// Action "send the CSAT survey" of the customizable CSAT feature: [NOT FOUND].
pub(crate) const SEND_CSAT_SURVEY_SUBJECT: &str = "zdpolicy_sim_send_csat_survey";
/// `via_id` of native messaging: 75 [3P: real "(messaging)" triggers use it; not in Zendesk's docs].
pub(crate) const MESSAGING_VIA_ID: &str = "75";

/// Every operator Zendesk's definitions use, by API name [SEEN OAS + a real recording].
pub(crate) const KNOWN_OPERATORS: &[&str] = &[
    "is",
    "is_not",
    "less_than",
    "greater_than",
    "less_than_equal",
    "greater_than_equal",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
    "includes",
    "not_includes",
    "present",
    "not_present",
    "includes_words",
    "not_includes_words",
    "includes_string",
    "not_includes_string",
    "within_previous_n_days",
    "within_next_n_days",
    "is_business_hours",
    "less_than_business_hours",
    "greater_than_business_hours",
];

/// The definitions the account's triggers may use right now: a snapshot's as copied, else
/// generated from the account's features and admin settings.
pub(crate) fn definitions(account: &Account) -> TriggerDefinitions {
    if let Some(copied) = &account.definitions {
        return copied.clone();
    }
    let mut conditions = conditions(account);
    let mut actions = actions(account);
    for field in custom_fields(account) {
        let mut condition = field.clone();
        condition.operators = Some(CHANGE_OPS.iter().map(|op| operator(op)).collect());
        conditions.push(condition);
        actions.push(field);
    }
    TriggerDefinitions {
        actions,
        conditions_all: conditions.clone(),
        conditions_any: conditions,
        extra: Map::new(),
    }
}

/// Whether a condition field exists only while an account setting is on, and is off now.
/// Zendesk's behaviour for such a condition is [NOT FOUND]; the simulator rejects it (422),
/// as it would any field the definitions do not offer.
pub(crate) fn unavailable_condition_field(account: &Account, field: &str) -> bool {
    field == SESSION_ENDED_REASON_SUBJECT && !session_ended_reason_offered(account)
}

/// "Messaging session ended reason" is offered only while agents can end sessions: enabling
/// that setting "adds" the condition (support.zendesk.com/hc/en-us/articles/8009788438042 [SEEN]).
fn session_ended_reason_offered(account: &Account) -> bool {
    account.features.messaging && account.admin.agents_can_end_sessions
}

fn conditions(account: &Account) -> Vec<Definition> {
    let mut list = vec![
        item("status", "Status", "list", LIST_OPS, values(STATUSES)),
        item("type", "Type", "list", CHANGE_OPS, values(TYPES)),
        item("priority", "Priority", "list", LIST_OPS, values(PRIORITIES)),
        item("group_id", "Group", "list", CHANGE_OPS, None),
        item("assignee_id", "Assignee", "list", CHANGE_OPS, None),
        item("requester_id", "Requester", "list", CHANGE_OPS, None),
        item(
            "current_tags",
            "Tags",
            "text",
            &["includes", "not_includes"],
            None,
        ),
        item(
            "via_id",
            "Channel",
            "list",
            EQ_OPS,
            values(&channels(account)),
        ),
        item(
            "current_via_id",
            "Update via",
            "list",
            EQ_OPS,
            values(&channels(account)),
        ),
        item(
            "update_type",
            "Ticket",
            "list",
            &["is"],
            values(&[("Create", "Is Created"), ("Change", "Is Updated")]),
        ),
        item(
            "comment_is_public",
            "Comment",
            "list",
            &["is"],
            values(&[
                ("true", "Is Public"),
                ("false", "Is Private"),
                ("not_relevant", "Is present (public or private)"),
                (
                    "requester_can_see_comment",
                    "Is public and visible to the requester",
                ),
            ]),
        ),
        item(
            "satisfaction_score",
            "Satisfaction",
            "list",
            LIST_OPS,
            values(SATISFACTION),
        ),
    ];
    // The rest of Zendesk's ticket trigger conditions reference, with the operators its UI
    // offers; their values depend on the account (groups, forms, brands), so none are listed.
    list.extend([
        item("organization_id", "Organization", "list", CHANGE_OPS, None),
        item("ticket_form_id", "Form", "list", CHANGE_OPS, None),
        item("brand_id", "Brand", "list", EQ_OPS, None),
        item("locale_id", "Requester language", "list", EQ_OPS, None),
        item("recipient", "Received at", "list", EQ_OPS, None),
        item(
            "custom_status_id",
            "Ticket status",
            "list",
            STATUS_OPS,
            None,
        ),
        item("role", "Current user", "list", EQ_OPS, None),
        item(
            "ticket_is_public",
            "Privacy",
            "list",
            &["is"],
            values(&[("public", "Public"), ("private", "Private")]),
        ),
        item(
            "subject_includes_word",
            "Subject text",
            "text",
            TEXT_OPS,
            None,
        ),
        item(
            "comment_includes_word",
            "Comment text",
            "text",
            TEXT_OPS,
            None,
        ),
        item("reopens", "Reopens", "integer", NUMBER_OPS, None),
        item("replies", "Agent replies", "integer", NUMBER_OPS, None),
        item(
            "agent_stations",
            "Assignee stations",
            "integer",
            NUMBER_OPS,
            None,
        ),
        item(
            "group_stations",
            "Group stations",
            "integer",
            NUMBER_OPS,
            None,
        ),
        item(
            "in_business_hours",
            "Within business hours?",
            "checkbox",
            &["is"],
            values(&[("true", "Yes"), ("false", "No")]),
        ),
    ]);
    if account.features.customizable_csat {
        list.push(item(
            CSAT_SURVEY_SENT_SUBJECT,
            "CSAT survey sent (simulated)",
            "checkbox",
            &["is"],
            values(&[("true", "Yes"), ("false", "No")]),
        ));
    }
    if session_ended_reason_offered(account) {
        list.push(item(
            SESSION_ENDED_REASON_SUBJECT,
            "Messaging session ended reason",
            "list",
            &["is", "is_not", "value", "not_value"],
            values(&[(ENDED_BY_AGENT_VALUE, "Ended by agent")]),
        ));
    }
    list
}

fn actions(account: &Account) -> Vec<Definition> {
    let mut list = vec![
        action("status", "Status", "list", values(&STATUSES[1..])),
        action("priority", "Priority", "list", values(PRIORITIES)),
        action("type", "Type", "list", values(TYPES)),
        action("group_id", "Group", "list", None),
        action("assignee_id", "Assignee", "list", None),
        action("set_tags", "Set tags", "text", None),
        action("current_tags", "Add tags", "text", None),
        action("remove_tags", "Remove tags", "text", None),
        action(
            "notification_user",
            "Email user",
            "list",
            values(RECIPIENTS),
        ),
        action("notification_group", "Email group", "list", None),
        action(
            "notification_webhook",
            "Notify by > Active webhook",
            "list",
            None,
        ),
        action(
            "satisfaction_score",
            "Satisfaction",
            "list",
            values(&[("offered_by_system", "Offered")]),
        ),
        action("notification_target", "Notify target", "list", None),
        action("cc", "Add cc", "list", None),
        action("follower", "Add follower", "list", None),
        action("share_ticket", "Share ticket with", "list", None),
        action("ticket_form_id", "Ticket form", "list", None),
        action("brand_id", "Brand", "list", None),
        action("locale_id", "Set requester language", "list", None),
        action("custom_status_id", "Ticket status", "list", None),
        action("set_schedule", "Set schedule", "list", None),
        action(
            "side_conversation_ticket",
            "Side conversation > Ticket",
            "list",
            None,
        ),
        action("requester_id", "Requester", "list", None),
    ];
    if account.features.customizable_csat {
        list.push(action(
            SEND_CSAT_SURVEY_SUBJECT,
            "Send CSAT survey (simulated)",
            "list",
            None,
        ));
    }
    list
}

const LIST_OPS: &[&str] = &[
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
const CHANGE_OPS: &[&str] = &[
    "is",
    "is_not",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
];
const EQ_OPS: &[&str] = &["is", "is_not"];
const STATUS_OPS: &[&str] = &[
    "includes",
    "not_includes",
    "changed",
    "value",
    "value_previous",
    "not_changed",
    "not_value",
    "not_value_previous",
];
const TEXT_OPS: &[&str] = &["includes", "not_includes", "is", "is_not"];
const NUMBER_OPS: &[&str] = &["is", "less_than", "greater_than"];
const STATUSES: &[(&str, &str)] = &[
    ("new", "New"),
    ("open", "Open"),
    ("pending", "Pending"),
    ("hold", "On-hold"),
    ("solved", "Solved"),
    ("closed", "Closed"),
];
const TYPES: &[(&str, &str)] = &[
    ("question", "Question"),
    ("incident", "Incident"),
    ("problem", "Problem"),
    ("task", "Task"),
];
const PRIORITIES: &[(&str, &str)] = &[
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("urgent", "Urgent"),
];
const SATISFACTION: &[(&str, &str)] = &[
    ("unoffered", "Unoffered"),
    ("offered", "Offered"),
    ("bad", "Bad"),
    ("good", "Good"),
];
const RECIPIENTS: &[(&str, &str)] = &[
    ("current_user", "(current user)"),
    ("requester_id", "(requester)"),
    ("assignee_id", "(assignee)"),
    ("requester_and_ccs", "(requester and CCs)"),
    ("all_agents", "(all non-restricted agents)"),
];

/// Channel values from a real account's definitions [SEEN Salto recording], plus native
/// messaging while the account has it.
fn channels(account: &Account) -> Vec<(&'static str, &'static str)> {
    let mut list = vec![
        ("0", "Web form"),
        ("4", "Email"),
        ("5", "Web service (API)"),
        ("29", "Chat"),
        ("48", "Web Widget"),
        ("49", "Mobile SDK"),
        ("56", "Mobile"),
    ];
    if account.features.messaging {
        list.push((MESSAGING_VIA_ID, "Messaging"));
    }
    list
}

fn values(list: &[(&str, &str)]) -> Option<Vec<DefinitionValue>> {
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

fn item(
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

fn action(
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
fn operator(value: &str) -> DefinitionOperator {
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

/// The account's active custom ticket fields, as Zendesk lists them among the definitions
/// (`custom_fields_<id>`, a dropdown's options as its values, by option id).
fn custom_fields(account: &Account) -> Vec<Definition> {
    let fields = account
        .objects
        .get(&crate::directory::ListKind::TicketFields);
    fields
        .into_iter()
        .flatten()
        .filter(|f| f.get("active") != Some(&Value::Bool(false)))
        .filter_map(|f| {
            let id = f.get("id")?.to_string();
            let title = f.get("title")?.as_str()?;
            let options = f
                .get("custom_field_options")
                .and_then(Value::as_array)
                .filter(|o| !o.is_empty());
            let values = options.map(|options| {
                options
                    .iter()
                    .filter_map(|o| {
                        Some(DefinitionValue {
                            value: Value::String(o.get("id")?.to_string()),
                            title: o.get("name")?.as_str()?.to_owned(),
                            enabled: Some(true),
                            extra: Map::new(),
                        })
                    })
                    .collect()
            });
            let kind = if values.is_some() { "list" } else { "text" };
            Some(action(&format!("custom_fields_{id}"), title, kind, values))
        })
        .collect()
}

/// The `{"definitions": …}` body.
pub(crate) fn definitions_body(account: &Account) -> Value {
    json!({ "definitions": definitions(account) })
}
