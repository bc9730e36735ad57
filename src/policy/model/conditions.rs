//! A trigger's rules: its conditions (`{field, operator, value}`) and actions
//! (`{field, value}`), as Zendesk's API writes them, with the references to account objects
//! found in their values.

use schemars::JsonSchema;
use serde::Serialize;

use super::located::Located;
use super::reference::{Field, RefKind, ValueReference, field_schema, value_schema};
use super::reference_decode::{decode_field, value_references};
use super::vocabulary::{KNOWN_ACTION_FIELDS, KNOWN_CONDITION_FIELDS, Operator};
use crate::policy::decode::{Decode, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::Node;

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
