//! Sunshine Conversations apps and their settings (`/sc/v2/apps/{appId}`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{"app": {...}}`: a Sunshine Conversations app (`GET`/`PATCH /sc/v2/apps/{appId}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SunshineAppResponse {
    /// The app.
    pub app: SunshineApp,
}

/// A Sunshine Conversations app. Sunshine Conversations spells keys in camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SunshineApp {
    /// The app id, e.g. `5d8cff3cd55b040010928b5b`.
    pub id: String,
    /// The app's friendly name.
    #[serde(
        rename = "displayName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub display_name: Option<String>,
    /// The app's settings.
    #[serde(default)]
    pub settings: SunshineAppSettings,
    /// Every other key (`metadata`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Sunshine Conversations app settings (`appSettings` in the Sunshine Conversations spec).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SunshineAppSettings {
    /// Whether end users can end their session with an "End Session" button (needs
    /// `multiConvoEnabled`; spec 17.5.0 and later).
    #[serde(
        rename = "endSessionEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end_session_enabled: Option<bool>,
    /// Whether an ended conversation stays closed.
    #[serde(
        rename = "disableConversationReopen",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_conversation_reopen: Option<bool>,
    /// Whether users may take part in several conversations (irreversible once on).
    #[serde(
        rename = "multiConvoEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub multi_convo_enabled: Option<bool>,
    /// Every other setting, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
