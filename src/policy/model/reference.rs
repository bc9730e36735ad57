//! References: a trigger's condition or action naming an account's object (a group, a custom
//! field and its options, a form, a brand, a schedule, a custom status, a webhook) instead of
//! its id, so one trigger definition fits every account. Resolved per account at plan time.
//!
//! The one form is a mapping with a single key, the kind, whose value is the object's name:
//! `{ group: "Tier 2" }`. It stands where the id would stand: as a condition's or action's
//! `value`, as an item of a list value (`[ { webhook: "Slack" }, "body" ]`), and, for custom
//! ticket fields, as the `field` itself (`{ ticket_field: "Product" }`), whose dropdown and
//! multi-select options are then `{ option: "Enterprise" }` in the value.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::located::Located;
use crate::policy::source::Span;

macro_rules! kinds {
    ($($variant:ident = $key:literal : $doc:literal,)*) => {
        /// What a reference names. The key it is written with is [`RefKind::key`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RefKind { $(#[doc = $doc] $variant,)* }

        impl RefKind {
            /// Every kind.
            pub const ALL: &'static [RefKind] = &[$(RefKind::$variant,)*];

            /// The key a reference of this kind is written with, e.g. `custom_status`.
            pub fn key(self) -> &'static str {
                match self { $(RefKind::$variant => $key,)* }
            }

            /// One line saying what the kind names and by which of its attributes.
            pub fn description(self) -> &'static str {
                match self { $(RefKind::$variant => $doc,)* }
            }
        }
    };
}

kinds! {
    Group = "group": "A group, by its `name` (`/api/v2/groups`).",
    TicketField = "ticket_field": "A custom ticket field, by its `title` (`/api/v2/ticket_fields`); written as the `field`.",
    Option = "option": "An option of the custom dropdown or multi-select field the condition or action names, by its `name`.",
    TicketForm = "ticket_form": "A ticket form, by its `name` (`/api/v2/ticket_forms`).",
    Brand = "brand": "A brand, by its `name` (`/api/v2/brands`).",
    Schedule = "schedule": "A business-hours schedule, by its `name` (`/api/v2/business_hours/schedules`).",
    CustomStatus = "custom_status": "A custom ticket status, by its agent label (`agent_label`, `/api/v2/custom_statuses`).",
    Webhook = "webhook": "A webhook, by its `name` (`/api/v2/webhooks`).",
}

impl Serialize for RefKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for RefKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        RefKind::from_key(&key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown kind of reference `{key}`")))
    }
}

impl RefKind {
    /// The kinds a `value` may name (all but `ticket_field`, which names a `field`).
    pub fn value_kinds() -> impl Iterator<Item = RefKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(|k| *k != RefKind::TicketField)
    }

    /// The kind written with `key`.
    pub fn from_key(key: &str) -> Option<RefKind> {
        Self::ALL.iter().copied().find(|k| k.key() == key)
    }

    /// What the kind's objects are called in messages, e.g. `custom status`.
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::Group => "group",
            RefKind::TicketField => "ticket field",
            RefKind::Option => "option",
            RefKind::TicketForm => "ticket form",
            RefKind::Brand => "brand",
            RefKind::Schedule => "schedule",
            RefKind::CustomStatus => "custom status",
            RefKind::Webhook => "webhook",
        }
    }
}

/// A reference to an account's object by name: `{ group: "Tier 2" }`. The name matches
/// exactly, case and spaces included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// What it names.
    pub kind: RefKind,
    /// The object's name, as written.
    pub name: String,
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.kind.key(), &self.name)?;
        map.end()
    }
}

impl JsonSchema for Reference {
    fn schema_name() -> Cow<'static, str> {
        "Reference".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one_of: Vec<serde_json::Value> = RefKind::value_kinds()
            .map(|kind| kind_schema(kind).to_value())
            .collect();
        json_schema!({
            "description": "An object of the account by name instead of its id, resolved per account when planning. Names match exactly (case and spaces included); none or several objects of that name is an error for the account.",
            "oneOf": one_of,
        })
    }
}

