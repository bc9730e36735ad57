//! Zendesk's JSON shapes, exactly as they travel: triggers, categories, definitions, account
//! and Sunshine Conversations settings, pagination envelopes and error bodies.
//!
//! These types keep what Zendesk sent. Condition and action values stay opaque
//! ([`serde_json::Value`]), `null` and an absent key stay distinct where real payloads show
//! both, and keys these types do not name are kept in `extra` maps so that a payload parsed
//! and written back means the same thing (facts: `docs/zendesk-notes.md`, "Shapes seen in
//! real payloads").

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A ticket trigger (`TriggerObject` in Zendesk's OpenAPI document).
///
/// Older payloads lack `default`, `description` and `category_id`; some lack `url`,
/// `raw_title` and the timestamps. Each of those is an `Option` that is left out on output
/// when it was left out on input. Fields are declared in the order Zendesk sends them, so
/// written JSON reads like Zendesk's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// The trigger's API URL, e.g. `https://acme.zendesk.com/api/v2/triggers/123.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Zendesk's id: a JSON number of 13–14 digits in real accounts, above 2^32.
    pub id: u64,
    /// The title, possibly with trailing spaces: never trim it.
    pub title: String,
    /// Whether the trigger runs.
    pub active: bool,
    /// When the trigger was last written (RFC 3339, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When the trigger was created (RFC 3339, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Zendesk's read-only "is a standard trigger" flag (absent in old payloads). Real accounts
    /// send `false` for the standard "Notify …" triggers, so `Some(false)` proves nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// What the trigger does.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The conditions under which the trigger runs.
    #[serde(default)]
    pub conditions: Conditions,
    /// The description: `None` when the key is absent, `Some(None)` when it is `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub description: Option<Option<String>>,
    /// Firing order within its category: not unique, with gaps, restarting per category.
    pub position: i64,
    /// The title before dynamic content is rendered (`{{dc.name}}`); equals `title` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_title: Option<String>,
    /// The trigger category's id (a string): `None` when absent, `Some(None)` when `null`.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub category_id: Option<Option<String>>,
    /// Every other key Zendesk sent (`brand_id`, `restriction`, sideloads, future fields).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A trigger's conditions: all of `all` and at least one of `any` must hold.
///
/// Real responses always carry both arrays; a missing or `null` array reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    /// Conditions that must all be met.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub all: Vec<Condition>,
    /// Conditions of which at least one must be met.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub any: Vec<Condition>,
}

/// One condition: `{field, operator, value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The ticket property, e.g. `status`, `via_id`, `custom_fields_360001234`.
    pub field: String,
    /// The comparison, e.g. `is`, `value` ("Changed to"), `not_present`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The opaque value: string, number, boolean, list, `""` or `null` as sent.
    /// `None` means the key was absent; `Some(Value::Null)` means it was `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One action: `{field, value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// What the action sets or does, e.g. `status`, `notification_webhook`.
    pub field: String,
    /// The opaque value, often a list carrying Liquid templates that are not valid JSON.
    /// `None` means the key was absent; `Some(Value::Null)` means it was `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"trigger": {...}}`: the body of show, create and update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerResponse {
    /// The trigger.
    pub trigger: Trigger,
}

/// A ticket trigger category. Its `id` is a string, unlike a trigger's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategory {
    /// The category's id, a string of digits.
    pub id: String,
    /// The category's name.
    pub name: String,
    /// Order among categories.
    pub position: i64,
    /// The category's API URL (real payloads carry it although the OpenAPI schema does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the category was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When the category was last written (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Active triggers in the category (only with `include=rule_counts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_count: Option<i64>,
    /// Inactive triggers in the category (only with `include=rule_counts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactive_count: Option<i64>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TriggerCategory {
    /// A category as Zendesk answers a create: its id, name, position and both timestamps set
    /// to `stamp`, no URL or rule counts.
    pub fn created(id: String, name: &str, position: i64, stamp: String) -> Self {
        Self {
            id,
            name: name.to_owned(),
            position,
            url: None,
            created_at: Some(stamp.clone()),
            updated_at: Some(stamp),
            active_count: None,
            inactive_count: None,
            extra: Map::new(),
        }
    }
}

/// `{"trigger_category": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategoryResponse {
    /// The category.
    pub trigger_category: TriggerCategory,
}

/// `{"definitions": {...}}`: the body of `GET /api/v2/triggers/definitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerDefinitionsResponse {
    /// The definitions.
    pub definitions: TriggerDefinitions,
}

