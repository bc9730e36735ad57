//! The planner against hand-made live states: every change kind, ownership, the CSAT edit,
//! canonical comparison and per-account errors. No server: planning is a pure function.

mod plan_support;

use plan_support::*;
use serde_json::{Value, json};
use zdpolicy::plan::{
    self, AccountInput, AccountPlan, CategoryRef, ChangeAction, DiagnosticCode, LiveObject,
    LiveValue, Operation, ReadFailure, fingerprint_of, has_changes, plan_account, simulate,
};

fn actions(plan: &AccountPlan) -> Vec<(String, &'static str)> {
    plan.changes
        .iter()
        .map(|c| (c.address.to_string(), c.action.as_str()))
        .collect()
}

fn codes(plan: &AccountPlan) -> Vec<DiagnosticCode> {
    plan.diagnostics.iter().map(|d| d.code).collect()
}

fn change<'a>(plan: &'a AccountPlan, address: &str) -> &'a plan::Change {
    plan.changes
        .iter()
        .find(|c| c.address.to_string() == address)
        .unwrap_or_else(|| panic!("no change for {address}: {:#?}", actions(plan)))
}

/// One account with one trigger, and the given extra keys on that trigger.
fn one_trigger_policy(extra: &str) -> String {
    format!(
        "version: 1
accounts:
  acme-prod:
    subdomain: acme
    unmanaged_triggers: report
    triggers:
      - key: vip
        title: VIP
        actions: [ {{ field: priority, value: urgent }} ]
{extra}"
    )
}

#[test]
fn the_scenario_plans_every_kind_of_change_in_address_order() {
    let plan = plan_account(&account(SCENARIO_POLICY), &scenario_live());
    assert_eq!(
        actions(&plan),
        [
            ("acme-prod.category.Escalations".into(), "create"),
            ("acme-prod.csat.survey_on_session_end".into(), "update"),
            (
                "acme-prod.setting.agent_ended_sessions_route_as".into(),
                "manual"
            ),
            ("acme-prod.setting.agents_can_end_sessions".into(), "no-op"),
            (
                "acme-prod.setting.end_session_after_inactivity".into(),
                "update"
            ),
            (
                "acme-prod.setting.end_users_can_end_sessions".into(),
                "update"
            ),
            ("acme-prod.trigger.legacy".into(), "delete"),
            ("acme-prod.trigger.sla-reminder".into(), "update"),
            ("acme-prod.trigger.vip-messaging".into(), "create"),
        ]
    );
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    let unmanaged: Vec<u64> = plan
        .unmanaged_triggers
        .as_ref()
        .expect("reported")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(
        unmanaged,
        [1002],
        "the CSAT trigger zdpolicy edits is not listed"
    );
}

#[test]
fn updates_list_only_the_fields_that_differ_canonically() {
    let plan = plan_account(&account(SCENARIO_POLICY), &scenario_live());
    let sla = change(&plan, "acme-prod.trigger.sla-reminder");
    let fields: Vec<&str> = sla.fields.iter().map(|f| f.field.as_str()).collect();
    // `assignee_id changed ""` in Zendesk and `changed` without a value in the policy agree.
    assert_eq!(fields, ["title"]);
    assert_eq!(
        sla.fields[0].before,
        json!("SLA reminder (edited in Zendesk)")
    );
    assert_eq!(sla.fields[0].after, json!("SLA reminder"));
    let Some(Operation::UpdateTrigger { id, trigger }) = sla.operation.as_deref() else {
        panic!("expected an update: {:?}", sla.operation)
    };
    assert_eq!(*id, 1003);
    assert_eq!(
        trigger.category,
        Some(CategoryRef::Existing {
            id: "100".into(),
            name: "Notifications".into()
        })
    );
}

/// Issue #13: a create held its trigger twice, as `after` and as the operation's body (half
/// of an all-creates plan's memory). It holds the body once; `after` is drawn from it where it
/// is shown, as the document it was: the managed view, category by name.
#[test]
fn a_trigger_create_holds_its_body_once() {
    let plan = plan_account(&account(SCENARIO_POLICY), &scenario_live());
    let vip = change(&plan, "acme-prod.trigger.vip-messaging");
    assert_eq!(vip.after, None);
    let Some(Operation::CreateTrigger { trigger }) = vip.operation.as_deref() else {
        panic!("expected a create")
    };
    let after = vip.after_view().expect("a create shows its trigger");
    assert_eq!(*after, trigger.view(None));
    assert_eq!(after["title"], json!("VIP messaging"));
    assert_eq!(after["category"], json!("Escalations"));
}

