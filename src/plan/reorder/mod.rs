//! Order planning for accounts with `order: manage`: the categories in `trigger_categories`
//! order, and in each category the managed triggers where their `placement` puts them, as the
//! fewest moves ([`super::order`]) from the live order sorted as Zendesk executes it.
//!
//! Zendesk runs categories by position, then triggers by position within their category; real
//! accounts hold duplicated and gapped positions, and ties are broken by title,
//! case-insensitively (then by id, so the sort is total). Sorting that way first means a
//! converged account shows no move whatever numbers it stores. When something moves, the
//! category is numbered 1..n in the desired order and only the triggers whose number changes
//! are sent: unmanaged triggers may get a new number but never a new place among themselves.
//! The execution order is `execution.rs`'s, the category list's plan `categories.rs`'s.

mod categories;
mod execution;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

use super::address::{Address, ObjectKind};
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::fingerprint::{LiveObject, seen};
use super::model::{Change, ChangeAction, Move};
use super::operation::{CategoryRef, Operation, TriggerPosition, TriggerRef};
use super::order::{OrderError, Placement as Place, Wish, desired_order, moves};
use crate::live::LiveState;
use crate::policy::model::{Located, OrderMode, Placement, TriggerSpec};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::Trigger;
use categories::plan_category_list;
pub(crate) use execution::execution_order;
use execution::execution_order_titled;

/// The address name of the order of triggers in no category.
pub(crate) const UNCATEGORISED: &str = "triggers";

/// The address name of the order of the categories.
pub(crate) const CATEGORY_LIST: &str = "trigger_categories";

/// A managed trigger the trigger step planned: its spec, the live trigger it is (none when
/// created) and the category the policy names for it.
#[derive(Debug, Clone)]
pub(crate) struct Placed<'a> {
    /// The policy's trigger.
    pub spec: &'a TriggerSpec,
    /// The live trigger it is, if it exists.
    pub id: Option<u64>,
    /// The category the policy names (`None`: the live one, or Zendesk's pick for a create).
    pub category: Option<CategoryRef>,
}

/// A list of triggers Zendesk orders on its own: one category, or no category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Slot {
    Uncategorised,
    Existing(String),
    Planned(String),
}

impl Slot {
    fn name<'a>(&'a self, live: &'a LiveState) -> &'a str {
        match self {
            Self::Uncategorised => UNCATEGORISED,
            Self::Existing(id) => live.category_name(id).unwrap_or(id),
            Self::Planned(name) => name,
        }
    }

    fn category(&self, live: &LiveState) -> Option<CategoryRef> {
        match self {
            Self::Uncategorised => None,
            Self::Existing(id) => Some(CategoryRef::Existing {
                id: id.clone(),
                name: self.name(live).to_owned(),
            }),
            Self::Planned(name) => Some(CategoryRef::Planned { name: name.clone() }),
        }
    }
}

