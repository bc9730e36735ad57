//! A layer of settings: what `defaults`, each group and each account may set.
//!
//! Every field is optional. A setting no layer sets is not managed: zdpolicy leaves that part
//! of Zendesk as it is. Layers apply in order `defaults` → each listed group → the account;
//! mappings merge key by key, scalars and lists replace, and `triggers` merge by `key`.

use std::collections::HashMap;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;

use super::confirmed::Confirmed;
use super::inactivity::Inactivity;
use super::located::Located;
use super::names::TriggerKey;
use super::order::{OrderMode, check_category_list};
use super::trigger::TriggerSpec;
use crate::policy::decode::{Decode, DecodeEntry, Decoder, MapReader, decode_choice};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::Node;

/// The title of Zendesk's default messaging CSAT trigger.
pub const DEFAULT_CSAT_TRIGGER_TITLE: &str = "Request customer satisfaction rating (messaging)";

/// Settings that layer: allowed in `defaults`, in a group and in an account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// How messaging sessions end. Merges key by key across layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging: Option<Messaging>,
    /// The customer-satisfaction survey for messaging. Merges key by key across layers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csat: Option<Csat>,
    /// What to do about triggers in Zendesk that the policy does not manage: `ignore` (default)
    /// or `report` them in plans. zdpolicy never changes or deletes them either way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmanaged_triggers: Option<Located<UnmanagedTriggers>>,
    /// Limits that stop a plan which would change too much at once. Merges key by key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<Safety>,
    /// Requests per minute zdpolicy allows itself against this account. Default 200, the limit
    /// of Zendesk's lowest plan, whatever the account's plan; zdpolicy pauses sooner when
    /// Zendesk's rate-limit headers say so. Set it lower to leave room for other integrations.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub rate_limit_per_minute: Option<Located<u32>>,
    /// Fully managed triggers. Merge by `key` across layers: a trigger with the same key in a
    /// later layer replaces the earlier one whole; other triggers are kept, in order.
    // Shared (not in the doc comment, which is the schema's description): every account that
    // inherits a trigger holds the layer's one copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Arc<TriggerSpec>>,
    /// Whether zdpolicy manages the order Zendesk runs triggers in: `ignore` (default) leaves
    /// every position as it is; `manage` plans `trigger_categories` and each managed
    /// trigger's `placement` as moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Located<OrderMode>>,
    /// The trigger categories, by name, in the order Zendesk should run them (with `order:
    /// manage`). Unlisted categories follow, in their current order. A list: a later layer's
    /// replaces an earlier one's whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_categories: Option<Located<Vec<Located<String>>>>,
    /// Keys of triggers zdpolicy stops managing without deleting them: their ownership marker
    /// is removed and the trigger stays in Zendesk, as it is. These lists add up across
    /// layers (a key released in `defaults` is released in every account).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub released_triggers: Vec<Located<TriggerKey>>,
}

impl Layer {
    /// Reads the layer keys from a mapping that may hold other keys too (an account).
    pub fn read(reader: &mut MapReader<'_>, decoder: &mut Decoder) -> Self {
        let messaging = reader.optional("messaging", decoder);
        let csat = reader.optional("csat", decoder);
        let unmanaged_triggers = reader.optional("unmanaged_triggers", decoder);
        let safety = reader.optional("safety", decoder);
        let rate_limit_per_minute: Option<Located<u32>> =
            reader.optional("rate_limit_per_minute", decoder);
        if let Some(limit) = &rate_limit_per_minute
            && limit.value == 0
        {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                limit.span,
                "rate_limit_per_minute must be at least 1",
            ));
        }
        let triggers = reader
            .take("triggers")
            .and_then(|node| decode_triggers(node, decoder))
            .unwrap_or_default();
        let released_triggers = reader
            .optional("released_triggers", decoder)
            .unwrap_or_default();
        let order = reader.optional("order", decoder);
        let trigger_categories: Option<Located<Vec<Located<String>>>> =
            reader.optional("trigger_categories", decoder);
        if let Some(names) = &trigger_categories {
            check_category_list(&names.value, decoder);
        }
        Self {
            messaging,
            csat,
            unmanaged_triggers,
            safety,
            rate_limit_per_minute,
            triggers,
            released_triggers,
            order,
            trigger_categories,
        }
    }
}

