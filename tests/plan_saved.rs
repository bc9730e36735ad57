//! Saved plans: what `plan --out` writes is read back whole, holds no secrets, and a plan of
//! another format version is refused with a clear message.

mod plan_support;

use plan_support::*;
use zdpolicy::plan::{
    self, AccountInput, ChangeAction, ReadFailure, SavedPlanError, load_saved, to_saved,
};

fn scenario_with_a_failing_account() -> plan::Plan {
    let text = format!(
        "{SCENARIO_POLICY}    credentials: {{ oauth_token: env:ACME_PROD_OAUTH_TOKEN }}
  acme-stage:
    subdomain: acme-stage
    credentials: {{ email: admin@example.com, api_token: env:ACME_STAGE_API_TOKEN }}
"
    );
    let inputs = accounts(&text)
        .into_iter()
        .map(|desired| {
            let live = if desired.name.value.as_str() == "acme-stage" {
                Err(ReadFailure::from(std::io::Error::other("timed out")))
            } else {
                Ok(scenario_live())
            };
            AccountInput { desired, live }
        })
        .collect();
    plan::plan(inputs)
}

#[test]
fn a_saved_plan_reads_back_as_the_same_plan() {
    let plan = scenario_with_a_failing_account();
    let text = to_saved(&plan);
    let loaded = load_saved(&text).expect("loads");
    assert_eq!(loaded, plan);
    assert_eq!(to_saved(&loaded), text, "and writes the same bytes again");
}

#[test]
fn a_saved_plan_holds_what_apply_needs_and_no_secrets() {
    let plan = scenario_with_a_failing_account();
    for change in plan.accounts.iter().flat_map(|a| &a.changes) {
        let writes = matches!(
            change.action,
            ChangeAction::Create | ChangeAction::Update | ChangeAction::Delete
        );
        assert_eq!(change.operation.is_some(), writes, "{}", change.address);
    }
    let text = to_saved(&plan);
    for secret_name in [
        "ACME_PROD_OAUTH_TOKEN",
        "ACME_STAGE_API_TOKEN",
        "SC_KEY_ID",
        "SC_KEY_SECRET",
        "admin@example.com",
    ] {
        assert!(
            !text.contains(secret_name),
            "{secret_name} leaked into the saved plan"
        );
    }
}

#[test]
fn another_format_version_is_refused() {
    let plan = scenario_with_a_failing_account();
    let text = to_saved(&plan).replacen(
        "\"format_version\": \"1.1\"",
        "\"format_version\": \"2.0\"",
        1,
    );
    let err = load_saved(&text).expect_err("refused");
    assert!(matches!(
        err,
        SavedPlanError::IncompatibleFormatVersion { ref found, supported: "1.1" } if found == "2.0"
    ));
    assert!(err.to_string().contains("make the plan again"));
}

#[test]
fn a_damaged_plan_is_refused() {
    let text = to_saved(&scenario_with_a_failing_account()).replace("\"update\"", "\"upsert\"");
    let err = load_saved(&text).expect_err("refused");
    assert!(matches!(err, SavedPlanError::Invalid(_)));
    assert!(err.to_string().contains("unknown action `upsert`"), "{err}");
}

/// The saved scenario plan as JSON, with the change at `address` edited by `edit`.
fn edited(address: &str, edit: impl Fn(&mut serde_json::Value)) -> String {
    let mut plan: serde_json::Value =
        serde_json::from_str(&to_saved(&scenario_with_a_failing_account())).unwrap();
    let change = plan["accounts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|a| a["changes"].as_array_mut().unwrap())
        .find(|c| c["address"] == address)
        .unwrap();
    edit(change);
    plan.to_string()
}

type Edit = Box<dyn Fn(&mut serde_json::Value)>;

// Regression (#11): `show` drew `after` and `fields` while apply sent `operation`, so an
// edited file could show one thing and do another. Such a file is not read at all.
#[test]
fn a_plan_whose_parts_disagree_is_refused_naming_the_change() {
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "acme-prod.trigger.sla-reminder",
            Box::new(|c| c["operation"]["trigger"]["title"] = "Something else".into()),
            "`operation` writes another trigger than `after` shows",
        ),
        (
            "acme-prod.trigger.sla-reminder",
            Box::new(|c| c["fields"][0]["after"] = "Something else".into()),
            "field `title` shows other values than `before` and `after`",
        ),
        (
            "acme-prod.trigger.legacy",
            Box::new(|c| c["operation"]["id"] = 1002.into()),
            "`operation` writes another object than `seen` names",
        ),
        (
            "acme-prod.csat.survey_on_session_end",
            Box::new(|c| c["operation"]["trigger"]["title"] = "Renamed".into()),
            "`operation` writes other conditions than `after` shows",
        ),
        (
            "acme-prod.setting.end_session_after_inactivity",
            Box::new(|c| {
                c["operation"]["settings"]["messaging_inactivity"]["enabled"] = false.into();
            }),
            "`operation` writes other settings than `after` shows",
        ),
        (
            "acme-prod.setting.agents_can_end_sessions",
            Box::new(|c| {
                c["actions"] = serde_json::json!(["update"]);
                c["operation"] = serde_json::json!({"request": "delete_trigger", "id": 1002});
            }),
            "`operation` is not a write of this kind of object",
        ),
        (
            "acme-prod.trigger.vip-messaging",
            Box::new(|c| c["actions"] = serde_json::json!(["no-op"])),
            "`actions` is `no-op`, but `operation` makes it `create`",
        ),
    ];
    for (address, edit, what) in cases {
        let err = load_saved(&edited(address, edit)).expect_err(what);
        assert!(
            matches!(&err, SavedPlanError::Inconsistent { address: a, what: w } if a == address && w == what),
            "{address}: {err}"
        );
    }
}

/// Regression (#19): a saved plan that releases a trigger (`released_triggers`) could never be
/// applied: its update sends neither title nor active, and the self-consistency check wanted
/// `after` to be only what the update sends, so every such file "contradicted itself".
#[test]
fn a_saved_release_plan_reads_back() {
    let desired = account(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    released_triggers: [old]\n",
    );
    let live = live(
        vec![marked_trigger(7, "old", "Old", Some("Kept text"))],
        true,
        true,
        true,
    );
    let plan = plan::plan(vec![AccountInput {
        desired,
        live: Ok(live),
    }]);
    let release = plan.accounts[0]
        .changes
        .iter()
        .find(|c| c.address.to_string() == "acme.trigger.old")
        .expect("the release");
    assert_eq!(release.action, ChangeAction::Update);
    assert_eq!(release.after.as_ref().unwrap()["description"], "Kept text");
    let back = load_saved(&to_saved(&plan)).expect("a release plan reads back");
    assert_eq!(back, plan);
}
