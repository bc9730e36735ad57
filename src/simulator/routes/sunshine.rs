//! Sunshine Conversations app settings: `GET`/`PATCH /sc/v2/apps/{appId}`, authenticated with
//! the app's own key (basic `key_id:secret`), not with Support API credentials.
//!
//! Errors use Sunshine Conversations' `{"errors": [{"code", "title"}]}` form; the codes and
//! titles are [INFERRED] (not checked against a live account).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::super::api_error::ApiError;
use super::super::auth::sunshine_key_matches;
use super::super::gate::AccountCtx;
use super::super::shared::Shared;
use super::super::state::SunshineState;
use super::{json_body, json_of};
use crate::zendesk::model::merge::deep_merge;
use crate::zendesk::model::{SunshineApp, SunshineAppResponse, SunshineAppSettings};

/// `GET /sc/v2/apps/{appId}`.
pub(crate) async fn show(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, app_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let app = shared
        .read_account(&ctx.subdomain, |account| {
            let app = authorised_app(account.sunshine.as_ref(), &app_id, &headers)?;
            Ok::<_, ApiError>(app.app.clone())
        })
        .ok_or_else(not_found)??;
    Ok(json_of(StatusCode::OK, &SunshineAppResponse { app }))
}

/// `PATCH /sc/v2/apps/{appId}` with `{"displayName"?, "settings"?, "metadata"?}`: settings merge
/// key by key.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Path((_, app_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = json_body(&body)?;
    let Value::Object(patch) = body else {
        return Err(bad_request("The request body must be a JSON object"));
    };
    let app = shared
        .write_account(&ctx.subdomain, |account, _| {
            let current = authorised_app(account.sunshine.as_ref(), &app_id, &headers)?
                .app
                .clone();
            let updated = patched(&current, &patch)?;
            if let Some(state) = account.sunshine.as_mut() {
                state.app = updated.clone();
            }
            Ok::<_, ApiError>(updated)
        })
        .ok_or_else(not_found)??;
    Ok(json_of(StatusCode::OK, &SunshineAppResponse { app }))
}

fn authorised_app<'a>(
    app: Option<&'a SunshineState>,
    app_id: &str,
    headers: &HeaderMap,
) -> Result<&'a SunshineState, ApiError> {
    let app = app.filter(|a| a.app.id == app_id).ok_or_else(not_found)?;
    if !sunshine_key_matches(app, headers) {
        return Err(ApiError::Json(
            StatusCode::UNAUTHORIZED,
            json!({"errors": [{"code": "unauthorized", "title": "Authorization is required"}]}),
        ));
    }
    Ok(app)
}

/// The app after a PATCH. `endSessionEnabled` needs `multiConvoEnabled` ("multiConvo is
/// required" [SEEN spec 17.5.0]) and `disableConversationReopen` [SEEN help article
/// 10046732687770]; turning multi-conversations off again is refused ("Enabling `multiConvo`
/// is irreversible" [SEEN spec]).
fn patched(current: &SunshineApp, patch: &Map<String, Value>) -> Result<SunshineApp, ApiError> {
    let mut merged = match serde_json::to_value(current) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    deep_merge(&mut merged, patch);
    let app: SunshineApp =
        serde_json::from_value(Value::Object(merged)).map_err(|e| bad_request(&e.to_string()))?;
    if app.id != current.id {
        return Err(bad_request("The app id cannot be changed"));
    }
    let SunshineAppSettings {
        end_session_enabled,
        multi_convo_enabled,
        disable_conversation_reopen,
        ..
    } = &app.settings;
    if current.settings.multi_convo_enabled == Some(true) && *multi_convo_enabled == Some(false) {
        return Err(bad_request(
            "multiConvoEnabled cannot be turned off once enabled",
        ));
    }
    if *end_session_enabled == Some(true) && *multi_convo_enabled != Some(true) {
        return Err(bad_request("endSessionEnabled requires multiConvoEnabled"));
    }
    // Zendesk's article requires reopening off for end users to end sessions; whether the API
    // refuses the combination is [NOT FOUND]: the simulator refuses it, in either order.
    if *end_session_enabled == Some(true) && *disable_conversation_reopen != Some(true) {
        return Err(bad_request(
            "endSessionEnabled requires disableConversationReopen",
        ));
    }
    Ok(app)
}

fn bad_request(title: &str) -> ApiError {
    ApiError::Json(
        StatusCode::BAD_REQUEST,
        json!({"errors": [{"code": "bad_request", "title": title}]}),
    )
}

fn not_found() -> ApiError {
    ApiError::Json(
        StatusCode::NOT_FOUND,
        json!({"errors": [{"code": "app_not_found", "title": "App not found"}]}),
    )
}
