//! Layering: `defaults` → each listed group → the account, into one policy per account.
//!
//! Layering works on the spanned YAML trees, so every resolved value keeps the span of the
//! layer that set it (for diagnostics and `render --explain`). Mappings merge key by key,
//! scalars and lists replace, and `triggers` merge by `key` (a later trigger with the same key
//! replaces the earlier one whole, in place).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::decode::{Decode, Decoder};
use super::model::{
    Account, AccountName, Credentials, DEFAULT_CSAT_TRIGGER_TITLE, GroupName, Layer, Located,
    OrderMode, Subdomain, SunshineConversations, TriggerIds, UnmanagedTriggers,
};
use super::model::{Messaging, SessionEndedCondition, TriggerKey, TriggerSpec};
use super::source::{Locator, Span};
use super::yaml::{Node, Value};

/// The layer a resolved value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "layer", content = "name")]
pub enum LayerLabel {
    /// The policy's `defaults`.
    Defaults,
    /// A named group.
    Group(GroupName),
    /// The account itself.
    Account,
}

impl fmt::Display for LayerLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Defaults => f.write_str("defaults"),
            Self::Group(name) => write!(f, "group {name}"),
            Self::Account => f.write_str("account"),
        }
    }
}

/// Which layer set a value, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The layer.
    pub layer: LayerLabel,
    /// The YAML that set it.
    pub span: Span,
    /// Whether the value set was a mapping (whose keys have their own origins).
    pub is_map: bool,
}

/// For each dotted path of a resolved account (`messaging.agents_can_end_sessions`,
/// `triggers.vip-messaging.title`), the layer that set it. Paths inside `triggers` use the
/// trigger's key, not its position.
pub type Provenance = BTreeMap<String, Origin>;

/// The keys of an account that are layer settings (the rest describe the account itself).
const LAYER_KEYS: &[&str] = &[
    "messaging",
    "csat",
    "unmanaged_triggers",
    "safety",
    "rate_limit_per_minute",
    "triggers",
    "released_triggers",
    "order",
    "trigger_categories",
];

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
    /// Which layer set each value.
    pub provenance: Provenance,
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
    pub fn triggers(&self) -> &[TriggerSpec] {
        &self.settings.triggers
    }

    /// Keys of triggers zdpolicy stops managing without deleting them (from every layer).
    pub fn released_triggers(&self) -> &[Located<TriggerKey>] {
        &self.settings.released_triggers
    }

    /// Where a value came from: the origin of `path`, or of the list it is an item of.
    /// `None` means no layer set it (a built-in default).
    pub fn origin_of(&self, path: &str) -> Option<&Origin> {
        if let Some(origin) = self.provenance.get(path) {
            return Some(origin);
        }
        let mut path = path;
        loop {
            path = &path[..path.rfind('.')?];
            if let Some(origin) = self.provenance.get(path) {
                // A mapping's unset keys were not set by whoever set the mapping.
                return (!origin.is_map).then_some(origin);
            }
        }
    }
}

/// The layer trees an account is built from.
pub struct LayerSources<'a> {
    /// The merged `defaults` tree, if any file has one.
    pub defaults: Option<&'a Node>,
    /// Each group's tree, by name.
    pub groups: &'a BTreeMap<GroupName, &'a Node>,
}

/// Layers one account: defaults, then its groups in order (unknown groups are skipped; the
/// rules report them), then the account's own settings.
pub fn resolve_account(
    name: &Located<AccountName>,
    account: &Account,
    account_node: &Node,
    sources: &LayerSources<'_>,
) -> ResolvedAccount {
    let mut provenance = Provenance::new();
    let mut merged = Node {
        value: Value::Map(Vec::new()),
        span: account_node.span,
    };
    if let Some(defaults) = sources.defaults {
        overlay(
            &mut merged,
            defaults,
            "",
            &LayerLabel::Defaults,
            &mut provenance,
        );
    }
    for group in &account.groups {
        if let Some(node) = sources.groups.get(&group.value) {
            overlay(
                &mut merged,
                node,
                "",
                &LayerLabel::Group(group.value.clone()),
                &mut provenance,
            );
        }
    }
    let own = layer_part(account_node);
    overlay(&mut merged, &own, "", &LayerLabel::Account, &mut provenance);
    if let Value::Map(entries) = &account_node.value {
        for (key, value) in entries {
            if let Some(key) = key.as_key().filter(|k| !LAYER_KEYS.contains(&k.as_str())) {
                record_subtree(&key, value, &LayerLabel::Account, &mut provenance);
            }
        }
    }
    // Every part was decoded (and its problems reported) on its own; decoding the merge again
    // only repeats those reports, so they are dropped here.
    let settings = Layer::decode(&merged, &mut Decoder::default()).unwrap_or_default();
    ResolvedAccount {
        name: name.clone(),
        subdomain: account.subdomain.clone(),
        groups: account.groups.clone(),
        credentials: account.credentials.clone(),
        sunshine_conversations: account.sunshine_conversations.clone(),
        trigger_ids: account.trigger_ids.clone(),
        settings,
        provenance,
        locator: Locator::default(),
    }
}

