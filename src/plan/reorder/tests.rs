//! The order planner's unit tests: ties, anchors, unknown categories, retitles, targets and
//! the safety limits, each applied with `plan::simulate` to check that it converges.

use serde_json::json;

use crate::live::LiveState;
use crate::plan::address::ObjectKind;
use crate::plan::model::{AccountPlan, ChangeAction};
use crate::plan::{plan_account, simulate};
use crate::policy::load::load_texts;
use crate::policy::resolve::ResolvedAccount;

fn account(extra: &str) -> ResolvedAccount {
    let text =
        format!("version: 1\naccounts:\n  acme:\n    subdomain: acme\n    order: manage\n{extra}");
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

/// Plans `desired` against `live`, applies it in memory and plans again: the state after,
/// and the addresses the second plan still has pending (none, once the order converged).
fn apply_and_plan_again(desired: &ResolvedAccount, live: &LiveState) -> (LiveState, Vec<String>) {
    let plan = plan_account(desired, live);
    let after = simulate::apply(&plan, live).expect("applies");
    let again = plan_account(desired, &after);
    let pending = again
        .changes
        .iter()
        .filter(|c| c.is_pending())
        .map(|c| c.address.to_string())
        .collect();
    (after, pending)
}

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
    assert_eq!(routing.before.as_deref(), Some(&json!([102, 101, 103])));
    assert_eq!(
        routing.after.as_deref(),
        Some(&json!([
            "new:vip-messaging",
            "new:vip-email",
            102,
            101,
            103
        ]))
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
    assert_eq!(list.before.as_deref(), Some(&json!(["10", "20", "30"])));
    assert_eq!(list.after.as_deref(), Some(&json!(["30", "20", "10"])));
}

#[test]
fn applying_the_plan_converges_and_unmanaged_keep_their_order() {
    let desired = account(TWO_FIRST);
    let live = live();
    let (after, pending) = apply_and_plan_again(&desired, &live);
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
    let (_, pending) = apply_and_plan_again(&desired, &live);
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
