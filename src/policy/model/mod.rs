//! The policy format, version 1: the types the loader produces and the JSON Schema describes.
//!
//! The same Rust types feed both: the loader decodes YAML into them (see [`super::decode`]) and
//! `schemars` derives the published schema from them, so the two cannot drift apart silently;
//! tests check that they accept and reject the same files.

mod account;
mod conditions;
mod confirmed;
mod document;
mod identity;
mod inactivity;
mod layer;
mod located;
mod names;
mod order;
mod reference;
mod reference_decode;
mod trigger;
mod vocabulary;

pub use account::{Account, Credentials, SunshineConversations};
pub use conditions::{Action, Condition, Conditions};
pub use confirmed::{CONFIRMABLE, Confirmation, Confirmed};
pub use document::{Document, NamedMap, SUPPORTED_VERSION};
pub use identity::{TriggerId, TriggerIds};
pub use inactivity::{Inactivity, Reminder};
pub use layer::{
    Csat, DEFAULT_CSAT_TRIGGER_TITLE, Layer, Messaging, RouteAs, Safety, SessionEndedCondition,
    UnmanagedTriggers,
};
pub use located::Located;
pub use names::{AccountName, GroupName, Subdomain, TriggerKey};
pub use order::{OrderMode, Placement};
pub use reference::{Field, RefKind, Reference, ValueReference};
pub use trigger::TriggerSpec;
pub use vocabulary::{KNOWN_ACTION_FIELDS, KNOWN_CONDITION_FIELDS, Operator};
