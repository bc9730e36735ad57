//! Provenance: which layer (`defaults`, a group, the account) set each value of a resolved
//! account, and where in the YAML, keyed by dotted path. `render --explain` and diagnostics
//! read it; layering (`resolve.rs`) records it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::model::GroupName;
use super::source::Span;
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

/// Records `path` and every mapping key below it (lists are recorded whole).
pub(crate) fn record_subtree(
    path: &str,
    value: &Node,
    layer: &LayerLabel,
    provenance: &mut Provenance,
) {
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

/// Forgets `path` and everything below it (a later layer replaced it).
pub(crate) fn forget_subtree(path: &str, provenance: &mut Provenance) {
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
