//! Byte-exact round trips, pure (no server): a live trigger exported, loaded and planned
//! against itself is unchanged, a write sends back what was read, and differences that are
//! hard to see are shown so they can be seen.

mod plan_support;

use plan_support::{account, live};
use serde_json::{Value, json};
use zdpolicy::export::{ExportOptions, export_account, to_yaml};
use zdpolicy::live::LiveState;
use zdpolicy::plan::{self, AccountInput, ChangeAction, Operation};
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{Severity, load_sources, source::SourceMap};

const ACCOUNT: &str = "version: 1\naccounts:\n  acme-prod:\n    subdomain: acme\n";

/// Triggers with the quirks real accounts have: spaces at the ends of titles and
/// descriptions, tabs and double spaces, CRLF, `null`/`""`/absent values and descriptions,
/// numbers as strings, long action lists, Liquid bodies that are not JSON, right-to-left text.
fn quirky_triggers() -> Vec<Value> {
    vec![
        json!({
            "id": 36000000000011_u64, "title": "[Assignment] [New] to Insights ", "active": true,
            "position": 3, "description": "Routes new tickets.  \tSee wiki.  ",
            "category_id": "100",
            "conditions": {"all": [
                {"field": "assignee_id", "operator": "changed", "value": null},
                {"field": "group_id", "operator": "changed", "value": ""},
                {"field": "status", "operator": "not_present"},
                {"field": "via_id", "operator": "is", "value": "4"}
            ], "any": []},
            "actions": [{"field": "group_id", "value": "360000123456"}],
            "updated_at": "2024-01-01T00:00:00Z"
        }),
        json!({
            "id": 36000000000012_u64, "title": "תור  VIP", "active": false, "position": 3,
            "description": null,
            "conditions": {"all": [{"field": "current_tags", "operator": "includes", "value": "vip  gold"}], "any": []},
            "actions": [
                {"field": "notification_webhook", "value": ["01HWEBHOOK", "{\n\t\"id\": \"{{ticket.id}}\",\n\t\"body\": {{ticket.description | json}}\n}"]},
                {"field": "notification_user", "value": ["requester_id", "Re: {{ticket.title}} ", "Hello,\r\n\r\nThanks.\n"]},
                {"field": "side_conversation_ticket", "value": ["Escalation", "<p>See {{ticket.url}}</p>", "group_id", "text/html"]}
            ]
        }),
        json!({
            "id": 36000000000013_u64, "title": "Line endings", "active": true, "position": 0,
            "description": "First line\r\nsecond line\n",
            "conditions": {"all": [], "any": [{"field": "priority", "operator": "is", "value": ["high"]}]},
            "actions": [{"field": "set_tags", "value": ""}, {"field": "status", "value": null}]
        }),
        json!({
            "id": 36000000000014_u64, "title": "Already managed", "active": true, "position": 9,
            "description": "Text kept  \n\nManaged by zdpolicy (key: managed). Edits in Zendesk are overwritten.",
            "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
            "actions": [{"field": "priority", "value": 2}]
        }),
    ]
}

fn quirky_live() -> LiveState {
    live(quirky_triggers(), true, false, false)
}

fn load(text: &str) -> (ResolvedAccount, Vec<zdpolicy::policy::Diagnostic>) {
    let mut sources = SourceMap::new();
    sources.add("exported.yaml", text.to_owned());
    let mut policy = load_sources("exported".into(), sources);
    assert_eq!(policy.accounts.len(), 1, "{text}");
    (policy.accounts.remove(0), policy.diagnostics)
}

fn exported(live: &LiveState) -> String {
    let exported = export_account(
        &account(ACCOUNT),
        live,
        ExportOptions {
            triggers: true,
            names: true,
        },
    );
    to_yaml(&[exported], None)
}

#[test]
fn an_exported_account_plans_to_no_change() {
    let live = quirky_live();
    let text = exported(&live);
    let (desired, diagnostics) = load(&text);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let plan = plan::plan_account(&desired, &live);
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    let triggers: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.address.to_string().contains(".trigger."))
        .collect();
    assert_eq!(triggers.len(), 4, "{text}");
    for change in triggers {
        assert_eq!(
            change.action,
            ChangeAction::NoOp,
            "{}: {:#?}\n{text}",
            change.address,
            change.fields
        );
    }
}

