//! Read, then plan: reading accounts into live state ([`read_accounts`]) and planning them in
//! one step, what `plan` and `apply` do first.
//!
//! The planner stays pure; this is the edge that feeds it what the client read. Apply goes
//! through the same entry point to recompute a reviewed plan, so the plan it checks against
//! is made exactly as `plan` makes it.

#[cfg(test)]
pub(crate) mod fake;
mod read;

use std::collections::BTreeSet;

pub use self::read::{
    AccountRead, read_accounts, read_accounts_then, read_accounts_with, read_live_state,
    read_live_state_with,
};
use crate::plan::{AccountInput, Plan, ReadFailure, plan_borrowed, plan_of, plan_read};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::read::ReadAccounts;

/// Why an account could not be read, in words that do not repeat its name: the plan (and
/// apply's report) say it under the account already.
fn unreadable(err: &ZendeskError) -> ReadFailure {
    ReadFailure {
        message: err.detail().to_string(),
    }
}

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
    client: &impl ReadAccounts,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Plan {
    let plans = read_accounts_then(
        client,
        accounts,
        &BTreeSet::new(),
        on_done,
        |desired, read| {
            let live = read.result.map_err(|e| unreadable(&e));
            let mut plan = plan_read(desired, live.as_ref());
            plan.host = Some(client.host(&plan.subdomain));
            plan
        },
    )
    .await;
    plan_of(accounts, plans)
}

/// [`read_and_plan`], keeping the live states the plan was made from.
pub async fn refresh(
    client: &impl ReadAccounts,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Refreshed {
    let reads = read_accounts(client, accounts, on_done).await;
    plan_reads(client, accounts, reads)
}

/// Plans accounts from what [`read_accounts`] gave for them (in the same order): the second
/// half of [`refresh`], apart so that reading and planning can be measured apart.
pub fn plan_reads(
    client: &impl ReadAccounts,
    accounts: &[ResolvedAccount],
    reads: Vec<AccountRead>,
) -> Refreshed {
    let inputs: Vec<AccountInput> = accounts
        .iter()
        .zip(reads)
        .map(|(desired, read)| AccountInput {
            desired: desired.clone(),
            live: read.result.map_err(|e| unreadable(&e)),
        })
        .collect();
    let mut plan = plan_borrowed(&inputs);
    // The planner is pure and knows no URLs; the header must name where this run read.
    for account in &mut plan.accounts {
        account.host = Some(client.host(&account.subdomain));
    }
    Refreshed { plan, inputs }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fake::FakeZendesk;
    use super::*;
    use crate::live::LiveState;
    use crate::policy::load::load_texts;

    /// Three accounts that want sessions to end after inactivity; `gone`'s reader cannot be
    /// opened.
    pub(crate) const POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    messaging: { end_session_after_inactivity: true }
  beta:
    subdomain: beta-eu
    messaging: { end_session_after_inactivity: true }
  gone:
    subdomain: gone
    messaging: { end_session_after_inactivity: true }
";

    /// An account with no triggers whose sessions do not end after inactivity, or do.
    pub(crate) fn live(end_session: bool) -> LiveState {
        serde_json::from_value(json!({
            "triggers": [], "categories": [],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {"messaging_inactivity": {"enabled": true, "timeout": 30, "end_session": end_session}},
            "sunshine": null
        }))
        .expect("live state")
    }

    fn changes(plan: &Plan) -> Vec<(String, Vec<String>, usize)> {
        plan.accounts
            .iter()
            .map(|a| {
                let changes = a
                    .changes
                    .iter()
                    .map(|c| format!("{} {}", c.action.as_str(), c.address))
                    .collect();
                (a.account.to_string(), changes, a.diagnostics.len())
            })
            .collect()
    }

    #[tokio::test]
    async fn each_account_is_planned_from_what_it_read_and_one_unreadable_fails_alone() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        let fake = FakeZendesk::new(8);
        fake.set("acme", live(false));
        fake.set("beta", live(true));
        let done = std::sync::Mutex::new(Vec::new());
        let plan = read_and_plan(&fake, &policy.accounts, &|read| {
            done.lock().expect("progress").push(read.account.clone());
        })
        .await;
        assert_eq!(
            changes(&plan),
            [
                (
                    "acme".to_owned(),
                    vec!["update acme.setting.end_session_after_inactivity".to_owned()],
                    0
                ),
                (
                    "beta".to_owned(),
                    vec!["no-op beta.setting.end_session_after_inactivity".to_owned()],
                    0
                ),
                ("gone".to_owned(), vec![], 1),
            ]
        );
        let gone = &plan.accounts[2].diagnostics[0];
        assert!(gone.message.contains("no credentials"), "{gone:?}");
        // The header names where each account was read.
        let hosts: Vec<Option<&str>> = plan.accounts.iter().map(|a| a.host.as_deref()).collect();
        assert_eq!(
            hosts,
            [
                Some("acme.fake.example"),
                Some("beta-eu.fake.example"),
                Some("gone.fake.example")
            ]
        );
        let mut done = done.into_inner().expect("progress");
        done.sort();
        assert_eq!(done, ["acme", "beta", "gone"]);
        assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    }

    #[tokio::test]
    async fn the_plan_kept_with_its_inputs_is_the_plan_read_and_plan_makes() {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        let fake = FakeZendesk::new(8);
        fake.set("acme", live(false));
        fake.set("beta", live(true));
        let refreshed = refresh(&fake, &policy.accounts, &|_| {}).await;
        let planned = read_and_plan(&fake, &policy.accounts, &|_| {}).await;
        assert_eq!(
            serde_json::to_value(&refreshed.plan).expect("plan"),
            serde_json::to_value(&planned).expect("plan")
        );
        let inputs: Vec<(String, bool)> = refreshed
            .inputs
            .iter()
            .map(|i| (i.desired.name.value.to_string(), i.live.is_ok()))
            .collect();
        assert_eq!(
            inputs,
            [
                ("acme".to_owned(), true),
                ("beta".to_owned(), true),
                ("gone".to_owned(), false)
            ]
        );
        assert_eq!(refreshed.inputs[0].live.as_ref().ok(), Some(&live(false)));
    }

    #[tokio::test]
    async fn accounts_are_read_at_most_parallelism_at_once_and_come_back_in_order() {
        let mut text = String::from("version: 1\naccounts:\n");
        let names: Vec<String> = (0..6).map(|i| format!("a{i}")).collect();
        for name in names.iter().rev() {
            text.push_str(&format!("  {name}:\n    subdomain: {name}\n"));
        }
        let policy = load_texts(&[("p.yaml", &text)]);
        let fake = FakeZendesk::new(2);
        for name in &names {
            fake.set(name, live(false));
        }
        let reads = read_accounts(&fake, &policy.accounts, &|_| {}).await;
        let order: Vec<&str> = reads.iter().map(|r| r.account.as_str()).collect();
        let asked: Vec<String> = policy
            .accounts
            .iter()
            .map(|a| a.name.value.to_string())
            .collect();
        assert_eq!(order, asked);
        assert!(reads.iter().all(|r| r.result.is_ok()));
        assert_eq!(fake.most_reading(), 2);
    }
}
