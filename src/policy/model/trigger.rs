//! Managed triggers: the policy's description of a Zendesk ticket trigger.

use schemars::JsonSchema;
use serde::Serialize;

use super::located::Located;
use super::names::TriggerKey;
use super::reference::{
    Field, RefKind, ValueReference, decode_field, field_schema, value_references, value_schema,
};
use crate::policy::decode::{Decode, Decoder, MapReader, decode_choice};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::{Node, Value};

/// A ticket trigger zdpolicy fully manages: created, updated and (when removed from the
/// policy) deleted by zdpolicy. Zendesk's copy carries an ownership marker with the key.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    /// Stable identifier of this trigger in the policy; never shown to agents. Changing it
    /// makes zdpolicy treat the trigger as a different one.
    pub key: Located<TriggerKey>,
    /// The trigger's title in Zendesk.
    #[schemars(length(min = 1))]
    pub title: Located<String>,
    /// The trigger's description in Zendesk (zdpolicy appends its ownership marker line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Located<String>>,
    /// The trigger category, by name; created if missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub category: Option<Located<String>>,
    /// Whether the trigger is active. Default true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<Located<bool>>,
    /// Take over an existing trigger with this title that zdpolicy does not manage yet.
    /// Without it, a same-title trigger is reported as a conflict and left alone. A trigger
    /// pinned in the account's `trigger_ids` is adopted by its id instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopt: Option<Located<bool>>,
    /// Keys this trigger had before (`previously: [old-key]`): the Zendesk trigger carrying
    /// the marker of an old key is this one, renamed in place rather than deleted and created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previously: Vec<Located<TriggerKey>>,
    /// When the trigger fires: `all` must all hold, and at least one of `any` if it is not empty.
    #[serde(default)]
    pub conditions: Conditions,
    /// What the trigger does, in order. Zendesk requires at least one.
    #[schemars(length(min = 1))]
    pub actions: Located<Vec<Action>>,
}

impl Decode for TriggerSpec {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let what = match node.get("key").map(|k| &k.value) {
            Some(Value::String(key)) => format!("trigger `{key}`"),
            _ => "trigger".to_owned(),
        };
        let mut reader = MapReader::new(node, what.clone(), decoder)?;
        let key = reader.required("key", decoder);
        let title: Option<Located<String>> = reader.required("title", decoder);
        let description = reader.optional("description", decoder);
        let category: Option<Located<String>> = reader.optional("category", decoder);
        let active = reader.optional("active", decoder);
        let adopt = reader.optional("adopt", decoder);
        let previously = reader.optional("previously", decoder).unwrap_or_default();
        let conditions = reader.optional("conditions", decoder).unwrap_or_default();
        let actions: Option<Located<Vec<Action>>> = reader.required("actions", decoder);
        reader.finish(decoder);
        for text in [&title, &category].into_iter().flatten() {
            if text.value.trim().is_empty() {
                decoder.report(Diagnostic::error(
                    Code::InvalidValue,
                    text.span,
                    format!("empty text in {what}"),
                ));
            }
        }
        if let Some(actions) = &actions
            && actions.value.is_empty()
        {
            decoder.report(
                Diagnostic::error(
                    Code::EmptyActions,
                    actions.span,
                    format!("{what} has no actions"),
                )
                .with_help("Zendesk rejects a trigger without actions; add at least one"),
            );
        }
        Some(Self {
            key: key?,
            title: title?,
            description,
            category,
            active,
            adopt,
            previously,
            conditions,
            actions: actions?,
        })
    }
}

/// A trigger's conditions, as Zendesk's API groups them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Conditions that must all be met ("Meet ALL of the following conditions"). Order is kept.
    #[serde(default)]
    pub all: Vec<Condition>,
    /// Conditions of which at least one must be met ("Meet ANY"). Order is kept.
    #[serde(default)]
    pub any: Vec<Condition>,
}

impl Decode for Conditions {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "conditions", decoder)?;
        let value = Self {
            all: reader.optional("all", decoder).unwrap_or_default(),
            any: reader.optional("any", decoder).unwrap_or_default(),
        };
        reader.finish(decoder);
        Some(value)
    }
}

