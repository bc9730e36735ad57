//! The order Zendesk runs an account's triggers in: categories by position (ties by id, as
//! Zendesk lists them), then in each category triggers by position, case-insensitive title
//! and id, so the sort is total whatever duplicated or gapped positions the account stores.

use std::collections::HashMap;

use crate::live::LiveState;
use crate::zendesk::model::semantics::category_order;
use crate::zendesk::model::{Trigger, TriggerCategory};

/// The live categories and triggers in execution order. Categories tie on position by id (as
/// Zendesk lists them); triggers go by category, position, case-insensitive title, id.
pub(crate) fn execution_order(live: &LiveState) -> (Vec<&TriggerCategory>, Vec<&Trigger>) {
    execution_order_titled(live, &HashMap::new())
}

/// [`execution_order`], with the titles some triggers are about to get (by id): ties break by
/// the title a managed trigger has once this plan's updates are applied, so a retitled trigger
/// does not change places after the apply.
pub(super) fn execution_order_titled<'a>(
    live: &'a LiveState,
    titles: &HashMap<u64, &str>,
) -> (Vec<&'a TriggerCategory>, Vec<&'a Trigger>) {
    let mut categories: Vec<&TriggerCategory> = live.categories.iter().collect();
    categories.sort_by(|a, b| category_order(a).cmp(&category_order(b)));
    let rank: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect();
    let mut triggers: Vec<&Trigger> = live.triggers.iter().collect();
    triggers.sort_by_cached_key(|t| {
        let category = t.category_id.as_ref().and_then(Option::as_deref);
        let rank = category.and_then(|c| rank.get(c)).copied().unwrap_or(0);
        let title = titles.get(&t.id).copied().unwrap_or(&t.title);
        (rank, t.position, title.to_lowercase(), t.id)
    });
    (categories, triggers)
}