/// The actions and conditions an account's triggers may use. Field names that Zendesk does
/// not document (such as "Messaging session ended reason") are found here by `title`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TriggerDefinitions {
    /// Action definitions.
    #[serde(default)]
    pub actions: Vec<Definition>,
    /// Conditions allowed in `conditions.all`.
    #[serde(default)]
    pub conditions_all: Vec<Definition>,
    /// Conditions allowed in `conditions.any`.
    #[serde(default)]
    pub conditions_any: Vec<Definition>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One action or condition definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// The API name to use as a condition's or action's `field`.
    pub subject: String,
    /// The name shown in Admin Center, e.g. "Status".
    pub title: String,
    /// The kind of value, e.g. `list`, `text`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The group in Admin Center, e.g. `ticket`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether the value may be empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// Whether the item may appear more than once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeatable: Option<bool>,
    /// The allowed operators (conditions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operators: Option<Vec<DefinitionOperator>>,
    /// The allowed values, for list-typed items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<DefinitionValue>>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One operator of a condition definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionOperator {
    /// The API name, e.g. `value`.
    pub value: String,
    /// The name shown in Admin Center, e.g. "Changed to".
    pub title: String,
    /// Whether the operator takes no value (`changed`, `present`).
    #[serde(default)]
    pub terminal: bool,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One allowed value of a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefinitionValue {
    /// The API value, opaque (usually a string).
    pub value: Value,
    /// The name shown in Admin Center, e.g. "Ended by agent".
    pub title: String,
    /// Whether the value can be chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

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

/// Offset pagination: `next_page`/`previous_page` URLs (or `null`) and a total `count`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetPagination {
    /// The next page's URL, `null` on the last page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// The previous page's URL, `null` on the first page.
    #[serde(default)]
    pub previous_page: Option<String>,
    /// How many records match, over all pages.
    #[serde(default)]
    pub count: u64,
}

/// Cursor pagination: `meta` and `links`.
///
/// Loop on `meta.has_more`, not on `links.next`: Zendesk has answered a last page with
/// `has_more: false` and a non-null `links.next`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPagination {
    /// Whether more records follow, and the cursors.
    pub meta: CursorMeta,
    /// Ready-made URLs for the neighbouring pages.
    pub links: CursorLinks,
}

/// `meta` of a cursor page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorMeta {
    /// Whether another page follows in the direction of travel.
    pub has_more: bool,
    /// Pass as `page[after]` for the next page; `null` on an empty page.
    #[serde(default)]
    pub after_cursor: Option<String>,
    /// Pass as `page[before]` for the previous page; `null` on an empty page.
    #[serde(default)]
    pub before_cursor: Option<String>,
}

/// `links` of a cursor page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorLinks {
    /// The next page's URL (may be set even when `meta.has_more` is false).
    #[serde(default)]
    pub next: Option<String>,
    /// The previous page's URL.
    #[serde(default)]
    pub prev: Option<String>,
}

/// A list of triggers with offset pagination (`TriggersResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggersOffsetPage {
    /// The triggers on this page.
    pub triggers: Vec<Trigger>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: OffsetPagination,
}

/// A list of triggers with cursor pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggersCursorPage {
    /// The triggers on this page.
    pub triggers: Vec<Trigger>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: CursorPagination,
}

/// A list of trigger categories; Zendesk answers in cursor form even without `page[size]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategoriesPage {
    /// The categories on this page.
    pub trigger_categories: Vec<TriggerCategory>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: CursorPagination,
}

/// The body of `PUT /api/v2/triggers/update_many`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerBulkUpdateRequest {
    /// One item per trigger to change.
    pub triggers: Vec<TriggerBulkUpdateItem>,
}

/// One trigger in an `update_many` request: only these keys are honoured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerBulkUpdateItem {
    /// The trigger's id.
    pub id: u64,
    /// Its new position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Its new active state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The category to move it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
}

/// The body of `POST /api/v2/trigger_categories/jobs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchJobRequest {
    /// The job.
    pub job: BatchJob,
}

/// A batch job: `action` is `patch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchJob {
    /// The only documented action is `patch`.
    pub action: String,
    /// What to change.
    pub items: BatchJobItems,
}

/// The categories and triggers a batch job changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchJobItems {
    /// Categories to reposition.
    #[serde(default)]
    pub trigger_categories: Vec<BatchCategoryItem>,
    /// Triggers to reposition, (de)activate or move. Ids are strings here.
    #[serde(default)]
    pub triggers: Vec<BatchTriggerItem>,
}

/// One category in a batch job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchCategoryItem {
    /// The category's id.
    pub id: String,
    /// Its new position.
    pub position: i64,
}

/// One trigger in a batch job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchTriggerItem {
    /// The trigger's id, as a string.
    pub id: String,
    /// Its new position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Its new active state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The category to move it to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
}

/// The answer to a batch job: `status` is `complete` (with `results`) or `failed` (with
/// `errors`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchJobResponse {
    /// `complete` or `failed`.
    pub status: String,
    /// What the job changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<BatchJobResults>,
    /// Why the job failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ErrorItem>>,
}

/// The objects a completed batch job changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchJobResults {
    /// The categories, as they are now.
    #[serde(default)]
    pub trigger_categories: Vec<TriggerCategory>,
    /// The triggers, as they are now.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

