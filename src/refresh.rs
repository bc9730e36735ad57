//! Reading accounts and planning them in one step: what `plan` and `apply` do first.
//!
//! The planner stays pure; this is the edge that feeds it what the client read.

use crate::plan::{AccountInput, Plan, ReadFailure, plan};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::client::Client;
use crate::zendesk::read::{AccountRead, read_accounts};

/// Reads every account (concurrently, see [`read_accounts`]) and plans them; an account that
/// could not be read is an error in its plan, not a failure of the whole run.
pub async fn read_and_plan(
    client: &Client,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Plan {
    let reads = read_accounts(client, accounts, on_done).await;
    let inputs = accounts
        .iter()
        .zip(reads)
        .map(|(desired, read)| AccountInput {
            desired: desired.clone(),
            live: read.result.map_err(ReadFailure::from),
        })
        .collect();
    plan(inputs)
}