/// Regression: `value: null` was read as an absent value and export left nulls out, so a PUT
/// dropped keys Zendesk had sent; descriptions lost their trailing spaces.
#[test]
fn a_write_sends_back_exactly_what_was_read() {
    let live = quirky_live();
    let text = exported(&live).replace("active: false", "active: true");
    let (desired, _) = load(&text);
    let plan = plan::plan_account(&desired, &live);
    let updates: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.action == ChangeAction::Update)
        .collect();
    assert_eq!(updates.len(), 1, "{:#?}", plan.changes);
    let fields: Vec<&str> = updates[0].fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["description", "active"],
        "the marker is added, and `active`"
    );
    let Some(Operation::UpdateTrigger { id, trigger }) = updates[0].operation.as_deref() else {
        panic!("an update")
    };
    let read = live.triggers.iter().find(|t| t.id == *id).expect("read");
    let body = trigger.request_body(None);
    assert_eq!(body["trigger"]["title"], json!(read.title));
    assert_eq!(body["trigger"]["conditions"], json!(read.conditions));
    assert_eq!(body["trigger"]["actions"], json!(read.actions));
    assert_eq!(
        body["trigger"]["description"],
        json!("Managed by zdpolicy (key: vip). Edits in Zendesk are overwritten."),
        "a null description gains only the marker"
    );

    let first = live
        .triggers
        .iter()
        .find(|t| t.id == 36000000000011)
        .expect("first");
    let text = text.replace("value: \"360000123456\"", "value: \"360000123457\"");
    let (desired, _) = load(&text);
    let plan = plan::plan_account(&desired, &live);
    let change = plan
        .changes
        .iter()
        .find(|c| {
            c.seen
                .as_ref()
                .is_some_and(|s| format!("{:?}", s.object).contains("36000000000011"))
        })
        .expect("the first trigger is updated");
    let Some(Operation::UpdateTrigger { trigger, .. }) = change.operation.as_deref() else {
        panic!("an update")
    };
    let body = trigger.request_body(None);
    assert_eq!(
        body["trigger"]["conditions"],
        json!(first.conditions),
        "null, \"\" and absent as read"
    );
    assert_eq!(
        body["trigger"]["description"],
        json!(
            "Routes new tickets.  \tSee wiki.  \nManaged by zdpolicy (key: assignment-new-to-insights). Edits in Zendesk are overwritten."
        ),
        "the user's text is kept byte for byte before the marker"
    );
}

/// Regression: a description or title that differed only by trailing spaces showed as an
/// update whose `-` and `+` lines looked identical.
#[test]
fn invisible_differences_are_shown_visibly() {
    let live = live(
        vec![json!({
            "id": 36000000000021_u64, "title": "Notify  ", "active": true, "position": 0,
            "description": "Line one\nLine two  \nManaged by zdpolicy (key: notify). Edits in Zendesk are overwritten.",
            "conditions": {"all": [], "any": []},
            "actions": [{"field": "status", "value": "open\t"}]
        })],
        true,
        false,
        false,
    );
    let policy = "version: 1\naccounts:\n  acme-prod:\n    subdomain: acme\n    triggers:\n      - key: notify\n        title: Notify\n        description: \"Line one\\nLine two\"\n        actions: [ { field: status, value: open } ]\n";
    let desired = account(policy);
    let plan = plan::plan(vec![AccountInput {
        desired,
        live: Ok(live),
    }]);
    let text = plan::render::text::render(&plan, false);
    insta::assert_snapshot!(text);
}

/// Export writes the current order (`order: manage`, the categories, each trigger's place
/// among the triggers that stay unmanaged), so the exported policy moves nothing, even where
/// positions are duplicated and gapped and unmanaged triggers sit between exported ones.
#[test]
fn an_exported_order_plans_to_no_move() {
    let mut standard = plan_support::plain_trigger(36000000000021, "Notify requester of update");
    standard["default"] = json!(true);
    standard["position"] = json!(5);
    let mut second = plan_support::plain_trigger(36000000000022, "b second");
    second["position"] = json!(5);
    let mut first = plan_support::plain_trigger(36000000000023, "A first");
    first["position"] = json!(5);
    let mut last = plan_support::plain_trigger(36000000000024, "Last");
    last["position"] = json!(40);
    let mut live = live(vec![last, standard, second, first], true, false, false);
    live.categories.push(
        serde_json::from_value(json!({"id": "200", "name": "Routing", "position": -3}))
            .expect("category"),
    );
    let text = exported(&live);
    assert!(text.contains("order: manage"), "{text}");
    assert!(
        text.contains("- Routing\n") || text.contains("[Routing"),
        "{text}"
    );
    let (desired, diagnostics) = load(&text);
    assert!(
        diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{diagnostics:#?}"
    );
    let plan = plan::plan_account(&desired, &live);
    assert!(plan.diagnostics.is_empty(), "{:#?}", plan.diagnostics);
    let pending: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.is_pending())
        .map(|c| c.address.to_string())
        .collect();
    assert!(pending.is_empty(), "{pending:?}\n{text}");
    let orders: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.address.to_string().contains("order."))
        .map(|c| c.address.to_string())
        .collect();
    assert_eq!(
        orders,
        [
            "acme-prod.category_order.trigger_categories",
            "acme-prod.order.Notifications"
        ]
    );
}