/// Plans the account's order, if it manages it: a `category_order` change for the category
/// list and an `order` change per category holding managed triggers (no-ops included). Not
/// planned when the account already has errors: its plan is incomplete and cannot be applied.
pub(crate) fn plan_order(
    account: &ResolvedAccount,
    live: &LiveState,
    placed: &[Placed<'_>],
    new_categories: &BTreeMap<String, Vec<String>>,
    draft: &mut Draft<'_>,
) {
    if account.order_mode() != OrderMode::Manage
        || draft.diagnostics.iter().any(PlanDiagnostic::is_error)
    {
        return;
    }
    let deleted: HashSet<u64> = draft
        .changes
        .iter()
        .filter_map(|c| match c.operation.as_deref() {
            Some(Operation::DeleteTrigger { id }) => Some(*id),
            _ => None,
        })
        .collect();
    let titles: HashMap<u64, &str> = placed
        .iter()
        .filter_map(|p| p.id.map(|id| (id, p.spec.title.value.as_str())))
        .collect();
    let (categories, triggers) = execution_order_titled(live, &titles);
    plan_category_list(account, live, &categories, new_categories, draft);

    let known: HashSet<&str> = categories.iter().map(|c| c.id.as_str()).collect();
    let live_slot = |t: &Trigger| match t.category_id.as_ref().and_then(Option::as_deref) {
        Some(id) if known.contains(id) => Slot::Existing(id.to_owned()),
        _ => Slot::Uncategorised,
    };
    // A trigger created without a category lands in the first one.
    let default_slot = categories
        .first()
        .filter(|_| live.trigger_categories_enabled)
        .map_or(Slot::Uncategorised, |c| Slot::Existing(c.id.clone()));
    let by_id: HashMap<u64, &Trigger> = triggers.iter().map(|t| (t.id, *t)).collect();
    let slotted: Vec<(&Placed<'_>, Slot)> = placed
        .iter()
        .map(|p| {
            let slot = match &p.category {
                Some(CategoryRef::Existing { id, .. }) => Slot::Existing(id.clone()),
                Some(CategoryRef::Planned { name }) => Slot::Planned(name.clone()),
                None => {
                    p.id.and_then(|id| by_id.get(&id))
                        .map_or_else(|| default_slot.clone(), |t| live_slot(t))
                }
            };
            (p, slot)
        })
        .collect();
    let managed: HashMap<u64, &Slot> = slotted
        .iter()
        .filter_map(|(p, slot)| p.id.map(|id| (id, slot)))
        .collect();
    let mut lists: BTreeMap<Slot, Vec<&Trigger>> = BTreeMap::new();
    for trigger in triggers.iter().filter(|t| !deleted.contains(&t.id)) {
        let slot = live_slot(trigger);
        // A managed trigger on its way to another category is not part of this one's order.
        if managed
            .get(&trigger.id)
            .is_some_and(|wanted| **wanted != slot)
        {
            continue;
        }
        lists.entry(slot).or_default().push(trigger);
    }
    let mut slots: Vec<&Slot> = slotted.iter().map(|(_, s)| s).collect();
    slots.sort();
    slots.dedup();
    for slot in slots {
        let list = lists.get(slot).map(Vec::as_slice).unwrap_or_default();
        let ctx = SlotOrder {
            account,
            live,
            slot,
            list,
            slotted: &slotted,
            address: draft.address(ObjectKind::Order, slot.name(live)),
        };
        match ctx.plan() {
            Ok(change) => draft.changes.push(change),
            Err(problem) => draft.error(*problem),
        }
    }
}

/// The id string [`super::order`] works with: the trigger id, or `new:KEY` for a create.
fn trigger_token(placed: &Placed<'_>) -> String {
    placed.id.map_or_else(
        || format!("new:{}", placed.spec.key.value),
        |id| id.to_string(),
    )
}

/// The order of one category's triggers.
struct SlotOrder<'s, 'a> {
    account: &'s ResolvedAccount,
    live: &'s LiveState,
    slot: &'s Slot,
    list: &'s [&'s Trigger],
    slotted: &'s [(&'s Placed<'a>, Slot)],
    address: Address,
}

impl SlotOrder<'_, '_> {
    fn plan(&self) -> Result<Change, Box<PlanDiagnostic>> {
        let here: Vec<&Placed<'_>> = self
            .slotted
            .iter()
            .filter(|(_, s)| s == self.slot)
            .map(|(p, _)| *p)
            .collect();
        let managed: HashSet<u64> = here.iter().filter_map(|p| p.id).collect();
        let mut wishes = Vec::with_capacity(here.len());
        for placed in &here {
            let placement = match placed.spec.placement.as_ref().map(|p| &p.value) {
                None | Some(Placement::Last) => Place::Last,
                Some(Placement::First) => Place::First,
                Some(Placement::After(anchor)) => {
                    Place::After(self.anchor(placed, anchor, &here, &managed)?)
                }
                Some(Placement::Before(anchor)) => {
                    Place::Before(self.anchor(placed, anchor, &here, &managed)?)
                }
            };
            wishes.push(Wish {
                id: trigger_token(placed),
                placement,
            });
        }
        let live: Vec<String> = self.list.iter().map(|t| t.id.to_string()).collect();
        let desired = desired_order(&live, &wishes).map_err(|error| {
            let (OrderError::AnchorCycle(id) | OrderError::UnknownAnchor(id)) = &error;
            let key = here
                .iter()
                .find(|p| trigger_token(p) == *id)
                .map_or(id.as_str(), |p| p.spec.key.value.as_str());
            Box::new(PlanDiagnostic::error(
                DiagnosticCode::UnknownAnchor,
                Some(self.address.clone()),
                format!("trigger `{key}` is placed relative to a trigger placed relative to it"),
            ))
        })?;
        let moved = moves(&live, &desired, &wishes);
        let before = json!(self.list.iter().map(|t| t.id).collect::<Vec<_>>());
        let after = Value::Array(desired.iter().map(|id| token_json(id)).collect());
        if moved.is_empty() {
            return Ok(Change::new(
                self.address.clone(),
                ChangeAction::NoOp,
                Some(before),
                Some(after),
            ));
        }
        let titles = self.titles(&here);
        let title_of = |id: &str| titles.get(id).cloned().unwrap_or_default();
        let name_of = |id: &str| {
            here.iter()
                .find(|p| trigger_token(p) == id)
                .map_or_else(|| title_of(id), |p| p.spec.key.value.to_string())
        };
        let mut change = Change::new(
            self.address.clone(),
            ChangeAction::Update,
            Some(before),
            Some(after),
        );
        change.moves = describe(&live, &desired, &moved, name_of, title_of);
        change.seen = seen(self.live, LiveObject::Positions);
        let category = self.slot.category(self.live);
        let stored: HashMap<String, i64> = self
            .list
            .iter()
            .map(|t| (t.id.to_string(), t.position))
            .collect();
        let triggers = renumbered(&desired, &stored)
            .map(|(id, position)| TriggerPosition {
                trigger: match id.strip_prefix("new:") {
                    Some(key) => TriggerRef::Planned {
                        key: key.to_owned(),
                    },
                    None => TriggerRef::Existing {
                        id: id.parse().unwrap_or_default(),
                    },
                },
                position,
                category: category.clone(),
            })
            .collect();
        change.operation = Some(Box::new(Operation::SetPositions {
            trigger_categories: Vec::new(),
            triggers,
        }));
        Ok(change)
    }

    /// The id of the trigger a placement names: a managed trigger's key in this category, else
    /// the title of a trigger of this category (an unmanaged one first).
    fn anchor(
        &self,
        placed: &Placed<'_>,
        anchor: &Located<String>,
        here: &[&Placed<'_>],
        managed: &HashSet<u64>,
    ) -> Result<String, Box<PlanDiagnostic>> {
        let text = anchor.value.as_str();
        if let Some(other) = here.iter().find(|p| p.spec.key.value.as_str() == text) {
            return Ok(trigger_token(other));
        }
        let unmanaged = self
            .list
            .iter()
            .find(|t| !managed.contains(&t.id) && t.title == text);
        if let Some(trigger) = unmanaged {
            return Ok(trigger.id.to_string());
        }
        if let Some(other) = here.iter().find(|p| p.spec.title.value == text) {
            return Ok(trigger_token(other));
        }
        let elsewhere = self
            .slotted
            .iter()
            .any(|(p, _)| p.spec.key.value.as_str() == text);
        let category = self.slot.name(self.live);
        let message = if elsewhere {
            format!(
                "trigger `{}` is placed next to `{text}`, which is in another category than \"{category}\"",
                placed.spec.key.value
            )
        } else {
            format!(
                "trigger `{}` is placed next to \"{text}\", but category \"{category}\" has no trigger with that title or key",
                placed.spec.key.value
            )
        };
        Err(Box::new(
            PlanDiagnostic::error(DiagnosticCode::UnknownAnchor, Some(self.address.clone()), message)
                .with_help("name a trigger of the same category by its exact title, or a managed trigger by its key")
                .at(self.account.locator.locate(anchor.span)),
        ))
    }

    /// Titles by id token: live titles, and the policy's for managed triggers.
    fn titles(&self, here: &[&Placed<'_>]) -> HashMap<String, String> {
        let mut titles: HashMap<String, String> = self
            .list
            .iter()
            .map(|t| (t.id.to_string(), t.title.clone()))
            .collect();
        for placed in here {
            titles.insert(trigger_token(placed), placed.spec.title.value.clone());
        }
        titles
    }
}

/// A `new:` token as the plan shows it (a string), an id as a number when it is one.
fn token_json(token: &str) -> Value {
    token
        .parse::<u64>()
        .map_or_else(|_| json!(token), |id| json!(id))
}

/// The positions 1..n of `desired` that differ from what is stored (new ones always).
fn renumbered<'d>(
    desired: &'d [String],
    stored: &'d HashMap<String, i64>,
) -> impl Iterator<Item = (&'d String, i64)> + 'd {
    desired
        .iter()
        .zip(1_i64..)
        .filter(move |(id, position)| stored.get(id.as_str()) != Some(position))
}

/// One [`Move`] per moved id, in their new order: from and to places, and the neighbour that
/// says where (`before` the next one, or `after` the previous one when it goes last).
fn describe(
    live: &[String],
    desired: &[String],
    moved: &[String],
    name_of: impl Fn(&str) -> String,
    title_of: impl Fn(&str) -> String,
) -> Vec<Move> {
    moved
        .iter()
        .filter_map(|id| {
            let to = desired.iter().position(|d| d == id)?;
            Some(Move {
                name: name_of(id),
                from: live.iter().position(|l| l == id).map(|i| i + 1),
                to: to + 1,
                before: desired.get(to + 1).map(|next| title_of(next)),
                after: desired
                    .get(to + 1)
                    .is_none()
                    .then(|| to.checked_sub(1).map(|i| title_of(&desired[i])))
                    .flatten(),
            })
        })
        .collect()
}

#[cfg(test)]
mod property;
#[cfg(test)]
mod tests;
