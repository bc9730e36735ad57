//! Trigger categories: list (always cursor form), create (200, not 201 [SEEN OAS]), show,
//! PATCH, delete, and batch jobs.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::pagination::{
    KeyPart, PageRequest, SortKey, cursor_page, page_request, sort_keyed,
};
use super::super::query::Query;
use super::super::shared::Shared;
use super::super::state::Account;
use super::{category_id, json_body, json_of, root_body, served_category, served_trigger};
use crate::zendesk::model::{
    BatchJobRequest, BatchJobResponse, TriggerCategoriesPage, TriggerCategory,
    TriggerCategoryResponse,
};

/// `GET /api/v2/trigger_categories` (`sort`, `include=rule_counts`, cursor pages).
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Result<Response, ApiError> {
    let PageRequest::Cursor {
        size,
        after,
        before,
    } = page_request(&query, true)?
    else {
        return Err(ApiError::NotFound);
    };
    let sort = query.get("sort").unwrap_or("position").to_owned();
    let (field, descending) = sort
        .strip_prefix('-')
        .map_or((sort.as_str(), false), |f| (f, true));
    let counts = query
        .get("include")
        .is_some_and(|i| i.split(',').any(|s| s == "rule_counts"));
    let keyed = read_categories(&shared, &ctx, |account| {
        let mut keyed: Vec<(SortKey, TriggerCategory)> = account
            .categories
            .iter()
            .map(|c| (sort_key(c, field), served(account, c, &ctx.base, counts)))
            .collect();
        sort_keyed(&mut keyed, descending);
        Ok(keyed)
    })?;
    let url = |param: &str, cursor: &str| {
        let page = [(param, cursor.to_owned()), ("page[size]", size.to_string())];
        format!(
            "{}/api/v2/trigger_categories.json?{}",
            ctx.base,
            query.with_page(&page)
        )
    };
    let (items, pagination) = cursor_page(
        &keyed,
        |(k, _)| k.clone(),
        descending,
        &sort,
        (size, after.as_deref(), before.as_deref()),
        url,
    )?;
    let trigger_categories = items.into_iter().map(|(_, c)| c).collect();
    Ok(json_of(
        StatusCode::OK,
        &TriggerCategoriesPage {
            trigger_categories,
            pagination,
        },
    ))
}

/// `POST /api/v2/trigger_categories` → 200 `{"trigger_category": …}`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, position) = category_fields(&body)?;
    let now = shared.now();
    let category = write_categories(&shared, &ctx, |account, next_id| {
        account.create_category(name.as_deref().unwrap_or_default(), position, next_id, now)
    })?;
    Ok(respond_category(&category, &ctx))
}

/// `GET /api/v2/trigger_categories/{id}`.
pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let category = read_categories(&shared, &ctx, |account| {
        account.category(category_id(&id)).cloned()
    })?;
    Ok(respond_category(&category, &ctx))
}

/// `PATCH /api/v2/trigger_categories/{id}`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (name, position) = category_fields(&body)?;
    let now = shared.now();
    let category = write_categories(&shared, &ctx, |account, _| {
        account.update_category(category_id(&id), name.as_deref(), position, now)
    })?;
    Ok(respond_category(&category, &ctx))
}

/// `DELETE /api/v2/trigger_categories/{id}` → 204, or 400 `TriggerCategoryNotEmpty`.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    write_categories(&shared, &ctx, |account, _| {
        account.delete_category(category_id(&id))
    })?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v2/trigger_categories/jobs` → 200 `{"status":"complete","results":…}`, or 400
/// `{"status":"failed","errors":[…]}` [SEEN OAS].
pub(crate) async fn jobs(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: BatchJobRequest = root_body(&body, "job", |e| {
        ApiError::coded(
            StatusCode::BAD_REQUEST,
            "InvalidJob",
            format!("job is not valid: {e}"),
        )
    })?;
    let now = shared.now();
    let outcome = write_categories(&shared, &ctx, |account, _| {
        Ok(account.run_job(&request.job, now))
    })?;
    let (status, body) = match outcome {
        Ok(mut results) => {
            results.triggers = results
                .triggers
                .iter()
                .map(|t| served_trigger(t, &ctx.base))
                .collect();
            results.trigger_categories = results
                .trigger_categories
                .iter()
                .map(|c| served_category(c, &ctx.base))
                .collect();
            let body = BatchJobResponse {
                status: "complete".to_owned(),
                results: Some(results),
                errors: None,
            };
            (StatusCode::OK, body)
        }
        Err(errors) => {
            let body = BatchJobResponse {
                status: "failed".to_owned(),
                results: None,
                errors: Some(errors),
            };
            (StatusCode::BAD_REQUEST, body)
        }
    };
    Ok(json_of(status, &body))
}

/// Reads the account after checking it has trigger categories.
fn read_categories<R>(
    shared: &Shared,
    ctx: &AccountCtx,
    f: impl FnOnce(&Account) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    shared
        .read_account(&ctx.subdomain, |account| {
            account.require_categories()?;
            f(account)
        })
        .ok_or(ApiError::NotFound)?
}

/// Changes the account after checking it has trigger categories.
fn write_categories<R>(
    shared: &Shared,
    ctx: &AccountCtx,
    f: impl FnOnce(&mut Account, &mut u64) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    shared
        .write_account(&ctx.subdomain, |account, next_id| {
            account.require_categories()?;
            f(account, next_id)
        })
        .ok_or(ApiError::NotFound)?
}

/// `name` and `position` of a `{"trigger_category": {...}}` body.
fn category_fields(body: &Bytes) -> Result<(Option<String>, Option<i64>), ApiError> {
    let body = json_body(body)?;
    let Some(object) = body.get("trigger_category").and_then(Value::as_object) else {
        return Err(ApiError::ParameterMissing("trigger_category".to_owned()));
    };
    let name = object
        .get("name")
        .map(|n| n.as_str().unwrap_or_default().to_owned());
    let position = object.get("position").and_then(Value::as_i64);
    Ok((name, position))
}

fn respond_category(category: &TriggerCategory, ctx: &AccountCtx) -> Response {
    let body = TriggerCategoryResponse {
        trigger_category: served_category(category, &ctx.base),
    };
    json_of(StatusCode::OK, &body)
}

fn served(
    account: &Account,
    category: &TriggerCategory,
    base: &str,
    counts: bool,
) -> TriggerCategory {
    let mut served = served_category(category, base);
    if counts {
        let (active, inactive) = account.rule_counts(&category.id);
        served.active_count = Some(active);
        served.inactive_count = Some(inactive);
    }
    served
}

fn sort_key(category: &TriggerCategory, field: &str) -> SortKey {
    let id = KeyPart::Text(format!("{:0>20}", category.id));
    let stamp = |s: &Option<String>| KeyPart::Text(s.clone().unwrap_or_default());
    match field {
        "name" => vec![KeyPart::Text(category.name.to_lowercase()), id],
        "created_at" => vec![stamp(&category.created_at), id],
        "updated_at" => vec![stamp(&category.updated_at), id],
        _ => vec![KeyPart::Int(category.position), id],
    }
}
