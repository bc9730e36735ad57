//! The plan's views, exactly as users see them: text, JSON and Markdown snapshots of one
//! scenario, the empty plan, colour, and the Markdown size limit.

mod plan_support;

use plan_support::*;
use serde_json::json;
use zdpolicy::plan::render::{json, markdown, text};
use zdpolicy::plan::{self, AccountInput, Plan, simulate};

fn scenario_plan() -> Plan {
    plan::plan(vec![AccountInput {
        desired: account(SCENARIO_POLICY),
        live: Ok(scenario_live()),
    }])
}

/// Values that change with the version or with the shape of wire types, not with the format.
fn stable(f: impl FnOnce()) {
    insta::with_settings!({filters => vec![
        (r#""tool_version": "[^"]+""#, r#""tool_version": "[version]""#),
        (r#""(policy_hash|sha256)": "[0-9a-f]{64}""#, r#""$1": "[sha256]""#),
        (r#"": "[0-9a-f]{16}""#, r#"": "[field hash]""#),
    ]}, {
        f();
    });
}

#[test]
fn text_view() {
    insta::assert_snapshot!(text::render(&scenario_plan(), false));
}

#[test]
fn json_view() {
    stable(|| insta::assert_snapshot!(json::render(&scenario_plan())));
}

#[test]
fn markdown_view() {
    insta::assert_snapshot!(markdown::render(&scenario_plan()));
}

#[test]
fn after_apply_the_views_say_there_is_nothing_to_do() {
    let desired = account(SCENARIO_POLICY);
    let first = plan::plan_account(&desired, &scenario_live());
    let live = simulate::apply(&first, &scenario_live()).expect("applies");
    let second = plan::plan(vec![AccountInput {
        desired,
        live: Ok(live),
    }]);
    assert!(!plan::has_changes(&second));
    // Routing of agent-ended sessions can never be read, so its step stays, of unknown need.
    insta::assert_snapshot!(text::render(&second, false));
}

#[test]
fn an_empty_plan_says_no_changes() {
    let text_policy = "version: 1
accounts:
  acme-prod:
    subdomain: acme
    messaging: { end_session_after_inactivity: true }
";
    let plan = plan::plan(vec![AccountInput {
        desired: account(text_policy),
        live: Ok(live(vec![], true, true, true)),
    }]);
    assert_eq!(
        text::render(&plan, false),
        "No changes. Live state matches the policy.\n"
    );
    let md = markdown::render(&plan);
    assert!(
        md.starts_with("**No changes. Live state matches the policy.**\n<!-- zdpolicy-plan -->\n")
    );
    let doc = json::to_value(&plan);
    assert_eq!(doc["summary"]["has_changes"], json!(false));
    assert_eq!(
        doc["accounts"][0]["changes"][0]["actions"],
        json!(["no-op"])
    );
}

#[test]
fn colour_is_only_used_when_asked_for() {
    let plan = scenario_plan();
    assert!(!text::render(&plan, false).contains('\u{1b}'));
    let coloured = text::render(&plan, true);
    assert!(coloured.contains("\u{1b}[32m"), "green for additions");
    assert!(coloured.contains("\u{1b}[31m"), "red for deletions");
    // Resets come before line breaks.
    assert!(!coloured.contains("\n\u{1b}[0m"));
}

#[test]
fn the_json_document_follows_the_documented_shape() {
    let doc = json::to_value(&scenario_plan());
    assert_eq!(doc["format_version"], json!("2.0"));
    assert_eq!(doc["tool_version"], json!(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        doc["summary"],
        json!({"add": 2, "change": 4, "destroy": 1, "manual": 1, "accounts_with_errors": 0, "has_changes": true})
    );
    let change = &doc["accounts"][0]["changes"][8];
    assert_eq!(change["address"], json!("acme-prod.trigger.vip-messaging"));
    assert_eq!(change["actions"], json!(["create"]));
    assert_eq!(change["before"], json!(null));
    assert_eq!(change["after"]["title"], json!("VIP messaging"));
}

/// The plan document's schema (schemas/plan.schema.json) accepts what the planner writes: the
/// scenario (creates, updates, a delete, no-ops, a manual step), the plan after applying it,
/// and a plan with conflicts and an unreadable account.
#[test]
fn the_plan_schema_accepts_the_planned_documents() {
    let desired = account(SCENARIO_POLICY);
    let first = plan::plan_account(&desired, &scenario_live());
    let live = simulate::apply(&first, &scenario_live()).expect("applies");
    let after = plan::plan(vec![AccountInput {
        desired,
        live: Ok(live),
    }]);
    for plan in [scenario_plan(), after, problem_plan()] {
        assert_valid_plan_document(&json::to_value(&plan));
    }
}

/// Regression (#19): the reference showed `"manual": null` on a change, while the writer
/// leaves out keys that do not apply. Absent is the rule, and the schema pins it: no key of a
/// change but `before` and `after` is ever null.
#[test]
fn keys_that_do_not_apply_are_left_out_not_null() {
    let doc = json::to_value(&scenario_plan());
    let changes = doc["accounts"][0]["changes"].as_array().unwrap();
    for change in changes {
        for (key, value) in change.as_object().unwrap() {
            assert!(
                !value.is_null() || key == "before" || key == "after",
                "{key} is null in {change}"
            );
        }
    }
    let schema = plan_schema();
    for key in ["manual", "reason", "seen", "operation", "fields"] {
        let mut edited = doc.clone();
        let no_op = edited["accounts"][0]["changes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["actions"] == json!(["no-op"]))
            .expect("the scenario has a no-op");
        no_op[key] = json!(null);
        assert!(!schema.is_valid(&edited), "`{key}: null` must be refused");
    }
}

#[test]
fn markdown_is_cut_before_the_comment_limit_and_stays_well_formed() {
    let mut policy = String::from("version: 1\naccounts:\n");
    for account in 0..6 {
        policy.push_str(&format!(
            "  acct-{account}:\n    subdomain: acct-{account}\n"
        ));
        policy.push_str(&format!(
            "    credentials: {{ oauth_token: env:TOKEN_{account} }}\n    triggers:\n"
        ));
        for key in 0..40 {
            let body = "x".repeat(300);
            policy.push_str(&format!(
                "      - {{ key: t{key}, title: 'Trigger {key}', description: '{body}', \
                 actions: [ {{ field: status, value: open }} ] }}\n"
            ));
        }
    }
    let inputs = accounts(&policy)
        .into_iter()
        .map(|desired| AccountInput {
            desired,
            live: Ok(live(vec![], true, true, true)),
        })
        .collect();
    let md = markdown::render(&plan::plan(inputs));
    assert!(md.len() <= markdown::MAX_LEN, "{} bytes", md.len());
    assert!(md.starts_with("**Plan: 240 to add, 0 to change, 0 to destroy, 0 manual steps.**\n"));
    assert!(md.contains(markdown::MARKER));
    assert!(md.contains("this plan was cut to fit in a comment"));
    assert_eq!(
        md.matches("<details>").count(),
        md.matches("</details>").count()
    );
    assert_eq!(md.matches("```").count() % 2, 0, "every fence is closed");
}

#[test]
fn backticks_in_trigger_text_cannot_end_the_code_block() {
    let policy = "version: 1
accounts:
  acme-prod:
    subdomain: acme
    triggers:
      - key: a
        title: 'Has ``` fences'
        actions: [ { field: status, value: open } ]
";
    let md = markdown::render(&plan::plan(vec![AccountInput {
        desired: account(policy),
        live: Ok(live(vec![], true, true, true)),
    }]));
    assert!(md.contains("````diff\n"), "{md}");
}

/// Conflicts, account errors and an unreadable account, in every view.
fn problem_plan() -> Plan {
    let text = "version: 1
accounts:
  acme-prod:
    subdomain: acme
    credentials: { oauth_token: env:ACME_PROD_TOKEN }
    csat: { survey_on_session_end: true }
    triggers:
      - key: vip
        title: VIP
        actions: [ { field: priority, value: urgent } ]
  acme-stage:
    subdomain: acme-stage
    credentials: { oauth_token: env:ACME_STAGE_TOKEN }
";
    let inputs = accounts(text)
        .into_iter()
        .map(|desired| {
            let live = if desired.name.value.as_str() == "acme-stage" {
                Err(plan::ReadFailure::from(std::io::Error::other(
                    "GET https://acme-stage.zendesk.com/api/v2/triggers: 401 Couldn't authenticate you",
                )))
            } else {
                Ok(live(vec![plain_trigger(555, "VIP")], true, true, true))
            };
            AccountInput { desired, live }
        })
        .collect();
    plan::plan(inputs)
}

#[test]
fn problems_text_view() {
    insta::assert_snapshot!(text::render(&problem_plan(), false));
}

#[test]
fn problems_json_view() {
    stable(|| insta::assert_snapshot!(json::render(&problem_plan())));
}

#[test]
fn problems_markdown_view() {
    insta::assert_snapshot!(markdown::render(&problem_plan()));
}

/// A trigger naming a group and a custom field's option: the views show each name with the
/// id it resolved to, and on the diff's "before" side the name of the id the live trigger
/// holds (regression: that side showed the bare id); the JSON view keeps the references and
/// the names of the live side.
#[test]
fn references_show_their_names_with_the_ids() {
    use zdpolicy::directory::{Directory, Entry, ListKind, OptionEntry};
    let policy = r#"version: 1
accounts:
  acme-prod:
    subdomain: acme
    triggers:
      - key: route
        title: Route enterprise
        conditions:
          all:
            - { field: { ticket_field: Product }, operator: is, value: { option: Enterprise } }
        actions:
          - { field: group_id, value: { group: Tier 2 } }
"#;
    let mut live = live(
        vec![marked_trigger(1005, "route", "Route enterprise", None)],
        true,
        true,
        true,
    );
    live.triggers[0].conditions.all = serde_json::from_value(json!([
        {"field": "custom_fields_46", "operator": "is", "value": "enterprise"}
    ]))
    .unwrap();
    live.triggers[0].actions =
        serde_json::from_value(json!([{"field": "group_id", "value": "360001"}])).unwrap();
    let entry = |id: &str, name: &str| Entry {
        id: id.into(),
        name: name.into(),
        active: true,
        options: Vec::new(),
    };
    let mut product = entry("46", "Product");
    product.options = vec![OptionEntry {
        id: "461".into(),
        name: "Enterprise".into(),
        value: "enterprise".into(),
    }];
    live.directory = Directory {
        lists: [
            (
                ListKind::Groups,
                vec![entry("360001", "Tier 1"), entry("360002", "Tier 2")],
            ),
            (ListKind::TicketFields, vec![product]),
        ]
        .into_iter()
        .collect(),
    };
    let plan = plan::plan(vec![AccountInput {
        desired: account(policy),
        live: Ok(live),
    }]);
    insta::assert_snapshot!(text::render(&plan, false));
    insta::assert_snapshot!(markdown::render(&plan));
    let doc = json::to_value(&plan);
    assert_eq!(
        doc["accounts"][0]["changes"][0]["references"],
        json!([
            {"at": "conditions.all[0].field", "kind": "ticket_field", "name": "Product", "id": "46"},
            {"at": "conditions.all[0].value", "kind": "option", "name": "Enterprise", "id": "enterprise", "field_id": "46"},
            {"at": "actions[0].value", "kind": "group", "name": "Tier 2", "id": "360002"}
        ])
    );
    assert_eq!(
        doc["accounts"][0]["changes"][0]["before_names"],
        json!([
            {"at": "conditions.all[0].field", "kind": "ticket_field", "name": "Product", "id": "46"},
            {"at": "conditions.all[0].value", "kind": "option", "name": "Enterprise", "id": "enterprise", "field_id": "46"},
            {"at": "actions[0].value", "kind": "group", "name": "Tier 1", "id": "360001"}
        ])
    );
}

/// Issue #13: each view was built as one string before it was printed (400 MB for the JSON of
/// 200,000 creates). Now the text view is written an account at a time and the JSON view as
/// it is serialised; what arrives is byte for byte the one-string rendering, which the
/// snapshots above pin to what the views printed before.
#[test]
fn views_are_written_an_account_at_a_time_with_the_same_bytes() {
    /// Keeps each write apart.
    struct Writes(Vec<Vec<u8>>);
    impl std::io::Write for Writes {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.push(bytes.to_vec());
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let plan = problem_plan();
    let mut writes = Writes(Vec::new());
    text::write(&plan, false, &mut writes).unwrap();
    // acme-prod's section, acme-stage's (its error), then the summary.
    assert_eq!(writes.0.len(), 3);
    assert!(
        String::from_utf8_lossy(&writes.0[1]).starts_with("acme-stage (acme-stage.zendesk.com)")
    );
    assert_eq!(writes.0.concat(), text::render(&plan, false).into_bytes());

    let mut streamed = Vec::new();
    json::write(&scenario_plan(), &mut streamed).unwrap();
    let whole = serde_json::to_string_pretty(&json::to_value(&scenario_plan())).unwrap() + "\n";
    assert_eq!(String::from_utf8(streamed).unwrap(), whole);
}
