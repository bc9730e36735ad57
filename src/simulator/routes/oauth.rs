//! `POST /oauth/tokens` with the client-credentials grant: issues expiring bearer tokens
//! (docs/zendesk-notes.md, "Authentication").
//!
//! Error bodies follow RFC 6749 §5.2 (`{"error", "error_description"}`) [INFERRED: Zendesk's
//! exact texts were not found].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, json};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::shared::{Shared, lock};
use super::super::state::IssuedToken;
use super::json_of;
use crate::zendesk::wire::{OAuthTokenRequest, OAuthTokenResponse};

/// Token lifetimes Zendesk accepts, in seconds [SEEN OAS: `expires_in` 300–172,800].
const LIFETIME: std::ops::RangeInclusive<u64> = 300..=172_800;
/// Lifetime when the request gives none [simulated by choice: Zendesk's default not found].
const DEFAULT_LIFETIME: u64 = 172_800;

/// `POST /oauth/tokens` (JSON or form-encoded body).
pub(crate) async fn issue(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse(&headers, &body)
        .map_err(|why| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &why))?;
    if request.grant_type != "client_credentials" {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The simulator supports the client_credentials grant only",
        ));
    }
    let lifetime = request.expires_in.unwrap_or(DEFAULT_LIFETIME);
    if !LIFETIME.contains(&lifetime) {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "expires_in must be between 300 and 172800 seconds",
        ));
    }
    // "The endpoint returns an access token even if you specify an invalid scope. Any request
    // you make with the token will return a 'Forbidden' error" [SEEN OAS]: scopes are not checked here.
    let scope = request
        .scope
        .clone()
        .unwrap_or_else(|| "read write".to_owned());
    let token = new_token(&shared);
    let now = shared.now();
    let issued = shared
        .write_account(&ctx.subdomain, |account, _| {
            let client = account.credentials.oauth_clients.iter().find(|c| {
                c.client_id == request.client_id && c.client_secret == request.client_secret
            })?;
            let role = client.role;
            account.issued_tokens.retain(|t| t.expires_at > now);
            account.issued_tokens.push(IssuedToken {
                token: token.clone(),
                client_id: request.client_id.clone(),
                role,
                scopes: scope.split_whitespace().map(str::to_owned).collect(),
                expires_at: now.saturating_add(i64::try_from(lifetime).unwrap_or(i64::MAX)),
            });
            Some(())
        })
        .flatten();
    if issued.is_none() {
        return Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        ));
    }
    let body = OAuthTokenResponse {
        access_token: token,
        token_type: "bearer".to_owned(),
        scope: Some(scope),
        expires_in: Some(lifetime),
        extra: Map::new(),
    };
    Ok(json_of(StatusCode::OK, &body))
}

fn parse(headers: &HeaderMap, body: &Bytes) -> Result<OAuthTokenRequest, String> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        serde_urlencoded::from_bytes(body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    }
}

/// 40 hexadecimal characters, like the tokens Zendesk hands out.
fn new_token(shared: &Shared) -> String {
    let mut rng = lock(&shared.token_rng);
    (0..5).map(|_| format!("{:08x}", rng.u32(..))).collect()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> ApiError {
    ApiError::Json(
        status,
        json!({"error": error, "error_description": description}),
    )
}