/// One trigger condition: `{field, operator, value}` as in Zendesk's API.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The ticket field, e.g. `status`, `current_tags`, `via_id`, or a custom field
    /// `custom_fields_<id>` or `{ ticket_field: TITLE }`. `plan` checks it against the
    /// account's trigger definitions.
    #[schemars(schema_with = "condition_field_schema")]
    pub field: Located<Field>,
    /// The comparison. Some fields (e.g. `update_type`) take none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<Located<Operator>>,
    /// The value to compare with: a string, number, boolean, list or null, as in Zendesk's API.
    /// Operators such as `present` and `changed` take none. Kept exactly as written: `null`,
    /// `""` and leaving the key out are three different things, each sent back as written.
    /// An id may be named instead (`{ group: "Tier 2" }`, alone or as a list item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "value_schema")]
    pub value: Option<Located<serde_json::Value>>,
    /// The references written in `value`, with where (the value keeps them as written).
    #[serde(skip)]
    #[schemars(skip)]
    pub references: Vec<ValueReference>,
}

impl Decode for Condition {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "condition", decoder)?;
        let field = required_field(&mut reader, "condition", decoder);
        let operator = reader.optional("operator", decoder);
        let (value, references) = opaque_value(&mut reader, decoder);
        reader.finish(decoder);
        let field = field?;
        check_options(&field, &references, decoder);
        Some(Self {
            field,
            operator,
            value,
            references,
        })
    }
}

/// One trigger action: `{field, value}` as in Zendesk's API.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What to set or do, e.g. `priority`, `group_id`, `set_tags`, `notification_user`, or a
    /// custom field `custom_fields_<id>` or `{ ticket_field: TITLE }`. `plan` checks it
    /// against the account's definitions.
    #[schemars(schema_with = "action_field_schema")]
    pub field: Located<Field>,
    /// The value: a string, number, boolean, list (e.g. `[recipient, subject, body]` for
    /// `notification_user`) or null. Kept exactly as written, an explicit `null` included.
    /// An id may be named instead (`[ { webhook: "Slack" }, "body" ]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "value_schema")]
    pub value: Option<Located<serde_json::Value>>,
    /// The references written in `value`, with where.
    #[serde(skip)]
    #[schemars(skip)]
    pub references: Vec<ValueReference>,
}

impl Decode for Action {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "action", decoder)?;
        let field = required_field(&mut reader, "action", decoder);
        let (value, references) = opaque_value(&mut reader, decoder);
        reader.finish(decoder);
        let field = field?;
        check_options(&field, &references, decoder);
        Some(Self {
            field,
            value,
            references,
        })
    }
}

fn condition_field_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    field_schema(KNOWN_CONDITION_FIELDS)
}

fn action_field_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    field_schema(KNOWN_ACTION_FIELDS)
}

/// `field` (required). Whether the account offers it is checked by `plan`, against the
/// account's own trigger definitions: no list written here can know an account's custom
/// fields, schedules or the fields Zendesk adds, so a warning from one could be false.
fn required_field(
    reader: &mut MapReader<'_>,
    what: &str,
    decoder: &mut Decoder,
) -> Option<Located<Field>> {
    let field: Option<Located<FieldNode>> = reader.required("field", decoder);
    let field = field?;
    let value = decode_field(&field.value.0, what, decoder)?;
    Some(Located {
        value,
        span: field.span,
    })
}

/// A `field` node, decoded once its condition or action is known (for messages).
struct FieldNode(Node);

impl Decode for FieldNode {
    fn decode(node: &Node, _: &mut Decoder) -> Option<Self> {
        Some(Self(node.clone()))
    }
}

/// `{ option: NAME }` names an option of the field's own options: only a custom field has them.
fn check_options(field: &Located<Field>, references: &[ValueReference], decoder: &mut Decoder) {
    if field.value.is_custom_field() {
        return;
    }
    for r in references
        .iter()
        .filter(|r| r.reference.kind == RefKind::Option)
    {
        decoder.report(
            Diagnostic::error(
                Code::InvalidValue,
                r.span,
                format!(
                    "`{{ option: ... }}` names an option of a custom field, and `{}` is not one",
                    field.value.text()
                ),
            )
            .with_help(
                "write the field as `{ ticket_field: TITLE }` or `custom_fields_<id>`, or give \
                 the value itself",
            ),
        );
    }
}

/// A condition's or action's `value` as written, opaque but for the references in it: an
/// explicit `null` is a value too (older accounts send it for `changed` and `not_present`,
/// and a PUT must send it back).
fn opaque_value(
    reader: &mut MapReader<'_>,
    decoder: &mut Decoder,
) -> (Option<Located<serde_json::Value>>, Vec<ValueReference>) {
    let Some(node) = reader.take_nullable("value") else {
        return (None, Vec::new());
    };
    let references = value_references(node, decoder);
    let value = Located {
        value: node.to_json(),
        span: node.span,
    };
    (Some(value), references)
}

