//! What apply sends for a change: the complete request, written into the plan so a reviewer
//! sees it and apply can check that the request it plans again is the one reviewed. Building
//! these is pure; only apply's client sends them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::zendesk::model::{AccountSettings, Action, Conditions, SunshineAppSettings};

/// One write to Zendesk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case")]
pub enum Operation {
    /// `POST /api/v2/trigger_categories` with `{"trigger_category": {"name": …}}`.
    CreateCategory {
        /// The new category's name.
        name: String,
    },
    /// `POST /api/v2/triggers` with `{"trigger": …}`.
    CreateTrigger {
        /// The trigger to create.
        trigger: TriggerWrite,
    },
    /// `PUT /api/v2/triggers/{id}` with `{"trigger": …}`. Zendesk replaces conditions and
    /// actions together ("Include all your conditions and actions when updating any condition
    /// or action", docs/zendesk-notes.md, "Triggers"), so both are always sent in full; keys not
    /// sent (position, brand, restriction, …) stay as they are.
    UpdateTrigger {
        /// The trigger's id.
        id: u64,
        /// The attributes to write.
        trigger: TriggerWrite,
    },
    /// `DELETE /api/v2/triggers/{id}`.
    DeleteTrigger {
        /// The trigger's id.
        id: u64,
    },
    /// `PUT /api/v2/account/settings` with `{"settings": …}`: only the keys zdpolicy manages.
    UpdateAccountSettings {
        /// The `settings` object of the request body.
        settings: AccountSettings,
    },
    /// Positions of categories and triggers. Apply sends every such operation of an account
    /// together, after creates and before settings: one `POST /api/v2/trigger_categories/jobs`
    /// (`{"job": {"action": "patch", "items": …}}`, all or nothing), or, for an account
    /// without trigger categories, one `PUT /api/v2/triggers/update_many` with positions.
    /// `PUT /api/v2/triggers/reorder` is never used: Zendesk refuses it (`LimitOneCategory`)
    /// once an account has more than one category.
    SetPositions {
        /// Categories and their new positions.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        trigger_categories: Vec<CategoryPosition>,
        /// Triggers, their new positions and the category they are in.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        triggers: Vec<TriggerPosition>,
    },
    /// `PATCH /sc/v2/apps/{app_id}` with `{"settings": …}` (Sunshine Conversations).
    UpdateSunshineApp {
        /// The app id.
        app_id: String,
        /// The `settings` object of the request body.
        settings: SunshineAppSettings,
    },
}

/// The `trigger` object of a create or update request. Attributes that are `None` are not
/// sent (and so not changed by an update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerWrite {
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The full description, ownership marker included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the trigger runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The category to put it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryRef>,
    /// Every condition, in order.
    pub conditions: Conditions,
    /// Every action, in order.
    pub actions: Vec<Action>,
}

impl TriggerWrite {
    /// The JSON body of the create or update request: `{"trigger": {...}}`, with the category
    /// as `category_id`. The caller resolves [`Self::category`] to `category_id` (for a
    /// [`CategoryRef::Planned`] category, the id its create returned); `None` sends no
    /// `category_id`.
    pub fn request_body(&self, category_id: Option<&str>) -> Value {
        let mut trigger = Map::new();
        let mut put = |key: &str, value: Value| {
            trigger.insert(key.to_owned(), value);
        };
        if let Some(title) = &self.title {
            put("title", json!(title));
        }
        if let Some(description) = &self.description {
            put("description", json!(description));
        }
        if let Some(active) = self.active {
            put("active", json!(active));
        }
        if let Some(id) = category_id {
            put("category_id", json!(id));
        }
        put("conditions", super::model::json(&self.conditions));
        put("actions", super::model::json(&self.actions));
        json!({ "trigger": trigger })
    }
}

impl TriggerWrite {
    /// The managed view of the trigger this write leaves (a plan's `after`): the attributes it
    /// sends, its category by name, and `kept` as the category when it sends none (the live
    /// one for an update; `None` for a create, where Zendesk picks). The planner draws `after`
    /// from here, so what a plan shows and what apply sends are one value.
    pub fn view(&self, kept: Option<Value>) -> Value {
        let mut view = Map::new();
        if let Some(title) = &self.title {
            view.insert("title".to_owned(), json!(title));
        }
        if let Some(description) = &self.description {
            view.insert("description".to_owned(), json!(description));
        }
        if let Some(active) = self.active {
            view.insert("active".to_owned(), json!(active));
        }
        let category = match &self.category {
            Some(category) => Some(json!(category.name())),
            None => kept,
        };
        if let Some(category) = category {
            view.insert("category".to_owned(), category);
        }
        view.insert(
            "conditions".to_owned(),
            super::model::json(&self.conditions),
        );
        view.insert("actions".to_owned(), super::model::json(&self.actions));
        Value::Object(view)
    }
}

/// A category's new position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPosition {
    /// The category (one this plan creates gets its id at apply).
    pub category: CategoryRef,
    /// Its position.
    pub position: i64,
}

/// A trigger's new position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerPosition {
    /// The trigger (one this plan creates gets its id at apply).
    pub trigger: TriggerRef,
    /// Its position within its category.
    pub position: i64,
    /// Its category, sent as `category_id`; `None` for an account without categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryRef>,
}

/// A trigger that exists, or one this plan creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TriggerRef {
    /// A trigger that exists.
    Existing {
        /// Its id.
        id: u64,
    },
    /// A trigger this plan creates (the `ACCOUNT.trigger.KEY` change): apply sends the id its
    /// create returned.
    Planned {
        /// The managed trigger's key.
        key: String,
    },
}

/// The category a trigger goes in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CategoryRef {
    /// A category that exists: send its id as `category_id`.
    Existing {
        /// The category's id.
        id: String,
        /// Its name, for people.
        name: String,
    },
    /// A category this plan creates (an `ACCOUNT.category.NAME` change): apply sends the id
    /// it got when it created the category.
    Planned {
        /// The category's name.
        name: String,
    },
}

impl CategoryRef {
    /// The category's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Existing { name, .. } | Self::Planned { name } => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_body_is_zendesks_shape() {
        let write = TriggerWrite {
            title: Some("VIP".into()),
            description: None,
            active: Some(false),
            category: Some(CategoryRef::Planned { name: "New".into() }),
            conditions: Conditions::default(),
            actions: serde_json::from_value(json!([{"field": "priority", "value": "high"}]))
                .expect("actions"),
        };
        assert_eq!(
            write.request_body(Some("42")),
            json!({"trigger": {
                "title": "VIP", "active": false, "category_id": "42",
                "conditions": {"all": [], "any": []},
                "actions": [{"field": "priority", "value": "high"}]
            }})
        );
    }
}