/// The account's mapping with only its layer keys.
fn layer_part(account_node: &Node) -> Node {
    let entries = match &account_node.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|(k, _)| k.as_key().is_some_and(|k| LAYER_KEYS.contains(&k.as_str())))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Node {
        value: Value::Map(entries),
        span: account_node.span,
    }
}

/// Applies `upper` over `base` (both mappings at `path`), recording what `upper` set.
pub fn overlay(
    base: &mut Node,
    upper: &Node,
    path: &str,
    layer: &LayerLabel,
    provenance: &mut Provenance,
) {
    let (Value::Map(base_entries), Value::Map(upper_entries)) = (&mut base.value, &upper.value)
    else {
        return;
    };
    for (key_node, value) in upper_entries {
        let Some(key) = key_node.as_key() else {
            continue;
        };
        if value.value == Value::Null {
            continue;
        }
        let child = join(path, &key);
        let existing = base_entries
            .iter_mut()
            .find(|(k, _)| k.as_key().as_deref() == Some(key.as_str()));
        match existing {
            Some((_, existing)) if path.is_empty() && key == "triggers" => {
                merge_triggers(existing, value, layer, provenance);
            }
            Some((_, existing)) if path.is_empty() && key == "released_triggers" => {
                add_released(existing, value, layer, provenance);
            }
            Some((_, existing))
                if matches!(existing.value, Value::Map(_))
                    && matches!(value.value, Value::Map(_)) =>
            {
                provenance.insert(
                    child.clone(),
                    Origin {
                        layer: layer.clone(),
                        span: key_node.span,
                        is_map: true,
                    },
                );
                overlay(existing, value, &child, layer, provenance);
            }
            Some((_, existing)) => {
                forget_subtree(&child, provenance);
                *existing = value.clone();
                record_value(&child, value, layer, provenance);
            }
            None => {
                base_entries.push((key_node.clone(), value.clone()));
                record_value(&child, value, layer, provenance);
            }
        }
    }
}

/// Merges trigger lists by `key`: same key replaces in place, new keys append.
fn merge_triggers(base: &mut Node, upper: &Node, layer: &LayerLabel, provenance: &mut Provenance) {
    let (Value::Seq(base_items), Value::Seq(upper_items)) = (&mut base.value, &upper.value) else {
        *base = upper.clone();
        record_value("triggers", upper, layer, provenance);
        return;
    };
    for trigger in upper_items {
        let key = trigger.get("key").and_then(Node::as_key);
        let slot = key.as_ref().and_then(|key| {
            base_items
                .iter_mut()
                .find(|t| t.get("key").and_then(Node::as_key).as_ref() == Some(key))
        });
        match slot {
            Some(slot) => *slot = trigger.clone(),
            None => base_items.push(trigger.clone()),
        }
        if let Some(key) = key {
            let path = join("triggers", &key);
            forget_subtree(&path, provenance);
            record_subtree(&path, trigger, layer, provenance);
        }
    }
}

/// Adds a layer's released keys to the earlier layers' (a release is never undone by a
/// later layer: deleting a trigger by accident is the worse mistake).
fn add_released(base: &mut Node, upper: &Node, layer: &LayerLabel, provenance: &mut Provenance) {
    let (Value::Seq(base_items), Value::Seq(upper_items)) = (&mut base.value, &upper.value) else {
        *base = upper.clone();
        record_value("released_triggers", upper, layer, provenance);
        return;
    };
    for item in upper_items {
        if !base_items.iter().any(|b| b.value == item.value) {
            base_items.push(item.clone());
        }
    }
    record_value("released_triggers", upper, layer, provenance);
}

/// Records a value set at `path`; inside `triggers`, each trigger is recorded under its key.
fn record_value(path: &str, value: &Node, layer: &LayerLabel, provenance: &mut Provenance) {
    if path == "triggers"
        && let Value::Seq(items) = &value.value
    {
        provenance.insert(
            path.to_owned(),
            Origin {
                layer: layer.clone(),
                span: value.span,
                is_map: false,
            },
        );
        for trigger in items {
            if let Some(key) = trigger.get("key").and_then(Node::as_key) {
                record_subtree(&join(path, &key), trigger, layer, provenance);
            }
        }
        return;
    }
    record_subtree(path, value, layer, provenance);
}

