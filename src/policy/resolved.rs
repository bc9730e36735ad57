//! One account's policy after layering, and the questions the planner asks of it (its
//! messaging settings, safety limits, trigger order, managed triggers), each with the default
//! applied where the policy sets nothing, and where any value came from.

use std::sync::Arc;

use serde::Serialize;

use super::model::{
    AccountName, Credentials, DEFAULT_CSAT_TRIGGER_TITLE, GroupName, Layer, Located, Messaging,
    OrderMode, SessionEndedCondition, Subdomain, SunshineConversations, TriggerIds, TriggerKey,
    TriggerSpec, UnmanagedTriggers,
};
use super::provenance::{Origin, Provenance};
use super::source::Locator;

/// One account's policy after layering.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedAccount {
    /// The account's name in the policy.
    pub name: Located<AccountName>,
    /// Its Zendesk subdomain.
    pub subdomain: Located<Subdomain>,
    /// The groups it takes settings from, in order.
    pub groups: Vec<Located<GroupName>>,
    /// Its credentials (references), if the policy names them.
    pub credentials: Option<Credentials>,
    /// Its Sunshine Conversations app, if configured.
    pub sunshine_conversations: Option<SunshineConversations>,
    /// The Zendesk trigger ids its managed triggers are pinned to.
    pub trigger_ids: TriggerIds,
    /// The merged settings of every layer.
    pub settings: Layer,
    /// Which layer set each value, except inside the managed triggers (see `trigger_origins`).
    pub provenance: Provenance,
    /// For each managed trigger, in the order of [`Self::triggers`], which layer set each of
    /// its values: shared, like the trigger, by every account that inherits it.
    pub trigger_origins: Vec<Arc<Provenance>>,
    /// Where the policy's files are, to turn the spans of values into `file:line:column`.
    pub locator: Locator,
}

/// The safety limits in force for an account, defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SafetyLimits {
    /// Most managed triggers one plan may delete.
    pub max_deletes: u32,
    /// Most managed objects, in percent, one plan may change or delete.
    pub max_changed_percent: u32,
}

impl SafetyLimits {
    /// The limits when a policy sets none.
    pub const DEFAULT: Self = Self {
        max_deletes: 0,
        max_changed_percent: 30,
    };
}

impl ResolvedAccount {
    /// The messaging settings (all unmanaged when no layer sets any).
    pub fn messaging(&self) -> Messaging {
        self.settings.messaging.clone().unwrap_or_default()
    }

    /// Whether agents can end sessions, if the policy says.
    pub fn agents_can_end_sessions(&self) -> Option<&Located<bool>> {
        self.settings
            .messaging
            .as_ref()?
            .agents_can_end_sessions
            .as_ref()
    }

    /// Whether the CSAT survey is sent when an agent ends a session, if the policy says.
    pub fn survey_on_session_end(&self) -> Option<&Located<bool>> {
        self.settings.csat.as_ref()?.survey_on_session_end.as_ref()
    }

    /// The title of the messaging CSAT trigger to edit.
    pub fn csat_trigger_title(&self) -> &str {
        self.settings
            .csat
            .as_ref()
            .and_then(|c| c.trigger_title.as_ref())
            .map_or(DEFAULT_CSAT_TRIGGER_TITLE, |t| t.value.as_str())
    }

    /// The explicit "session ended by agent" condition, if the policy gives one.
    pub fn session_ended_condition(&self) -> Option<&SessionEndedCondition> {
        self.settings
            .csat
            .as_ref()?
            .session_ended_condition
            .as_ref()
    }

    /// What plans say about triggers the policy does not manage.
    pub fn unmanaged_triggers(&self) -> UnmanagedTriggers {
        self.settings
            .unmanaged_triggers
            .as_ref()
            .map_or_else(UnmanagedTriggers::default, |u| u.value)
    }

    /// The safety limits, defaults applied.
    pub fn safety(&self) -> SafetyLimits {
        let safety = self.settings.safety.clone().unwrap_or_default();
        SafetyLimits {
            max_deletes: safety
                .max_deletes
                .map_or(SafetyLimits::DEFAULT.max_deletes, |v| v.value),
            max_changed_percent: safety
                .max_changed_percent
                .map_or(SafetyLimits::DEFAULT.max_changed_percent, |v| v.value),
        }
    }

    /// Whether the account's trigger order is managed.
    pub fn order_mode(&self) -> OrderMode {
        self.settings
            .order
            .as_ref()
            .map_or_else(OrderMode::default, |o| o.value)
    }

    /// The categories in the order the policy wants them run (empty when it names none).
    pub fn trigger_categories(&self) -> &[Located<String>] {
        self.settings
            .trigger_categories
            .as_ref()
            .map_or(&[], |names| names.value.as_slice())
    }

    /// The managed triggers, in layer order.
    pub fn triggers(&self) -> &[Arc<TriggerSpec>] {
        &self.settings.triggers
    }

    /// Keys of triggers zdpolicy stops managing without deleting them (from every layer).
    pub fn released_triggers(&self) -> &[Located<TriggerKey>] {
        &self.settings.released_triggers
    }

    /// Where a value came from: the origin of `path`, or of the list it is an item of.
    /// `None` means no layer set it (a built-in default).
    pub fn origin_of(&self, path: &str) -> Option<&Origin> {
        let trigger = self.trigger_origins_of(path);
        let get = |path: &str| {
            trigger
                .and_then(|origins| origins.get(path))
                .or_else(|| self.provenance.get(path))
        };
        if let Some(origin) = get(path) {
            return Some(origin);
        }
        let mut path = path;
        loop {
            path = &path[..path.rfind('.')?];
            if let Some(origin) = get(path) {
                // A mapping's unset keys were not set by whoever set the mapping.
                return (!origin.is_map).then_some(origin);
            }
        }
    }
}

impl ResolvedAccount {
    /// The origins of the managed trigger `path` is in (`triggers.KEY` or below it).
    fn trigger_origins_of(&self, path: &str) -> Option<&Provenance> {
        let rest = path.strip_prefix("triggers.")?;
        self.triggers()
            .iter()
            .zip(&self.trigger_origins)
            .find(|(spec, _)| {
                let key = spec.key.value.as_str();
                rest.strip_prefix(key)
                    .is_some_and(|after| after.is_empty() || after.starts_with('.'))
            })
            .map(|(_, origins)| &**origins)
    }
}
