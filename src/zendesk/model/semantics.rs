//! What Zendesk does with a trigger or trigger-category write, as pure functions over an
//! account's lists: the one model of those semantics. The planner's in-memory apply
//! (`plan::simulate`) predicts the next live state with it, and the simulator's routes serve
//! with it, so the two cannot disagree.
//!
//! What is modelled (docs/zendesk-notes.md, "Triggers"): a create gets `active: true`, a null
//! description, the account's first category and the last position in that category unless
//! the request says otherwise ("New triggers go last by default", Zendesk's trigger API
//! reference); an update changes only what was sent, and conditions and actions are replaced
//! together ("Updating a condition or action updates both the conditions and actions arrays,
//! clearing all existing values of both arrays", Zendesk's OpenAPI description); bulk moves
//! (`update_many`, a category batch job) change only `position`, `active` and `category_id`;
//! every write changes `updated_at`. What Zendesk refuses (blank titles, unknown ids) is the
//! caller's to check: the simulator answers with HTTP errors, the planner with its own.

use serde_json::{Map, Value};

use super::timestamp::{format_rfc3339, parse_rfc3339};
use super::{Action, Conditions, Trigger, TriggerCategory};

/// What a trigger create or update asks for; `None` means "not in the request".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriggerChange {
    /// New title.
    pub title: Option<String>,
    /// New raw title (a create or a title change without one sets it to the title).
    pub raw_title: Option<String>,
    /// New active state.
    pub active: Option<bool>,
    /// New position.
    pub position: Option<i64>,
    /// New description (`Some(None)`: set to null).
    pub description: Option<Option<String>>,
    /// New category id, already checked to exist (`Some(None)`: no category).
    pub category_id: Option<Option<String>>,
    /// New conditions.
    pub conditions: Option<Conditions>,
    /// New actions.
    pub actions: Option<Vec<Action>>,
    /// Other writable attributes, stored as sent.
    pub attributes: Map<String, Value>,
}

/// Takes the next id from a sequence (one sequence for triggers and categories, as Zendesk's
/// ids are unique across both).
pub fn take_id(next_id: &mut u64) -> u64 {
    let id = *next_id;
    *next_id = next_id.saturating_add(1);
    id
}

/// The stamp for a write to an object last written at `previous`: `now`, but always later
/// than `previous`, so `updated_at` changes on every write even within one second (Zendesk's
/// stamps have whole-second resolution; a model that guarantees a change lets clients rely on
/// comparing it, at the cost of running up to a few seconds ahead under bursts of writes).
pub fn stamp_after(now: i64, previous: Option<&str>) -> String {
    let floor = previous
        .and_then(parse_rfc3339)
        .map_or(i64::MIN, |p| p.saturating_add(1));
    format_rfc3339(now.max(floor))
}

/// How categories sort in Zendesk's lists: by position, ties by id (numerically: ids are
/// decimal strings, so a shorter one is smaller).
pub fn category_order(category: &TriggerCategory) -> (i64, usize, &str) {
    (category.position, category.id.len(), category.id.as_str())
}

/// The category first in list order: where a trigger created without a category lands, as a
/// real account's create did (a create without `category_id` was answered with the account's
/// category, in a recording of a real account).
pub fn first_category(categories: &[TriggerCategory]) -> Option<&TriggerCategory> {
    categories.iter().min_by_key(|c| category_order(c))
}

/// The position a new trigger takes in `category_id`: after the last one there.
pub fn next_position(triggers: &[Trigger], category_id: Option<&str>) -> i64 {
    triggers
        .iter()
        .filter(|t| t.category_id.as_ref().and_then(Option::as_deref) == category_id)
        .map(|t| t.position.saturating_add(1))
        .max()
        .unwrap_or(0)
}

/// A trigger as a create of `change` makes it, with `id`, in `categories` (empty on an account
/// without trigger categories), stamped `now`. It is not added to `triggers`.
pub fn created_trigger(
    id: u64,
    change: TriggerChange,
    triggers: &[Trigger],
    categories: &[TriggerCategory],
    now: i64,
) -> Trigger {
    let category_id = change
        .category_id
        .unwrap_or_else(|| first_category(categories).map(|c| c.id.clone()));
    let position = change
        .position
        .unwrap_or_else(|| next_position(triggers, category_id.as_deref()));
    let title = change.title.unwrap_or_default();
    let stamp = format_rfc3339(now);
    Trigger {
        id,
        url: None,
        raw_title: Some(change.raw_title.unwrap_or_else(|| title.clone())),
        title,
        active: change.active.unwrap_or(true),
        position,
        conditions: change.conditions.unwrap_or_default(),
        actions: change.actions.unwrap_or_default(),
        description: Some(change.description.unwrap_or(None)),
        category_id: Some(category_id),
        default: Some(false),
        created_at: Some(stamp.clone()),
        updated_at: Some(stamp),
        extra: change.attributes,
    }
}

/// Applies an update of `change` to `trigger`, stamped `now` (or just after its last write).
pub fn update_trigger(trigger: &mut Trigger, change: TriggerChange, now: i64) {
    if let Some(title) = change.title {
        trigger.raw_title = Some(change.raw_title.unwrap_or_else(|| title.clone()));
        trigger.title = title;
    } else if let Some(raw_title) = change.raw_title {
        trigger.raw_title = Some(raw_title);
    }
    if let Some(active) = change.active {
        trigger.active = active;
    }
    if let Some(position) = change.position {
        trigger.position = position;
    }
    if let Some(description) = change.description {
        trigger.description = Some(description);
    }
    if change.conditions.is_some() || change.actions.is_some() {
        trigger.conditions = change.conditions.unwrap_or_default();
        trigger.actions = change.actions.unwrap_or_default();
    }
    trigger.extra.extend(change.attributes);
    if let Some(category_id) = change.category_id {
        trigger.category_id = Some(category_id);
    }
    trigger.updated_at = Some(stamp_after(now, trigger.updated_at.as_deref()));
}

