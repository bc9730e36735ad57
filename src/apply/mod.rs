//! Apply: push exactly the reviewed changes, safely.
//!
//! Two phases. First every account with something to do is read again and each object the
//! plan touches is compared with the fingerprint the plan saw; if anything changed since,
//! the whole apply is refused (or, with `--skip-stale`, those changes are skipped) before a
//! single write. Then accounts are applied concurrently, each in order (categories, triggers,
//! settings), stopping at its first failure; manual steps are listed, never faked. The
//! report says what happened to every change, and a re-run converges.

pub mod execute;
pub mod report;
pub mod stale;

use std::sync::atomic::AtomicBool;

use futures::StreamExt;

use self::execute::{Decision, execute, ordered};
use self::report::{AccountReport, ApplyReport, ChangeReport, Outcome, REPORT_FORMAT_VERSION};
use self::stale::staleness;
use crate::live::LiveState;
use crate::plan::{AccountPlan, Plan, TOOL_VERSION};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::client::{AccountClient, Client};
use crate::zendesk::read::read_live_state;
use crate::zendesk::write::Writer;

/// How to apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// Apply what is not stale and report the stale changes, instead of refusing.
    pub skip_stale: bool,
}

/// One account ready to apply: its plan, client, fresh live state and decisions.
struct Prepared<'a> {
    plan: &'a AccountPlan,
    client: AccountClient,
    live: LiveState,
    decisions: Vec<Decision>,
}

/// Applies a plan. `accounts` is the policy (for credentials); `stop` is set by Ctrl-C.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    accounts: &[ResolvedAccount],
    options: ApplyOptions,
    stop: &AtomicBool,
) -> ApplyReport {
    let parallelism = client.config().parallelism.max(1);
    let todo: Vec<&AccountPlan> = plan
        .accounts
        .iter()
        .filter(|a| !ordered(a).is_empty())
        .collect();

    // Phase 1: read every account again and decide, before any write.
    let prepared: Vec<Result<Prepared<'_>, AccountReport>> = futures::stream::iter(todo)
        .map(|account_plan| prepare(client, account_plan, accounts))
        .buffered(parallelism)
        .collect()
        .await;
    let any_stale = prepared
        .iter()
        .flatten()
        .any(|p| p.decisions.iter().any(|d| matches!(d, Decision::Stale(_))));
    let refused = any_stale && !options.skip_stale;

    // Phase 2: write, accounts concurrently, each in order.
    let reports: Vec<AccountReport> = futures::stream::iter(prepared)
        .map(|prepared| async move {
            match prepared {
                Err(report) => report,
                Ok(p) if refused => refused_report(&p),
                Ok(p) => {
                    let writer = Writer::new(&p.client);
                    execute(&writer, p.plan, &p.live, &p.decisions, stop).await
                }
            }
        })
        .buffered(parallelism)
        .collect()
        .await;
    ApplyReport {
        format_version: REPORT_FORMAT_VERSION.to_owned(),
        tool_version: TOOL_VERSION.to_owned(),
        policy_hash: plan.policy_hash.clone(),
        refused,
        interrupted: stop.load(std::sync::atomic::Ordering::SeqCst),
        accounts: reports,
    }
}

async fn prepare<'a>(
    client: &Client,
    plan: &'a AccountPlan,
    accounts: &[ResolvedAccount],
) -> Result<Prepared<'a>, AccountReport> {
    let failed = |error: String| AccountReport {
        account: plan.account.to_string(),
        changes: ordered(plan)
            .into_iter()
            .map(|c| ChangeReport {
                address: c.address.to_string(),
                action: c.action,
                outcome: Outcome::NotAttempted,
                created_id: None,
                detail: None,
                manual: c.manual.clone(),
            })
            .collect(),
        error: Some(error),
    };
    let Some(account) = accounts.iter().find(|a| a.name.value == plan.account) else {
        return Err(failed("the policy no longer has this account".into()));
    };
    let client = client
        .account(account)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let live = read_live_state(&client)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let decisions = ordered(plan)
        .into_iter()
        .map(|change| match staleness(change, &live) {
            Some(reason) => Decision::Stale(reason),
            None => Decision::Apply,
        })
        .collect();
    Ok(Prepared {
        plan,
        client,
        live,
        decisions,
    })
}

/// Every change of an account as refused: stale ones say why, the rest were not attempted.
fn refused_report(prepared: &Prepared<'_>) -> AccountReport {
    let changes = ordered(prepared.plan)
        .into_iter()
        .zip(&prepared.decisions)
        .map(|(change, decision)| {
            let (outcome, detail) = match decision {
                Decision::Stale(reason) => (Outcome::SkippedStale, Some(reason.clone())),
                Decision::Apply => (
                    Outcome::NotAttempted,
                    Some("the apply was refused: objects changed since the plan".to_owned()),
                ),
            };
            ChangeReport {
                address: change.address.to_string(),
                action: change.action,
                outcome,
                created_id: None,
                detail,
                manual: change.manual.clone(),
            }
        })
        .collect();
    AccountReport {
        account: prepared.plan.account.to_string(),
        changes,
        error: None,
    }
}
