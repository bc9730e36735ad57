//! What trigger writes do to an account: create, update (conditions and actions replaced
//! together), delete, `update_many`, `destroy_many`, and the order lists come in.

use std::collections::BTreeSet;

use super::api_error::ApiError;
use super::clock::{format_rfc3339, stamp_after};
use super::definitions::unavailable_condition_field;
use super::objects::check_ids;
use super::state::{Account, take_id};
use super::trigger_input::TriggerInput;
use crate::zendesk::model::{
    Action, Condition, Conditions, Trigger, TriggerBulkUpdateItem, TriggerCategory,
};

impl Account {
    /// The place of the trigger's category, the first part of Zendesk's list order: lists
    /// come grouped by category, then by position, then by case-insensitive title, then id
    /// [SEEN: real lists; a real cursor names `position,title,id`]. Categories go by position,
    /// ties by id (as their list sorts), so two categories at one position never interleave
    /// their triggers. Uncategorised triggers come first.
    pub(crate) fn category_rank(&self, trigger: &Trigger) -> i64 {
        let Some(id) = trigger.category_id.as_ref().and_then(Option::as_deref) else {
            return -1;
        };
        let Some(category) = self.categories.iter().find(|c| c.id == id) else {
            return -1;
        };
        let key = |c: &TriggerCategory| (c.position, c.id.len(), c.id.clone());
        let ahead = self
            .categories
            .iter()
            .filter(|c| key(c) < key(category))
            .count();
        i64::try_from(ahead).unwrap_or(i64::MAX)
    }

    /// `PUT /api/v2/triggers/reorder`: positions 1..n in the order given. Zendesk wants every
    /// trigger id and refuses accounts with more than one category [SEEN OAS]; zdpolicy never
    /// sends it (it uses the category jobs endpoint), the simulator answers it for fidelity.
    ///
    /// # Errors
    /// 400 `LimitOneCategory` with more than one category; 404 when an id is unknown or
    /// missing.
    pub(crate) fn reorder(&mut self, ids: &[u64], now: i64) -> Result<(), ApiError> {
        if self.categories.len() > 1 {
            return Err(ApiError::coded(
                axum::http::StatusCode::BAD_REQUEST,
                "LimitOneCategory",
                "Reordering is not permitted when there is more than one trigger category",
            ));
        }
        let given: BTreeSet<u64> = ids.iter().copied().collect();
        let every: BTreeSet<u64> = self.triggers.iter().map(|t| t.id).collect();
        if given != every || given.len() != ids.len() {
            return Err(ApiError::NotFound);
        }
        for (position, id) in (1_i64..).zip(ids) {
            let index = self.trigger_index(*id)?;
            apply_bulk_change(&mut self.triggers[index], Some(position), None, None, now);
        }
        Ok(())
    }

    /// Creates a trigger. New triggers go last in their category ("New triggers go last by
    /// default" [SEEN docs]); `active` defaults to true and `description` to null.
    ///
    /// # Errors
    /// 422 for a blank title, no actions, an unknown category or an unavailable condition.
    pub(crate) fn create_trigger(
        &mut self,
        input: TriggerInput,
        next_id: &mut u64,
        now: i64,
    ) -> Result<Trigger, ApiError> {
        let title = input.title.clone().unwrap_or_default();
        let actions = input.actions.clone().unwrap_or_default();
        let conditions = input.conditions.clone().unwrap_or_default();
        self.check(&title, &actions, &conditions)?;
        let category_id = self
            .resolve_category(&input, next_id, now)?
            .unwrap_or_else(|| self.default_category());
        let position = input
            .position
            .unwrap_or_else(|| self.next_position(category_id.as_deref()));
        let stamp = format_rfc3339(now);
        let trigger = Trigger {
            id: take_id(next_id),
            url: None,
            raw_title: Some(input.raw_title.unwrap_or_else(|| title.clone())),
            title,
            active: input.active.unwrap_or(true),
            position,
            conditions,
            actions,
            description: Some(input.description.unwrap_or(None)),
            category_id: Some(category_id),
            default: Some(false),
            created_at: Some(stamp.clone()),
            updated_at: Some(stamp),
            extra: input.attributes,
        };
        self.triggers.push(trigger.clone());
        Ok(trigger)
    }

