//! Resolving references against a small directory: ids in place of names, and located errors
//! for names that find none, several, or an inactive object.

use super::*;
use crate::plan::address::ObjectKind;
use crate::policy::load::load_texts;
use serde_json::json;

pub(in crate::plan) fn directory() -> Directory {
    let entry = |id: &str, name: &str, active: bool| Entry {
        id: id.into(),
        name: name.into(),
        active,
        options: Vec::new(),
    };
    let mut product = entry("4612", "Product", true);
    product.options = vec![crate::directory::OptionEntry {
        id: "11".into(),
        name: "Enterprise".into(),
        value: "tier_enterprise".into(),
    }];
    Directory {
        lists: [
            (
                ListKind::Groups,
                vec![
                    entry("360001", "Tier 2", true),
                    entry("360002", "Dup", true),
                    entry("360003", "Dup", true),
                    entry("360004", "Old", false),
                ],
            ),
            (ListKind::TicketFields, vec![product]),
            (
                ListKind::Webhooks,
                vec![entry("01GW", "Slack alerts", true)],
            ),
        ]
        .into_iter()
        .collect(),
    }
}

fn resolved(conditions: &str, actions: &str) -> Result<Resolved<'static>, Vec<String>> {
    let text = format!(
        "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions: {{ all: [ {conditions} ] }}\n        actions: [ {actions} ]\n"
    );
    let policy = load_texts(&[("p.yaml", &text)]);
    assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
    let account = &policy.accounts[0];
    let address = Address::new(&account.name.value, ObjectKind::Trigger, "t");
    resolve(
        &account.triggers()[0],
        &directory(),
        &address,
        &account.locator,
    )
    .map(|done| Resolved {
        spec: Cow::Owned(done.spec.into_owned()),
        references: done.references,
    })
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|d| {
                format!(
                    "{} {}: {} | {}",
                    d.code,
                    d.location.map(|l| l.to_string()).unwrap_or_default(),
                    d.message,
                    d.help.unwrap_or_default()
                )
            })
            .collect()
    })
}

#[test]
fn a_trigger_without_references_is_its_own_resolved_form() {
    let text = "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions: { all: [ { field: group_id, operator: is, value: 360001 } ] }\n        actions: [ { field: priority, value: high } ]\n";
    let policy = load_texts(&[("p.yaml", text)]);
    let account = &policy.accounts[0];
    let address = Address::new(&account.name.value, ObjectKind::Trigger, "t");
    let spec = &account.triggers()[0];
    let done = resolve(spec, &directory(), &address, &account.locator).unwrap();
    assert!(matches!(done.spec, Cow::Borrowed(s) if std::ptr::eq(s, &**spec)));
    assert!(done.references.is_empty());
    // One reference is enough to resolve (and copy) the trigger.
    let done = resolved(
        "{ field: group_id, operator: is, value: 360001 }",
        "{ field: group_id, value: { group: Tier 2 } }",
    )
    .unwrap();
    assert_eq!(
        done.spec.actions.value[0].value.as_ref().unwrap().value,
        json!("360001")
    );
}

#[test]
fn references_become_the_accounts_ids() {
    let done = resolved(
        "{ field: { ticket_field: Product }, operator: is, value: { option: Enterprise } }",
        "{ field: group_id, value: { group: Tier 2 } }, \
         { field: notification_webhook, value: [ { webhook: Slack alerts }, \"{}\" ] }",
    )
    .unwrap();
    let condition = &done.spec.conditions.all[0];
    assert_eq!(
        condition.field.value,
        Field::Api("custom_fields_4612".into())
    );
    // A dropdown option is written as its tag, as triggers hold it, never its id.
    assert_eq!(
        condition.value.as_ref().unwrap().value,
        json!("tier_enterprise")
    );
    let actions = &done.spec.actions.value;
    assert_eq!(actions[0].value.as_ref().unwrap().value, json!("360001"));
    assert_eq!(
        actions[1].value.as_ref().unwrap().value,
        json!(["01GW", "{}"])
    );
    let at: Vec<(&str, &str)> = done
        .references
        .iter()
        .map(|r| (r.at.as_str(), r.id.as_str()))
        .collect();
    assert_eq!(
        at,
        [
            ("conditions.all[0].field", "4612"),
            ("conditions.all[0].value", "tier_enterprise"),
            ("actions[0].value", "360001"),
            ("actions[1].value[0]", "01GW"),
        ]
    );
    assert_eq!(done.references[1].field_id.as_deref(), Some("4612"));
}

#[test]
fn missing_ambiguous_inactive_and_unread_names_are_located_errors() {
    let problems = resolved(
        "{ field: group_id, operator: is, value: { group: tier 2 } }",
        "{ field: group_id, value: { group: Dup } }, \
         { field: group_id, value: { group: Old } }, \
         { field: set_schedule, value: { schedule: EU hours } }",
    )
    .unwrap_err();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with(
        "reference-not-found p.yaml:8:70: this account has no group named \"tier 2\" | did you mean \"Tier 2\"?"
    ), "{}", problems[0]);
    assert!(problems[1].starts_with(
        "reference-ambiguous p.yaml:9:46: 2 groups are named \"Dup\" in this account (ids 360002, 360003)"
    ), "{}", problems[1]);
    assert!(
        problems[2].contains("the group named \"Old\" (360004) is inactive"),
        "{}",
        problems[2]
    );
    assert!(
        problems[3].contains("the account's schedules were not read"),
        "{}",
        problems[3]
    );
}

#[test]
fn an_option_of_an_unknown_field_or_a_missing_option_is_an_error() {
    let problems = resolved(
        "{ field: { ticket_field: Product }, operator: is, value: { option: Enterprize } }, \
         { field: custom_fields_999, operator: is, value: { option: A } }",
        "{ field: priority, value: high }",
    )
    .unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].contains(
            "no option of field \"Product\" named \"Enterprize\" | did you mean \"Enterprise\"?"
        ),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("custom field 999, which this account does not have"),
        "{}",
        problems[1]
    );
}
