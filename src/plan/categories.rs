//! Trigger categories: managed triggers name theirs; a name that does not exist yet is
//! created. Existing categories are never changed or deleted (they are not zdpolicy's).

use std::collections::BTreeMap;

use serde_json::json;

use super::address::ObjectKind;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::model::{Change, ChangeAction};
use super::operation::{CategoryRef, Operation};
use super::preflight::{self, Availability};
use crate::live::LiveState;

/// The category named `name`: an existing one (the first with that exact name, in Zendesk's
/// order) or one this plan creates.
pub(crate) fn category_ref(live: &LiveState, name: &str) -> CategoryRef {
    match live.categories.iter().find(|c| c.name == name) {
        Some(category) => CategoryRef::Existing {
            id: category.id.clone(),
            name: category.name.clone(),
        },
        None => CategoryRef::Planned {
            name: name.to_owned(),
        },
    }
}

/// The name of a live trigger's category, if it has one Zendesk lists.
pub(crate) fn live_category_name<'a>(
    live: &'a LiveState,
    category_id: Option<&Option<String>>,
) -> Option<&'a str> {
    let id = category_id?.as_deref()?;
    live.category_name(id)
}

/// Plans a create for each category that managed triggers need and that does not exist.
/// `needed` maps a category name to the keys of the triggers that put themselves in it.
pub(crate) fn plan_categories(
    needed: &BTreeMap<String, Vec<String>>,
    live: &LiveState,
    draft: &mut Draft<'_>,
) {
    for (name, keys) in needed {
        let address = draft.address(ObjectKind::Category, name);
        if preflight::trigger_categories(live) == Availability::Off {
            draft.error(
                PlanDiagnostic::error(
                    DiagnosticCode::TriggerCategoriesOff,
                    Some(address),
                    format!(
                        "trigger {} names category \"{name}\", but {}",
                        keys.join(", "),
                        preflight::CATEGORIES_OFF
                    ),
                )
                .with_help("remove `category` from these triggers for this account"),
            );
            continue;
        }
        let mut change = Change::new(
            address,
            ChangeAction::Create,
            None,
            Some(json!({"name": name})),
        );
        change.reason = Some(format!("used by trigger {}", keys.join(", ")));
        change.operation = Some(Box::new(Operation::CreateCategory { name: name.clone() }));
        draft.changes.push(change);
    }
}
