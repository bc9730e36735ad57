//! Executing one account's authorised changes through the write API: categories first, then
//! triggers, then positions (one request for all of the account's order changes), then
//! settings; stopping at the first failure, so the report says exactly what was done.
//!
//! This file runs the steps and reports on each; `order` decides what is done and when,
//! `send` sends one change, and `batch` the changes that go out in one request for the account.

mod batch;
mod order;
mod send;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use self::batch::{bulk_eligible, bulk_item, send_positions, sets_positions};
pub use self::order::{Decision, Step, has_work, in_order};
use self::send::apply_one;
use super::error::WriteError;
use super::report::{AccountReport, ChangeReport, ErrorReport, Outcome};
use crate::live::LiveState;
use crate::plan::{Change, ChangeAction, Operation};
use crate::policy::model::AccountName;
use crate::zendesk::model::TriggerBulkUpdateItem;
use crate::zendesk::read::ReadApi;
use crate::zendesk::write::WriteApi;

/// Applies one account's steps in order (see [`in_order`]); `stop` is set by a signal.
pub async fn execute<A: ReadApi + WriteApi>(
    api: &A,
    account: &AccountName,
    steps: &[Step<'_>],
    live: &LiveState,
    stop: &AtomicBool,
) -> AccountReport {
    let mut categories: BTreeMap<String, String> = live
        .categories
        .iter()
        .map(|c| (c.name.clone(), c.id.clone()))
        .collect();
    let mut reports = Vec::new();
    let mut halted: Option<String> = None;
    // Changes that only flip `active` or move a category go out together in one update_many,
    // sent at the first of them: what it did is what happened to every one of them, even to
    // those after a later failure or an interruption.
    let mut bulk: Option<Result<(), Failed>> = None;
    // Likewise every order change of the account goes out in one request, at the first of
    // them; it needs the ids of the triggers created before it.
    let mut positions: Option<Result<(), Failed>> = None;
    let mut created: BTreeMap<String, u64> = BTreeMap::new();
    for step in steps {
        let change = step.change;
        let mut report = ChangeReport::new(change, Outcome::NotAttempted);
        let in_bulk = step.decision == Decision::Apply && bulk_eligible(change);
        if let (true, Some(result)) = (in_bulk, &bulk) {
            bulk_outcome(&mut report, result);
            reports.push(report);
            continue;
        }
        let in_positions = step.decision == Decision::Apply && sets_positions(change);
        if let (true, Some(result)) = (in_positions, &positions) {
            bulk_outcome(&mut report, result);
            reports.push(report);
            continue;
        }
        if change.action == ChangeAction::Manual {
            report.outcome = Outcome::PendingManual;
            reports.push(report);
            continue;
        }
        if let Decision::Stale(reason) = &step.decision {
            report.outcome = Outcome::SkippedStale;
            report.detail = Some(reason.clone());
            reports.push(report);
            continue;
        }
        if let Some(reason) = &halted {
            report.detail = Some(reason.clone());
            reports.push(report);
            continue;
        }
        if stop.load(Ordering::SeqCst) {
            halted = Some("not attempted: apply was interrupted before this change".into());
            report.detail = halted.clone();
            reports.push(report);
            continue;
        }
        let failed = if in_bulk {
            let items: Result<Vec<TriggerBulkUpdateItem>, WriteError> = steps
                .iter()
                .filter(|s| s.decision == Decision::Apply && bulk_eligible(s.change))
                .filter_map(|s| bulk_item(s.change, &categories).transpose())
                .collect();
            let result = match items {
                Ok(items) => api
                    .update_triggers_bulk(&items)
                    .await
                    .map_err(|e| Failed::from(&WriteError::from(e))),
                Err(unsendable) => Err(Failed::from(&unsendable)),
            };
            bulk_outcome(&mut report, &result);
            let failed = result.is_err();
            bulk = Some(result);
            failed
        } else if in_positions {
            let changes: Vec<&Change> = steps
                .iter()
                .filter(|s| s.decision == Decision::Apply && sets_positions(s.change))
                .map(|s| s.change)
                .collect();
            let result = send_positions(api, &changes, &categories, &created, live)
                .await
                .map_err(|e| Failed::from(&e));
            bulk_outcome(&mut report, &result);
            let failed = result.is_err();
            positions = Some(result);
            failed
        } else {
            match apply_one(api, change, &mut categories).await {
                Ok(id) => {
                    report.outcome = Outcome::Applied;
                    if let (Some(Operation::CreateTrigger { .. }), Some(new)) = (
                        change.operation.as_deref(),
                        id.as_deref().and_then(|i| i.parse().ok()),
                    ) {
                        created.insert(change.address.name.clone(), new);
                    }
                    report.created_id = id;
                    false
                }
                Err(err) => {
                    bulk_outcome(&mut report, &Err(Failed::from(&err)));
                    true
                }
            }
        };
        if failed {
            halted = Some(format!(
                "not attempted: {} failed before it",
                change.address
            ));
        }
        reports.push(report);
    }
    AccountReport {
        account: account.to_string(),
        changes: reports,
        error: None,
        diagnostics: Vec::new(),
    }
}

/// A failed write as every change it carried reports it: in words and as data.
#[derive(Debug, Clone)]
struct Failed {
    detail: String,
    error: ErrorReport,
}

impl From<&WriteError> for Failed {
    fn from(err: &WriteError) -> Self {
        Self {
            detail: err.detail(),
            error: err.report(),
        }
    }
}

fn bulk_outcome(report: &mut ChangeReport, result: &Result<(), Failed>) {
    match result {
        Ok(()) => report.outcome = Outcome::Applied,
        Err(failed) => {
            report.outcome = Outcome::Failed;
            report.detail = Some(failed.detail.clone());
            report.error = Some(failed.error.clone());
        }
    }
}
