//! Writing triggers: create (201), update (PUT), delete (204), `update_many`, `destroy_many`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::query::Query;
use super::super::shared::Shared;
use super::super::state::Account;
use super::super::trigger_input::{TriggerInput, api_warn_header, parse_body};
use super::{json_body, json_of, root_body, served_trigger, trigger_id, with_header};
use crate::zendesk::model::{
    OffsetPagination, Trigger, TriggerBulkUpdateRequest, TriggerResponse, TriggersOffsetPage,
};

/// `POST /api/v2/triggers` → 201 `{"trigger": …}`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_trigger(
        &shared,
        &ctx,
        &body,
        "create",
        StatusCode::CREATED,
        super::super::state::Account::create_trigger,
    )
}

/// `PUT /api/v2/triggers/{id}`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = trigger_id(&id)?;
    write_trigger(
        &shared,
        &ctx,
        &body,
        "update",
        StatusCode::OK,
        |account, input, next_id, now| account.update_trigger(id, input, next_id, now),
    )
}

/// `DELETE /api/v2/triggers/{id}` → 204 with an empty body [SEEN].
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = trigger_id(&id)?;
    shared
        .write_account(&ctx.subdomain, |account, _| account.delete_trigger(id))
        .ok_or(ApiError::NotFound)??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The body of `PUT /api/v2/triggers/reorder`.
#[derive(serde::Deserialize)]
struct ReorderRequest {
    trigger_ids: Vec<u64>,
}

/// `PUT /api/v2/triggers/reorder` → 200 `{}`, or 400 `LimitOneCategory` when the account has
/// more than one trigger category.
pub(crate) async fn reorder(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: ReorderRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid("trigger_ids", format!("trigger_ids are invalid: {e}"), None)
    })?;
    let now = shared.now();
    shared
        .write_account(&ctx.subdomain, |account, _| {
            account.reorder(&request.trigger_ids, now)
        })
        .ok_or(ApiError::NotFound)??;
    Ok(json_of(StatusCode::OK, &serde_json::json!({})))
}

/// `PUT /api/v2/triggers/update_many` → 200 with the changed triggers (`TriggersResponse`).
pub(crate) async fn update_many(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request: TriggerBulkUpdateRequest = root_body(&body, "triggers", |e| {
        ApiError::invalid("triggers", format!("Triggers are invalid: {e}"), None)
    })?;
    let now = shared.now();
    let changed = shared
        .write_account(&ctx.subdomain, |account, _| {
            account.update_many(&request.triggers, now)
        })
        .ok_or(ApiError::NotFound)??;
    let triggers: Vec<_> = changed
        .iter()
        .map(|t| served_trigger(t, &ctx.base))
        .collect();
    let pagination = OffsetPagination {
        next_page: None,
        previous_page: None,
        count: triggers.len() as u64,
    };
    Ok(json_of(
        StatusCode::OK,
        &TriggersOffsetPage {
            triggers,
            pagination,
        },
    ))
}

/// `DELETE /api/v2/triggers/destroy_many?ids=1,2,3` → 204. All ids must exist.
pub(crate) async fn destroy_many(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Result<Response, ApiError> {
    let ids = query
        .get("ids")
        .filter(|ids| !ids.trim().is_empty())
        .ok_or_else(|| ApiError::ParameterMissing("ids".to_owned()))?;
    let ids: Vec<u64> = ids
        .split(',')
        .map(|id| id.trim().parse().map_err(|_| ApiError::NotFound))
        .collect::<Result<_, _>>()?;
    shared
        .write_account(&ctx.subdomain, |account, _| account.destroy_many(&ids))
        .ok_or(ApiError::NotFound)??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A trigger create or update: reads the `{"trigger": …}` body, lets `write` apply it (with
/// the id sequence and the time), and answers `{"trigger": …}` with `status`, reporting ignored
/// keys in `x-zendesk-api-warn` under `action`'s name.
fn write_trigger(
    shared: &Shared,
    ctx: &AccountCtx,
    body: &Bytes,
    action: &str,
    status: StatusCode,
    write: impl FnOnce(&mut Account, TriggerInput, &mut u64, i64) -> Result<Trigger, ApiError>,
) -> Result<Response, ApiError> {
    let input = parse_body(&json_body(body)?)?;
    let warn = api_warn_header(action, &input.unpermitted);
    let now = shared.now();
    let trigger = shared
        .write_account(&ctx.subdomain, |account, next_id| {
            write(account, input, next_id, now)
        })
        .ok_or(ApiError::NotFound)??;
    let body = TriggerResponse {
        trigger: served_trigger(&trigger, &ctx.base),
    };
    Ok(with_header(
        json_of(status, &body),
        "x-zendesk-api-warn",
        warn,
    ))
}
