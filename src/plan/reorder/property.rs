//! Property test of the order planner: on any live order with duplicated and gapped
//! positions, applying the plan converges and unmanaged triggers keep their order.

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
        // One wish per key: at most 8 managed triggers and 2 new ones.
        wishes in proptest::collection::vec((0u8..4, 0usize..16, 0usize..4), 10),
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
