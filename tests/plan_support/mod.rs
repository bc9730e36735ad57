//! Shared helpers for the planner's tests: a resolved account from policy text, and live
//! states in Zendesk's shapes.

#![allow(dead_code)]

use serde_json::{Value, json};
use zdpolicy::live::LiveState;
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{Severity, load_sources, source::SourceMap};

/// The subject of "Messaging session ended reason" in these tests' definitions (Zendesk does
/// not document the real one; the planner must find it by title).
pub const ENDED_SUBJECT: &str = "test_session_ended_reason";
/// The value titled "Ended by agent".
pub const ENDED_BY_AGENT: &str = "ended_by_agent";

/// Every account of a policy, which must load without errors.
pub fn accounts(text: &str) -> Vec<ResolvedAccount> {
    let mut sources = SourceMap::new();
    sources.add("policy.yaml", text.to_owned());
    let policy = load_sources("test".into(), sources);
    let errors: Vec<_> = policy
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "policy has errors: {errors:#?}");
    policy.accounts
}

/// The only account of a policy.
pub fn account(text: &str) -> ResolvedAccount {
    let mut all = accounts(text);
    assert_eq!(all.len(), 1, "expected one account");
    all.remove(0)
}

/// Zendesk's default messaging CSAT trigger, before the session-end edit.
pub fn csat_trigger(id: u64) -> Value {
    json!({
        "id": id,
        "url": format!("https://acme.zendesk.com/api/v2/triggers/{id}.json"),
        "title": "Request customer satisfaction rating (messaging)",
        "raw_title": "Request customer satisfaction rating (messaging)",
        "active": true,
        "position": 4,
        "default": false,
        "description": null,
        "category_id": "100",
        "conditions": {
            "all": [
                {"field": "status", "operator": "value", "value": "solved"},
                {"field": "via_id", "operator": "is", "value": "75"},
                {"field": "csat_survey_sent", "operator": "is", "value": "false"}
            ],
            "any": []
        },
        "actions": [{"field": "send_csat_survey", "value": "messaging"}],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-02T00:00:00Z",
        "brand_id": 7
    })
}

/// A trigger nobody manages.
pub fn plain_trigger(id: u64, title: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "active": true,
        "position": 1,
        "description": null,
        "category_id": "100",
        "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
        "actions": [{"field": "notification_user", "value": ["requester_id", "Hi", "{{ticket.id}}"]}],
        "updated_at": "2025-03-01T00:00:00Z"
    })
}

/// Condition fields these tests' definitions offer without listing operators or values, so
/// the definitions check leaves them alone (its own tests use a fuller account).
const OPEN_FIELDS: &[&str] = &[
    "status",
    "priority",
    "via_id",
    "current_tags",
    "assignee_id",
    "group_id",
    "update_type",
    "custom_fields_360001",
    "csat_survey_sent",
    "custom_session_reason",
];

/// Trigger definitions, with "Messaging session ended reason" when agents can end sessions.
/// Actions are not listed, so actions are not checked.
pub fn definitions(agents_can_end_sessions: bool) -> Value {
    let mut any: Vec<Value> = OPEN_FIELDS
        .iter()
        .map(|field| json!({"subject": field, "title": field, "type": "text"}))
        .collect();
    if agents_can_end_sessions {
        any.push(json!({
            "subject": ENDED_SUBJECT,
            "title": "Messaging session ended reason",
            "type": "list",
            "operators": [{"value": "is", "title": "Is"}, {"value": "value", "title": "Changed to"}],
            "values": [
                {"value": "ended_by_user", "title": "Ended by user"},
                {"value": ENDED_BY_AGENT, "title": "Ended by agent"}
            ]
        }));
    }
    json!({"actions": [], "conditions_all": any.clone(), "conditions_any": any})
}