#[test]
fn a_new_category_is_created_and_referenced_by_name() {
    let plan = plan_account(&account(SCENARIO_POLICY), &scenario_live());
    let category = change(&plan, "acme-prod.category.Escalations");
    assert_eq!(
        category.operation.as_deref(),
        Some(&Operation::CreateCategory {
            name: "Escalations".into()
        })
    );
    let vip = change(&plan, "acme-prod.trigger.vip-messaging");
    let Some(Operation::CreateTrigger { trigger }) = vip.operation.as_deref() else {
        panic!("expected a create")
    };
    assert_eq!(
        trigger.category,
        Some(CategoryRef::Planned {
            name: "Escalations".into()
        })
    );
    assert_eq!(
        trigger.description.as_deref(),
        Some(
            "Escalate VIP conversations.\nOwned by the support-ops team.\n\
             Managed by zdpolicy (key: vip-messaging). Edits in Zendesk are overwritten."
        )
    );
}

#[test]
fn changes_record_what_they_saw_of_the_live_object() {
    let live = scenario_live();
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    for change in &plan.changes {
        let expects_seen = matches!(change.action, ChangeAction::Update | ChangeAction::Delete);
        assert_eq!(change.seen.is_some(), expects_seen, "{}", change.address);
        if let Some(seen) = &change.seen {
            assert_eq!(
                fingerprint_of(&live, &seen.object).as_ref(),
                Some(&seen.fingerprint)
            );
        }
    }
    let legacy = change(&plan, "acme-prod.trigger.legacy");
    let seen = legacy.seen.as_ref().expect("seen");
    assert_eq!(seen.object, LiveObject::Trigger { id: 1004 });
    assert_eq!(
        seen.fingerprint.updated_at.as_deref(),
        Some("2025-04-01T10:00:00Z")
    );
}

#[test]
fn the_csat_edit_moves_solved_to_any_and_keeps_everything_else() {
    let live = scenario_live();
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    let csat = change(&plan, "acme-prod.csat.survey_on_session_end");
    let Some(Operation::UpdateTrigger { id, trigger }) = csat.operation.as_deref() else {
        panic!("expected an update")
    };
    assert_eq!(*id, 1001);
    assert_eq!(trigger.title, None, "only conditions and actions are sent");
    assert_eq!(trigger.description, None);
    assert_eq!(trigger.category, None);
    assert_eq!(
        trigger.actions, live.triggers[0].actions,
        "actions verbatim"
    );
    assert_eq!(
        serde_json::to_value(&trigger.conditions).expect("json"),
        json!({
            "all": [
                {"field": "via_id", "operator": "is", "value": "75"},
                {"field": "csat_survey_sent", "operator": "is", "value": "false"}
            ],
            "any": [
                {"field": "status", "operator": "value", "value": "solved"},
                {"field": ENDED_SUBJECT, "operator": "value", "value": ENDED_BY_AGENT}
            ]
        })
    );
    assert_eq!(
        csat.before.as_deref().expect("before")["survey_on_session_end"],
        json!(false)
    );
}

#[test]
fn turning_the_survey_off_reverses_the_edit() {
    let text = SCENARIO_POLICY.replace(
        "survey_on_session_end: true",
        "survey_on_session_end: false",
    );
    let desired = account(&text);
    let on = plan_account(&account(SCENARIO_POLICY), &scenario_live());
    let live_on = simulate::apply(&on, &scenario_live()).expect("applies");
    let off = plan_account(&desired, &live_on);
    let csat = change(&off, "acme-prod.csat.survey_on_session_end");
    assert_eq!(csat.action, ChangeAction::Update);
    let live_off = simulate::apply(&off, &live_on).expect("applies");
    let csat_now = live_off
        .triggers
        .iter()
        .find(|t| t.id == 1001)
        .expect("csat");
    assert_eq!(
        csat_now.conditions,
        scenario_live().triggers[0].conditions,
        "on then off restores Zendesk's default trigger"
    );
}

#[test]
fn the_survey_is_off_already_even_without_the_condition() {
    let text = SCENARIO_POLICY
        .replace(
            "survey_on_session_end: true",
            "survey_on_session_end: false",
        )
        .replace(
            "agents_can_end_sessions: true",
            "agents_can_end_sessions: false",
        )
        .replace("      agent_ended_sessions_route_as: email\n", "");
    let live = live(vec![csat_trigger(1001)], false, true, true);
    let plan = plan_account(&account(&text), &live);
    assert_eq!(
        change(&plan, "acme-prod.csat.survey_on_session_end").action,
        ChangeAction::NoOp
    );
    assert!(plan.diagnostics.is_empty());
}

