//! Authorising a fresh plan by the reviewed one, without a server: what is stale (and the
//! message naming what changed), what is authorised, and what refuses the apply.

mod plan_support;

use plan_support::*;
use serde_json::{Value, json};
use zdpolicy::apply::verify::{Verdict, verify};
use zdpolicy::live::LiveState;
use zdpolicy::plan::{AccountPlan, plan_account};

fn planned(policy: &str, live: &LiveState) -> AccountPlan {
    plan_account(&account(policy), live)
}

/// Each verdict as `address: authorised` or `address: stale: reason`.
fn verdicts(reviewed: &AccountPlan, live: &LiveState) -> Vec<String> {
    let now = planned(SCENARIO_POLICY, live);
    verify(reviewed, &now, live)
        .expect("no difference")
        .iter()
        .map(|v| match v {
            Verdict::Authorised(change) => format!("{}: authorised", change.address),
            Verdict::Stale { reviewed, reason } => format!("{}: stale: {reason}", reviewed.address),
        })
        .collect()
}

fn with_trigger(live: &LiveState, id: u64, edit: impl Fn(&mut Value)) -> LiveState {
    let mut value = serde_json::to_value(live).unwrap();
    let trigger = value["triggers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["id"] == id)
        .unwrap();
    edit(trigger);
    serde_json::from_value(value).unwrap()
}

#[test]
fn an_unchanged_account_authorises_every_change_as_planned_now() {
    let live = scenario_live();
    let reviewed = planned(SCENARIO_POLICY, &live);
    let now = planned(SCENARIO_POLICY, &live);
    let verdicts = verify(&reviewed, &now, &live).expect("no difference");
    assert_eq!(verdicts.len(), reviewed.changes.len());
    for (verdict, change) in verdicts.iter().zip(&now.changes) {
        let Verdict::Authorised(authorised) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(
            std::ptr::eq(*authorised, change),
            "the recomputed change is applied"
        );
    }
}

#[test]
fn an_object_edited_since_the_plan_is_stale_naming_exactly_the_fields_edited() {
    let live = scenario_live();
    let reviewed = planned(SCENARIO_POLICY, &live);
    // Someone edits the CSAT trigger's description (a field the CSAT edit does not manage).
    let edited = with_trigger(&live, 1001, |t| {
        t["description"] = json!("Edited by hand");
        t["updated_at"] = json!("2025-06-01T00:00:00Z");
    });
    let stale: Vec<String> = verdicts(&reviewed, &edited)
        .into_iter()
        .filter(|v| v.contains("stale"))
        .collect();
    assert_eq!(
        stale,
        [
            "acme-prod.csat.survey_on_session_end: stale: acme-prod.csat.survey_on_session_end was \
          edited in Zendesk at 2025-06-01T00:00:00Z since the plan: description changed"
        ]
    );
}

#[test]
fn a_category_created_since_the_plan_makes_its_create_and_its_triggers_stale() {
    let live = scenario_live();
    let reviewed = planned(SCENARIO_POLICY, &live);
    let mut value = serde_json::to_value(&live).unwrap();
    value["categories"].as_array_mut().unwrap().push(json!({
        "id": "200", "name": "Escalations", "position": 1, "updated_at": "2025-06-01T00:00:00Z"
    }));
    let created: LiveState = serde_json::from_value(value).unwrap();
    let stale: Vec<String> = verdicts(&reviewed, &created)
        .into_iter()
        .filter(|v| v.contains("stale"))
        .collect();
    assert_eq!(
        stale,
        [
            "acme-prod.category.Escalations: stale: acme-prod.category.Escalations was created in \
             Zendesk since the plan",
            "acme-prod.trigger.vip-messaging: stale: acme-prod.trigger.vip-messaging goes in \
             category Escalations, which was created in Zendesk since the plan",
        ]
    );
}

#[test]
fn a_trigger_created_since_the_plan_with_its_key_is_stale() {
    let live = scenario_live();
    let reviewed = planned(SCENARIO_POLICY, &live);
    let mut value = serde_json::to_value(&live).unwrap();
    value["triggers"]
        .as_array_mut()
        .unwrap()
        .push(marked_trigger(1005, "vip-messaging", "VIP messaging", None));
    let created: LiveState = serde_json::from_value(value).unwrap();
    let verdicts = verdicts(&reviewed, &created);
    assert!(
        verdicts.contains(
            &"acme-prod.trigger.vip-messaging: stale: acme-prod.trigger.vip-messaging was created \
              in Zendesk since the plan (a trigger with key vip-messaging exists now)"
                .to_owned()
        ),
        "{verdicts:#?}"
    );
}

#[test]
fn a_no_op_whose_object_was_edited_since_is_stale() {
    let policy = "version: 1\naccounts:\n  acme-prod:\n    subdomain: acme\n    triggers:\n      - key: sla\n        title: SLA\n        conditions: { all: [ { field: status, operator: less_than, value: solved } ] }\n        actions: [ { field: set_tags, value: sla } ]\n";
    let live = live(
        vec![marked_trigger(1003, "sla", "SLA", None)],
        true,
        false,
        false,
    );
    let reviewed = planned(policy, &live);
    assert_eq!(reviewed.changes[0].action.as_str(), "no-op");
    let edited = with_trigger(&live, 1003, |t| t["title"] = json!("SLA (edited)"));
    let now = planned(policy, &edited);
    let verdicts = verify(&reviewed, &now, &edited).expect("stale, not different");
    let [Verdict::Stale { reason, .. }] = verdicts.as_slice() else {
        panic!("{verdicts:?}");
    };
    assert_eq!(
        reason,
        "acme-prod.trigger.sla was edited in Zendesk since the plan: title changed"
    );
}

#[test]
fn a_reviewed_change_that_is_not_the_one_planned_now_refuses_the_apply() {
    let live = scenario_live();
    let now = planned(SCENARIO_POLICY, &live);
    let mut reviewed = now.clone();
    let vip = reviewed
        .changes
        .iter_mut()
        .find(|c| c.address.to_string() == "acme-prod.trigger.vip-messaging")
        .unwrap();
    vip.reason = Some("harmless".into());
    let difference = verify(&reviewed, &now, &live).expect_err("refused");
    assert_eq!(
        difference.to_string(),
        "acme-prod.trigger.vip-messaging: `reason` is \"harmless\" in the plan, but the policy \
         and Zendesk now give nothing"
    );

    let mut reviewed = now.clone();
    reviewed.changes.remove(0);
    let difference = verify(&reviewed, &now, &live).expect_err("refused");
    assert!(
        difference
            .to_string()
            .ends_with("that the plan does not have"),
        "{difference}"
    );
}
