//! Account settings: `GET /api/v2/account/settings` (agents) and `PUT` (admins), which
//! merges the sent sections key by key into the account's settings.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::json_merge::deep_merge;
use super::super::shared::Shared;
use super::{json_body, json_of};

/// `GET /api/v2/account/settings` → `{"settings": {…}}`.
pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
) -> Result<Response, ApiError> {
    let settings = shared
        .read_account(&ctx.subdomain, |account| account.settings.clone())
        .ok_or(ApiError::NotFound)?;
    Ok(json_of(StatusCode::OK, &json!({ "settings": settings })))
}

/// `PUT /api/v2/account/settings` with `{"settings": {…}}` → the whole settings after the
/// merge. Keys Zendesk does not have are merged too [simulated by choice: Zendesk's handling of
/// unknown settings is not documented].
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let Some(Value::Object(patch)) = body.get("settings") else {
        return Err(ApiError::ParameterMissing("settings".to_owned()));
    };
    let settings = shared
        .write_account(&ctx.subdomain, |account, _| {
            deep_merge(&mut account.settings, patch);
            account.settings.clone()
        })
        .ok_or(ApiError::NotFound)?;
    Ok(json_of(StatusCode::OK, &json!({ "settings": settings })))
}