#[test]
fn a_missing_csat_trigger_is_an_error_for_the_account_only() {
    let live = live(vec![plain_trigger(1002, "Other")], true, true, true);
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    assert_eq!(codes(&plan), [DiagnosticCode::CsatTriggerMissing]);
    assert!(plan.diagnostics[0].message.contains(
        "the account has no trigger titled \"Request customer satisfaction rating (messaging)\""
    ));
    assert!(
        plan.changes
            .iter()
            .any(|c| c.address.to_string() == "acme-prod.trigger.vip-messaging"),
        "the rest of the account is still planned"
    );
    assert!(plan.has_errors());
}

#[test]
fn without_the_session_ended_condition_the_plan_says_why() {
    let live = live(vec![csat_trigger(1001)], false, true, true);
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    assert!(codes(&plan).contains(&DiagnosticCode::SessionEndedConditionMissing));
    let diagnostic = plan
        .diagnostics
        .iter()
        .find(|d| d.code == DiagnosticCode::SessionEndedConditionMissing)
        .expect("diagnostic");
    assert!(
        diagnostic
            .message
            .contains("Messaging session ended reason")
    );
    assert!(
        diagnostic
            .help
            .as_deref()
            .unwrap_or("")
            .contains("session_ended_condition")
    );
    // The agents setting differs and is readable: a manual step that is known to be needed.
    let agents = change(&plan, "acme-prod.setting.agents_can_end_sessions");
    assert_eq!(agents.action, ChangeAction::Manual);
    let step = agents.manual.as_ref().expect("manual");
    assert_eq!(step.live_value, LiveValue::Differs);
    assert_eq!(
        step.admin_center,
        "Admin Center > Channels > Messaging and social > Messaging > Manage settings > Advanced \
         > Ending sessions > \"Agents can end messaging sessions at any time\" > Save settings"
    );
}

#[test]
fn the_policy_can_name_the_session_ended_condition() {
    let text = SCENARIO_POLICY.replace(
        "      survey_on_session_end: true\n",
        "      survey_on_session_end: true\n      session_ended_condition: { field: custom_reason, value: by_agent }\n",
    );
    let live = live(vec![csat_trigger(1001)], false, true, true);
    let plan = plan_account(&account(&text), &live);
    assert!(!codes(&plan).contains(&DiagnosticCode::SessionEndedConditionMissing));
    let csat = change(&plan, "acme-prod.csat.survey_on_session_end");
    let any = &csat.after.as_deref().expect("after")["conditions"]["any"];
    assert_eq!(
        any[1],
        json!({"field": "custom_reason", "operator": "value", "value": "by_agent"})
    );
}

#[test]
fn an_unmanaged_trigger_with_the_same_title_is_a_conflict_not_a_takeover() {
    let live = live(vec![plain_trigger(555, "VIP")], true, true, true);
    let plan = plan_account(&account(&one_trigger_policy("")), &live);
    assert_eq!(codes(&plan), [DiagnosticCode::TriggerConflict]);
    let help = plan.diagnostics[0].help.as_deref().unwrap_or("");
    assert!(help.contains("`adopt: true`"), "{help}");
    assert!(plan.changes.is_empty(), "{:#?}", actions(&plan));
}

#[test]
fn adopt_true_takes_the_trigger_over_by_adding_the_marker() {
    let live = live(vec![plain_trigger(555, "VIP")], true, true, true);
    let plan = plan_account(
        &account(&one_trigger_policy("        adopt: true\n")),
        &live,
    );
    assert!(plan.diagnostics.is_empty());
    let vip = change(&plan, "acme-prod.trigger.vip");
    assert_eq!(vip.action, ChangeAction::Update);
    let description = vip
        .fields
        .iter()
        .find(|f| f.field == "description")
        .expect("field");
    assert_eq!(description.before, Value::Null);
    assert_eq!(
        description.after,
        json!("Managed by zdpolicy (key: vip). Edits in Zendesk are overwritten.")
    );
    assert!(
        vip.reason
            .as_deref()
            .unwrap_or("")
            .contains("adopts trigger 555")
    );
    assert_eq!(
        plan.unmanaged_triggers,
        Some(vec![]),
        "adopted triggers are managed"
    );
}

