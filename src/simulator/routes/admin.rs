//! The simulator's own routes under `/_sim/…`: tests use them to seed accounts, play Admin
//! Center, inject faults, change limits, move the clock and read counters. Zendesk has nothing
//! like them, so no zdpolicy code path outside tests may call them.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::super::api_error::json_response;
use super::super::faults::FaultConfig;
use super::super::handle::SimulatorHandle;
use super::super::query::Query;
use super::super::seed::{AccountSeed, AdminSettings, RouteAs};
use super::super::shared::Shared;
use super::json_of;

/// The `/_sim` routes.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/_sim/health",
            get(|| async { json_response(StatusCode::OK, &json!({"status": "ok"})) }),
        )
        .route("/_sim/accounts", get(accounts).post(add_account))
        .route(
            "/_sim/accounts/{subdomain}/admin",
            get(admin_settings).patch(patch_admin_settings),
        )
        .route(
            "/_sim/accounts/{subdomain}/faults",
            put(account_faults).delete(clear_account_faults),
        )
        .route("/_sim/accounts/{subdomain}/rate_limit", put(rate_limit))
        .route(
            "/_sim/accounts/{subdomain}/ignored_settings",
            put(ignored_settings),
        )
        .route(
            "/_sim/accounts/{subdomain}/sign_ins",
            axum::routing::delete(revoke_sign_ins),
        )
        .route("/_sim/faults", put(global_faults))
        .route("/_sim/stats", get(stats).delete(reset_stats))
        .route("/_sim/requests", get(requests))
        .route("/_sim/clock", post(advance_clock))
}

type Answer = Result<Response, AdminError>;

/// An error answer of a `/_sim` route: `{"error": "…"}`.
#[derive(Debug)]
struct AdminError(StatusCode, String);

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        json_response(self.0, &json!({"error": self.1}))
    }
}

fn handle(shared: Arc<Shared>) -> SimulatorHandle {
    SimulatorHandle::new(shared)
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> AdminError {
    AdminError(status, message.to_string())
}

/// An account's Admin-Center-only settings; 404 for an unknown account.
fn admin_settings_of(
    handle: &SimulatorHandle,
    subdomain: &str,
) -> Result<AdminSettings, AdminError> {
    handle
        .admin_settings(subdomain)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, format!("no account {subdomain:?}")))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, AdminError> {
    serde_json::from_slice(body).map_err(|e| error(StatusCode::BAD_REQUEST, e))
}

/// `GET /_sim/accounts` → `{"accounts": ["acme", …]}`.
async fn accounts(State(shared): State<Arc<Shared>>) -> Response {
    json_of(
        StatusCode::OK,
        &json!({"accounts": handle(shared).accounts()}),
    )
}