fn kind_schema(kind: RefKind) -> Schema {
    let key = kind.key();
    json_schema!({
        "type": "object",
        "description": kind.description(),
        "properties": { key: { "type": "string", "minLength": 1 } },
        "required": [key],
        "additionalProperties": false,
    })
}

/// A condition's or action's `field`: the API name, or a custom ticket field by title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The API name, e.g. `group_id` or `custom_fields_4612925021719`.
    Api(String),
    /// `{ ticket_field: "Product" }`: the custom field with this title, resolved to
    /// `custom_fields_<id>`.
    TicketField(Located<String>),
}

impl Field {
    /// The API name, or the field's title for a reference not yet resolved (for messages).
    pub fn text(&self) -> &str {
        match self {
            Field::Api(name) => name,
            Field::TicketField(title) => &title.value,
        }
    }

    /// The id of the custom field this field names, when it is `custom_fields_<id>`.
    pub fn custom_field_id(&self) -> Option<&str> {
        match self {
            Field::Api(name) => name
                .strip_prefix("custom_fields_")
                .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())),
            Field::TicketField(_) => None,
        }
    }

    /// Whether the field is a custom ticket field (so its value may name an option).
    pub fn is_custom_field(&self) -> bool {
        matches!(self, Field::TicketField(_)) || self.custom_field_id().is_some()
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Api(name) => serializer.serialize_str(name),
            Field::TicketField(title) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(RefKind::TicketField.key(), &title.value)?;
                map.end()
            }
        }
    }
}

/// The schema of a `field`: one of `known` (offered as completions), any non-empty API name,
/// or a `ticket_field` reference.
pub(crate) fn field_schema(known: &[&str]) -> Schema {
    let reference = kind_schema(RefKind::TicketField).to_value();
    json_schema!({
        "anyOf": [
            { "enum": known },
            { "type": "string", "minLength": 1 },
            reference,
        ]
    })
}

/// The schema of a condition's or action's `value`: a scalar, a reference, or a list of
/// scalars, lists and references.
pub(crate) fn value_schema(generator: &mut SchemaGenerator) -> Schema {
    let reference = generator.subschema_for::<Reference>().to_value();
    json_schema!({
        "anyOf": [
            { "type": ["string", "number", "boolean", "null"] },
            reference,
            {
                "type": "array",
                "items": {
                    "anyOf": [
                        { "type": ["string", "number", "boolean", "null", "array"] },
                        reference,
                    ]
                }
            }
        ]
    })
}

/// A reference written in a condition's or action's value, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueReference {
    /// What it names.
    pub reference: Reference,
    /// Its position in a list value; `None` when it is the value itself.
    pub item: Option<usize>,
    /// Where it was written.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load_texts;
    use crate::policy::model::reference_decode::tests::POLICY;

    #[test]
    fn references_serialise_as_written() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        let trigger = &policy.accounts[0].triggers()[0];
        assert_eq!(
            serde_json::to_value(&trigger.conditions.all[0]).unwrap(),
            serde_json::json!({"field": {"ticket_field": "Product"}, "operator": "is", "value": {"option": "Enterprise"}})
        );
        let reference = Reference {
            kind: RefKind::CustomStatus,
            name: "Waiting".into(),
        };
        assert_eq!(
            serde_json::to_value(&reference).unwrap(),
            serde_json::json!({"custom_status": "Waiting"})
        );
    }

    #[test]
    fn only_custom_fields_name_options() {
        assert!(Field::Api("custom_fields_123".into()).is_custom_field());
        assert!(!Field::Api("custom_fields_".into()).is_custom_field());
        assert!(!Field::Api("priority".into()).is_custom_field());
        assert_eq!(
            Field::Api("custom_fields_123".into()).custom_field_id(),
            Some("123")
        );
    }
}
