//! The changes that go out together in one request for the whole account: triggers that only
//! flip `active` or move a category (one `update_many`), and every order change (one category
//! batch job, or `update_many` where the account has no trigger categories).

use std::collections::BTreeMap;

use super::send::{category_id, category_ref_id};
use crate::apply::error::WriteError;
use crate::live::LiveState;
use crate::plan::{Change, Operation, TriggerRef};
use crate::zendesk::model::{
    BatchCategoryItem, BatchJob, BatchJobItems, BatchTriggerItem, TriggerBulkUpdateItem,
};
use crate::zendesk::write::WriteApi;

/// Whether a change only flips a trigger's active state and/or moves its category: Zendesk's
/// `update_many` does those for many triggers in one request.
pub(super) fn bulk_eligible(change: &Change) -> bool {
    matches!(
        change.operation.as_deref(),
        Some(Operation::UpdateTrigger { .. })
    ) && !change.fields.is_empty()
        && change
            .fields
            .iter()
            .all(|f| f.field == "active" || f.field == "category")
}

/// The `update_many` item of a change that only flips `active` and/or moves a category;
/// `None` for any other change.
///
/// # Errors
/// [`WriteError::NotCreated`] when it moves the trigger to a category not created yet.
pub(super) fn bulk_item(
    change: &Change,
    categories: &BTreeMap<String, String>,
) -> Result<Option<TriggerBulkUpdateItem>, WriteError> {
    let Some(Operation::UpdateTrigger { id, trigger }) = change.operation.as_deref() else {
        return Ok(None);
    };
    let moves = change.fields.iter().any(|f| f.field == "category");
    Ok(Some(TriggerBulkUpdateItem {
        id: *id,
        position: None,
        active: trigger.active,
        category_id: if moves {
            category_id(trigger, categories)?
        } else {
            None
        },
    }))
}

pub(super) fn sets_positions(change: &Change) -> bool {
    matches!(
        change.operation.as_deref(),
        Some(Operation::SetPositions { .. })
    )
}

/// Sends the positions of every order change of the account in one request: a category batch
/// job, or `update_many` for an account without trigger categories (the job is a categories
/// endpoint there).
pub(super) async fn send_positions<A: WriteApi>(
    api: &A,
    changes: &[&Change],
    categories: &BTreeMap<String, String>,
    created: &BTreeMap<String, u64>,
    live: &LiveState,
) -> Result<(), WriteError> {
    let mut items = BatchJobItems::default();
    for change in changes {
        let Some(Operation::SetPositions {
            trigger_categories,
            triggers,
        }) = change.operation.as_deref()
        else {
            continue;
        };
        for item in trigger_categories {
            let id = category_ref_id(&item.category, categories)?;
            items.trigger_categories.push(BatchCategoryItem {
                id,
                position: item.position,
            });
        }
        for item in triggers {
            let id = match &item.trigger {
                TriggerRef::Existing { id } => *id,
                TriggerRef::Planned { key } => *created
                    .get(key)
                    .ok_or_else(|| WriteError::NotCreated(format!("trigger `{key}`")))?,
            };
            let category_id = match &item.category {
                Some(category) => Some(category_ref_id(category, categories)?),
                None => None,
            };
            items.triggers.push(BatchTriggerItem {
                id: id.to_string(),
                position: Some(item.position),
                active: None,
                category_id,
            });
        }
    }
    if !live.trigger_categories_enabled {
        let bulk: Vec<TriggerBulkUpdateItem> = items
            .triggers
            .iter()
            .filter_map(|t| {
                Some(TriggerBulkUpdateItem {
                    id: t.id.parse().ok()?,
                    position: t.position,
                    active: None,
                    category_id: None,
                })
            })
            .collect();
        api.update_triggers_bulk(&bulk).await?;
        return Ok(());
    }
    let job = BatchJob {
        action: "patch".to_owned(),
        items,
    };
    api.run_category_job(&job).await?;
    Ok(())
}
