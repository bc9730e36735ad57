//! Applying a plan in memory, the way Zendesk would answer it: the property tests use it to
//! check that a plan, once applied, leaves nothing to do; apply can use it to predict the state
//! it is heading for.
//!
//! It behaves like Zendesk where that matters to the next plan (docs/zendesk-notes.md, "Triggers"):
//! creates get fresh ids, `active: true` by default, the first category when none is given,
//! the last position in their category and `any: []` when no ANY conditions were sent; updates
//! replace conditions and actions together and leave unsent keys alone; stored values are kept
//! exactly as sent. Manual steps change nothing: only a person can do them.

use serde_json::{Map, Value};

use super::address::Address;
use super::error::SimulateError;
use super::model::AccountPlan;
use super::operation::{
    CategoryPosition, CategoryRef, Operation, TriggerPosition, TriggerRef, TriggerWrite,
};
use crate::live::LiveState;
use crate::zendesk::model::merge::deep_merge;
use crate::zendesk::model::timestamp::format_rfc3339;
use crate::zendesk::model::{Trigger, TriggerCategory};

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
        .filter_map(|c| c.operation.as_ref().map(|op| (&c.address, op)))
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
        let highest = state
            .triggers
            .iter()
            .map(|t| t.id)
            .chain(state.categories.iter().filter_map(|c| c.id.parse().ok()))
            .max()
            .unwrap_or(0);
        Self {
            state,
            next_id: highest.max(FIRST_ID) + 1,
            writes: 0,
            created: std::collections::HashMap::new(),
        }
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A timestamp that grows with every write, so `updated_at` changes as Zendesk's does.
    fn stamp(&mut self) -> String {
        self.writes += 1;
        format_rfc3339(SIMULATED_EPOCH + i64::from(self.writes))
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
        let id = self.take_id().to_string();
        let position = self
            .state
            .categories
            .iter()
            .map(|c| c.position + 1)
            .max()
            .unwrap_or(0);
        let stamp = self.stamp();
        self.state
            .categories
            .push(TriggerCategory::created(id, name, position, stamp));
    }

    fn create_trigger(
        &mut self,
        address: &Address,
        write: &TriggerWrite,
    ) -> Result<(), SimulateError> {
        let category_id = match &write.category {
            Some(category) => Some(self.category_id(address, category)?),
            // "Triggers created without a category land in the first one" (the simulator's
            // reading of a real recording).
            None => self
                .state
                .categories
                .iter()
                .min_by_key(|c| (c.position, c.id.clone()))
                .map(|c| c.id.clone()),
        };
        let position = self
            .state
            .triggers
            .iter()
            .filter(|t| t.category_id.as_ref().and_then(Option::as_deref) == category_id.as_deref())
            .map(|t| t.position.saturating_add(1))
            .max()
            .unwrap_or(0);
        let title = write.title.clone().unwrap_or_default();
        let stamp = self.stamp();
        let id = self.take_id();
        self.created.insert(address.name.clone(), id);
        self.state.triggers.push(Trigger {
            id,
            url: None,
            raw_title: Some(title.clone()),
            title,
            active: write.active.unwrap_or(true),
            position,
            conditions: write.conditions.clone(),
            actions: write.actions.clone(),
            description: Some(write.description.clone()),
            category_id: Some(category_id),
            default: Some(false),
            created_at: Some(stamp.clone()),
            updated_at: Some(stamp),
            extra: Map::new(),
        });
        Ok(())
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
            if let Some(category) = self.state.categories.iter_mut().find(|c| c.id == id) {
                category.position = position;
            }
        }
        for (index, position, category) in trigger_moves {
            let stamp = self.stamp();
            let trigger = &mut self.state.triggers[index];
            trigger.position = position;
            if let Some(category) = category {
                trigger.category_id = Some(Some(category));
            }
            trigger.updated_at = Some(stamp);
        }
        Ok(())
    }

    fn update_trigger(
        &mut self,
        address: &Address,
        id: u64,
        write: &TriggerWrite,
    ) -> Result<(), SimulateError> {
        let category_id = match &write.category {
            Some(category) => Some(self.category_id(address, category)?),
            None => None,
        };
        let index = self.trigger_index(address, id)?;
        let stamp = self.stamp();
        let trigger = &mut self.state.triggers[index];
        if let Some(title) = &write.title {
            trigger.title = title.clone();
            trigger.raw_title = Some(title.clone());
        }
        if let Some(active) = write.active {
            trigger.active = active;
        }
        if let Some(description) = &write.description {
            trigger.description = Some(Some(description.clone()));
        }
        if let Some(category_id) = category_id {
            trigger.category_id = Some(Some(category_id));
        }
        // Conditions and actions are replaced together (docs/zendesk-notes.md, "Triggers").
        trigger.conditions = write.conditions.clone();
        trigger.actions = write.actions.clone();
        trigger.updated_at = Some(stamp);
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
}