/// Decodes a trigger list, reporting keys used twice in it.
fn decode_triggers(node: &Node, decoder: &mut Decoder) -> Option<Vec<Arc<TriggerSpec>>> {
    let triggers: Vec<TriggerSpec> = Vec::decode(node, decoder)?;
    // A map of first uses, not a scan of the list before each trigger: an account may hold
    // thousands of triggers (Zendesk allows 7,000 active ones).
    let mut firsts = HashMap::with_capacity(triggers.len());
    for trigger in &triggers {
        let first = *firsts.entry(&trigger.key.value).or_insert(trigger);
        if !std::ptr::eq(first, trigger) {
            decoder.report(
                Diagnostic::error(
                    Code::DuplicateTriggerKey,
                    trigger.key.span,
                    format!(
                        "trigger key `{}` is used twice in this list",
                        trigger.key.value
                    ),
                )
                .with_label("used again here")
                .with_secondary(first.key.span, "first used here")
                .with_help(
                    "each managed trigger needs its own key; keys identify triggers in Zendesk",
                ),
            );
        }
    }
    Some(triggers.into_iter().map(Arc::new).collect())
}

impl Decode for Layer {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        Self::decode_entry("layer", node, decoder)
    }
}

impl DecodeEntry for Layer {
    /// Decodes `defaults` (named "defaults") or a group (named after the group).
    fn decode_entry(name: &str, node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let what = if name == "defaults" {
            "defaults".to_owned()
        } else {
            format!("group `{name}`")
        };
        let mut reader = MapReader::new(node, what, decoder)?;
        let layer = Self::read(&mut reader, decoder);
        reader.finish(decoder);
        Some(layer)
    }
}

/// How messaging sessions end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Messaging {
    /// "Agents can end messaging sessions at any time" (Admin Center > Channels > Messaging and
    /// social > Messaging > Manage settings > Advanced > Ending sessions). Zendesk has no public
    /// API for it: zdpolicy reads it indirectly and plans it as a manual step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents_can_end_sessions: Option<Located<bool>>,
    /// How omnichannel routing treats tickets of sessions an agent ended: `messaging` or
    /// `email`. No public API: planned as a manual step. Only meaningful while agents can end sessions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_ended_sessions_route_as: Option<Located<RouteAs>>,
    /// Whether end users can end their own sessions (Sunshine Conversations app setting
    /// `endSessionEnabled`). Needs the account's `sunshine_conversations` app to be configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_users_can_end_sessions: Option<Located<bool>>,
    /// Whether end users can reopen a conversation they ended (Sunshine Conversations app
    /// setting `disableConversationReopen`, inverted). Must be `false` for end users to end
    /// sessions. Needs the account's `sunshine_conversations` app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_users_can_reopen_conversations: Option<Located<bool>>,
    /// Whether a session ends with the final inactivity reminder (account setting
    /// `messaging_inactivity.end_session`); the same setting as `inactivity.end_session`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_session_after_inactivity: Option<Located<bool>>,
    /// The whole messaging inactivity object (capacity release and reminders). Merges key by key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inactivity: Option<Inactivity>,
    /// Manual steps done by hand, by setting: `{ value: V, date: YYYY-MM-DD }`. A step whose
    /// live value cannot be read is then shown as confirmed instead of repeated, while the
    /// policy wants that value. Merges key by key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Confirmed>,
}

impl Messaging {
    /// `messaging_inactivity.end_session` as the policy sets it: `inactivity.end_session`, or
    /// else `end_session_after_inactivity` (the rules refuse the two when they disagree).
    pub fn end_session(&self) -> Option<&Located<bool>> {
        self.inactivity
            .as_ref()
            .and_then(|i| i.end_session.as_ref())
            .or(self.end_session_after_inactivity.as_ref())
    }
}

impl Decode for Messaging {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "messaging", decoder)?;
        let value = Self {
            agents_can_end_sessions: reader.optional("agents_can_end_sessions", decoder),
            agent_ended_sessions_route_as: reader
                .optional("agent_ended_sessions_route_as", decoder),
            end_users_can_end_sessions: reader.optional("end_users_can_end_sessions", decoder),
            end_users_can_reopen_conversations: reader
                .optional("end_users_can_reopen_conversations", decoder),
            end_session_after_inactivity: reader.optional("end_session_after_inactivity", decoder),
            inactivity: reader.optional("inactivity", decoder),
            confirmed: reader.optional("confirmed", decoder),
        };
        reader.finish(decoder);
        Some(value)
    }
}

