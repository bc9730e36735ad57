//! Planning the order of the categories themselves (`trigger_categories`): the listed
//! categories first, in the policy's order, the others after in their live order, as one
//! category batch job of the categories whose number changes.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::{CATEGORY_LIST, describe, renumbered};
use crate::live::LiveState;
use crate::plan::address::ObjectKind;
use crate::plan::diagnostic::{DiagnosticCode, PlanDiagnostic};
use crate::plan::draft::Draft;
use crate::plan::fingerprint::{LiveObject, seen};
use crate::plan::model::{Change, ChangeAction};
use crate::plan::operation::{CategoryPosition, CategoryRef, Operation};
use crate::plan::order::{Placement as Place, Wish, desired_order, moves};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::TriggerCategory;

/// The category list: the listed categories first, in the policy's order; the others after,
/// in their live order.
pub(super) fn plan_category_list(
    account: &ResolvedAccount,
    live: &LiveState,
    categories: &[&TriggerCategory],
    new_categories: &BTreeMap<String, Vec<String>>,
    draft: &mut Draft<'_>,
) {
    let listed = account.trigger_categories();
    if listed.is_empty() {
        return;
    }
    let address = draft.address(ObjectKind::CategoryOrder, CATEGORY_LIST);
    if !live.trigger_categories_enabled {
        draft.error(
            PlanDiagnostic::error(
                DiagnosticCode::TriggerCategoriesOff,
                Some(address),
                format!(
                    "the policy orders trigger categories, but {}",
                    crate::plan::preflight::CATEGORIES_OFF
                ),
            )
            .with_help("remove `trigger_categories` for this account"),
        );
        return;
    }
    let mut wishes = Vec::with_capacity(listed.len());
    for name in listed {
        let id = match categories.iter().find(|c| c.name == name.value) {
            Some(category) => category.id.clone(),
            None if new_categories.contains_key(&name.value) => format!("new:{}", name.value),
            None => {
                draft.error(
                    PlanDiagnostic::error(
                        DiagnosticCode::UnknownCategory,
                        Some(address.clone()),
                        format!(
                            "trigger_categories lists \"{}\", which is not a category of the account",
                            name.value
                        ),
                    )
                    .with_help("name an existing category exactly, or give a managed trigger that category")
                    .at(account.locator.locate(name.span)),
                );
                return;
            }
        };
        wishes.push(Wish {
            id,
            placement: Place::First,
        });
    }
    let live_ids: Vec<String> = categories.iter().map(|c| c.id.clone()).collect();
    let Ok(desired) = desired_order(&live_ids, &wishes) else {
        return;
    };
    let moved = moves(&live_ids, &desired, &wishes);
    let names: HashMap<&str, &str> = categories
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let name_of = |id: &str| {
        id.strip_prefix("new:")
            .or_else(|| names.get(id).copied())
            .unwrap_or(id)
            .to_owned()
    };
    let before = json!(live_ids);
    let after = json!(desired);
    if moved.is_empty() {
        draft.changes.push(Change::new(
            address,
            ChangeAction::NoOp,
            Some(before),
            Some(after),
        ));
        return;
    }
    let mut change = Change::new(address, ChangeAction::Update, Some(before), Some(after));
    change.moves = describe(&live_ids, &desired, &moved, name_of, name_of);
    change.seen = seen(live, LiveObject::Positions);
    let stored: HashMap<String, i64> = categories
        .iter()
        .map(|c| (c.id.clone(), c.position))
        .collect();
    let trigger_categories = renumbered(&desired, &stored)
        .map(|(id, position)| CategoryPosition {
            category: match id.strip_prefix("new:") {
                Some(name) => CategoryRef::Planned {
                    name: name.to_owned(),
                },
                None => CategoryRef::Existing {
                    id: id.clone(),
                    name: name_of(id),
                },
            },
            position,
        })
        .collect();
    change.operation = Some(Box::new(Operation::SetPositions {
        trigger_categories,
        triggers: Vec::new(),
    }));
    draft.changes.push(change);
}
