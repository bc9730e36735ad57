//! Account settings: `GET /api/v2/account/settings` (agents) and `PUT` (admins), which
//! merges the sent sections key by key into the account's settings, leaving out the keys
//! Zendesk ignores.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::settings_ops;
use super::super::shared::Shared;
use super::{json_body, json_of, with_header};
use crate::zendesk::model::merge::deep_merge;

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
/// merge. Keys Zendesk would ignore are left out and named in `X-Zendesk-API-Warn`; invalid
/// `messaging_inactivity` values answer 422 and change nothing (see [`settings_ops`]).
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let Some(Value::Object(patch)) = body.get("settings") else {
        return Err(ApiError::ParameterMissing("settings".to_owned()));
    };
    let (settings, dropped) = shared
        .write_account(&ctx.subdomain, |account, _| {
            let (patch, dropped) = settings_ops::permitted(patch, &account.ignored_settings);
            let mut merged = account.settings.clone();
            deep_merge(&mut merged, &patch);
            if let Some(Value::Object(section)) = merged.get("messaging_inactivity") {
                settings_ops::check_inactivity(section).map_err(ApiError::Invalid)?;
            }
            account.settings = merged;
            Ok::<_, ApiError>((account.settings.clone(), dropped))
        })
        .ok_or(ApiError::NotFound)??;
    let response = json_of(StatusCode::OK, &json!({ "settings": settings }));
    let warning = (!dropped.is_empty()).then(|| settings_ops::warn_header(&dropped));
    Ok(with_header(response, "x-zendesk-api-warn", warning))
}