/// A live state: the given triggers, the "Notifications" category (id 100), definitions,
/// `messaging_inactivity.end_session` and a Sunshine Conversations app `app1` with
/// `endSessionEnabled`.
pub fn live(
    triggers: Vec<Value>,
    agents_can_end_sessions: bool,
    end_session: bool,
    end_users: bool,
) -> LiveState {
    serde_json::from_value(json!({
        "triggers": triggers,
        "categories": [{"id": "100", "name": "Notifications", "position": 0, "updated_at": "2025-01-01T00:00:00Z"}],
        "definitions": definitions(agents_can_end_sessions),
        "settings": {
            "messaging_inactivity": {"enabled": true, "end_session": end_session, "timeout": 30},
            "routing": {"enabled": true}
        },
        "sunshine": {
            "id": "app1",
            "displayName": "Messaging",
            "settings": {"multiConvoEnabled": true, "endSessionEnabled": end_users, "disableConversationReopen": true}
        }
    }))
    .expect("live state")
}

/// The policy of the main scenario: every setting, the CSAT edit and two managed triggers.
pub const SCENARIO_POLICY: &str = r#"version: 1
accounts:
  acme-prod:
    subdomain: acme
    sunshine_conversations: { app_id: app1, key_id: env:SC_KEY_ID, key_secret: env:SC_KEY_SECRET }
    unmanaged_triggers: report
    messaging:
      agents_can_end_sessions: true
      agent_ended_sessions_route_as: email
      end_users_can_end_sessions: true
      end_session_after_inactivity: true
    csat:
      survey_on_session_end: true
    triggers:
      - key: vip-messaging
        title: VIP messaging
        description: |-
          Escalate VIP conversations.
          Owned by the support-ops team.
        category: Escalations
        conditions:
          all:
            - { field: via_id, operator: is, value: 75 }
            - { field: current_tags, operator: includes, value: vip }
        actions:
          - { field: priority, value: urgent }
          - { field: notification_webhook, value: ["01HZX", "{\"ticket\": \"{{ticket.id}}\"}"] }
      - key: sla-reminder
        title: SLA reminder
        category: Notifications
        conditions:
          all:
            - { field: status, operator: less_than, value: solved }
            - { field: assignee_id, operator: changed }
        actions:
          - { field: set_tags, value: sla }
"#;

/// A managed trigger as zdpolicy would have written it, with the marker for `key`.
pub fn marked_trigger(id: u64, key: &str, title: &str, description: Option<&str>) -> Value {
    let marker = format!("Managed by zdpolicy (key: {key}). Edits in Zendesk are overwritten.");
    let description = match description {
        Some(text) => format!("{text}\n{marker}"),
        None => marker,
    };
    json!({
        "id": id,
        "url": format!("https://acme.zendesk.com/api/v2/triggers/{id}.json"),
        "title": title,
        "raw_title": title,
        "active": true,
        "position": 7,
        "default": false,
        "description": description,
        "category_id": "100",
        "conditions": {"all": [{"field": "status", "operator": "less_than", "value": "solved"}], "any": []},
        "actions": [{"field": "set_tags", "value": "sla"}],
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-04-01T10:00:00Z"
    })
}

/// The live state of the main scenario: the CSAT trigger in its default form, an unmanaged
/// trigger, `sla-reminder` drifted in Zendesk, `legacy` dropped from the policy; inactivity
/// and end-user session ending off; agents can end sessions.
pub fn scenario_live() -> LiveState {
    let mut sla = marked_trigger(
        1003,
        "sla-reminder",
        "SLA reminder (edited in Zendesk)",
        None,
    );
    sla["conditions"]["all"] = json!([
        {"field": "status", "operator": "less_than", "value": "solved"},
        {"field": "assignee_id", "operator": "changed", "value": ""}
    ]);
    live(
        vec![
            csat_trigger(1001),
            plain_trigger(1002, "Notify requester of received request"),
            sla,
            marked_trigger(1004, "legacy", "Legacy routing", Some("Old routing rule.")),
        ],
        true,
        false,
        false,
    )
}

/// The plan document's JSON Schema (`schemas/plan.schema.json`).
pub fn plan_schema() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/plan.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Fails, naming every violation, unless `document` is a valid plan document.
pub fn assert_valid_plan_document(document: &Value) {
    let errors: Vec<String> = plan_schema()
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
