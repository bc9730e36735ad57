//! Managed triggers: the policy's description of a Zendesk ticket trigger.

use schemars::JsonSchema;
use serde::Serialize;

use super::conditions::{Action, Conditions};
use super::located::Located;
use super::names::TriggerKey;
use super::order::Placement;
use crate::policy::decode::{Decode, Decoder, MapReader};
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
    /// Where the trigger runs in its category when the account's `order` is `manage`:
    /// `first`, `last` (default), `{after: TITLE-OR-KEY}` or `{before: TITLE-OR-KEY}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<Located<Placement>>,
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
        let placement = reader.optional("placement", decoder);
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
            placement,
            conditions,
            actions: actions?,
        })
    }
}