/// `POST /_sim/accounts` with an account seed (JSON) → 201.
async fn add_account(State(shared): State<Arc<Shared>>, body: Bytes) -> Answer {
    let seed: AccountSeed = parse(&body)?;
    let subdomain = seed.subdomain.clone();
    handle(shared)
        .add_account(seed)
        .map_err(|e| error(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    Ok(json_of(StatusCode::CREATED, &json!({"account": subdomain})))
}

/// `GET /_sim/accounts/{subdomain}/admin`.
async fn admin_settings(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
) -> Answer {
    let settings = admin_settings_of(&handle(shared), &subdomain)?;
    Ok(json_of(StatusCode::OK, &settings))
}

/// A partial change of Admin-Center-only settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdminPatch {
    agents_can_end_sessions: Option<bool>,
    agent_ended_sessions_route_as: Option<RouteAs>,
}

/// `PATCH /_sim/accounts/{subdomain}/admin` with some of the settings → all of them.
async fn patch_admin_settings(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
    body: Bytes,
) -> Answer {
    let patch: AdminPatch = parse(&body)?;
    let handle = handle(shared);
    let current = admin_settings_of(&handle, &subdomain)?;
    let settings = AdminSettings {
        agents_can_end_sessions: patch
            .agents_can_end_sessions
            .unwrap_or(current.agents_can_end_sessions),
        agent_ended_sessions_route_as: patch
            .agent_ended_sessions_route_as
            .unwrap_or(current.agent_ended_sessions_route_as),
    };
    handle
        .set_admin_settings(&subdomain, settings)
        .map_err(|e| error(StatusCode::NOT_FOUND, e))?;
    Ok(json_of(StatusCode::OK, &settings))
}

/// `PUT /_sim/accounts/{subdomain}/faults` with a fault configuration.
async fn account_faults(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
    body: Bytes,
) -> Answer {
    let config: FaultConfig = parse(&body)?;
    handle(shared).set_account_faults(&subdomain, Some(config));
    Ok(json_of(StatusCode::OK, &config))
}

/// `DELETE /_sim/accounts/{subdomain}/faults`: back to the simulator-wide faults.
async fn clear_account_faults(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
) -> Response {
    handle(shared).set_account_faults(&subdomain, None);
    StatusCode::NO_CONTENT.into_response()
}

/// `PUT /_sim/faults` with a fault configuration for every account.
async fn global_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Answer {
    let config: FaultConfig = parse(&body)?;
    handle(shared).set_faults(config);
    Ok(json_of(StatusCode::OK, &config))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitBody {
    per_minute: Option<u32>,
}

/// `PUT /_sim/accounts/{subdomain}/rate_limit` with `{"per_minute": N}`; the body `null` (or
/// `{"per_minute": null}`) goes back to the plan's limit.
async fn rate_limit(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
    body: Bytes,
) -> Answer {
    let body: Option<RateLimitBody> = parse(&body)?;
    let per_minute = body.and_then(|b| b.per_minute);
    handle(shared)
        .set_rate_limit(&subdomain, per_minute)
        .map_err(|e| error(StatusCode::NOT_FOUND, e))?;
    Ok(json_of(StatusCode::OK, &json!({"per_minute": per_minute})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoredSettingsBody {
    keys: Vec<String>,
}

/// `PUT /_sim/accounts/{subdomain}/ignored_settings` with `{"keys": ["SECTION.KEY", …]}`.
async fn ignored_settings(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
    body: Bytes,
) -> Answer {
    let body: IgnoredSettingsBody = parse(&body)?;
    handle(shared)
        .set_ignored_settings(&subdomain, body.keys.clone())
        .map_err(|e| error(StatusCode::NOT_FOUND, e))?;
    Ok(json_of(StatusCode::OK, &json!({"keys": body.keys})))
}

/// `DELETE /_sim/accounts/{subdomain}/sign_ins`: revokes every browser sign-in ("an admin
/// revoked zdpolicy's access in Admin Center") → `{"revoked": N}`.
async fn revoke_sign_ins(
    State(shared): State<Arc<Shared>>,
    Path(subdomain): Path<String>,
) -> Answer {
    let revoked = handle(shared)
        .revoke_sign_ins(&subdomain)
        .map_err(|e| error(StatusCode::NOT_FOUND, e))?;
    Ok(json_of(StatusCode::OK, &json!({"revoked": revoked})))
}

/// `GET /_sim/stats`.
async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    json_of(StatusCode::OK, &handle(shared).stats())
}

/// `DELETE /_sim/stats`: clears counters and log.
async fn reset_stats(State(shared): State<Arc<Shared>>) -> Response {
    handle(shared).reset_stats();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_sim/requests[?account=acme]` → `{"requests": […]}`.
async fn requests(State(shared): State<Arc<Shared>>, query: Query) -> Response {
    json_of(
        StatusCode::OK,
        &json!({"requests": handle(shared).requests(query.get("account"))}),
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    advance_seconds: u64,
}

/// `POST /_sim/clock` with `{"advance_seconds": N}`.
async fn advance_clock(State(shared): State<Arc<Shared>>, body: Bytes) -> Answer {
    let body: ClockBody = parse(&body)?;
    handle(shared).advance_clock(Duration::from_secs(body.advance_seconds));
    Ok(json_of(
        StatusCode::OK,
        &json!({"advanced_seconds": body.advance_seconds}),
    ))
}
