//! Reading accounts into live state through the read trait: one account's independent reads
//! sent at once, and many accounts concurrently, each one's failure its own.

use std::collections::BTreeSet;

use futures_util::{StreamExt, stream};

use crate::directory::{ListKind, needed};
use crate::live::LiveState;
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::client::Client;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::read::ReadApi;

/// Reads an account's live state, sending the independent reads at once.
///
/// # Errors
/// The first read that fails.
pub async fn read_live_state(api: &impl ReadApi) -> Result<LiveState, ZendeskError> {
    read_live_state_with(api, &BTreeSet::new()).await
}

/// [`read_live_state`], with the lists of `kinds` that references need read at the same time.
///
/// # Errors
/// The first read that fails.
pub async fn read_live_state_with(
    api: &impl ReadApi,
    kinds: &BTreeSet<ListKind>,
) -> Result<LiveState, ZendeskError> {
    let (triggers, categories, definitions, settings, sunshine, directory) = tokio::try_join!(
        api.list_triggers(),
        api.trigger_categories(),
        api.trigger_definitions(),
        api.account_settings(),
        api.sunshine_app(),
        api.directory(kinds),
    )?;
    Ok(LiveState {
        triggers,
        trigger_categories_enabled: categories.is_some(),
        categories: categories.unwrap_or_default(),
        definitions,
        settings,
        sunshine,
        directory,
    })
}

/// One account's outcome of a read.
#[derive(Debug)]
pub struct AccountRead {
    /// The account's name in the policy.
    pub account: String,
    /// Its live state, or why it could not be read.
    pub result: Result<LiveState, ZendeskError>,
}

/// Reads every account concurrently (the client bounds requests in flight); one account's
/// failure does not stop the others. `on_done` is called as each account finishes (progress).
/// Results come back in the order of `accounts`.
pub async fn read_accounts(
    client: &Client,
    accounts: &[ResolvedAccount],
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Vec<AccountRead> {
    read_accounts_with(client, accounts, &BTreeSet::new(), on_done).await
}

/// [`read_accounts`], reading the lists of `extra` besides those the policy references
/// (`export` reads every list, to write names for the ids it finds).
pub async fn read_accounts_with(
    client: &Client,
    accounts: &[ResolvedAccount],
    extra: &BTreeSet<ListKind>,
    on_done: &(dyn Fn(&AccountRead) + Sync),
) -> Vec<AccountRead> {
    read_accounts_then(client, accounts, extra, on_done, |_, read| read).await
}

/// [`read_accounts_with`], turning each account's read into `T` as soon as it is done, so a
/// caller that needs less than the live state (a plan of it) holds one account's at a time,
/// not all. Results come back in the order of `accounts`.
pub async fn read_accounts_then<T: Send>(
    client: &Client,
    accounts: &[ResolvedAccount],
    extra: &BTreeSet<ListKind>,
    on_done: &(dyn Fn(&AccountRead) + Sync),
    then: impl Fn(&ResolvedAccount, AccountRead) -> T + Sync,
) -> Vec<T> {
    let parallelism = client.config().parallelism.max(1);
    let then = &then;
    let mut reads: Vec<(usize, T)> = stream::iter(accounts.iter().enumerate())
        .map(|(index, account)| async move {
            let mut kinds = needed(account.triggers().iter().map(|t| &**t));
            kinds.extend(extra);
            let result = match client.account(account).await {
                Ok(api) => read_live_state_with(&api, &kinds).await,
                Err(err) => Err(err),
            };
            let read = AccountRead {
                account: account.name.value.to_string(),
                result,
            };
            on_done(&read);
            (index, then(account, read))
        })
        .buffer_unordered(parallelism)
        .collect()
        .await;
    reads.sort_by_key(|(index, _)| *index);
    reads.into_iter().map(|(_, read)| read).collect()
}