#[test]
fn adopting_is_refused_when_the_title_is_ambiguous() {
    let live = live(
        vec![plain_trigger(555, "VIP"), plain_trigger(556, "VIP")],
        true,
        true,
        true,
    );
    let plan = plan_account(
        &account(&one_trigger_policy("        adopt: true\n")),
        &live,
    );
    assert_eq!(codes(&plan), [DiagnosticCode::AdoptAmbiguous]);
    assert!(plan.diagnostics[0].message.contains("555, 556"));
}

#[test]
fn two_triggers_with_one_marker_are_left_alone() {
    let live = live(
        vec![
            marked_trigger(10, "vip", "VIP", None),
            marked_trigger(11, "vip", "VIP", None),
        ],
        true,
        true,
        true,
    );
    let plan = plan_account(&account(&one_trigger_policy("")), &live);
    assert_eq!(codes(&plan), [DiagnosticCode::DuplicateOwnership]);
    assert!(plan.changes.is_empty());
}

#[test]
fn only_marked_triggers_are_ever_deleted() {
    let live = live(
        vec![
            plain_trigger(1, "Someone else's"),
            marked_trigger(2, "gone", "Gone", None),
        ],
        true,
        true,
        true,
    );
    let plan = plan_account(&account(&one_trigger_policy("")), &live);
    let deletes: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == ChangeAction::Delete)
        .map(|c| c.address.to_string())
        .collect();
    assert_eq!(deletes, ["acme-prod.trigger.gone"]);
    assert_eq!(
        change(&plan, "acme-prod.trigger.gone").operation.as_deref(),
        Some(&Operation::DeleteTrigger { id: 2 })
    );
}

#[test]
fn values_zendesk_treats_alike_and_position_do_not_make_changes() {
    let text = "version: 1
accounts:
  acme-prod:
    subdomain: acme
    triggers:
      - key: vip
        title: VIP
        conditions:
          all:
            - { field: via_id, operator: is, value: 75 }
            - { field: requester_id, operator: not_present }
          any:
            - { field: custom_status_id, operator: includes, value: [1, 2] }
        actions:
          - { field: set_tags, value: [vip] }
          - { field: group_id, value: 360001 }
";
    let mut trigger = marked_trigger(9, "vip", "VIP", None);
    trigger["position"] = json!(42);
    trigger["category_id"] = json!("100");
    trigger["conditions"] = json!({
        "all": [
            {"field": "via_id", "operator": "is", "value": "75"},
            {"field": "requester_id", "operator": "not_present", "value": null}
        ],
        "any": [{"field": "custom_status_id", "operator": "includes", "value": ["1", "2"]}]
    });
    trigger["actions"] = json!([
        {"field": "set_tags", "value": "vip"},
        {"field": "group_id", "value": "360001"}
    ]);
    let live = live(vec![trigger], true, true, true);
    let plan = plan_account(&account(text), &live);
    assert_eq!(actions(&plan), [("acme-prod.trigger.vip".into(), "no-op")]);
    let whole = plan::plan(vec![AccountInput {
        desired: account(text),
        live: Ok(live),
    }]);
    assert!(!has_changes(&whole));
}

#[test]
fn condition_order_matters() {
    let text = "version: 1
accounts:
  acme-prod:
    subdomain: acme
    triggers:
      - key: vip
        title: VIP
        conditions:
          all:
            - { field: status, operator: less_than, value: solved }
            - { field: via_id, operator: is, value: '75' }
        actions: [ { field: set_tags, value: sla } ]
";
    let mut trigger = marked_trigger(9, "vip", "VIP", None);
    trigger["conditions"]["all"] = json!([
        {"field": "via_id", "operator": "is", "value": "75"},
        {"field": "status", "operator": "less_than", "value": "solved"}
    ]);
    let plan = plan_account(&account(text), &live(vec![trigger], true, true, true));
    let vip = change(&plan, "acme-prod.trigger.vip");
    assert_eq!(vip.action, ChangeAction::Update);
    assert_eq!(vip.fields[0].field, "conditions.all");
}

#[test]
fn settings_the_policy_leaves_unset_are_not_planned() {
    let plan = plan_account(
        &account(&one_trigger_policy("")),
        &live(vec![], false, false, false),
    );
    assert_eq!(actions(&plan), [("acme-prod.trigger.vip".into(), "create")]);
}