/// The Support API's usual error body: `{"error": "RecordNotFound", "description": "Not
/// found"}`, `{"error": "RecordInvalid", "description": …, "details": {…}}`, or just
/// `{"error": "Couldn't authenticate you"}`; some endpoints nest it:
/// `{"error": {"title": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordError {
    /// The error's name (or, for 401, a sentence), or an object with `title` and `message`.
    pub error: Value,
    /// A human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Per-field problems: `{"base": [{"description": "…"}], "title": [{"description": "…",
    /// "error": "BlankError"}]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The JSON:API-style error body of trigger categories and pagination:
/// `{"errors": [{"code": "…", "title": "…"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorList {
    /// The errors.
    pub errors: Vec<ErrorItem>,
}

/// One entry of an [`ErrorList`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorItem {
    /// A stable code, e.g. `TriggerCategoryNotEmpty`.
    pub code: String,
    /// A human sentence.
    pub title: String,
    /// More detail, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The trigger a batch-job error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Any JSON error body Zendesk sends. Parse defensively: 429 bodies may be plain text, which
/// matches neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorBody {
    /// `{"errors": [...]}`.
    List(ErrorList),
    /// `{"error": ..., "description": ..., "details": ...}`.
    Record(Box<RecordError>),
}

/// The body of `POST /oauth/tokens` ("Create Token for Grant Type"): which fields a grant
/// needs depends on `grant_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTokenRequest {
    /// `client_credentials` (a confidential client acting for itself), `authorization_code`
    /// (exchanging what the authorization page gave) or `refresh_token`.
    pub grant_type: String,
    /// The OAuth client's identifier.
    pub client_id: String,
    /// The OAuth client's secret (confidential clients; public clients use PKCE instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `authorization_code`: the code the redirect carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `authorization_code`: the redirect URL of the authorization request, again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// `authorization_code` with PKCE: the verifier whose SHA-256 was the code challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    /// `refresh_token`: the refresh token to exchange (it stops working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Space-separated scopes, e.g. `read write` or `triggers:read triggers:write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Access-token lifetime in seconds (Zendesk allows 300 to 172,800).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Refresh-token lifetime in seconds (Zendesk allows 604,800 to 7,776,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
}

/// The answer of `POST /oauth/tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// The granted scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Seconds until the token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// The refresh token (authorization-code and refresh-token grants): single use, since a
    /// refresh deletes the pair it came with and answers a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Deserialises a present key as `Some`, even when its value is `null`; with
/// `#[serde(default)]` an absent key stays `None`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Reads `null` as an empty list.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `Option<Option<T>>` for keys that may be absent (`None`), `null` (`Some(None)`) or set.
/// Use with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
mod nullable {
    use super::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S, T>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_and_absent_values_stay_distinct() {
        let input = json!({"conditions": [
            {"field": "assignee_id", "operator": "changed", "value": null},
            {"field": "assignee_id", "operator": "changed", "value": ""},
            {"field": "assignee_id", "operator": "changed"}
        ]});
        let conditions: Vec<Condition> =
            serde_json::from_value(input["conditions"].clone()).expect("conditions parse");
        assert_eq!(conditions[0].value, Some(Value::Null));
        assert_eq!(conditions[1].value, Some(json!("")));
        assert_eq!(conditions[2].value, None);
        assert_eq!(
            serde_json::to_value(&conditions).expect("serialise"),
            input["conditions"]
        );
    }

    #[test]
    fn description_null_absent_and_set_round_trip() {
        for extra in [
            json!({}),
            json!({"description": null}),
            json!({"description": "x"}),
        ] {
            let mut trigger = json!({
                "id": 6164111062810_u64, "title": "t ", "active": true, "position": 2,
                "conditions": {"all": [], "any": []}, "actions": []
            });
            if let (Some(t), Some(e)) = (trigger.as_object_mut(), extra.as_object()) {
                t.extend(e.clone());
            }
            let parsed: Trigger = serde_json::from_value(trigger.clone()).expect("trigger parses");
            assert_eq!(serde_json::to_value(&parsed).expect("serialise"), trigger);
        }
    }

    #[test]
    fn unknown_keys_are_kept() {
        let trigger = json!({
            "id": 1, "title": "t", "active": false, "position": 0,
            "conditions": {"all": [], "any": []}, "actions": [{"field": "status", "value": "open", "note": 1}],
            "brand_id": 7, "restriction": {"type": "Group", "ids": [1]}
        });
        let parsed: Trigger = serde_json::from_value(trigger.clone()).expect("trigger parses");
        assert_eq!(parsed.extra["brand_id"], json!(7));
        assert_eq!(serde_json::to_value(&parsed).expect("serialise"), trigger);
    }

    #[test]
    fn error_bodies_parse_in_all_shapes() {
        let bodies = [
            json!({"error": "RecordNotFound", "description": "Not found"}),
            json!({"error": "Couldn't authenticate you"}),
            json!({"errors": [{"code": "TriggerCategoryNotEmpty", "title": "x"}]}),
            json!({"error": {"title": "Forbidden", "message": "No access"}}),
        ];
        for body in bodies {
            let parsed: ErrorBody = serde_json::from_value(body.clone()).expect("error parses");
            assert_eq!(serde_json::to_value(&parsed).expect("serialise"), body);
        }
    }
}
