//! Writing triggers: create (201), update (PUT), delete (204), `update_many`, `destroy_many`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::query::Query;
use super::super::shared::Shared;
use super::super::trigger_input::{api_warn_header, parse_body};
use super::{json_body, json_of, served_trigger, trigger_id, with_header};
use crate::zendesk::wire::{
    OffsetPagination, TriggerBulkUpdateRequest, TriggerResponse, TriggersOffsetPage,
};

/// `POST /api/v2/triggers` → 201 `{"trigger": …}`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = parse_body(&json_body(&body)?)?;
    let warn = api_warn_header("create", &input.unpermitted);
    let now = shared.now();
    let trigger = shared
        .write_account(&ctx.subdomain, |account, next_id| {
            account.create_trigger(input, next_id, now)
        })
        .ok_or(ApiError::NotFound)??;
    let body = TriggerResponse {
        trigger: served_trigger(&trigger, &ctx.base),
    };
    Ok(with_header(
        json_of(StatusCode::CREATED, &body),
        "x-zendesk-api-warn",
        warn,
    ))
}

/// `PUT /api/v2/triggers/{id}`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = trigger_id(&id)?;
    let input = parse_body(&json_body(&body)?)?;
    let warn = api_warn_header("update", &input.unpermitted);
    let now = shared.now();
    let trigger = shared
        .write_account(&ctx.subdomain, |account, next_id| {
            account.update_trigger(id, input, next_id, now)
        })
        .ok_or(ApiError::NotFound)??;
    let body = TriggerResponse {
        trigger: served_trigger(&trigger, &ctx.base),
    };
    Ok(with_header(
        json_of(StatusCode::OK, &body),
        "x-zendesk-api-warn",
        warn,
    ))
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

/// `PUT /api/v2/triggers/update_many` → 200 with the changed triggers (`TriggersResponse`).
pub(crate) async fn update_many(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    if body.get("triggers").is_none() {
        return Err(ApiError::ParameterMissing("triggers".to_owned()));
    }
    let request: TriggerBulkUpdateRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid("triggers", format!("Triggers are invalid: {e}"), None))?;
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
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref());
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