/// The channel omnichannel routing uses for tickets of agent-ended sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RouteAs {
    /// Keep routing them as messaging.
    Messaging,
    /// Route them as email.
    Email,
}

impl Decode for RouteAs {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        decode_choice(
            node,
            decoder,
            "routing channel",
            &[("messaging", Self::Messaging), ("email", Self::Email)],
        )
    }
}

/// The messaging customer-satisfaction survey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Csat {
    /// Send the CSAT survey when an agent ends a messaging session, by editing Zendesk's default
    /// messaging CSAT trigger: the "status is solved" condition moves from ALL to ANY, joined by
    /// "Messaging session ended reason is Ended by agent". Needs customizable CSAT and agents
    /// able to end sessions. `false` plans the reverse edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey_on_session_end: Option<Located<bool>>,
    /// The title of the messaging CSAT trigger to edit, for accounts whose Zendesk answers in
    /// another language. Default: "Request customer satisfaction rating (messaging)".
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub trigger_title: Option<Located<String>>,
    /// The "Messaging session ended reason is Ended by agent" condition, if it cannot be found
    /// by title in the account's trigger definitions (Zendesk does not document its API name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_ended_condition: Option<SessionEndedCondition>,
}

impl Decode for Csat {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "csat", decoder)?;
        let value = Self {
            survey_on_session_end: reader.optional("survey_on_session_end", decoder),
            trigger_title: reader.optional("trigger_title", decoder),
            session_ended_condition: reader.optional("session_ended_condition", decoder),
        };
        if let Some(title) = &value.trigger_title
            && title.value.is_empty()
        {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                title.span,
                "trigger_title must not be empty",
            ));
        }
        reader.finish(decoder);
        Some(value)
    }
}

/// An explicit trigger condition for "Messaging session ended reason is Ended by agent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionEndedCondition {
    /// The condition's API field (the `subject` in `/api/v2/triggers/definitions`).
    #[schemars(length(min = 1))]
    pub field: Located<String>,
    /// The value meaning "Ended by agent".
    #[schemars(length(min = 1))]
    pub value: Located<String>,
}

impl Decode for SessionEndedCondition {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "session_ended_condition", decoder)?;
        let field: Option<Located<String>> = reader.required("field", decoder);
        let value: Option<Located<String>> = reader.required("value", decoder);
        reader.finish(decoder);
        for part in [&field, &value].into_iter().flatten() {
            if part.value.is_empty() {
                decoder.report(Diagnostic::error(
                    Code::InvalidValue,
                    part.span,
                    "must not be empty",
                ));
            }
        }
        Some(Self {
            field: field?,
            value: value?,
        })
    }
}

/// What plans say about triggers the policy does not manage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnmanagedTriggers {
    /// Say nothing about them.
    #[default]
    Ignore,
    /// List them in plans (they are still never changed).
    Report,
}

impl Decode for UnmanagedTriggers {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        decode_choice(
            node,
            decoder,
            "unmanaged_triggers mode",
            &[("ignore", Self::Ignore), ("report", Self::Report)],
        )
    }
}

/// Limits that block a plan changing too much at once (override with `--force`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// Most managed triggers one plan may delete in an account. Default 0: deleting a managed
    /// trigger always needs `--force` or a raised limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_deletes: Option<Located<u32>>,
    /// Most of an account's managed objects, in percent, one plan may change or delete.
    /// Applies once an account has at least 10 managed objects. Default 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 100))]
    pub max_changed_percent: Option<Located<u32>>,
}

impl Decode for Safety {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "safety", decoder)?;
        let value = Self {
            max_deletes: reader.optional("max_deletes", decoder),
            max_changed_percent: reader.optional("max_changed_percent", decoder),
        };
        if let Some(percent) = &value.max_changed_percent
            && percent.value > 100
        {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                percent.span,
                format!(
                    "max_changed_percent is a percentage (0-100), found {}",
                    percent.value
                ),
            ));
        }
        reader.finish(decoder);
        Some(value)
    }
}
