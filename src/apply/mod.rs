//! Apply: do what the policy and live state give, and only where that is what was reviewed.
//!
//! Two phases. First every account with something to do is read again and planned again from
//! the policy, through the same entry point as `plan`; each reviewed change is then stale
//! (its object changed in Zendesk since), or equal in every key to the change planned now, or
//! a difference that refuses the whole apply before a single write ([`mod@verify`]). Stale
//! changes refuse the apply too, unless `--skip-stale` skips them. Then accounts are applied
//! concurrently, each in order (categories, triggers, settings), sending the recomputed
//! changes, never a plan file's, and stopping at its first failure; manual steps are listed,
//! never faked. The report says what happened to every change, and a re-run converges.

pub mod error;
pub mod execute;
pub mod report;
pub mod stale;
pub mod verify;

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;

pub use self::error::ApplyError;
use self::execute::{Decision, Step, execute, has_work, in_order};
use self::report::{AccountReport, ApplyReport, ChangeReport, Outcome, REPORT_FORMAT_VERSION};
use self::verify::{Difference, Verdict, check_accounts, verify};
use crate::live::LiveState;
use crate::plan::{AccountPlan, Plan, TOOL_VERSION, Targets};
use crate::policy::resolve::ResolvedAccount;
use crate::read_plan::{Refreshed, refresh};
use crate::zendesk::client::{AccountClient, Client};
use crate::zendesk::write::Writer;

/// How to apply.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Apply what is not stale and report the stale changes, instead of refusing.
    pub skip_stale: bool,
    /// Apply only the reviewed changes these targets match (`apply PLAN --target`): they
    /// narrow the reviewed plan and the plan made again alike, so they never widen it.
    pub narrow: Targets,
}

/// One account ready to apply: its client, fresh live state and steps.
struct Prepared<'a> {
    plan: &'a AccountPlan,
    client: AccountClient,
    live: &'a LiveState,
    steps: Vec<Step<'a>>,
}

/// Applies a reviewed plan (a saved one, or the one just shown). `accounts` is the policy it
/// was made from (desired state and credentials); `stop` is set by a signal.
///
/// Accounts the plan has nothing to do for are not read; nothing is written to them.
///
/// # Errors
/// [`ApplyError::PlanDiffers`] when any account's reviewed changes are not what the policy
/// and a fresh read give now; nothing is written then.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    accounts: &[ResolvedAccount],
    options: ApplyOptions,
    stop: &AtomicBool,
) -> Result<ApplyReport, ApplyError> {
    check_accounts(plan).map_err(ApplyError::PlanDiffers)?;
    // The plan's own targets narrow the plan made again exactly as they narrowed the
    // reviewed one; edited targets then give other changes than the file's, and are refused.
    let own = Targets::parse(&plan.targets).map_err(|e| {
        ApplyError::PlanDiffers(Difference {
            at: "targets".to_owned(),
            what: e.to_string(),
        })
    })?;
    let narrowed;
    let plan = if options.narrow.is_empty() {
        plan
    } else {
        narrowed = options.narrow.narrow(plan.clone());
        &narrowed
    };
    let todo: Vec<&AccountPlan> = plan
        .accounts
        .iter()
        .filter(|a| a.changes.iter().any(has_work))
        .collect();

    // Phase 1: read and plan every account again, and decide, before any write.
    let desired: Vec<ResolvedAccount> = todo
        .iter()
        .filter(|a| !a.has_errors())
        .filter_map(|a| accounts.iter().find(|d| d.name.value == a.account))
        .cloned()
        .collect();
    let mut refreshed = refresh(client, &desired, &|_| {}).await;
    refreshed.plan = options.narrow.narrow(own.narrow(refreshed.plan));
    let mut prepared = Vec::with_capacity(todo.len());
    for account_plan in todo {
        prepared.push(prepare(client, account_plan, &desired, &refreshed).await?);
    }
    let any_stale = prepared.iter().flatten().any(|p| {
        p.steps
            .iter()
            .any(|s| matches!(s.decision, Decision::Stale(_)))
    });
    let refused = any_stale && !options.skip_stale;

    // Phase 2: write, accounts concurrently, each in order. Every account at once: the client
    // already bounds the requests in flight (--parallelism), and each account is held to its
    // own rate limit, so limiting accounts too would leave most of the accounts' combined
    // rate limits unused (8 accounts at 200 requests a minute each).
    let parallelism = prepared.len().max(1);
    let reports: Vec<AccountReport> = futures_util::stream::iter(prepared)
        .map(|prepared| async move {
            match prepared {
                Err(report) => report,
                Ok(p) if refused => refused_report(&p),
                Ok(p) => {
                    let writer = Writer::new(&p.client);
                    execute(&writer, &p.plan.account, &p.steps, p.live, stop).await
                }
            }
        })
        .buffered(parallelism)
        .collect()
        .await;
    Ok(ApplyReport {
        format_version: REPORT_FORMAT_VERSION.to_owned(),
        tool_version: TOOL_VERSION.to_owned(),
        policy_hash: plan.policy_hash.clone(),
        refused,
        interrupted: stop.load(Ordering::SeqCst),
        accounts: reports,
    })
}

