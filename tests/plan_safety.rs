//! Safety limits: deletes and the share of changed objects block a plan unless forced.

mod plan_support;

use plan_support::*;
use zdpolicy::plan::{self, AccountInput, SafetyLimit, check_safety};

fn plan_for(policy: &str, live: zdpolicy::live::LiveState) -> plan::Plan {
    plan::plan(vec![AccountInput {
        desired: account(policy),
        live: Ok(live),
    }])
}

/// A policy with `count` managed triggers, `t0`…, all titled `T<n>`, and extra safety keys.
fn policy(count: usize, safety: &str) -> String {
    let mut text = format!(
        "version: 1\naccounts:\n  acme-prod:\n    subdomain: acme\n{safety}    triggers:\n"
    );
    for n in 0..count {
        text.push_str(&format!(
            "      - {{ key: t{n}, title: T{n}, conditions: {{ all: [ {{ field: status, operator: less_than, value: solved }} ] }}, actions: [ {{ field: set_tags, value: sla }} ] }}\n"
        ));
    }
    text
}

/// Live triggers `t0`… as zdpolicy wrote them; the first `drifted` have another title.
fn live_triggers(count: usize, drifted: usize) -> zdpolicy::live::LiveState {
    let triggers = (0..count)
        .map(|n| {
            let title = if n < drifted {
                format!("T{n} (edited)")
            } else {
                format!("T{n}")
            };
            marked_trigger(100 + n as u64, &format!("t{n}"), &title, None)
        })
        .collect();
    live(triggers, true, true, true)
}

#[test]
fn a_delete_needs_a_raised_limit_or_force() {
    let plan = plan_for(SCENARIO_POLICY, scenario_live());
    let violations = check_safety(&plan, false);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].limit, SafetyLimit::MaxDeletes);
    assert_eq!(
        violations[0].to_string(),
        "acme-prod: the plan deletes 1 managed trigger(s), more than safety.max_deletes (0) allows; \
         review the plan, then raise the limit in the policy or pass --force to override"
    );
    assert!(check_safety(&plan, true).is_empty());
    let raised = SCENARIO_POLICY.replace(
        "    unmanaged_triggers: report\n",
        "    unmanaged_triggers: report\n    safety: { max_deletes: 1 }\n",
    );
    assert!(check_safety(&plan_for(&raised, scenario_live()), false).is_empty());
}

#[test]
fn changing_too_large_a_share_of_objects_is_blocked() {
    // 4 of 10 managed triggers change: 40 % > the default 30 %.
    let plan = plan_for(&policy(10, ""), live_triggers(10, 4));
    let violations = check_safety(&plan, false);
    assert_eq!(violations.len(), 1);
    let v = &violations[0];
    assert_eq!(
        (v.limit, v.planned, v.managed, v.allowed),
        (SafetyLimit::MaxChangedPercent, 4, 10, 30)
    );
    assert!(v.to_string().contains("safety.max_changed_percent (30%)"));
    // 3 of 10 is within the limit.
    assert!(check_safety(&plan_for(&policy(10, ""), live_triggers(10, 3)), false).is_empty());
    // A raised limit allows it.
    let relaxed = policy(10, "    safety: { max_changed_percent: 50 }\n");
    assert!(check_safety(&plan_for(&relaxed, live_triggers(10, 4)), false).is_empty());
}

#[test]
fn small_accounts_are_not_held_to_the_percentage() {
    // 9 of 9 change, but an account needs 10 managed objects before the percentage applies.
    let plan = plan_for(&policy(9, ""), live_triggers(9, 9));
    assert!(check_safety(&plan, false).is_empty());
}

#[test]
fn creates_do_not_count_as_changed_objects() {
    let plan = plan_for(&policy(12, ""), live_triggers(0, 0));
    assert!(check_safety(&plan, false).is_empty());
}