    /// Updates a trigger. Sending conditions or actions replaces both: "Updating a condition or
    /// action updates both the conditions and actions arrays, clearing all existing values of
    /// both arrays" [SEEN OAS]; a request with conditions but no actions therefore fails 422.
    ///
    /// # Errors
    /// 404 when there is no such trigger; 422 as for create.
    pub(crate) fn update_trigger(
        &mut self,
        id: u64,
        input: TriggerInput,
        next_id: &mut u64,
        now: i64,
    ) -> Result<Trigger, ApiError> {
        let index = self.trigger_index(id)?;
        let mut trigger = self.triggers[index].clone();
        if let Some(title) = &input.title {
            trigger.title = title.clone();
            trigger.raw_title = Some(input.raw_title.clone().unwrap_or_else(|| title.clone()));
        } else if let Some(raw_title) = &input.raw_title {
            trigger.raw_title = Some(raw_title.clone());
        }
        if let Some(active) = input.active {
            trigger.active = active;
        }
        if let Some(position) = input.position {
            trigger.position = position;
        }
        if let Some(description) = &input.description {
            trigger.description = Some(description.clone());
        }
        if input.conditions.is_some() || input.actions.is_some() {
            trigger.conditions = input.conditions.clone().unwrap_or_default();
            trigger.actions = input.actions.clone().unwrap_or_default();
        }
        trigger.extra.extend(input.attributes.clone());
        self.check(&trigger.title, &trigger.actions, &trigger.conditions)?;
        if let Some(category_id) = self.resolve_category(&input, next_id, now)? {
            trigger.category_id = Some(category_id);
        }
        trigger.updated_at = Some(stamp_after(now, trigger.updated_at.as_deref()));
        self.triggers[index] = trigger.clone();
        Ok(trigger)
    }

    /// Deletes a trigger.
    ///
    /// # Errors
    /// 404 when there is no such trigger.
    pub(crate) fn delete_trigger(&mut self, id: u64) -> Result<(), ApiError> {
        let index = self.trigger_index(id)?;
        self.triggers.remove(index);
        Ok(())
    }

    /// `update_many`: only `position`, `active` and `category_id` are honoured ("any additional
    /// properties are ignored" [SEEN OAS]). All items are checked before any is applied.
    ///
    /// # Errors
    /// 404 when an id is unknown; 422 when a category is unknown.
    pub(crate) fn update_many(
        &mut self,
        items: &[TriggerBulkUpdateItem],
        now: i64,
    ) -> Result<Vec<Trigger>, ApiError> {
        for item in items {
            self.trigger_index(item.id)?;
            if let Some(category_id) = &item.category_id {
                self.check_category(category_id)?;
            }
        }
        let mut changed = Vec::new();
        for item in items {
            let index = self.trigger_index(item.id)?;
            let trigger = &mut self.triggers[index];
            apply_bulk_change(
                trigger,
                item.position,
                item.active,
                item.category_id.as_deref(),
                now,
            );
            changed.push(trigger.clone());
        }
        Ok(changed)
    }

    /// `destroy_many`: deletes all or none.
    ///
    /// # Errors
    /// 404 when an id is unknown.
    pub(crate) fn destroy_many(&mut self, ids: &[u64]) -> Result<(), ApiError> {
        for id in ids {
            self.trigger_index(*id)?;
        }
        let doomed: BTreeSet<u64> = ids.iter().copied().collect();
        self.triggers.retain(|t| !doomed.contains(&t.id));
        Ok(())
    }

