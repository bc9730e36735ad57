//! Apply's orchestration against accounts in memory (no HTTP): what is read again, what is
//! written through the writer apply obtains, and when nothing is written at all.

use std::sync::atomic::AtomicBool;

use serde_json::json;

use super::report::{ApplyReport, ErrorKind, ErrorReport, Outcome};
use super::{ApplyError, ApplyOptions, apply};
use crate::live::LiveState;
use crate::plan::Plan;
use crate::policy::Policy;
use crate::policy::load::load_texts;
use crate::read_plan::fake::FakeZendesk;
use crate::read_plan::read_and_plan;

/// Two accounts that want sessions to end after inactivity.
const POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    messaging: { end_session_after_inactivity: true }
  beta:
    subdomain: beta
    messaging: { end_session_after_inactivity: true }
";

/// An account with no triggers whose sessions end after inactivity, or do not.
fn live(end_session: bool) -> LiveState {
    serde_json::from_value(json!({
        "triggers": [], "categories": [],
        "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
        "settings": {"messaging_inactivity": {"enabled": true, "timeout": 30, "end_session": end_session}},
        "sunshine": null
    }))
    .expect("live state")
}

/// Accounts with these live states (`None`: it cannot be opened).
fn zendesk(acme: Option<bool>, beta: Option<bool>) -> FakeZendesk {
    let fake = FakeZendesk::new(8);
    for (name, end_session) in [("acme", acme), ("beta", beta)] {
        if let Some(end_session) = end_session {
            fake.set(name, live(end_session));
        }
    }
    fake
}

/// The policy, and the plan of it that `plan` shows for these live states.
async fn reviewed(acme: Option<bool>, beta: Option<bool>) -> (Policy, Plan) {
    let policy = load_texts(&[("p.yaml", POLICY)]);
    let plan = read_and_plan(&zendesk(acme, beta), &policy.accounts, &|_| {}).await;
    (policy, plan)
}

async fn run(
    fake: &FakeZendesk,
    policy: &Policy,
    plan: &Plan,
    options: ApplyOptions,
    stop: bool,
) -> Result<ApplyReport, ApplyError> {
    let stop = AtomicBool::new(stop);
    apply(fake, plan, &policy.accounts, options, &stop).await
}

fn outcomes(report: &ApplyReport) -> Vec<(String, Outcome)> {
    report
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .map(|c| (c.address.clone(), c.outcome))
        .collect()
}

const SETTING: &str = "acme.setting.end_session_after_inactivity";

#[tokio::test]
async fn only_accounts_with_work_are_read_again_and_written_through_the_writer() {
    let (policy, plan) = reviewed(Some(false), Some(true)).await;
    let fake = zendesk(Some(false), Some(true));
    let report = run(&fake, &policy, &plan, ApplyOptions::default(), false)
        .await
        .expect("applies");
    assert_eq!(outcomes(&report), [(SETTING.to_owned(), Outcome::Applied)]);
    assert!(!report.refused && !report.interrupted);
    // beta has nothing to do: it is not read, and nothing is written to it.
    assert_eq!(
        fake.log(),
        [
            "acme: open",
            "acme: read triggers",
            "acme: open",
            "acme: writer",
            "acme: update_account_settings {\"messaging_inactivity\":{\"end_session\":true}}",
        ]
    );
}

#[tokio::test]
async fn a_reviewed_plan_that_is_not_what_the_policy_gives_now_writes_nothing() {
    let (policy, mut plan) = reviewed(Some(false), Some(false)).await;
    let change = &mut plan.accounts[0].changes[0];
    assert_eq!(change.address.to_string(), SETTING);
    change.after = Some(Box::new(json!(false)));
    let fake = zendesk(Some(false), Some(false));
    let result = run(&fake, &policy, &plan, ApplyOptions::default(), false).await;
    assert!(
        matches!(result, Err(ApplyError::PlanDiffers(_))),
        "{result:?}"
    );
    assert!(fake.writes().is_empty(), "{:?}", fake.log());
    assert!(!fake.log().iter().any(|l| l.ends_with(": writer")));
}

#[tokio::test]
async fn a_change_made_since_the_review_refuses_every_write_unless_skipped() {
    let (policy, plan) = reviewed(Some(false), Some(false)).await;
    // Someone set acme's setting by hand since the plan was reviewed.
    let fake = zendesk(Some(true), Some(false));
    let report = run(&fake, &policy, &plan, ApplyOptions::default(), false)
        .await
        .expect("a report");
    assert!(report.refused);
    assert_eq!(
        outcomes(&report),
        [
            (SETTING.to_owned(), Outcome::SkippedStale),
            (
                "beta.setting.end_session_after_inactivity".to_owned(),
                Outcome::NotAttempted
            ),
        ]
    );
    assert!(fake.writes().is_empty(), "{:?}", fake.log());

    let fake = zendesk(Some(true), Some(false));
    let skip = ApplyOptions {
        skip_stale: true,
        ..ApplyOptions::default()
    };
    let report = run(&fake, &policy, &plan, skip, false)
        .await
        .expect("a report");
    assert!(!report.refused);
    assert_eq!(
        outcomes(&report),
        [
            (SETTING.to_owned(), Outcome::SkippedStale),
            (
                "beta.setting.end_session_after_inactivity".to_owned(),
                Outcome::Applied
            ),
        ]
    );
    assert_eq!(
        fake.writes(),
        ["beta: update_account_settings {\"messaging_inactivity\":{\"end_session\":true}}"]
    );
}

#[tokio::test]
async fn an_account_that_cannot_be_read_again_fails_alone() {
    let (policy, plan) = reviewed(Some(false), Some(false)).await;
    let fake = zendesk(Some(false), None);
    let report = run(&fake, &policy, &plan, ApplyOptions::default(), false)
        .await
        .expect("a report");
    let errors: Vec<(&str, Option<&ErrorReport>)> = report
        .accounts
        .iter()
        .map(|a| (a.account.as_str(), a.error.as_ref()))
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0], ("acme", None));
    assert_eq!(errors[1].0, "beta");
    // The report names the account; its error does not say it again.
    assert!(
        errors[1].1.is_some_and(|e| e.kind == ErrorKind::NotRead
            && e.message.contains("no credentials")
            && !e.message.contains("beta")),
        "{errors:?}"
    );
    assert_eq!(
        outcomes(&report),
        [
            (SETTING.to_owned(), Outcome::Applied),
            (
                "beta.setting.end_session_after_inactivity".to_owned(),
                Outcome::NotAttempted
            ),
        ]
    );
    assert_eq!(fake.writes().len(), 1, "{:?}", fake.log());
}

#[tokio::test]
async fn a_stop_before_the_first_write_writes_nothing() {
    let (policy, plan) = reviewed(Some(false), Some(false)).await;
    let fake = zendesk(Some(false), Some(false));
    let report = run(&fake, &policy, &plan, ApplyOptions::default(), true)
        .await
        .expect("a report");
    assert!(report.interrupted);
    assert!(fake.writes().is_empty(), "{:?}", fake.log());
    assert!(
        outcomes(&report)
            .iter()
            .all(|(_, outcome)| *outcome == Outcome::NotAttempted),
        "{report:?}"
    );
}
