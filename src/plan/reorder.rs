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

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

use super::address::{Address, ObjectKind};
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::fingerprint::{LiveObject, seen};
use super::model::{Change, ChangeAction, Move};
use super::operation::{CategoryPosition, CategoryRef, Operation, TriggerPosition, TriggerRef};
use super::order::{OrderError, Placement as Place, Wish, desired_order, moves};
use crate::live::LiveState;
use crate::policy::model::{Located, OrderMode, Placement, TriggerSpec};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::{Trigger, TriggerCategory};

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

/// The live categories and triggers in execution order. Categories tie on position by id (as
/// Zendesk lists them); triggers go by category, position, case-insensitive title, id.
pub(crate) fn execution_order(live: &LiveState) -> (Vec<&TriggerCategory>, Vec<&Trigger>) {
    execution_order_titled(live, &HashMap::new())
}

/// [`execution_order`], with the titles some triggers are about to get (by id): ties break by
/// the title a managed trigger has once this plan's updates are applied, so a retitled trigger
/// does not change places after the apply.
fn execution_order_titled<'a>(
    live: &'a LiveState,
    titles: &HashMap<u64, &str>,
) -> (Vec<&'a TriggerCategory>, Vec<&'a Trigger>) {
    let mut categories: Vec<&TriggerCategory> = live.categories.iter().collect();
    categories
        .sort_by(|a, b| (a.position, a.id.len(), &a.id).cmp(&(b.position, b.id.len(), &b.id)));
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
        .filter_map(|c| match c.operation {
            Some(Operation::DeleteTrigger { id }) => Some(id),
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
        change.operation = Some(Operation::SetPositions {
            trigger_categories: Vec::new(),
            triggers,
        });
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

/// The category list: the listed categories first, in the policy's order; the others after,
/// in their live order.
fn plan_category_list(
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
                    super::preflight::CATEGORIES_OFF
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
    change.operation = Some(Operation::SetPositions {
        trigger_categories,
        triggers: Vec::new(),
    });
    draft.changes.push(change);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::live::LiveState;
    use crate::plan::address::ObjectKind;
    use crate::plan::model::{AccountPlan, ChangeAction};
    use crate::plan::{plan_account, simulate};
    use crate::policy::load::load_texts;
    use crate::policy::resolve::ResolvedAccount;

    fn account(extra: &str) -> ResolvedAccount {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    order: manage\n{extra}"
        );
        let policy = load_texts(&[("p.yaml", &text)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        policy.accounts[0].clone()
    }

    fn trigger(id: u64, title: &str, category: &str, position: i64) -> serde_json::Value {
        json!({
            "id": id, "title": title, "active": true, "position": position,
            "category_id": category, "description": null,
            "conditions": {"all": [], "any": []},
            "actions": [{"field": "status", "value": "open"}]
        })
    }

    /// Three categories (positions 1, 3, 5) and a Routing category whose stored positions are
    /// duplicated and gapped.
    fn live() -> LiveState {
        serde_json::from_value(json!({
            "triggers": [
                trigger(101, "Route VIP", "30", 3),
                trigger(102, "assign by skill", "30", 3),
                trigger(103, "Notify assignee of assignment", "30", 10),
                trigger(201, "Notify requester", "10", 1),
            ],
            "categories": [
                {"id": "10", "name": "Notifications", "position": 1},
                {"id": "20", "name": "Escalations", "position": 3},
                {"id": "30", "name": "Routing", "position": 5},
            ],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {},
            "sunshine": null
        }))
        .expect("live state")
    }

    const TWO_FIRST: &str = "    trigger_categories: [Routing, Escalations, Notifications]
    triggers:
      - { key: vip-messaging, title: VIP messaging, category: Routing, placement: first, actions: [ { field: priority, value: high } ] }
      - { key: vip-email, title: VIP email, category: Routing, placement: first, actions: [ { field: priority, value: high } ] }
";

    fn order_changes(plan: &AccountPlan) -> Vec<&crate::plan::Change> {
        plan.changes
            .iter()
            .filter(|c| {
                matches!(
                    c.address.kind,
                    ObjectKind::Order | ObjectKind::CategoryOrder
                )
            })
            .collect()
    }

    #[test]
    fn ties_sort_by_title_and_new_triggers_go_first_in_policy_order() {
        let plan = plan_account(&account(TWO_FIRST), &live());
        assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
        let changes = order_changes(&plan);
        let routing = changes
            .iter()
            .find(|c| c.address.to_string() == "acme.order.Routing")
            .expect("routing order");
        assert_eq!(routing.action, ChangeAction::Update);
        // "assign by skill" ties with "Route VIP" at 3 and sorts first, case-insensitively.
        assert_eq!(routing.before, Some(json!([102, 101, 103])));
        assert_eq!(
            routing.after,
            Some(json!(["new:vip-messaging", "new:vip-email", 102, 101, 103]))
        );
        let names: Vec<(&str, Option<usize>, usize)> = routing
            .moves
            .iter()
            .map(|m| (m.name.as_str(), m.from, m.to))
            .collect();
        assert_eq!(names, [("vip-messaging", None, 1), ("vip-email", None, 2)]);
        assert_eq!(routing.moves[1].before.as_deref(), Some("assign by skill"));
        let list = changes
            .iter()
            .find(|c| c.address.kind == ObjectKind::CategoryOrder)
            .expect("category order");
        assert_eq!(list.before, Some(json!(["10", "20", "30"])));
        assert_eq!(list.after, Some(json!(["30", "20", "10"])));
    }

    #[test]
    fn applying_the_plan_converges_and_unmanaged_keep_their_order() {
        let desired = account(TWO_FIRST);
        let live = live();
        let plan = plan_account(&desired, &live);
        let after = simulate::apply(&plan, &live).expect("applies");
        let again = plan_account(&desired, &after);
        let pending: Vec<String> = again
            .changes
            .iter()
            .filter(|c| c.is_pending())
            .map(|c| c.address.to_string())
            .collect();
        assert!(pending.is_empty(), "{pending:?}");
        let (_, triggers) = super::execution_order(&after);
        let titles: Vec<&str> = triggers.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "VIP messaging",
                "VIP email",
                "assign by skill",
                "Route VIP",
                "Notify assignee of assignment",
                "Notify requester"
            ]
        );
    }

    #[test]
    fn an_unknown_anchor_is_a_located_error() {
        let desired = account(
            "    triggers:
      - { key: a, title: A, category: Routing, placement: { after: Nope }, actions: [ { field: status, value: open } ] }
",
        );
        let plan = plan_account(&desired, &live());
        let problems: Vec<(&str, bool)> = plan
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.location.is_some()))
            .collect();
        assert_eq!(problems, [("unknown-anchor", true)]);
        assert!(plan.diagnostics[0].message.contains("\"Nope\""));
    }

    #[test]
    fn an_unknown_category_in_the_list_is_a_located_error() {
        let plan = plan_account(&account("    trigger_categories: [Missing]\n"), &live());
        let codes: Vec<&str> = plan.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["unknown-category"]);
        assert!(plan.diagnostics[0].location.is_some());
    }

    #[test]
    fn order_ignore_plans_no_order_change() {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n{}",
            TWO_FIRST.replace(
                "    trigger_categories: [Routing, Escalations, Notifications]\n",
                ""
            )
        );
        let policy = load_texts(&[("p.yaml", &text)]);
        let plan = plan_account(&policy.accounts[0], &live());
        assert!(order_changes(&plan).is_empty());
    }

    #[test]
    fn a_converged_category_is_a_no_op_whatever_its_stored_positions() {
        let desired = account(
            "    triggers:
      - { key: a, title: Route VIP, category: Routing, adopt: true, placement: { after: assign by skill }, actions: [ { field: status, value: open } ] }
",
        );
        let plan = plan_account(&desired, &live());
        let changes = order_changes(&plan);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].action, ChangeAction::NoOp);
    }

    /// Regression: a converged category whose managed trigger is retitled so that it sorts
    /// before its tied neighbour moved on the plan after the apply; the order is planned with
    /// the new title, so one apply converges.
    #[test]
    fn a_retitled_trigger_is_ordered_by_its_new_title() {
        let mut live = live();
        live.triggers.push(
            serde_json::from_value(json!({
                "id": 104, "title": "zz last", "active": true, "position": 3, "category_id": "30",
                "description": "Managed by zdpolicy (key: m). Edits in Zendesk are overwritten.",
                "conditions": {"all": [], "any": []},
                "actions": [{"field": "status", "value": "open"}]
            }))
            .expect("trigger"),
        );
        let desired = account(
            "    triggers:
      - { key: m, title: aa first, category: Routing, placement: { after: Route VIP }, actions: [ { field: status, value: open } ] }
",
        );
        let plan = plan_account(&desired, &live);
        let after = simulate::apply(&plan, &live).expect("applies");
        let again = plan_account(&desired, &after);
        let pending: Vec<String> = again
            .changes
            .iter()
            .filter(|c| c.is_pending())
            .map(|c| c.address.to_string())
            .collect();
        assert!(pending.is_empty(), "{pending:?}");
    }

    /// `--target acme.order.*` keeps the creates of the triggers the order places, so the
    /// narrowed plan can be applied.
    #[test]
    fn targeting_an_order_keeps_the_triggers_it_places() {
        let plan = crate::plan::model::Plan {
            format_version: String::new(),
            tool_version: String::new(),
            policy_hash: String::new(),
            targets: Vec::new(),
            accounts: vec![plan_account(&account(TWO_FIRST), &live())],
        };
        let targets = crate::plan::target::Targets::parse(&["acme.order.*"]).expect("targets");
        let narrowed = targets.narrow(plan);
        let kept: Vec<String> = narrowed.accounts[0]
            .changes
            .iter()
            .map(|c| c.address.to_string())
            .collect();
        assert_eq!(
            kept,
            [
                "acme.order.Routing",
                "acme.trigger.vip-email",
                "acme.trigger.vip-messaging"
            ]
        );
    }

    #[test]
    fn order_changes_count_towards_max_changed_percent() {
        let mut live = live();
        let mut specs = String::new();
        for i in 0..9_u64 {
            live.triggers.push(
                serde_json::from_value(json!({
                    "id": 300 + i, "title": format!("M{i}"), "active": true, "position": 20,
                    "category_id": "30",
                    "description": format!("Managed by zdpolicy (key: m{i}). Edits in Zendesk are overwritten."),
                    "conditions": {"all": [], "any": []},
                    "actions": [{"field": "status", "value": "open"}]
                }))
                .expect("trigger"),
            );
            specs.push_str(&format!(
                "      - {{ key: m{i}, title: M{i}, category: Routing, actions: [ {{ field: status, value: open }} ] }}\n"
            ));
        }
        let desired = account(&format!(
            "    safety: {{ max_changed_percent: 5 }}\n    trigger_categories: [Routing]\n    triggers:\n{specs}"
        ));
        let plan = crate::plan::model::Plan {
            format_version: String::new(),
            tool_version: String::new(),
            policy_hash: String::new(),
            targets: Vec::new(),
            accounts: vec![plan_account(&desired, &live)],
        };
        let updates: Vec<String> = plan.accounts[0]
            .changes
            .iter()
            .filter(|c| c.action == ChangeAction::Update)
            .map(|c| c.address.to_string())
            .collect();
        assert_eq!(updates, ["acme.category_order.trigger_categories"]);
        let violations = crate::plan::check_safety(&plan, false);
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].planned, 1);
        assert_eq!(violations[0].managed, 11);
    }

    mod property {
        use std::collections::BTreeMap;

        use proptest::prelude::*;
        use serde_json::json;

        use crate::live::LiveState;
        use crate::plan::reorder::execution_order;
        use crate::plan::{plan_account, simulate};
        use crate::policy::load::load_texts;

        /// One live trigger: category, stored position, title, and whether zdpolicy manages it.
        type LiveTrigger = (usize, i64, usize, bool);

        const TITLES: &[&str] = &["alpha", "Alpha", "beta", "Gamma", "gamma"];

        fn live(categories: &[i64], triggers: &[LiveTrigger]) -> LiveState {
            let categories: Vec<_> = categories
                .iter()
                .enumerate()
                .map(|(i, p)| json!({"id": format!("{}", 10 + i), "name": format!("C{i}"), "position": p}))
                .collect();
            let triggers: Vec<_> = triggers
                .iter()
                .enumerate()
                .map(|(i, (category, position, title, managed))| {
                    let (title, description) = if *managed {
                        (
                            format!("M{i}"),
                            json!(format!(
                                "Managed by zdpolicy (key: k{i}). Edits in Zendesk are overwritten."
                            )),
                        )
                    } else {
                        (TITLES[*title].to_owned(), json!(null))
                    };
                    json!({
                        "id": 1000 + i, "title": title, "active": true, "position": position,
                        "category_id": format!("{}", 10 + category % categories.len()),
                        "description": description,
                        "conditions": {"all": [], "any": []},
                        "actions": [{"field": "status", "value": "open"}]
                    })
                })
                .collect();
            serde_json::from_value(json!({
                "triggers": triggers, "categories": categories,
                "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
                "settings": {}, "sunshine": null
            }))
            .expect("live state")
        }

        /// Unmanaged trigger ids per category, in execution order.
        fn unmanaged_order(live: &LiveState) -> BTreeMap<Option<String>, Vec<u64>> {
            let mut out: BTreeMap<Option<String>, Vec<u64>> = BTreeMap::new();
            for t in execution_order(live).1 {
                let marked = t
                    .description
                    .as_ref()
                    .and_then(Option::as_deref)
                    .is_some_and(|d| d.contains("Managed by zdpolicy"));
                if !marked {
                    out.entry(t.category_id.clone().flatten())
                        .or_default()
                        .push(t.id);
                }
            }
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            /// Random live orders with duplicated and gapped positions and random wishes: after
            /// applying the plan the next plan is empty, unmanaged triggers keep their order in
            /// every category, and no move ever names an unmanaged trigger.
            #[test]
            fn apply_then_plan_moves_nothing(
                categories in proptest::collection::vec(0i64..3, 1..4),
                triggers in proptest::collection::vec((0usize..4, 0i64..4, 0usize..5, any::<bool>()), 0..9),
                wishes in proptest::collection::vec((0u8..4, 0usize..16, 0usize..4), 9),
                new in 0usize..3,
                listed in proptest::collection::vec(0usize..4, 0..4),
            ) {
                let live = live(&categories, &triggers);
                let mut specs = String::new();
                let managed: Vec<usize> = (0..triggers.len()).filter(|i| triggers[*i].3).collect();
                let keys: Vec<String> = managed
                    .iter()
                    .map(|i| format!("k{i}"))
                    .chain((0..new).map(|i| format!("n{i}")))
                    .collect();
                for (at, key) in keys.iter().enumerate() {
                    let (kind, anchor, category) = wishes[at];
                    // Some managed triggers are retitled by the plan: ties break by the new title.
                    let retitle = if category % 2 == 0 { "A" } else { "M" };
                    let title = key.strip_prefix('k').map_or_else(|| format!("N{key}"), |i| format!("{retitle}{i}"));
                    let anchor = if anchor % 2 == 0 {
                        TITLES[anchor % TITLES.len()].to_owned()
                    } else {
                        keys[anchor % keys.len()].clone()
                    };
                    let placement = match kind {
                        0 => "first".to_owned(),
                        1 => "last".to_owned(),
                        2 => format!("{{ after: {anchor} }}"),
                        _ => format!("{{ before: {anchor} }}"),
                    };
                    let category = category % categories.len();
                    specs.push_str(&format!(
                        "      - {{ key: {key}, title: {title}, category: C{category}, placement: {placement}, actions: [ {{ field: status, value: open }} ] }}\n"
                    ));
                }
                let mut names: Vec<String> = listed.iter().map(|c| format!("C{}", c % categories.len())).collect();
                names.dedup();
                names.sort();
                names.dedup();
                let text = format!(
                    "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    order: manage\n    trigger_categories: [{}]\n    triggers:\n{specs}",
                    names.join(", ")
                );
                let policy = load_texts(&[("p.yaml", &text)]);
                prop_assume!(policy.diagnostics.iter().all(|d| !d.is_error()));
                let desired = &policy.accounts[0];
                let plan = plan_account(desired, &live);
                // Anchors that name no trigger of the category are errors, not orders.
                prop_assume!(!plan.has_errors());
                for change in &plan.changes {
                    for step in &change.moves {
                        let is_category = change.address.kind == crate::plan::ObjectKind::CategoryOrder;
                        prop_assert!(is_category || keys.contains(&step.name), "moved {}", step.name);
                    }
                }
                let after = simulate::apply(&plan, &live).expect("applies");
                let again = plan_account(desired, &after);
                let pending: Vec<String> = again
                    .changes
                    .iter()
                    .filter(|c| c.is_pending())
                    .map(|c| c.address.to_string())
                    .collect();
                prop_assert!(pending.is_empty(), "{:?}\n{}", pending, text);
                prop_assert_eq!(unmanaged_order(&live), unmanaged_order(&after));
            }
        }
    }
}
