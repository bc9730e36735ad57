//! The read side of the Zendesk API: what planning gets. It cannot write.
//!
//! Reading a whole account (and many at once) into live state is the caller's:
//! `crate::read_plan` does it through [`ReadApi`], so that this module needs nothing of what
//! it reads into. An account's live state costs the fewest requests Zendesk allows: the first page of
//! triggers (`page[size]=100`), the categories, the definitions, the account settings and
//! (when configured) the Sunshine Conversations app, all sent at once; further pages of
//! triggers follow one by one, looping on `meta.has_more` (not on `links.next`, which real
//! answers set even on the last page) within the bounds of [`super::pages`]. Never one GET
//! per trigger. The lists of objects the policy names by reference (groups, custom fields, …)
//! are read alongside, one paged list per kind named and none when it names none.

use std::collections::BTreeSet;
use std::future::Future;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::client::error::ZendeskError;
use super::client::{AccountClient, Api, Client, Target};
use super::model::{
    AccountSettings, AccountSettingsResponse, CursorPagination, SunshineApp, SunshineAppResponse,
    Trigger, TriggerCategoriesPage, TriggerCategory, TriggerDefinitions,
    TriggerDefinitionsResponse, TriggersCursorPage,
};
use super::pages::{PAGE_SIZE, PageWalk};
use crate::directory::{Directory, ListKind};
use crate::policy::model::Subdomain;
use crate::policy::resolve::ResolvedAccount;

/// Opening the accounts of a run to read them: the HTTP [`Client`], or a test's fake. The
/// read-then-plan glue is generic over it, so it is tested without a server.
pub trait ReadAccounts: Sync {
    /// One account's reader.
    type Reader: ReadApi + Send + Sync;
    /// Most accounts read at once (the HTTP client bounds requests in flight itself).
    fn parallelism(&self) -> usize;
    /// The host where this reads the account `subdomain`, which a plan names in its header.
    fn host(&self, subdomain: &Subdomain) -> String;
    /// Opens one account of the policy: for the HTTP client, resolves its credentials.
    ///
    /// # Errors
    /// When the account cannot be opened (its credentials cannot be resolved).
    fn open(
        &self,
        account: &ResolvedAccount,
    ) -> impl Future<Output = Result<Self::Reader, ZendeskError>> + Send;
}

impl ReadAccounts for Client {
    type Reader = AccountClient;

    fn parallelism(&self) -> usize {
        self.config().parallelism.max(1)
    }

    fn host(&self, subdomain: &Subdomain) -> String {
        self.config().base_url.host_for(subdomain)
    }

    fn open(
        &self,
        account: &ResolvedAccount,
    ) -> impl Future<Output = Result<AccountClient, ZendeskError>> + Send {
        self.account(account)
    }
}

/// Reading one account. Implemented by the HTTP client; tests may fake it.
pub trait ReadApi: Sync {
    /// The account's name in the policy.
    fn account_name(&self) -> &str;
    /// Every trigger.
    fn list_triggers(&self) -> impl Future<Output = Result<Vec<Trigger>, ZendeskError>> + Send;
    /// Every trigger category (empty when the account does not have categories).
    fn list_trigger_categories(
        &self,
    ) -> impl Future<Output = Result<Vec<TriggerCategory>, ZendeskError>> + Send;
    /// Every trigger category, or `None` when the account does not have the feature.
    fn trigger_categories(
        &self,
    ) -> impl Future<Output = Result<Option<Vec<TriggerCategory>>, ZendeskError>> + Send {
        async { self.list_trigger_categories().await.map(Some) }
    }
    /// The trigger definitions.
    fn trigger_definitions(
        &self,
    ) -> impl Future<Output = Result<TriggerDefinitions, ZendeskError>> + Send;
    /// The account settings.
    fn account_settings(
        &self,
    ) -> impl Future<Output = Result<AccountSettings, ZendeskError>> + Send;
    /// The Sunshine Conversations app, if the policy configures one.
    fn sunshine_app(
        &self,
    ) -> impl Future<Output = Result<Option<SunshineApp>, ZendeskError>> + Send;
    /// The lists of objects of `kinds` (for references), each read whole. A reader that
    /// cannot read them gives none: planning then reports every reference as unresolved.
    fn directory(
        &self,
        kinds: &BTreeSet<ListKind>,
    ) -> impl Future<Output = Result<Directory, ZendeskError>> + Send {
        let _ = kinds;
        async { Ok(Directory::default()) }
    }
}

impl AccountClient {
    /// Follows cursor pages of `path` until `meta.has_more` is false, or until a rule of
    /// [`PageWalk`] stops a list that would not end.
    async fn all_pages<P, T>(
        &self,
        path: &str,
        target: Target<'_>,
        split: impl Fn(P) -> (Vec<T>, CursorPagination),
    ) -> Result<Vec<T>, ZendeskError>
    where
        P: DeserializeOwned,
    {
        // Pages are kept as parsed and joined once at the end, so that each item is moved at
        // most once (appending page by page copied an account's triggers two or three times).
        let mut pages: Vec<Vec<T>> = Vec::new();
        let mut walk = PageWalk::default();
        let mut url = format!("{path}?page[size]={PAGE_SIZE}");
        loop {
            let page: P = self.get_json(Api::Support, &url, target).await?;
            let (page_items, pagination) = split(page);
            let count = page_items.len();
            pages.push(page_items);
            let next = walk
                .next(count, pagination)
                .map_err(|stop| ZendeskError::Pagination {
                    account: self.name().to_owned(),
                    object: target.object.to_owned(),
                    stop,
                })?;
            let Some(cursor) = next else {
                return Ok(joined(pages));
            };
            url = format!(
                "{path}?page[size]={PAGE_SIZE}&page[after]={}",
                encode(&cursor)
            );
        }
    }
}

