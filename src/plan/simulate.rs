//! Applying a plan in memory, the way Zendesk would answer it: the property tests use it to
//! check that a plan, once applied, leaves nothing to do; apply can use it to predict the state
//! it is heading for.
//!
//! What a write does is Zendesk's model in `zendesk::model::semantics`, the one the simulator serves
//! with (creates get fresh ids, `active: true` by default, the first category when none is
//! given, the last position in their category and `any: []` when no ANY conditions were sent;
//! updates replace conditions and actions together and leave unsent keys alone; stored values
//! are kept exactly as sent). This module only turns a plan's operations into those writes, in
//! the order apply sends them. Manual steps change nothing: only a person can do them.

use serde_json::Value;

use super::address::Address;
use super::error::SimulateError;
use super::model::AccountPlan;
use super::operation::{
    CategoryPosition, CategoryRef, Operation, TriggerPosition, TriggerRef, TriggerWrite,
};
use crate::live::LiveState;
use crate::zendesk::model::merge::deep_merge;
use crate::zendesk::model::semantics::{self, TriggerChange, take_id};

/// Ids Zendesk hands out are 13–14 digit numbers; new ones start above this.
const FIRST_ID: u64 = 19_000_000_000_000;
/// Simulated writes are stamped from 2100-01-01T00:00:00Z on, one second apart: later than
/// any real stamp, so every write changes `updated_at`.
const SIMULATED_EPOCH: i64 = 4_102_444_800;

/// The live state after every operation of `plan` succeeded. Categories are created first, so
/// triggers can be put in them; the rest runs in plan order, positions last (as apply sends
/// them, once created triggers have ids).
///
/// # Errors
/// What Zendesk would refuse: an update or delete of a trigger that does not exist, a
/// category that neither exists nor is created, a Sunshine Conversations app that was not read.
pub fn apply(plan: &AccountPlan, live: &LiveState) -> Result<LiveState, SimulateError> {
    let mut sim = Simulation::new(live.clone());
    let operations: Vec<(&Address, &Operation)> = plan
        .changes
        .iter()
        .filter_map(|c| c.operation.as_deref().map(|op| (&c.address, op)))
        .collect();
    let (categories, rest): (Vec<_>, Vec<_>) = operations
        .into_iter()
        .partition(|(_, op)| matches!(op, Operation::CreateCategory { .. }));
    // Positions go last, as apply sends them: after the creates that give new triggers ids.
    let (positions, rest): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|(_, op)| matches!(op, Operation::SetPositions { .. }));
    for (address, operation) in categories.into_iter().chain(rest).chain(positions) {
        sim.run(address, operation)?;
    }
    Ok(sim.state)
}

struct Simulation {
    state: LiveState,
    next_id: u64,
    writes: u32,
    /// Ids of the triggers created so far, by key.
    created: std::collections::HashMap<String, u64>,
}

impl Simulation {
    fn new(state: LiveState) -> Self {
        let highest = semantics::largest_id(&state.triggers, &state.categories);
        Self {
            state,
            next_id: highest.max(FIRST_ID) + 1,
            writes: 0,
            created: std::collections::HashMap::new(),
        }
    }

    /// The time of the next write: one second after the last, so `updated_at` changes as
    /// Zendesk's does.
    fn now(&mut self) -> i64 {
        self.writes += 1;
        SIMULATED_EPOCH + i64::from(self.writes)
    }

    fn run(&mut self, address: &Address, operation: &Operation) -> Result<(), SimulateError> {
        match operation {
            Operation::CreateCategory { name } => {
                self.create_category(name);
                Ok(())
            }
            Operation::CreateTrigger { trigger } => self.create_trigger(address, trigger),
            Operation::UpdateTrigger { id, trigger } => self.update_trigger(address, *id, trigger),
            Operation::DeleteTrigger { id } => {
                let index = self.trigger_index(address, *id)?;
                self.state.triggers.remove(index);
                Ok(())
            }
            Operation::SetPositions {
                trigger_categories,
                triggers,
            } => self.set_positions(address, trigger_categories, triggers),
            Operation::UpdateAccountSettings { settings } => {
                let merged = merged(&self.state.settings, settings).map_err(|message| {
                    SimulateError::Settings {
                        address: address.clone(),
                        message,
                    }
                })?;
                self.state.settings = merged;
                Ok(())
            }
            Operation::UpdateSunshineApp { app_id, settings } => {
                let app = self
                    .state
                    .sunshine
                    .as_mut()
                    .filter(|app| &app.id == app_id)
                    .ok_or_else(|| SimulateError::SunshineAppNotFound {
                        address: address.clone(),
                        app_id: app_id.clone(),
                    })?;
                app.settings =
                    merged(&app.settings, settings).map_err(|message| SimulateError::Settings {
                        address: address.clone(),
                        message,
                    })?;
                Ok(())
            }
        }
    }

    fn create_category(&mut self, name: &str) {
        let id = take_id(&mut self.next_id).to_string();
        let now = self.now();
        let categories = &mut self.state.categories;
        let category = semantics::created_category(id, name, None, categories, now);
        categories.push(category);
    }

    fn create_trigger(
        &mut self,
        address: &Address,
        write: &TriggerWrite,
    ) -> Result<(), SimulateError> {
        let change = self.change_of(address, write)?;
        let now = self.now();
        let id = take_id(&mut self.next_id);
        self.created.insert(address.name.clone(), id);
        let trigger = semantics::created_trigger(
            id,
            change,
            &self.state.triggers,
            &self.state.categories,
            now,
        );
        self.state.triggers.push(trigger);
        Ok(())
    }