/// Condition fields of ticket triggers (Zendesk's conditions reference, with the legacy
/// names older accounts still hold). Editors offer them as completions; nothing is refused
/// for not being here (custom fields are `custom_fields_<id>`, `requester.custom_fields.<key>`,
/// `organization.custom_fields.<key>`).
pub const KNOWN_CONDITION_FIELDS: &[&str] = &[
    "status",
    "custom_status_id",
    "type",
    "priority",
    "group_id",
    "assignee_id",
    "requester_id",
    "organization_id",
    "current_tags",
    "via_id",
    "current_via_id",
    "recipient",
    "update_type",
    "comment_is_public",
    "ticket_is_public",
    "subject_includes_word",
    "comment_includes_word",
    "description_includes_word",
    "satisfaction_score",
    "reopens",
    "replies",
    "agent_stations",
    "group_stations",
    "in_business_hours",
    "locale_id",
    "ticket_form_id",
    "brand_id",
    "role",
    "ticket_type_id",
    "exact_created_at",
    "requester_twitter_followers_count",
    "requester_twitter_statuses_count",
    "requester_twitter_verified",
    "assignee_id#all_agents",
    "requester_id#all_agents",
    "group_id#current_groups",
];

/// Action fields of ticket triggers (Zendesk's actions reference, legacy names included),
/// offered as completions like [`KNOWN_CONDITION_FIELDS`].
pub const KNOWN_ACTION_FIELDS: &[&str] = &[
    "status",
    "custom_status_id",
    "type",
    "priority",
    "group_id",
    "assignee_id",
    "set_tags",
    "current_tags",
    "remove_tags",
    "satisfaction_score",
    "notification_user",
    "notification_group",
    "notification_target",
    "notification_webhook",
    "side_conversation_ticket",
    "set_schedule",
    "ticket_form_id",
    "follower",
    "share_ticket",
    "cc",
    "locale_id",
    "brand_id",
    "requester_id",
    "assignee_id#all_agents",
    "requester_id#all_agents",
    "group_id#current_groups",
];

macro_rules! operators {
    ($($variant:ident = $name:literal : $doc:literal,)*) => {
        /// A condition operator, as Zendesk's API spells it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
        pub enum Operator { $(#[doc = $doc] #[serde(rename = $name)] $variant,)* }

        impl Operator {
            /// Every operator with its API name.
            pub const ALL: &'static [(&'static str, Operator)] = &[$(($name, Operator::$variant),)*];

            /// The API name, e.g. `not_value`.
            pub fn name(self) -> &'static str {
                match self { $(Operator::$variant => $name,)* }
            }
        }
    };
}

operators! {
    Is = "is": "Is.",
    IsNot = "is_not": "Is not.",
    LessThan = "less_than": "Less than (ordered fields such as status and priority).",
    GreaterThan = "greater_than": "Greater than.",
    Changed = "changed": "Changed (takes no value).",
    ChangedTo = "value": "Changed to.",
    ChangedFrom = "value_previous": "Changed from.",
    NotChanged = "not_changed": "Not changed (takes no value).",
    NotChangedTo = "not_value": "Not changed to.",
    NotChangedFrom = "not_value_previous": "Not changed from.",
    Includes = "includes": "Includes (tags, words, lists of ids).",
    NotIncludes = "not_includes": "Does not include.",
    Present = "present": "Present (takes no value).",
    NotPresent = "not_present": "Not present (takes no value).",
    IncludesString = "includes_string": "Contains the text (user and organization fields).",
    NotIncludesString = "not_includes_string": "Does not contain the text.",
    WithinPreviousNDays = "within_previous_n_days": "Within the previous N days (date fields).",
    WithinNextNDays = "within_next_n_days": "Within the next N days (date fields).",
    LessThanEqual = "less_than_equal": "Less than or equal to.",
    GreaterThanEqual = "greater_than_equal": "Greater than or equal to.",
    IncludesWords = "includes_words": "Contains at least one of the words.",
    NotIncludesWords = "not_includes_words": "Contains none of the words.",
    IsBusinessHours = "is_business_hours": "Is, counted in business hours.",
    LessThanBusinessHours = "less_than_business_hours": "Less than, in business hours.",
    GreaterThanBusinessHours = "greater_than_business_hours": "Greater than, in business hours.",
}

impl Decode for Operator {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let before = decoder.diagnostics.len();
        let result = decode_choice(node, decoder, "condition operator", Self::ALL);
        // decode_choice reports a generic invalid value; operators have their own code.
        for d in &mut decoder.diagnostics[before..] {
            if d.code == Code::InvalidValue {
                d.code = Code::UnknownOperator;
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for (name, op) in Operator::ALL {
            assert_eq!(op.name(), *name);
            assert_eq!(serde_json::to_value(op).unwrap(), serde_json::json!(name));
        }
    }
}