/// Records `path` and every mapping key below it (lists are recorded whole).
fn record_subtree(path: &str, value: &Node, layer: &LayerLabel, provenance: &mut Provenance) {
    let is_map = matches!(value.value, Value::Map(_));
    provenance.insert(
        path.to_owned(),
        Origin {
            layer: layer.clone(),
            span: value.span,
            is_map,
        },
    );
    if let Value::Map(entries) = &value.value {
        for (k, v) in entries {
            if let Some(k) = k.as_key() {
                record_subtree(&join(path, &k), v, layer, provenance);
            }
        }
    }
}

fn forget_subtree(path: &str, provenance: &mut Provenance) {
    let prefix = format!("{path}.");
    provenance.retain(|p, _| p != path && !p.starts_with(&prefix));
}

/// Appends `key` to a dotted provenance path (`""` + `csat` → `csat`).
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;
    use crate::policy::resolve::LayerLabel;

    const POLICY: &str = "version: 1
defaults:
  messaging: { agents_can_end_sessions: true, agent_ended_sessions_route_as: messaging }
  csat: { survey_on_session_end: true }
  triggers:
    - { key: a, title: A, actions: [ { field: status, value: open } ] }
    - { key: b, title: B, actions: [ { field: status, value: open } ] }
groups:
  eu:
    messaging: { agent_ended_sessions_route_as: email }
    triggers:
      - { key: b, title: B-eu, actions: [ { field: status, value: pending } ] }
  strict:
    messaging: { agent_ended_sessions_route_as: messaging }
    safety: { max_deletes: 3 }
accounts:
  x:
    subdomain: x
    groups: [eu, strict]
    csat: { survey_on_session_end: false }
    triggers:
      - { key: c, title: C, actions: [ { field: status, value: open } ] }
";

    #[test]
    fn layers_apply_in_order_and_record_their_origin() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let x = &policy.accounts[0];
        let m = x.messaging();
        // defaults -> eu (email) -> strict (messaging): the later group wins.
        assert_eq!(
            m.agent_ended_sessions_route_as.map(|v| v.value),
            Some(crate::policy::model::RouteAs::Messaging)
        );
        assert_eq!(m.agents_can_end_sessions.map(|v| v.value), Some(true));
        assert_eq!(x.survey_on_session_end().map(|v| v.value), Some(false));
        assert_eq!(x.safety().max_deletes, 3);
        assert_eq!(x.safety().max_changed_percent, 30);
        assert_eq!(
            x.origin_of("messaging.agent_ended_sessions_route_as")
                .map(|o| o.layer.clone()),
            Some(LayerLabel::Group("strict".parse_group()))
        );
        assert_eq!(
            x.origin_of("messaging.agents_can_end_sessions")
                .map(|o| o.layer.clone()),
            Some(LayerLabel::Defaults)
        );
        assert_eq!(
            x.origin_of("csat.survey_on_session_end")
                .map(|o| o.layer.clone()),
            Some(LayerLabel::Account)
        );
        assert!(
            x.origin_of("csat.trigger_title").is_none(),
            "a built-in default"
        );
    }

    #[test]
    fn triggers_merge_by_key_in_place() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        let x = &policy.accounts[0];
        let titles: Vec<_> = x
            .triggers()
            .iter()
            .map(|t| t.title.value.as_str())
            .collect();
        assert_eq!(titles, ["A", "B-eu", "C"]);
        assert_eq!(
            x.origin_of("triggers.b.title").map(|o| o.layer.clone()),
            Some(LayerLabel::Group("eu".parse_group()))
        );
        assert_eq!(
            x.origin_of("triggers.a.actions").map(|o| o.layer.clone()),
            Some(LayerLabel::Defaults)
        );
    }

    #[test]
    fn lists_replace_rather_than_append() {
        let text = "version: 1
defaults:
  triggers:
    - key: a
      title: A
      conditions: { all: [ { field: status, operator: is, value: new } ] }
      actions: [ { field: status, value: open } ]
accounts:
  x:
    subdomain: x
    triggers:
      - key: a
        title: A
        actions: [ { field: priority, value: high } ]
";
        let policy = load_texts(&[("p.yaml", text)]);
        let a = &policy.accounts[0].triggers()[0];
        assert!(
            a.conditions.all.is_empty(),
            "the account's trigger replaces the default one whole"
        );
        assert_eq!(a.actions.value.len(), 1);
    }

    trait ParseGroup {
        fn parse_group(&self) -> crate::policy::model::GroupName;
    }

    impl ParseGroup for str {
        fn parse_group(&self) -> crate::policy::model::GroupName {
            crate::policy::model::GroupName::parse(self).unwrap()
        }
    }
}