    /// What a create or update request of `write` sets (what apply sends, see
    /// [`TriggerWrite::request_body`]).
    fn change_of(
        &self,
        address: &Address,
        write: &TriggerWrite,
    ) -> Result<TriggerChange, SimulateError> {
        let category_id = match &write.category {
            Some(category) => Some(Some(self.category_id(address, category)?)),
            None => None,
        };
        Ok(TriggerChange {
            title: write.title.clone(),
            active: write.active,
            description: write.description.clone().map(Some),
            category_id,
            conditions: Some(write.conditions.clone()),
            actions: Some(write.actions.clone()),
            ..TriggerChange::default()
        })
    }

    /// A category batch job: every position (and category) as sent, all or nothing.
    fn set_positions(
        &mut self,
        address: &Address,
        categories: &[CategoryPosition],
        triggers: &[TriggerPosition],
    ) -> Result<(), SimulateError> {
        let mut category_moves = Vec::with_capacity(categories.len());
        for item in categories {
            category_moves.push((self.category_id(address, &item.category)?, item.position));
        }
        let mut trigger_moves = Vec::with_capacity(triggers.len());
        for item in triggers {
            let id = match &item.trigger {
                TriggerRef::Existing { id } => *id,
                TriggerRef::Planned { key } => self.created.get(key).copied().unwrap_or(0),
            };
            let index = self.trigger_index(address, id)?;
            let category = match &item.category {
                Some(category) => Some(self.category_id(address, category)?),
                None => None,
            };
            trigger_moves.push((index, item.position, category));
        }
        for (id, position) in category_moves {
            let now = self.now();
            if let Some(category) = self.state.categories.iter_mut().find(|c| c.id == id) {
                semantics::update_category(category, None, Some(position), now);
            }
        }
        for (index, position, category) in trigger_moves {
            let now = self.now();
            let trigger = &mut self.state.triggers[index];
            semantics::move_trigger(trigger, Some(position), None, category.as_deref(), now);
        }
        Ok(())
    }

    fn update_trigger(
        &mut self,
        address: &Address,
        id: u64,
        write: &TriggerWrite,
    ) -> Result<(), SimulateError> {
        let change = self.change_of(address, write)?;
        let index = self.trigger_index(address, id)?;
        let now = self.now();
        semantics::update_trigger(&mut self.state.triggers[index], change, now);
        Ok(())
    }

    fn trigger_index(&self, address: &Address, id: u64) -> Result<usize, SimulateError> {
        self.state
            .triggers
            .iter()
            .position(|t| t.id == id)
            .ok_or_else(|| SimulateError::TriggerNotFound {
                address: address.clone(),
                id,
            })
    }

    fn category_id(
        &self,
        address: &Address,
        category: &CategoryRef,
    ) -> Result<String, SimulateError> {
        let found = match category {
            CategoryRef::Existing { id, .. } => self.state.categories.iter().find(|c| &c.id == id),
            CategoryRef::Planned { name } => self.state.categories.iter().find(|c| &c.name == name),
        };
        found
            .map(|c| c.id.clone())
            .ok_or_else(|| SimulateError::CategoryNotFound {
                address: address.clone(),
                name: category.name().to_owned(),
            })
    }
}

/// `base` with `patch` merged in key by key (objects merge, everything else replaces), as a
/// `PUT`/`PATCH` of settings does.
fn merged<T>(base: &T, patch: &T) -> Result<T, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut value = serde_json::to_value(base).map_err(|e| e.to_string())?;
    let patch = serde_json::to_value(patch).map_err(|e| e.to_string())?;
    match (&mut value, patch) {
        (Value::Object(base), Value::Object(patch)) => deep_merge(base, &patch),
        (value, patch) => *value = patch,
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_merge_key_by_key() {
        let base = json!({"a": {"x": 1, "y": 2}, "b": [1, 2]});
        let merged = merged(&base, &json!({"a": {"y": 3}, "b": [3]}));
        assert_eq!(merged, Ok(json!({"a": {"x": 1, "y": 3}, "b": [3]})));
    }

    // Regression: the in-memory apply moved categories without stamping them, while the
    // simulator stamps a moved category, as Zendesk stamps every write; both now share one
    // model of writes (`zendesk::model::semantics`).
    #[test]
    fn a_moved_category_gets_a_new_updated_at() {
        let text = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    order: manage\n    trigger_categories: [Routing, Notifications]\n";
        let policy = crate::policy::load::load_texts(&[("p.yaml", text)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let before: LiveState = serde_json::from_value(json!({
            "triggers": [],
            "categories": [
                {"id": "10", "name": "Notifications", "position": 1},
                {"id": "30", "name": "Routing", "position": 5},
            ],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {},
            "sunshine": null
        }))
        .unwrap();
        let plan = crate::plan::plan_account(&policy.accounts[0], &before);
        let after = apply(&plan, &before).unwrap();
        for category in &after.categories {
            let was = before
                .categories
                .iter()
                .find(|c| c.id == category.id)
                .unwrap();
            assert_ne!(category.position, was.position, "both categories move");
            assert!(category.updated_at.is_some(), "{category:?}");
        }
    }
}
