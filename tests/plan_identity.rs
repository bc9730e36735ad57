//! Trigger identity in the planner: pins by id, duplicate titles, renames with `previously`,
//! releases, and the errors when an identity is unclear.

mod plan_support;

use plan_support::{account, live, marked_trigger, plain_trigger};
use serde_json::json;
use zdpolicy::plan::{
    AccountPlan, Change, ChangeAction, DiagnosticCode, Operation, Severity, plan_account,
};

fn change<'a>(plan: &'a AccountPlan, address: &str) -> &'a Change {
    plan.changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .unwrap_or_else(|| panic!("no change {address} in {:#?}", plan.changes))
}

fn codes(plan: &AccountPlan) -> Vec<(Severity, DiagnosticCode)> {
    plan.diagnostics
        .iter()
        .map(|d| (d.severity, d.code))
        .collect()
}

/// Two same-title triggers pinned by id, as `export` writes them.
fn pinned_policy(second_priority: &str) -> String {
    format!(
        "version: 1
accounts:
  acme:
    subdomain: acme
    trigger_ids: {{ notify: 2001, notify-2: 2002 }}
    triggers:
      - key: notify
        title: Notify requester
        category: Notifications
        conditions: {{ all: [ {{ field: update_type, operator: is, value: Create }} ] }}
        actions: [ {{ field: notification_user, value: [requester_id, Hi, \"{{{{ticket.id}}}}\"] }} ]
      - key: notify-2
        title: Notify requester
        category: Notifications
        conditions: {{ all: [ {{ field: update_type, operator: is, value: Create }} ] }}
        actions: [ {{ field: priority, value: {second_priority} }} ]
"
    )
}

fn duplicate_titles() -> Vec<serde_json::Value> {
    let first = plain_trigger(2001, "Notify requester");
    let mut second = plain_trigger(2002, "Notify requester");
    second["actions"] = json!([{"field": "priority", "value": "high"}]);
    vec![first, second]
}

/// Regression: with two triggers of one title, an exported policy failed with
/// `adopt-ambiguous` on its first plan and could never be applied.
#[test]
fn pinned_triggers_with_one_title_plan_to_no_change() {
    let plan = plan_account(
        &account(&pinned_policy("high")),
        &live(duplicate_titles(), true, false, false),
    );
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    for address in ["acme.trigger.notify", "acme.trigger.notify-2"] {
        assert_eq!(change(&plan, address).action, ChangeAction::NoOp);
    }
}

#[test]
fn a_change_to_one_of_them_writes_that_trigger_only() {
    let plan = plan_account(
        &account(&pinned_policy("urgent")),
        &live(duplicate_titles(), true, false, false),
    );
    assert_eq!(
        change(&plan, "acme.trigger.notify").action,
        ChangeAction::NoOp
    );
    let second = change(&plan, "acme.trigger.notify-2");
    let Some(Operation::UpdateTrigger { id, .. }) = second.operation.as_deref() else {
        panic!("an update: {second:#?}")
    };
    assert_eq!(*id, 2002);
}

#[test]
fn duplicate_titles_among_unmanaged_triggers_are_no_error() {
    let policy =
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    unmanaged_triggers: report\n";
    let plan = plan_account(
        &account(policy),
        &live(duplicate_titles(), true, false, false),
    );
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    assert_eq!(plan.unmanaged_triggers.as_ref().map(Vec::len), Some(2));
}

#[test]
fn adopting_by_a_shared_title_asks_for_a_pin() {
    let policy = pinned_policy("high")
        .replace("    trigger_ids: { notify: 2001, notify-2: 2002 }\n", "")
        .replace(
            "      - key: notify\n",
            "      - key: notify\n        adopt: true\n",
        );
    let plan = plan_account(
        &account(&policy),
        &live(duplicate_titles(), true, false, false),
    );
    let ambiguous = plan
        .diagnostics
        .iter()
        .find(|d| d.code == DiagnosticCode::AdoptAmbiguous)
        .expect("ambiguous");
    assert!(
        ambiguous
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("trigger_ids")
    );
}

#[test]
fn a_renamed_key_updates_its_trigger_in_place() {
    let policy = "version: 1
accounts:
  acme:
    subdomain: acme
    triggers:
      - key: sla-reminder
        previously: [sla]
        title: SLA reminder
        category: Notifications
        conditions: { all: [ { field: status, operator: less_than, value: solved } ] }
        actions: [ { field: set_tags, value: sla } ]
";
    let live = live(
        vec![marked_trigger(3001, "sla", "SLA reminder", Some("Kept  "))],
        true,
        false,
        false,
    );
    let plan = plan_account(&account(policy), &live);
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    assert_eq!(
        plan.changes
            .iter()
            .filter(|c| c.address.kind == zdpolicy::plan::ObjectKind::Trigger)
            .count(),
        1,
        "no delete, no create: {:#?}",
        plan.changes
    );
    let renamed = change(&plan, "acme.trigger.sla-reminder");
    assert_eq!(renamed.action, ChangeAction::Update);
    assert!(
        renamed
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("renames trigger 3001")
    );
    let Some(Operation::UpdateTrigger { id, trigger }) = renamed.operation.as_deref() else {
        panic!("an update")
    };
    assert_eq!(*id, 3001);
    assert_eq!(
        trigger.description.as_deref(),
        Some("Managed by zdpolicy (key: sla-reminder). Edits in Zendesk are overwritten."),
        "the policy has no description; the marker names the new key"
    );
}

#[test]
fn a_released_key_loses_its_marker_and_keeps_its_trigger() {
    let policy = "version: 1\ndefaults:\n  released_triggers: [legacy]\naccounts:\n  acme:\n    subdomain: acme\n";
    let legacy = marked_trigger(4001, "legacy", "Legacy routing", Some("Old  rule.\t"));
    let live_state = live(vec![legacy.clone()], true, false, false);
    let plan = plan_account(&account(policy), &live_state);
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    let released = change(&plan, "acme.trigger.legacy");
    assert_eq!(released.action, ChangeAction::Update);
    let Some(Operation::UpdateTrigger { id, trigger }) = released.operation.as_deref() else {
        panic!("an update")
    };
    assert_eq!(*id, 4001);
    let body = trigger.request_body(None);
    assert_eq!(
        body,
        json!({"trigger": {
            "description": "Old  rule.\t",
            "conditions": legacy["conditions"],
            "actions": legacy["actions"],
        }}),
        "only the marker goes; conditions and actions as read"
    );

    // Once released, it is nobody's: not deleted, not changed.
    let mut after = legacy;
    after["description"] = json!("Old  rule.\t");
    let plan = plan_account(&account(policy), &live(vec![after], true, false, false));
    assert!(
        plan.changes
            .iter()
            .all(|c| c.address.kind != zdpolicy::plan::ObjectKind::Trigger),
        "{:#?}",
        plan.changes
    );
}

#[test]
fn a_dropped_key_without_release_is_still_deleted() {
    let policy =
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    safety: { max_deletes: 1 }\n";
    let plan = plan_account(
        &account(policy),
        &live(
            vec![marked_trigger(4001, "legacy", "Legacy", None)],
            true,
            false,
            false,
        ),
    );
    assert_eq!(
        change(&plan, "acme.trigger.legacy").action,
        ChangeAction::Delete
    );
}

#[test]
fn unclear_pins_are_errors_and_copies_are_warnings() {
    let policy = |pins: &str| {
        format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    trigger_ids: {{ {pins} }}\n    triggers:\n      - {{ key: sla, title: SLA reminder, category: Notifications, conditions: {{ all: [ {{ field: status, operator: less_than, value: solved }} ] }}, actions: [ {{ field: set_tags, value: sla }} ] }}\n"
        )
    };
    let missing = plan_account(
        &account(&policy("sla: 9999")),
        &live(vec![], true, false, false),
    );
    assert_eq!(
        codes(&missing),
        [(Severity::Error, DiagnosticCode::PinnedTriggerMissing)]
    );

    let owned = plan_account(
        &account(&policy("sla: 5001")),
        &live(
            vec![marked_trigger(5001, "other", "SLA reminder", None)],
            true,
            false,
            false,
        ),
    );
    assert_eq!(
        codes(&owned),
        [(Severity::Error, DiagnosticCode::PinnedTriggerOwned)]
    );
    assert!(
        owned.changes.iter().all(|c| c.operation.is_none()),
        "nothing is written"
    );

    let copied = plan_account(
        &account(&policy("sla: 5001")),
        &live(
            vec![
                marked_trigger(5001, "sla", "SLA reminder", None),
                marked_trigger(5002, "sla", "SLA reminder (copy)", None),
            ],
            true,
            false,
            false,
        ),
    );
    assert_eq!(
        codes(&copied),
        [(Severity::Warning, DiagnosticCode::StrayMarker)]
    );
    assert_eq!(
        change(&copied, "acme.trigger.sla").action,
        ChangeAction::NoOp
    );
    assert!(
        copied
            .changes
            .iter()
            .all(|c| c.action != ChangeAction::Delete),
        "the copy is left alone"
    );
}
