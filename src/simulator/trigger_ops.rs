//! What trigger writes do to an account: create, update (conditions and actions replaced
//! together), delete, `update_many`, `destroy_many`, and the order lists come in.

use std::collections::BTreeSet;

use super::api_error::ApiError;
use super::definitions::unavailable_condition_field;
use super::objects::check_ids;
use super::state::Account;
use super::trigger_input::TriggerInput;
use crate::zendesk::model::semantics::{
    self, TriggerChange, category_order, move_trigger, take_id,
};
use crate::zendesk::model::{Action, Condition, Conditions, Trigger, TriggerBulkUpdateItem};

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
        let ahead = self
            .categories
            .iter()
            .filter(|c| category_order(c) < category_order(category))
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
            move_trigger(&mut self.triggers[index], Some(position), None, None, now);
        }
        Ok(())
    }

    /// Creates a trigger as [`semantics::created_trigger`] does, after Zendesk's checks.
    ///
    /// # Errors
    /// 422 for a blank title, no actions, an unknown category or an unavailable condition.
    pub(crate) fn create_trigger(
        &mut self,
        input: TriggerInput,
        next_id: &mut u64,
        now: i64,
    ) -> Result<Trigger, ApiError> {
        let title = input.change.title.clone().unwrap_or_default();
        let actions = input.change.actions.clone().unwrap_or_default();
        let conditions = input.change.conditions.clone().unwrap_or_default();
        self.check(&title, &actions, &conditions)?;
        let category_id = self.resolve_category(&input, next_id, now)?;
        let categories = if self.features.trigger_categories {
            self.categories.as_slice()
        } else {
            &[]
        };
        let change = TriggerChange {
            category_id,
            ..input.change
        };
        let trigger =
            semantics::created_trigger(take_id(next_id), change, &self.triggers, categories, now);
        self.triggers.push(trigger.clone());
        Ok(trigger)
    }

    /// Updates a trigger as [`semantics::update_trigger`] does, after Zendesk's checks of the
    /// result: a request with conditions but no actions therefore fails 422.
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
        semantics::update_trigger(&mut trigger, input.change.clone(), now);
        self.check(&trigger.title, &trigger.actions, &trigger.conditions)?;
        // The category is resolved once the rest passed: a `category` to create is created
        // only by a request that succeeds.
        if let Some(category_id) = self.resolve_category(&input, next_id, now)? {
            trigger.category_id = Some(category_id);
        }
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
            move_trigger(
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
}
