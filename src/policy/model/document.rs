//! A policy document: one file's contents, or several files merged.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::account::Account;
use super::layer::Layer;
use super::located::Located;
use super::names::{AccountName, GroupName};
use crate::policy::decode::{Decode, DecodeEntry, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::{Node, Value};

/// The policy format version this zdpolicy reads and writes.
pub const SUPPORTED_VERSION: u32 = 1;

/// A zdpolicy policy: settings for every account (`defaults`), named layers (`groups`) and
/// the Zendesk accounts it manages (`accounts`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "zdpolicy policy")]
pub struct Document {
    /// The policy format version. Must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub version: Located<u32>,
    /// Settings that apply to every account, before groups and the account's own settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Layer>,
    /// Named layers of settings. An account lists the groups it takes, in order.
    #[serde(default, skip_serializing_if = "NamedMap::is_empty")]
    pub groups: NamedMap<GroupName, Layer>,
    /// The Zendesk accounts this policy manages, by name.
    #[serde(default, skip_serializing_if = "NamedMap::is_empty")]
    pub accounts: NamedMap<AccountName, Account>,
}

impl Decode for Document {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        if node.value == Value::Null {
            decoder.report(
                Diagnostic::error(Code::EmptyPolicy, node.span, "the file is empty")
                    .with_help("a policy file starts with `version: 1` and declares `accounts`"),
            );
            return None;
        }
        let mut reader = MapReader::new(node, "the policy file", decoder)?;
        let version = match reader.take("version") {
            None => {
                decoder.report(
                    Diagnostic::error(
                        Code::MissingVersion,
                        reader.span(),
                        "the policy file does not declare `version`",
                    )
                    .with_label("add `version: 1` at the top")
                    .with_help(format!(
                        "this zdpolicy reads policy format version {SUPPORTED_VERSION}"
                    )),
                );
                None
            }
            Some(node) => {
                let version: Option<Located<u32>> = Decode::decode(node, decoder);
                if let Some(v) = &version
                    && v.value != SUPPORTED_VERSION
                {
                    decoder.report(
                        Diagnostic::error(
                            Code::UnsupportedVersion,
                            v.span,
                            format!("policy format version {} is not supported", v.value),
                        )
                        .with_help(format!("this zdpolicy reads version {SUPPORTED_VERSION}")),
                    );
                }
                version
            }
        };
        let defaults = reader
            .take("defaults")
            .and_then(|node| Layer::decode_entry("defaults", node, decoder));
        let groups = reader.optional("groups", decoder).unwrap_or_default();
        let accounts = reader.optional("accounts", decoder).unwrap_or_default();
        reader.finish(decoder);
        Some(Self {
            version: version?,
            defaults,
            groups,
            accounts,
        })
    }
}

/// A mapping from names to values that keeps its order and where each name was written.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedMap<K, V> {
    /// The entries, in file order.
    pub entries: Vec<(Located<K>, V)>,
}

impl<K, V> Default for NamedMap<K, V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<K: PartialEq, V> NamedMap<K, V> {
    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry named `name`.
    pub fn get(&self, name: &K) -> Option<&(Located<K>, V)> {
        self.entries.iter().find(|(k, _)| k.value == *name)
    }

    /// Iterates over the entries in order.
    pub fn iter(&self) -> impl Iterator<Item = &(Located<K>, V)> {
        self.entries.iter()
    }
}

impl<K: Decode, V: DecodeEntry> Decode for NamedMap<K, V> {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "this mapping", decoder)?;
        let mut entries = Vec::new();
        for (key, value) in reader.take_rest() {
            let name = Located::<K>::decode(key, decoder);
            let value = V::decode_entry(&key.as_key().unwrap_or_default(), value, decoder);
            if let (Some(name), Some(value)) = (name, value) {
                entries.push((name, value));
            }
        }
        reader.finish(decoder);
        Some(Self { entries })
    }
}

impl<K: Serialize, V: Serialize> Serialize for NamedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(&k.value, v)?;
        }
        map.end()
    }
}

impl<K: JsonSchema, V: JsonSchema> JsonSchema for NamedMap<K, V> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "propertyNames": generator.subschema_for::<K>(),
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}
