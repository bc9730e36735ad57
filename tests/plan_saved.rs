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
        "\"format_version\": \"1.0\"",
        "\"format_version\": \"2.0\"",
        1,
    );
    let err = load_saved(&text).expect_err("refused");
    assert!(matches!(
        err,
        SavedPlanError::IncompatibleFormatVersion { ref found, supported: "1.0" } if found == "2.0"
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
