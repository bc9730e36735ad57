//! Account settings (`/api/v2/account/settings`): the messaging, inactivity and routing
//! sections zdpolicy manages, every other section kept as sent.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::presence::nullable;

/// `{"settings": {...}}`: the body of `GET`/`PUT /api/v2/account/settings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSettingsResponse {
    /// The account's settings.
    pub settings: AccountSettings,
}

/// Account settings: the pieces zdpolicy manages are typed, every other section is kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountSettings {
    /// Messaging inactivity (auto-release) settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messaging_inactivity: Option<MessagingInactivity>,
    /// Omnichannel routing settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingSettings>,
    /// Every other section (`active_features`, `tickets`, `agents`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `settings.messaging_inactivity` (`AccountSettingsMessageInactivityObject`, in Zendesk's
/// OpenAPI document since 2026).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagingInactivity {
    /// Whether the messaging inactivity feature (auto-release of agent capacity) is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Minutes of end-user inactivity before the capacity is released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// The ticket status set when the capacity is released (`null`: unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub ticket_status_id: Option<Option<u64>>,
    /// "Whether messaging session should end with the final reminder".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session: Option<bool>,
    /// The reminders sent to an inactive end user, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Vec<InactivityReminder>>,
    /// Every other key (the read-only `default_localized_messages`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One reminder of `messaging_inactivity.reminders`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InactivityReminder {
    /// The text sent to the end user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Seconds of inactivity before it is sent (Zendesk requires it from the 2nd reminder on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// The ticket status set when it is sent (required from the 2nd reminder on).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub ticket_status_id: Option<Option<u64>>,
    /// Tags added to the ticket when it is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Every other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `settings.routing` (`AccountSettingsRoutingObject`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoutingSettings {
    /// Whether omnichannel routing is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Whether messaging tickets are reassigned when an agent does not respond.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassignment_messaging_enabled: Option<bool>,
    /// Every other key (`autorouting_tag`, capacities, timeouts, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