    /// The index of a trigger.
    ///
    /// # Errors
    /// 404 when there is no such trigger.
    pub(crate) fn trigger_index(&self, id: u64) -> Result<usize, ApiError> {
        self.triggers
            .iter()
            .position(|t| t.id == id)
            .ok_or(ApiError::NotFound)
    }

    /// Validation Zendesk answers 422 for. The messages follow the `details.<field>` shape with
    /// `BlankError` [3P]; Zendesk's exact wording for triggers is [NOT FOUND].
    fn check(
        &self,
        title: &str,
        actions: &[Action],
        conditions: &Conditions,
    ) -> Result<(), ApiError> {
        if title.trim().is_empty() {
            return Err(ApiError::invalid(
                "title",
                "Title cannot be blank",
                Some("BlankError"),
            ));
        }
        if actions.is_empty() {
            return Err(ApiError::invalid(
                "actions",
                "Actions cannot be blank",
                Some("BlankError"),
            ));
        }
        let unavailable = conditions
            .all
            .iter()
            .chain(&conditions.any)
            .find(|c| unavailable_condition_field(self, &c.field));
        if let Some(condition) = unavailable {
            return Err(ApiError::invalid(
                "base",
                format!("Invalid field '{}'", condition.field),
                None,
            ));
        }
        let all: Vec<&Condition> = conditions.all.iter().chain(&conditions.any).collect();
        check_ids(&self.objects, &all, actions)
    }

    /// The category a request assigns: `None` when it does not say.
    fn resolve_category(
        &mut self,
        input: &TriggerInput,
        next_id: &mut u64,
        now: i64,
    ) -> Result<Option<Option<String>>, ApiError> {
        if !self.features.trigger_categories {
            // Without the feature the simulator answers `category_id: null` [simulated by choice].
            return Ok(input.category_id.as_ref().map(|_| None));
        }
        if let Some((name, position)) = &input.new_category {
            if name.trim().is_empty() {
                return Err(ApiError::invalid(
                    "category",
                    "Name cannot be blank",
                    Some("BlankError"),
                ));
            }
            return Ok(Some(Some(self.add_category(name, *position, next_id, now))));
        }
        match &input.category_id {
            Some(Some(id)) => {
                self.check_category(id)?;
                Ok(Some(Some(id.clone())))
            }
            Some(None) => Ok(Some(None)),
            None => Ok(None),
        }
    }

    fn check_category(&self, id: &str) -> Result<(), ApiError> {
        if self.categories.iter().any(|c| c.id == id) {
            return Ok(());
        }
        Err(ApiError::invalid(
            "category_id",
            "Category is invalid",
            Some("InvalidValue"),
        ))
    }

    /// Triggers created without a category land in the first one, as a real account's did
    /// [SEEN zenpy recording: create without `category_id` answered with the account's category].
    fn default_category(&self) -> Option<String> {
        if !self.features.trigger_categories {
            return None;
        }
        self.categories
            .iter()
            .min_by_key(|c| (c.position, c.id.clone()))
            .map(|c| c.id.clone())
    }

    fn next_position(&self, category_id: Option<&str>) -> i64 {
        self.triggers
            .iter()
            .filter(|t| t.category_id.as_ref().and_then(Option::as_deref) == category_id)
            .map(|t| t.position.saturating_add(1))
            .max()
            .unwrap_or(0)
    }
}

/// What a bulk request (`update_many`, a category batch job) may change of a trigger: its
/// `position`, `active` state and category, each only when given. Stamps `updated_at`.
pub(crate) fn apply_bulk_change(
    trigger: &mut Trigger,
    position: Option<i64>,
    active: Option<bool>,
    category_id: Option<&str>,
    now: i64,
) {
    if let Some(position) = position {
        trigger.position = position;
    }
    if let Some(active) = active {
        trigger.active = active;
    }
    if let Some(category_id) = category_id {
        trigger.category_id = Some(Some(category_id.to_owned()));
    }
    trigger.updated_at = Some(stamp_after(now, trigger.updated_at.as_deref()));
}