/// The items of every page, in order, in one list: the first page's, grown once to hold the rest.
fn joined<T>(pages: Vec<Vec<T>>) -> Vec<T> {
    let total: usize = pages.iter().map(Vec::len).sum();
    let mut pages = pages.into_iter();
    let mut items = pages.next().unwrap_or_default();
    items.reserve_exact(total - items.len());
    pages.for_each(|mut page| items.append(&mut page));
    items
}

/// Percent-encodes a cursor for a query string, or an id for a path segment (both opaque text):
/// every byte but RFC 3986's unreserved characters.
pub(crate) fn encode(cursor: &str) -> String {
    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(cursor, UNRESERVED).to_string()
}

impl ReadApi for AccountClient {
    fn account_name(&self) -> &str {
        self.name()
    }

    async fn list_triggers(&self) -> Result<Vec<Trigger>, ZendeskError> {
        let target = Target {
            object: "triggers",
            account_wide: true,
        };
        self.all_pages("/api/v2/triggers", target, |p: TriggersCursorPage| {
            (p.triggers, p.pagination)
        })
        .await
    }

    async fn list_trigger_categories(&self) -> Result<Vec<TriggerCategory>, ZendeskError> {
        Ok(self.trigger_categories().await?.unwrap_or_default())
    }

    async fn trigger_categories(&self) -> Result<Option<Vec<TriggerCategory>>, ZendeskError> {
        let target = Target {
            object: "trigger categories",
            account_wide: true,
        };
        let result = self
            .all_pages(
                "/api/v2/trigger_categories",
                target,
                |p: TriggerCategoriesPage| (p.trigger_categories, p.pagination),
            )
            .await;
        match result {
            // Accounts without the feature answer 403 TriggerCategoriesNotEnabled: they simply
            // have no categories (docs/zendesk-notes.md, "Error shapes").
            Err(ZendeskError::Forbidden {
                code: Some(code), ..
            }) if code == "TriggerCategoriesNotEnabled" => Ok(None),
            other => other.map(Some),
        }
    }

    async fn trigger_definitions(&self) -> Result<TriggerDefinitions, ZendeskError> {
        let target = Target {
            object: "trigger definitions",
            account_wide: true,
        };
        let answer: TriggerDefinitionsResponse = self
            .get_json(Api::Support, "/api/v2/triggers/definitions", target)
            .await?;
        Ok(answer.definitions)
    }

    async fn account_settings(&self) -> Result<AccountSettings, ZendeskError> {
        let target = Target {
            object: "account settings",
            account_wide: true,
        };
        let answer: AccountSettingsResponse = self
            .get_json(Api::Support, "/api/v2/account/settings", target)
            .await?;
        Ok(answer.settings)
    }

    async fn sunshine_app(&self) -> Result<Option<SunshineApp>, ZendeskError> {
        let Some(app_id) = self.sunshine_app_id() else {
            return Ok(None);
        };
        let object = format!("Sunshine Conversations app {app_id}");
        let target = Target {
            object: &object,
            account_wide: false,
        };
        let path = format!("/v2/apps/{}", encode(app_id));
        let answer: SunshineAppResponse = self.get_json(Api::Sunshine, &path, target).await?;
        Ok(Some(answer.app))
    }

    async fn directory(&self, kinds: &BTreeSet<ListKind>) -> Result<Directory, ZendeskError> {
        let lists = futures_util::future::try_join_all(kinds.iter().map(|&kind| async move {
            let target = Target {
                object: kind.noun(),
                account_wide: true,
            };
            let items = self
                .all_pages(kind.path(), target, |page: Value| list_page(kind, page))
                .await?;
            Ok::<_, ZendeskError>((kind, items.iter().filter_map(|i| kind.entry(i)).collect()))
        }))
        .await?;
        Ok(Directory {
            lists: lists.into_iter().collect(),
        })
    }
}

/// One page of a list: its objects and its pagination (absent from lists Zendesk does not
/// page, which then end after one page).
fn list_page(kind: ListKind, mut page: Value) -> (Vec<Value>, CursorPagination) {
    let items = match page.get_mut(kind.root()).map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let pagination = CursorPagination {
        meta: page
            .get_mut("meta")
            .map(Value::take)
            .and_then(|m| serde_json::from_value(m).ok())
            .unwrap_or_default(),
        links: page
            .get_mut("links")
            .map(Value::take)
            .and_then(|l| serde_json::from_value(l).ok())
            .unwrap_or_default(),
    };
    (items, pagination)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_encoded() {
        assert_eq!(encode("eyJv+/=="), "eyJv%2B%2F%3D%3D");
    }

    #[test]
    fn pages_join_in_order() {
        assert_eq!(joined::<u8>(vec![]), Vec::<u8>::new());
        assert_eq!(joined(vec![vec![1, 2]]), [1, 2]);
        let items = joined(vec![vec![1, 2], vec![], vec![3], vec![4, 5]]);
        assert_eq!(items, [1, 2, 3, 4, 5]);
    }
}
