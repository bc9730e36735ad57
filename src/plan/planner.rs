//! The planner: a pure function from desired and live state to a [`Plan`]. No I/O, no clock;
//! the same inputs give the same plan, in the same order.

use std::collections::BTreeSet;
use std::fmt;

use super::categories::plan_categories;
use super::csat::plan_csat;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic, UnmanagedTrigger};
use super::draft::Draft;
use super::hash::policy_hash;
use super::model::{AccountPlan, FORMAT_VERSION, Plan, TOOL_VERSION};
use super::ownership::{Owners, owners};
use super::reorder::plan_order;
use super::settings::plan_settings;
use super::triggers::plan_triggers;
use crate::live::LiveState;
use crate::policy::model::UnmanagedTriggers;
use crate::policy::resolve::ResolvedAccount;

/// Why an account's live state could not be read, as the reader reported it.
///
/// Any error converts into it (`?` works), keeping its message and causes; the planner only
/// reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    /// The error and its causes, joined with `: `.
    pub message: String,
}

impl<E: std::error::Error> From<E> for ReadFailure {
    fn from(error: E) -> Self {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self { message }
    }
}

impl fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One account to plan: its desired state and what reading it gave.
#[derive(Debug, Clone)]
pub struct AccountInput {
    /// The account's resolved policy.
    pub desired: ResolvedAccount,
    /// Its live state, or why it could not be read (reported in the plan, not fatal).
    pub live: Result<LiveState, ReadFailure>,
}

/// Plans every account. Accounts come out sorted by name; an account whose live state could
/// not be read gets an `account-unreadable` error and no changes.
pub fn plan(inputs: Vec<AccountInput>) -> Plan {
    plan_borrowed(&inputs)
}

/// [`plan`], borrowing the inputs (apply keeps the live states it planned from).
pub fn plan_borrowed(inputs: &[AccountInput]) -> Plan {
    let accounts = inputs
        .iter()
        .map(|input| plan_read(&input.desired, input.live.as_ref()))
        .collect();
    plan_of(inputs.iter().map(|i| &i.desired), accounts)
}

/// Plans one account from what reading it gave: [`plan_account`], or an `account-unreadable`
/// error and no changes.
pub fn plan_read(desired: &ResolvedAccount, live: Result<&LiveState, &ReadFailure>) -> AccountPlan {
    match live {
        Ok(live) => plan_account(desired, live),
        Err(failure) => unreadable(desired, failure),
    }
}

/// The plan of accounts planned one by one (with [`plan_read`]), from the resolved accounts
/// they were planned from: sorted by name, with the policy hash of `desired`. Lets a caller
/// plan each account as soon as it is read and drop its live state, instead of holding every
/// account's at once.
pub fn plan_of<'a>(
    desired: impl IntoIterator<Item = &'a ResolvedAccount>,
    mut accounts: Vec<AccountPlan>,
) -> Plan {
    accounts.sort_by(|a, b| a.account.cmp(&b.account));
    Plan {
        format_version: FORMAT_VERSION.to_owned(),
        tool_version: TOOL_VERSION.to_owned(),
        policy_hash: policy_hash(desired),
        targets: Vec::new(),
        accounts,
    }
}

/// Plans one account: settings, the CSAT edit, managed triggers and the categories they need.
/// Changes come out in address order; every managed object has one, `no-op` included.
pub fn plan_account(desired: &ResolvedAccount, live: &LiveState) -> AccountPlan {
    let account = &desired.name.value;
    let mut draft = Draft::new(account);
    plan_settings(desired, live, &mut draft);
    let csat_trigger = plan_csat(desired, live, &mut draft);
    let owners = owners(&live.triggers);
    let outcome = plan_triggers(desired, live, &owners, &mut draft);
    plan_categories(&outcome.new_categories, live, &mut draft);
    plan_order(
        desired,
        live,
        &outcome.placed,
        &outcome.new_categories,
        &mut draft,
    );

    let unmanaged_triggers = (desired.unmanaged_triggers() == UnmanagedTriggers::Report)
        .then(|| unmanaged(&owners, csat_trigger, &outcome.adopted));

    let mut changes = draft.changes;
    changes.sort_by(|a, b| a.address.cmp(&b.address));
    let mut diagnostics = draft.diagnostics;
    diagnostics
        .sort_by(|a, b| (a.severity, &a.address, a.code).cmp(&(b.severity, &b.address, b.code)));
    AccountPlan {
        account: account.clone(),
        subdomain: desired.subdomain.value.clone(),
        host: None,
        safety: desired.safety().into(),
        changes,
        diagnostics,
        unmanaged_triggers,
    }
}

/// The triggers zdpolicy leaves alone: unmarked, not the CSAT trigger it edits, not adopted
/// by this plan. By title, then id.
fn unmanaged(
    owners: &Owners<'_>,
    csat_trigger: Option<u64>,
    adopted: &BTreeSet<u64>,
) -> Vec<UnmanagedTrigger> {
    let mut list: Vec<UnmanagedTrigger> = owners
        .unmanaged
        .iter()
        .filter(|t| Some(t.id) != csat_trigger && !adopted.contains(&t.id))
        .map(|t| UnmanagedTrigger {
            id: t.id,
            title: t.title.clone(),
            active: t.active,
        })
        .collect();
    list.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    list
}

fn unreadable(desired: &ResolvedAccount, failure: &ReadFailure) -> AccountPlan {
    let account = &desired.name.value;
    AccountPlan {
        account: account.clone(),
        subdomain: desired.subdomain.value.clone(),
        host: None,
        safety: desired.safety().into(),
        changes: Vec::new(),
        diagnostics: vec![
            PlanDiagnostic::error(
                DiagnosticCode::AccountUnreadable,
                None,
                format!("could not read the account's live state: {failure}"),
            )
            .with_help(
                "nothing is planned for this account; the other accounts are planned as usual",
            ),
        ],
        unmanaged_triggers: None,
    }
}
