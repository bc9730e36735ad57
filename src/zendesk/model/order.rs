//! Reordering: the body of `PUT /api/v2/triggers/update_many` and the trigger-category
//! batch job (`POST /api/v2/trigger_categories/jobs`) with its answer.

use serde::{Deserialize, Serialize};

use super::category::TriggerCategory;
use super::error::ErrorItem;
use super::trigger::Trigger;

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
