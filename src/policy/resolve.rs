//! Layering: `defaults` → each listed group → the account, into one policy per account.
//!
//! Layering works on the spanned YAML trees, so every resolved value keeps the span of the
//! layer that set it (for diagnostics and `render --explain`). Mappings merge key by key,
//! scalars and lists replace, and `triggers` merge by `key` (a later trigger with the same key
//! replaces the earlier one whole, in place). What layering makes is a [`ResolvedAccount`]
//! (`resolved.rs`); where each of its values came from is its provenance (`provenance.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::decode::{Decode, Decoder};
use super::model::{Account, AccountName, GroupName, Layer, Located, TriggerSpec};
use super::provenance::{forget_subtree, record_subtree};
use super::source::{Locator, Span};
use super::yaml::{Node, Value};

pub use super::provenance::{LayerLabel, Origin, Provenance, join};
pub use super::resolved::{ResolvedAccount, SafetyLimits};

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

/// The layers accounts are built from, each prepared once: its settings tree without
/// `triggers`, and its triggers decoded, so that the accounts inheriting them share them
/// instead of each copying and decoding them again.
pub struct LayerSources {
    defaults: Option<PreparedLayer>,
    groups: BTreeMap<GroupName, PreparedLayer>,
}

impl LayerSources {
    /// Prepares the merged `defaults` tree, if any file has one, and each group's tree.
    pub fn new(defaults: Option<&Node>, groups: &BTreeMap<GroupName, &Node>) -> Self {
        Self {
            defaults: defaults.map(|node| PreparedLayer::new(node, &LayerLabel::Defaults)),
            groups: groups
                .iter()
                .map(|(name, node)| {
                    let label = LayerLabel::Group(name.clone());
                    (name.clone(), PreparedLayer::new(node, &label))
                })
                .collect(),
        }
    }
}

/// One layer, ready to be applied to any number of accounts.
struct PreparedLayer {
    /// The layer's tree without `triggers`.
    settings: Node,
    /// Its `triggers`, if it sets them.
    triggers: Option<LayerTriggers>,
}

impl PreparedLayer {
    fn new(node: &Node, label: &LayerLabel) -> Self {
        Self {
            settings: without_triggers(node, |_| true),
            triggers: LayerTriggers::of(node, label),
        }
    }
}

/// A layer's `triggers`, decoded once.
struct LayerTriggers {
    /// The list's span, the origin of `triggers` when this is the first layer to set it.
    span: Span,
    /// Each trigger that decodes, with where its values were set; `None` when `triggers` is
    /// not a list (an error the layer's own decoding reports).
    items: Option<Vec<(Arc<TriggerSpec>, Arc<Provenance>)>>,
}

impl LayerTriggers {
    /// The `triggers` of the layer in `node`; `None` when it sets none.
    fn of(node: &Node, label: &LayerLabel) -> Option<Self> {
        let list = node.get("triggers").filter(|n| n.value != Value::Null)?;
        let Value::Seq(items) = &list.value else {
            return Some(Self {
                span: list.span,
                items: None,
            });
        };
        let items = items
            .iter()
            .filter_map(|item| {
                let key = item.get("key").and_then(Node::as_key)?;
                // Problems were reported when the layer was decoded on its own.
                let spec = TriggerSpec::decode(item, &mut Decoder::default())?;
                let mut origins = Provenance::new();
                record_subtree(&join("triggers", &key), item, label, &mut origins);
                Some((Arc::new(spec), Arc::new(origins)))
            })
            .collect();
        Some(Self {
            span: list.span,
            items: Some(items),
        })
    }
}

/// The triggers of an account as the layers so far set them.
#[derive(Default)]
struct MergedTriggers {
    specs: Vec<Arc<TriggerSpec>>,
    origins: Vec<Arc<Provenance>>,
}

impl MergedTriggers {
    /// Applies a layer's triggers: same key replaces in place, new keys append.
    fn apply(&mut self, layer: &LayerTriggers, label: &LayerLabel, provenance: &mut Provenance) {
        let origin = Origin {
            layer: label.clone(),
            span: layer.span,
            is_map: false,
        };
        let Some(items) = &layer.items else {
            // Not a list: it replaces the triggers so far with none that decode.
            *self = Self::default();
            provenance.insert("triggers".to_owned(), origin);
            return;
        };
        provenance.entry("triggers".to_owned()).or_insert(origin);
        if self.specs.is_empty() {
            // The first layer's list is taken whole, as written.
            self.specs = items.iter().map(|(spec, _)| spec.clone()).collect();
            self.origins = items.iter().map(|(_, origins)| origins.clone()).collect();
            return;
        }
        for (spec, origins) in items {
            let slot = self
                .specs
                .iter()
                .position(|s| s.key.value == spec.key.value);
            match slot {
                Some(i) => {
                    self.specs[i] = spec.clone();
                    self.origins[i] = origins.clone();
                }
                None => {
                    self.specs.push(spec.clone());
                    self.origins.push(origins.clone());
                }
            }
        }
    }
}

