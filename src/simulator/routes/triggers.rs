//! Reading triggers: list (offset or cursor pages, `active` and `category_id` filters,
//! sorting), active list, title search, show, and definitions.

use std::sync::Arc;

use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::super::api_error::ApiError;
use super::super::definitions;
use super::super::gate::AccountCtx;
use super::super::pagination::{
    KeyPart, PageRequest, SortKey, cursor_page, offset_page, offset_request, page_request,
    sort_keyed,
};
use super::super::query::Query;
use super::super::shared::Shared;
use super::super::state::Account;
use super::{json_of, served_trigger, trigger_id};
use crate::zendesk::model::{Trigger, TriggerResponse, TriggersCursorPage, TriggersOffsetPage};

/// `GET /api/v2/triggers`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Result<Response, ApiError> {
    respond_list(
        &shared,
        &ctx,
        &query,
        "triggers",
        Filter::from_query(&query, true),
        false,
    )
}

/// `GET /api/v2/triggers/active`. Its `category_id` parameter is reportedly ignored
/// [3P community post 4565267805978]; the simulator ignores it too, so clients filter with
/// `/api/v2/triggers?active=true&category_id=…` instead.
pub(crate) async fn active(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Result<Response, ApiError> {
    let filter = Filter {
        active: Some(true),
        ..Filter::from_query(&query, false)
    };
    respond_list(&shared, &ctx, &query, "triggers/active", filter, false)
}

/// `GET /api/v2/triggers/search?query=…`: title search, offset pagination only [SEEN OAS].
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Result<Response, ApiError> {
    let filter = Filter {
        title: Some(query.get("query").unwrap_or_default().to_lowercase()),
        ..Filter::from_query(&query, false)
    };
    respond_list(&shared, &ctx, &query, "triggers/search", filter, true)
}

/// `GET /api/v2/triggers/{id}`.
pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = trigger_id(&id)?;
    let trigger = shared
        .read_account(&ctx.subdomain, |account| {
            account.triggers.iter().find(|t| t.id == id).cloned()
        })
        .flatten()
        .ok_or(ApiError::NotFound)?;
    let body = TriggerResponse {
        trigger: served_trigger(&trigger, &ctx.base),
    };
    Ok(json_of(StatusCode::OK, &body))
}

/// `GET /api/v2/triggers/definitions`.
pub(crate) async fn definitions(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
) -> Result<Response, ApiError> {
    let body = shared
        .read_account(&ctx.subdomain, definitions::definitions_body)
        .ok_or(ApiError::NotFound)?;
    Ok(json_of(StatusCode::OK, &body))
}

/// Which triggers a list shows.
#[derive(Debug, Clone, Default)]
struct Filter {
    active: Option<bool>,
    category_id: Option<String>,
    title: Option<String>,
}

impl Filter {
    fn from_query(query: &Query, with_category: bool) -> Self {
        Self {
            active: query.flag("active"),
            category_id: if with_category {
                query.get("category_id").map(str::to_owned)
            } else {
                None
            },
            title: None,
        }
    }

    fn keeps(&self, trigger: &Trigger) -> bool {
        self.active.is_none_or(|a| trigger.active == a)
            && self
                .category_id
                .as_deref()
                .is_none_or(|c| trigger.category_id.as_ref().and_then(Option::as_deref) == Some(c))
            && self
                .title
                .as_deref()
                .is_none_or(|t| trigger.title.to_lowercase().contains(t))
    }
}

/// The order a list is in: the sort's name (also written into cursors) and its direction.
struct Order {
    name: String,
    descending: bool,
}

impl Order {
    /// Cursor pages sort with `sort` (`position`, `alphabetical`, `created_at`, `updated_at`,
    /// `-` for descending); offset pages with `sort_by` and `sort_order`, ascending by default
    /// for `alphabetical` and `position`, descending otherwise [SEEN OAS]. Unknown values fall
    /// back to position order.
    fn from_query(query: &Query, cursor: bool) -> Self {
        let known = |name: &str| {
            matches!(
                name,
                "position" | "alphabetical" | "created_at" | "updated_at"
            )
        };
        if cursor {
            let sort = query.get("sort").unwrap_or("position");
            let (name, descending) = sort.strip_prefix('-').map_or((sort, false), |n| (n, true));
            let name = if known(name) { name } else { "position" };
            return Self {
                name: name.to_owned(),
                descending,
            };
        }
        let name = query
            .get("sort_by")
            .filter(|n| known(n))
            .unwrap_or("position");
        let default_desc = !matches!(name, "position" | "alphabetical");
        let descending = query
            .get("sort_order")
            .map_or(default_desc, |o| o == "desc");
        Self {
            name: name.to_owned(),
            descending,
        }
    }