/// What a bulk request (`update_many`, a category batch job) may change of a trigger: its
/// `position`, `active` state and category, each only when given ("any additional properties
/// are ignored", Zendesk's OpenAPI description). Stamps `updated_at`.
pub fn move_trigger(
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

/// A category as a create makes it, with `id`, at `position` (default: after the others in
/// `categories`), stamped `now`. It is not added to `categories`.
pub fn created_category(
    id: String,
    name: &str,
    position: Option<i64>,
    categories: &[TriggerCategory],
    now: i64,
) -> TriggerCategory {
    let position = position.unwrap_or_else(|| {
        categories
            .iter()
            .map(|c| c.position.saturating_add(1))
            .max()
            .unwrap_or(0)
    });
    TriggerCategory::created(id, name, position, format_rfc3339(now))
}

/// Applies a category update (a PATCH, or a batch job's move) to `category`, stamped `now`
/// (or just after its last write).
pub fn update_category(
    category: &mut TriggerCategory,
    name: Option<&str>,
    position: Option<i64>,
    now: i64,
) {
    if let Some(name) = name {
        name.clone_into(&mut category.name);
    }
    if let Some(position) = position {
        category.position = position;
    }
    category.updated_at = Some(stamp_after(now, category.updated_at.as_deref()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: &str, position: i64) -> TriggerCategory {
        TriggerCategory::created(id.to_owned(), id, position, format_rfc3339(0))
    }

    fn trigger(id: u64, category: Option<&str>, position: i64) -> Trigger {
        let mut t = created_trigger(
            id,
            TriggerChange {
                title: Some(format!("t{id}")),
                category_id: Some(category.map(str::to_owned)),
                position: Some(position),
                ..TriggerChange::default()
            },
            &[],
            &[],
            0,
        );
        t.updated_at = Some(format_rfc3339(10));
        t
    }

    #[test]
    fn stamps_always_move_forward() {
        let first = stamp_after(100, None);
        let second = stamp_after(100, Some(&first));
        assert_eq!(first, format_rfc3339(100));
        assert_eq!(second, format_rfc3339(101));
        assert_eq!(stamp_after(500, Some(&second)), format_rfc3339(500));
    }

    // Regression: a create without a category took the category whose id sorted first as a
    // string ("10" before "9") among categories at the same position, while lists put "9"
    // first; a trigger created without a category must land in the first one of the list.
    #[test]
    fn the_first_category_is_the_first_in_list_order() {
        let categories = [category("10", 0), category("9", 0), category("8", 1)];
        assert_eq!(
            first_category(&categories).map(|c| c.id.as_str()),
            Some("9")
        );
        let created = created_trigger(1, TriggerChange::default(), &[], &categories, 0);
        assert_eq!(created.category_id, Some(Some("9".to_owned())));
    }

    #[test]
    fn a_create_goes_last_in_its_category_active_with_a_null_description() {
        let triggers = [trigger(1, Some("9"), 4), trigger(2, Some("8"), 7)];
        let categories = [category("9", 0), category("8", 1)];
        let change = TriggerChange {
            title: Some("New".to_owned()),
            ..TriggerChange::default()
        };
        let created = created_trigger(3, change, &triggers, &categories, 50);
        assert_eq!(created.position, 5);
        assert!(created.active);
        assert_eq!(created.description, Some(None));
        assert_eq!(created.raw_title.as_deref(), Some("New"));
        assert_eq!(created.created_at, Some(format_rfc3339(50)));
        assert_eq!(created.updated_at, created.created_at);
    }

    #[test]
    fn an_update_replaces_conditions_and_actions_together_and_keeps_the_rest() {
        let mut t = trigger(1, Some("9"), 4);
        t.actions =
            vec![serde_json::from_value(serde_json::json!({"field": "a", "value": 1})).unwrap()];
        t.conditions.any = vec![
            serde_json::from_value(serde_json::json!({"field": "f", "operator": "is", "value": 1}))
                .unwrap(),
        ];
        let untouched = t.clone();
        update_trigger(
            &mut t,
            TriggerChange {
                actions: Some(untouched.actions.clone()),
                ..TriggerChange::default()
            },
            5,
        );
        assert!(t.conditions.any.is_empty(), "sent actions clear conditions");
        assert_eq!(t.actions, untouched.actions);
        assert_eq!(t.title, untouched.title);
        assert_eq!(t.position, 4);
        assert_eq!(t.category_id, untouched.category_id);
        assert_eq!(t.updated_at, Some(format_rfc3339(11)), "later than before");
    }

    #[test]
    fn a_move_changes_only_what_it_names() {
        let mut t = trigger(1, Some("9"), 4);
        move_trigger(&mut t, None, None, Some("8"), 100);
        assert_eq!((t.position, t.active), (4, true));
        assert_eq!(t.category_id, Some(Some("8".to_owned())));
        assert_eq!(t.updated_at, Some(format_rfc3339(100)));
    }

    #[test]
    fn a_new_category_goes_after_the_others() {
        let categories = [category("9", 0), category("8", 3)];
        let created = created_category("7".to_owned(), "N", None, &categories, 0);
        assert_eq!(created.position, 4);
        let mut moved = created.clone();
        update_category(&mut moved, None, Some(1), 0);
        assert_eq!(moved.position, 1);
        assert_eq!(moved.updated_at, Some(format_rfc3339(1)));
    }
}