#[test]
fn readable_settings_that_agree_are_no_ops() {
    let live = live(vec![csat_trigger(1)], true, true, true);
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    for setting in [
        "agents_can_end_sessions",
        "end_session_after_inactivity",
        "end_users_can_end_sessions",
    ] {
        let change = change(&plan, &format!("acme-prod.setting.{setting}"));
        assert_eq!(change.action, ChangeAction::NoOp, "{setting}");
    }
    let route = change(&plan, "acme-prod.setting.agent_ended_sessions_route_as");
    assert_eq!(route.action, ChangeAction::Manual);
    assert_eq!(
        route.manual.as_ref().map(|m| m.live_value),
        Some(LiveValue::Unknown),
        "no API can read it: always a step of unknown need"
    );
    assert!(!route.is_pending());
}

#[test]
fn an_unreported_setting_is_a_manual_step() {
    let mut live = live(vec![csat_trigger(1)], true, true, true);
    live.settings.messaging_inactivity = None;
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    let inactivity = change(&plan, "acme-prod.setting.end_session_after_inactivity");
    assert_eq!(inactivity.action, ChangeAction::Manual);
    assert_eq!(inactivity.before, None);
    assert_eq!(
        inactivity.manual.as_ref().map(|m| m.live_value),
        Some(LiveValue::Unknown)
    );
}

#[test]
fn a_sunshine_setting_without_the_app_is_an_error() {
    let mut live = live(vec![csat_trigger(1)], true, true, true);
    live.sunshine = None;
    let plan = plan_account(&account(SCENARIO_POLICY), &live);
    assert_eq!(codes(&plan), [DiagnosticCode::SunshineAppNotRead]);
    assert!(
        !plan
            .changes
            .iter()
            .any(|c| c.address.name == "end_users_can_end_sessions")
    );
}

#[test]
fn an_unreadable_account_is_reported_and_the_others_are_planned() {
    let text = "version: 1
accounts:
  zeta:
    subdomain: zeta
    credentials: { oauth_token: env:ZETA_TOKEN }
    triggers:
      - { key: a, title: A, actions: [ { field: status, value: open } ] }
  alpha:
    subdomain: alpha
    credentials: { oauth_token: env:ALPHA_TOKEN }
    triggers:
      - { key: a, title: A, actions: [ { field: status, value: open } ] }
";
    let mut inputs: Vec<AccountInput> = accounts(text)
        .into_iter()
        .map(|desired| AccountInput {
            desired,
            live: Ok(live(vec![], true, true, true)),
        })
        .collect();
    let zeta = inputs
        .iter_mut()
        .find(|i| i.desired.name.value.as_str() == "zeta")
        .expect("zeta");
    zeta.live = Err(ReadFailure::from(std::io::Error::other(
        "connection refused",
    )));
    let plan = plan::plan(inputs);
    let names: Vec<&str> = plan.accounts.iter().map(|a| a.account.as_str()).collect();
    assert_eq!(names, ["alpha", "zeta"]);
    assert_eq!(plan.accounts[0].changes.len(), 1);
    assert_eq!(
        codes(&plan.accounts[1]),
        [DiagnosticCode::AccountUnreadable]
    );
    assert!(
        plan.accounts[1].diagnostics[0]
            .message
            .contains("connection refused")
    );
    assert!(plan.has_errors());
    assert_eq!(plan.format_version, "2.0");
    assert_eq!(plan.tool_version, env!("CARGO_PKG_VERSION"));
}

#[test]
fn unmanaged_triggers_are_only_listed_when_asked_for() {
    let text = one_trigger_policy("").replace("    unmanaged_triggers: report\n", "");
    let plan = plan_account(
        &account(&text),
        &live(vec![plain_trigger(1, "X")], true, true, true),
    );
    assert_eq!(plan.unmanaged_triggers, None);
}

#[test]
fn the_policy_hash_is_stable_and_covers_names_and_values() {
    let hash = |text: &str| plan::policy_hash(&accounts(text));
    let base = hash(SCENARIO_POLICY);
    assert_eq!(base.len(), 64);
    assert_eq!(base, hash(SCENARIO_POLICY), "same policy, same hash");
    let reordered = SCENARIO_POLICY.replace(
        "      agents_can_end_sessions: true\n      agent_ended_sessions_route_as: email\n",
        "      agent_ended_sessions_route_as: email\n      agents_can_end_sessions: true\n",
    );
    assert_ne!(reordered, SCENARIO_POLICY);
    assert_eq!(base, hash(&reordered), "key order does not count");
    assert_ne!(
        base,
        hash(&SCENARIO_POLICY.replace("acme-prod:", "acme-stage:"))
    );
    assert_ne!(
        base,
        hash(&SCENARIO_POLICY.replace("value: urgent", "value: high"))
    );
}
