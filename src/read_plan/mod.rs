//! Read, then plan: reading accounts into live state ([`read_accounts`]) and planning them in
//! one step, what `plan` and `apply` do first.
//!
//! The planner stays pure; this is the edge that feeds it what the client read. Apply goes
//! through the same entry point to recompute a reviewed plan, so the plan it checks against
//! is made exactly as `plan` makes it.

mod read;

use std::collections::BTreeSet;

pub use self::read::{
    AccountRead, read_accounts, read_accounts_then, read_accounts_with, read_live_state,
    read_live_state_with,
};
use crate::plan::{AccountInput, Plan, ReadFailure, plan_borrowed, plan_of, plan_read};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::client::Client;

/// A plan and what it was made from.
#[derive(Debug)]
pub struct Refreshed {
    /// The plan of every account read.
    pub plan: Plan,
    /// Each account's desired state and what reading it gave, in the order asked for.
    pub inputs: Vec<AccountInput>,
}

/// Reads every account (concurrently, see [`read_accounts`]) and plans them; an account that
/// could not be read is an error in its plan, not a failure of the whole run.
///
/// Each account is planned as soon as it is read and its live state dropped then: the plan
/// of a converged account is a fraction of its live state, so memory follows the changes,
/// not accounts × triggers.
pub async fn read_and_plan(
    client: &Client,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Plan {
    let plans = read_accounts_then(
        client,
        accounts,
        &BTreeSet::new(),
        on_done,
        |desired, read| {
            let live = read.result.map_err(ReadFailure::from);
            let mut plan = plan_read(desired, live.as_ref());
            plan.host = Some(client.config().base_url.host_for(&plan.subdomain));
            plan
        },
    )
    .await;
    plan_of(accounts, plans)
}

/// [`read_and_plan`], keeping the live states the plan was made from.
pub async fn refresh(
    client: &Client,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Refreshed {
    let reads = read_accounts(client, accounts, on_done).await;
    plan_reads(client, accounts, reads)
}

/// Plans accounts from what [`read_accounts`] gave for them (in the same order): the second
/// half of [`refresh`], apart so that reading and planning can be measured apart.
pub fn plan_reads(
    client: &Client,
    accounts: &[ResolvedAccount],
    reads: Vec<AccountRead>,
) -> Refreshed {
    let inputs: Vec<AccountInput> = accounts
        .iter()
        .zip(reads)
        .map(|(desired, read)| AccountInput {
            desired: desired.clone(),
            live: read.result.map_err(ReadFailure::from),
        })
        .collect();
    let mut plan = plan_borrowed(&inputs);
    // The planner is pure and knows no URLs; the header must name where this run read.
    for account in &mut plan.accounts {
        account.host = Some(client.config().base_url.host_for(&account.subdomain));
    }
    Refreshed { plan, inputs }
}
