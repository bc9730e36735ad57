//! Zendesk's JSON shapes, exactly as they travel: triggers, categories, definitions, account
//! and Sunshine Conversations settings, pagination envelopes, reordering requests, error
//! bodies and OAuth tokens, one file per resource; and the rules of Zendesk's own that the
//! planner and the simulator share (how a settings write merges, how timestamps read).
//!
//! Plain data and pure functions, apart from the HTTP client that carries them: the planner,
//! live state and the simulator use this model, and it uses nothing that does I/O.
//!
//! These types keep what Zendesk sent. Condition and action values stay opaque
//! ([`serde_json::Value`]), `null` and an absent key stay distinct where real payloads show
//! both, and keys these types do not name are kept in `extra` maps so that a payload parsed
//! and written back means the same thing (facts: `docs/zendesk-notes.md`, "Shapes seen in
//! real payloads").

pub mod merge;
pub mod timestamp;

mod category;
mod definitions;
mod error;
mod oauth;
mod order;
mod pagination;
mod presence;
mod settings;
mod sunshine;
mod trigger;

pub use category::{TriggerCategory, TriggerCategoryResponse};
pub use definitions::{
    Definition, DefinitionOperator, DefinitionValue, TriggerDefinitions, TriggerDefinitionsResponse,
};
pub use error::{ErrorBody, ErrorItem, ErrorList, RecordError};
pub use oauth::{OAuthTokenRequest, OAuthTokenResponse};
pub use order::{
    BatchCategoryItem, BatchJob, BatchJobItems, BatchJobRequest, BatchJobResponse, BatchJobResults,
    BatchTriggerItem, TriggerBulkUpdateItem, TriggerBulkUpdateRequest,
};
pub use pagination::{
    CursorLinks, CursorMeta, CursorPagination, OffsetPagination, TriggerCategoriesPage,
    TriggersCursorPage, TriggersOffsetPage,
};
pub use settings::{
    AccountSettings, AccountSettingsResponse, InactivityReminder, MessagingInactivity,
    RoutingSettings,
};
pub use sunshine::{SunshineApp, SunshineAppResponse, SunshineAppSettings};
pub use trigger::{Action, Condition, Conditions, Trigger, TriggerResponse};
