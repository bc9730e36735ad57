//! What trigger-category writes do to an account: create, update, delete (refused while the
//! category holds active triggers) and batch jobs. Errors use the JSON:API shape [SEEN OAS].

use axum::http::StatusCode;
use serde_json::Map;

use super::api_error::ApiError;
use super::clock::stamp_after;
use super::state::Account;
use super::trigger_ops::apply_bulk_change;
use crate::zendesk::model::{BatchJob, BatchJobResults, ErrorItem, TriggerCategory};

/// Zendesk's limit of categories per account [SEEN OAS: `ProductLimitExceeded`].
const MAX_CATEGORIES: usize = 500;

/// Why a batch job failed: the items for `{"status":"failed","errors":[…]}`.
pub(crate) type JobErrors = Vec<ErrorItem>;

impl Account {
    /// Refuses category requests on accounts without the feature.
    ///
    /// # Errors
    /// 403 `TriggerCategoriesNotEnabled`.
    pub(crate) fn require_categories(&self) -> Result<(), ApiError> {
        if self.features.trigger_categories {
            return Ok(());
        }
        Err(ApiError::coded(
            StatusCode::FORBIDDEN,
            "TriggerCategoriesNotEnabled",
            "Ticket trigger categories are not enabled for your account",
        ))
    }

    /// Creates a category.
    ///
    /// # Errors
    /// 400 `InvalidTriggerCategory` for a blank name; 403 `ProductLimitExceeded` past 500.
    pub(crate) fn create_category(
        &mut self,
        name: &str,
        position: Option<i64>,
        next_id: &mut u64,
        now: i64,
    ) -> Result<TriggerCategory, ApiError> {
        check_name(name)?;
        if self.categories.len() >= MAX_CATEGORIES {
            return Err(ApiError::coded(
                StatusCode::FORBIDDEN,
                "ProductLimitExceeded",
                "Your account has reached the limit of 500 ticket trigger categories.",
            ));
        }
        let id = self.add_category(name, position, next_id, now);
        self.category(&id).cloned()
    }

    /// The category with this id.
    ///
    /// # Errors
    /// 404 `TriggerCategoryNotFound`.
    pub(crate) fn category(&self, id: &str) -> Result<&TriggerCategory, ApiError> {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(not_found)
    }

    /// Updates a category's name and position (PATCH).
    ///
    /// # Errors
    /// 404 `TriggerCategoryNotFound`; 400 `InvalidTriggerCategory` for a blank name.
    pub(crate) fn update_category(
        &mut self,
        id: &str,
        name: Option<&str>,
        position: Option<i64>,
        now: i64,
    ) -> Result<TriggerCategory, ApiError> {
        if let Some(name) = name {
            check_name(name)?;
        }
        let category = self
            .categories
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(not_found)?;
        if let Some(name) = name {
            category.name = name.to_owned();
        }
        if let Some(position) = position {
            category.position = position;
        }
        category.updated_at = Some(stamp_after(now, category.updated_at.as_deref()));
        Ok(category.clone())
    }

    /// Deletes a category. Zendesk refuses while it holds active triggers [SEEN OAS]; what
    /// happens to inactive ones is [NOT FOUND]: the simulator deletes them with it.
    ///
    /// # Errors
    /// 404 `TriggerCategoryNotFound`; 400 `TriggerCategoryNotEmpty`.
    pub(crate) fn delete_category(&mut self, id: &str) -> Result<(), ApiError> {
        self.category(id)?;
        let in_category = |t: &crate::zendesk::model::Trigger| {
            t.category_id.as_ref().and_then(Option::as_deref) == Some(id)
        };
        if self.triggers.iter().any(|t| t.active && in_category(t)) {
            return Err(ApiError::coded(
                StatusCode::BAD_REQUEST,
                "TriggerCategoryNotEmpty",
                "A category with active ticket triggers cannot be deleted.",
            ));
        }
        self.triggers.retain(|t| !in_category(t));
        self.categories.retain(|c| c.id != id);
        Ok(())
    }

    /// Active and inactive trigger counts of a category (`include=rule_counts`).
    pub(crate) fn rule_counts(&self, id: &str) -> (i64, i64) {
        let in_category = self
            .triggers
            .iter()
            .filter(|t| t.category_id.as_ref().and_then(Option::as_deref) == Some(id));
        in_category.fold((0, 0), |(active, inactive), t| {
            if t.active {
                (active + 1, inactive)
            } else {
                (active, inactive + 1)
            }
        })
    }

    /// Runs a batch job (`POST /api/v2/trigger_categories/jobs`): checks every item, then
    /// applies all of them, or none.
    ///
    /// # Errors
    /// The job's error items (`InvalidTrigger` "category_id is not valid" [SEEN OAS]; the
    /// other codes follow that pattern [simulated by choice]).
    pub(crate) fn run_job(
        &mut self,
        job: &BatchJob,
        now: i64,
    ) -> Result<BatchJobResults, JobErrors> {
        let errors = self.job_errors(job);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut results = BatchJobResults::default();
        for item in &job.items.trigger_categories {
            if let Ok(category) = self.update_category(&item.id, None, Some(item.position), now) {
                results.trigger_categories.push(category);
            }
        }
        for item in &job.items.triggers {
            let Some(trigger) = self
                .triggers
                .iter_mut()
                .find(|t| t.id.to_string() == item.id)
            else {
                continue;
            };
            apply_bulk_change(
                trigger,
                item.position,
                item.active,
                item.category_id.as_deref(),
                now,
            );
            results.triggers.push(trigger.clone());
        }
        Ok(results)
    }

    fn job_errors(&self, job: &BatchJob) -> JobErrors {
        let mut errors = Vec::new();
        if job.action != "patch" {
            errors.push(job_error("InvalidAction", "action is not valid", None));
        }
        for item in &job.items.trigger_categories {
            if self.category(&item.id).is_err() {
                errors.push(job_error("InvalidTriggerCategory", "id is not valid", None));
            }
        }
        for item in &job.items.triggers {
            if !self.triggers.iter().any(|t| t.id.to_string() == item.id) {
                errors.push(job_error(
                    "InvalidTrigger",
                    "id is not valid",
                    Some(&item.id),
                ));
            }
            if let Some(category_id) = &item.category_id
                && self.category(category_id).is_err()
            {
                errors.push(job_error(
                    "InvalidTrigger",
                    "category_id is not valid",
                    Some(&item.id),
                ));
            }
        }
        errors
    }
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::coded(
            StatusCode::BAD_REQUEST,
            "InvalidTriggerCategory",
            "Name cannot be blank",
        ));
    }
    Ok(())
}

fn not_found() -> ApiError {
    ApiError::coded(
        StatusCode::NOT_FOUND,
        "TriggerCategoryNotFound",
        "Category can\u{2019}t be found. Check the ID and try again.",
    )
}

fn job_error(code: &str, title: &str, trigger_id: Option<&str>) -> ErrorItem {
    ErrorItem {
        code: code.to_owned(),
        title: title.to_owned(),
        detail: None,
        trigger_id: trigger_id.map(str::to_owned),
        extra: Map::new(),
    }
}
