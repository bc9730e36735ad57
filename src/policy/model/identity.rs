//! Trigger identity at the account layer: which Zendesk trigger id each managed trigger is,
//! so adopting a trigger never depends on its title being unique.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::located::Located;
use super::names::TriggerKey;
use crate::policy::decode::{Decode, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::{Node, Value};

/// A Zendesk trigger id: a positive JSON integer (13–14 digits in real accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TriggerId(pub u64);

impl std::fmt::Display for TriggerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Decode for TriggerId {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        match &node.value {
            Value::Number(n) if n.as_u64().is_some_and(|id| id > 0) => n.as_u64().map(TriggerId),
            _ => {
                decoder.report(
                    Diagnostic::error(
                        Code::WrongType,
                        node.span,
                        format!(
                            "expected a Zendesk trigger id (a positive integer), found {}",
                            node.value.kind()
                        ),
                    )
                    .with_label("not a trigger id")
                    .with_help(
                        "write the id as Zendesk shows it, without quotes, e.g. 360012345678",
                    ),
                );
                None
            }
        }
    }
}

impl JsonSchema for TriggerId {
    fn schema_name() -> Cow<'static, str> {
        "TriggerId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 1,
            "description": "A Zendesk trigger id, as in `/api/v2/triggers/{id}`."
        })
    }
}

/// The Zendesk trigger each managed trigger of an account is, by key: `{vip-messaging:
/// 360012345678}`. A pinned trigger is adopted by its id (its title may be shared with other
/// triggers); ids belong to one account, so this map lives on the account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriggerIds {
    /// The pins, in file order.
    pub entries: Vec<(Located<TriggerKey>, Located<TriggerId>)>,
}

impl TriggerIds {
    /// The id `key` is pinned to.
    pub fn get(&self, key: &str) -> Option<TriggerId> {
        self.entries
            .iter()
            .find(|(k, _)| k.value.as_str() == key)
            .map(|(_, id)| id.value)
    }

    /// Whether no trigger is pinned.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Decode for TriggerIds {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "trigger_ids", decoder)?;
        let mut entries = Vec::new();
        for (key, value) in reader.take_rest() {
            let key = Located::<TriggerKey>::decode(key, decoder);
            let id = Located::<TriggerId>::decode(value, decoder);
            if let (Some(key), Some(id)) = (key, id) {
                entries.push((key, id));
            }
        }
        reader.finish(decoder);
        Some(Self { entries })
    }
}

impl Serialize for TriggerIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, id) in &self.entries {
            map.serialize_entry(&key.value, &id.value)?;
        }
        map.end()
    }
}

impl JsonSchema for TriggerIds {
    fn schema_name() -> Cow<'static, str> {
        "TriggerIds".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "propertyNames": generator.subschema_for::<TriggerKey>(),
            "additionalProperties": generator.subschema_for::<TriggerId>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::source::FileId;
    use crate::policy::yaml::parse;

    #[test]
    fn pins_are_read_and_bad_ids_reported() {
        let node = parse(FileId(0), "a: 36001234567890\nb: \"42\"\nc: 0\n").unwrap();
        let mut decoder = Decoder::default();
        let ids = TriggerIds::decode(&node, &mut decoder).unwrap();
        assert_eq!(ids.get("a"), Some(TriggerId(36_001_234_567_890)));
        assert_eq!(ids.entries.len(), 1);
        assert_eq!(decoder.diagnostics.len(), 2, "{:?}", decoder.diagnostics);
    }
}