/// Verifies one account against its fresh plan; an account that cannot be applied at all
/// (not in the policy, errors in its plan, unreadable now) is reported as such.
async fn prepare<'a>(
    client: &Client,
    plan: &'a AccountPlan,
    desired: &[ResolvedAccount],
    refreshed: &'a Refreshed,
) -> Result<Result<Prepared<'a>, AccountReport>, ApplyError> {
    let failed = |error: String| {
        Ok(Err(AccountReport {
            account: plan.account.to_string(),
            changes: plan
                .changes
                .iter()
                .filter(|c| has_work(c))
                .map(|c| ChangeReport::new(c, Outcome::NotAttempted))
                .collect(),
            error: Some(error),
        }))
    };
    if plan.has_errors() {
        return failed("the plan has errors for this account; nothing was applied".into());
    }
    let Some(account) = desired.iter().find(|a| a.name.value == plan.account) else {
        return failed("the policy no longer has this account".into());
    };
    let read = refreshed
        .inputs
        .iter()
        .find(|i| i.desired.name.value == plan.account)
        .map(|i| &i.live);
    let now = refreshed
        .plan
        .accounts
        .iter()
        .find(|a| a.account == plan.account);
    let (Some(Ok(live)), Some(now)) = (read, now) else {
        let why = match read {
            Some(Err(failure)) => failure.to_string(),
            _ => "the account was not read again".to_owned(),
        };
        return failed(why);
    };
    let client = match client.account(account).await {
        Ok(client) => client,
        Err(err) => return failed(err.to_string()),
    };
    let steps = verify(plan, now, live)
        .map_err(ApplyError::PlanDiffers)?
        .into_iter()
        .filter_map(|verdict| match verdict {
            Verdict::Authorised(change) => has_work(change).then_some(Step {
                change,
                decision: Decision::Apply,
            }),
            Verdict::Stale { reviewed, reason } => Some(Step {
                change: reviewed,
                decision: Decision::Stale(reason),
            }),
        })
        .collect();
    Ok(Ok(Prepared {
        plan,
        client,
        live,
        steps: in_order(steps),
    }))
}

/// Every change of an account as refused: stale ones say why, the rest were not attempted.
fn refused_report(prepared: &Prepared<'_>) -> AccountReport {
    let changes = prepared
        .steps
        .iter()
        .map(|step| {
            let mut report = ChangeReport::new(step.change, Outcome::NotAttempted);
            match &step.decision {
                Decision::Stale(reason) => {
                    report.outcome = Outcome::SkippedStale;
                    report.detail = Some(reason.clone());
                }
                Decision::Apply => {
                    report.detail =
                        Some("the apply was refused: objects changed since the plan".to_owned());
                }
            }
            report
        })
        .collect();
    AccountReport {
        account: prepared.plan.account.to_string(),
        changes,
        error: None,
    }
}