/// `node`'s mapping without `triggers`, and with only the keys `keep` accepts.
fn without_triggers(node: &Node, keep: impl Fn(&str) -> bool) -> Node {
    let entries = match &node.value {
        Value::Map(entries) => entries
            .iter()
            .filter(|(k, _)| k.as_key().is_some_and(|k| k != "triggers" && keep(&k)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Node {
        value: Value::Map(entries),
        span: node.span,
    }
}

/// Layers one account: defaults, then its groups in order (unknown groups are skipped; the
/// rules report them), then the account's own settings.
pub fn resolve_account(
    name: &Located<AccountName>,
    account: &Account,
    account_node: &Node,
    sources: &LayerSources,
) -> ResolvedAccount {
    let mut provenance = Provenance::new();
    let mut triggers = MergedTriggers::default();
    let mut merged = Node {
        value: Value::Map(Vec::new()),
        span: account_node.span,
    };
    let mut apply = |layer: &PreparedLayer, label: &LayerLabel, merged: &mut Node| {
        overlay(merged, &layer.settings, "", label, &mut provenance);
        if let Some(list) = &layer.triggers {
            triggers.apply(list, label, &mut provenance);
        }
    };
    if let Some(defaults) = &sources.defaults {
        apply(defaults, &LayerLabel::Defaults, &mut merged);
    }
    for group in &account.groups {
        if let Some(layer) = sources.groups.get(&group.value) {
            apply(layer, &LayerLabel::Group(group.value.clone()), &mut merged);
        }
    }
    // The account's own layer is used once: prepared here, not shared.
    let own = PreparedLayer {
        settings: without_triggers(account_node, |k| LAYER_KEYS.contains(&k)),
        triggers: LayerTriggers::of(account_node, &LayerLabel::Account),
    };
    apply(&own, &LayerLabel::Account, &mut merged);
    if let Value::Map(entries) = &account_node.value {
        for (key, value) in entries {
            if let Some(key) = key.as_key().filter(|k| !LAYER_KEYS.contains(&k.as_str())) {
                record_subtree(&key, value, &LayerLabel::Account, &mut provenance);
            }
        }
    }
    // Every part was decoded (and its problems reported) on its own; decoding the merge again
    // only repeats those reports, so they are dropped here.
    let mut settings = Layer::decode(&merged, &mut Decoder::default()).unwrap_or_default();
    settings.triggers = triggers.specs;
    ResolvedAccount {
        name: name.clone(),
        subdomain: account.subdomain.clone(),
        groups: account.groups.clone(),
        credentials: account.credentials.clone(),
        sunshine_conversations: account.sunshine_conversations.clone(),
        trigger_ids: account.trigger_ids.clone(),
        settings,
        provenance,
        trigger_origins: triggers.origins,
        locator: Locator::default(),
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
                record_subtree(&child, value, layer, provenance);
            }
            None => {
                base_entries.push((key_node.clone(), value.clone()));
                record_subtree(&child, value, layer, provenance);
            }
        }
    }
}

/// Adds a layer's released keys to the earlier layers' (a release is never undone by a
/// later layer: deleting a trigger by accident is the worse mistake).
fn add_released(base: &mut Node, upper: &Node, layer: &LayerLabel, provenance: &mut Provenance) {
    let (Value::Seq(base_items), Value::Seq(upper_items)) = (&mut base.value, &upper.value) else {
        *base = upper.clone();
        record_subtree("released_triggers", upper, layer, provenance);
        return;
    };
    for item in upper_items {
        if !base_items.iter().any(|b| b.value == item.value) {
            base_items.push(item.clone());
        }
    }
    record_subtree("released_triggers", upper, layer, provenance);
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

    #[test]
    fn inherited_triggers_are_shared_not_copied() {
        let text = "version: 1
defaults:
  triggers:
    - { key: a, title: A, actions: [ { field: status, value: open } ] }
    - { key: ab, title: AB, actions: [ { field: status, value: open } ] }
accounts:
  x: { subdomain: x }
  y:
    subdomain: y
    triggers:
      - { key: ab, title: AB-y, actions: [ { field: status, value: open } ] }
";
        let policy = load_texts(&[("p.yaml", text)]);
        let (x, y) = (&policy.accounts[0], &policy.accounts[1]);
        assert!(std::sync::Arc::ptr_eq(&x.triggers()[0], &y.triggers()[0]));
        assert!(std::sync::Arc::ptr_eq(
            &x.trigger_origins[0],
            &y.trigger_origins[0]
        ));
        assert!(!std::sync::Arc::ptr_eq(&x.triggers()[1], &y.triggers()[1]));
        // `triggers.a` must not answer for `triggers.ab`, whose key starts the same.
        assert_eq!(
            y.origin_of("triggers.ab.title").map(|o| o.layer.clone()),
            Some(LayerLabel::Account)
        );
        assert_eq!(
            y.origin_of("triggers.a.title").map(|o| o.layer.clone()),
            Some(LayerLabel::Defaults)
        );
        assert_eq!(
            y.origin_of("triggers").map(|o| o.layer.clone()),
            Some(LayerLabel::Defaults)
        );
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