    fn key(&self, account: &Account, trigger: &Trigger) -> SortKey {
        let title = KeyPart::Text(trigger.title.to_lowercase());
        let id = KeyPart::Int(i64::try_from(trigger.id).unwrap_or(i64::MAX));
        let stamp = |s: &Option<String>| KeyPart::Text(s.clone().unwrap_or_default());
        match self.name.as_str() {
            "alphabetical" => vec![title, id],
            "created_at" => vec![stamp(&trigger.created_at), id],
            "updated_at" => vec![stamp(&trigger.updated_at), id],
            _ => vec![
                KeyPart::Int(account.category_rank(trigger)),
                KeyPart::Int(trigger.position),
                title,
                id,
            ],
        }
    }
}

fn respond_list(
    shared: &Shared,
    ctx: &AccountCtx,
    query: &Query,
    path: &str,
    filter: Filter,
    offset_only: bool,
) -> Result<Response, ApiError> {
    let request = if offset_only {
        offset_request(query)?
    } else {
        page_request(query, false)?
    };
    let order = Order::from_query(query, matches!(request, PageRequest::Cursor { .. }));
    let url = |params: &[(&str, String)]| {
        format!(
            "{}/api/v2/{path}.json?{}",
            ctx.base,
            query.with_page(params)
        )
    };
    // Only the asked-for page is copied out of the state. The list is still sorted for every
    // page (by key, over references), but copying every trigger of the account for every page
    // was most of the simulator's cost of a read, and held the state's lock as long.
    let served = |items: Vec<(SortKey, &Trigger)>| -> Vec<Trigger> {
        items
            .into_iter()
            .map(|(_, t)| served_trigger(t, &ctx.base))
            .collect()
    };
    let page = shared
        .read_account(&ctx.subdomain, |account| {
            let mut keyed: Vec<(SortKey, &Trigger)> = account
                .triggers
                .iter()
                .filter(|t| filter.keeps(t))
                .map(|t| (order.key(account, t), t))
                .collect();
            sort_keyed(&mut keyed, order.descending);
            match &request {
                PageRequest::Offset { page, per_page } => {
                    let (page, per_page) = (*page, *per_page);
                    let (items, pagination) = offset_page(&keyed, page, per_page, |p| {
                        url(&[("page", p.to_string()), ("per_page", per_page.to_string())])
                    });
                    Ok(Page::Offset(TriggersOffsetPage {
                        triggers: served(items),
                        pagination,
                    }))
                }
                PageRequest::Cursor {
                    size,
                    after,
                    before,
                } => {
                    let size = *size;
                    let sort = if order.descending {
                        format!("-{}", order.name)
                    } else {
                        order.name.clone()
                    };
                    let (items, pagination) = cursor_page(
                        &keyed,
                        |(key, _)| key.clone(),
                        order.descending,
                        &sort,
                        (size, after.as_deref(), before.as_deref()),
                        |param, cursor| {
                            url(&[(param, cursor.to_owned()), ("page[size]", size.to_string())])
                        },
                    )?;
                    Ok(Page::Cursor(TriggersCursorPage {
                        triggers: served(items),
                        pagination,
                    }))
                }
            }
        })
        .ok_or(ApiError::NotFound)??;
    // Written out once the state's lock is released.
    Ok(match page {
        Page::Offset(page) => json_of(StatusCode::OK, &page),
        Page::Cursor(page) => json_of(StatusCode::OK, &page),
    })
}

/// One page of a trigger list, in the pagination the request asked for.
enum Page {
    Offset(TriggersOffsetPage),
    Cursor(TriggersCursorPage),
}
