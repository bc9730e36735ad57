//! What every request to an account goes through before and after its handler: account
//! lookup, injected faults, authentication, authorisation and rate limits for the Support API,
//! rate-limit headers, slow bodies, and the request log.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::api_error::{ApiError, json_response};
use super::auth::{Principal, authenticate, authorize};
use super::faults::{self, Outcome};
use super::limits::{self, Verdict};
use super::server::DropConnection;
use super::shared::{Shared, lock};
use super::stats::endpoint_key;

/// The account a request is for, and the base URL it is served under (for `url` fields).
#[derive(Debug, Clone)]
pub(crate) struct AccountCtx {
    /// The subdomain.
    pub subdomain: String,
    /// `http://host:port/{subdomain}`.
    pub base: String,
}

/// Which API a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// The Support API (`/api/v2/…`): Zendesk credentials and rate limits.
    Support,
    /// `POST /oauth/tokens`: credentials are in the body.
    OAuth,
    /// Sunshine Conversations (`/sc/…`): its own key, checked by the handler; no Support limit.
    Sunshine,
}

/// The gate for Support API routes.
pub(crate) async fn support(
    state: State<Arc<Shared>>,
    path: Path<HashMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    gate(Api::Support, state, path, request, next).await
}

/// The gate for the OAuth token route.
pub(crate) async fn oauth(
    state: State<Arc<Shared>>,
    path: Path<HashMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    gate(Api::OAuth, state, path, request, next).await
}

/// The gate for Sunshine Conversations routes.
pub(crate) async fn sunshine(
    state: State<Arc<Shared>>,
    path: Path<HashMap<String, String>>,
    request: Request,
    next: Next,
) -> Response {
    gate(Api::Sunshine, state, path, request, next).await
}

async fn gate(
    api: Api,
    State(shared): State<Arc<Shared>>,
    Path(params): Path<HashMap<String, String>>,
    mut request: Request,
    next: Next,
) -> Response {
    let subdomain = params.get("subdomain").cloned().unwrap_or_default();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let endpoint = endpoint_key(&method, route.as_deref().unwrap_or(request.uri().path()));
    let full_path = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_owned());
    let path = full_path
        .strip_prefix(&format!("/{subdomain}"))
        .unwrap_or(&full_path)
        .to_owned();
    let record = |status: Option<u16>| {
        lock(&shared.recorder).record(&subdomain, &method, &path, &endpoint, status);
    };

    if shared.read_account(&subdomain, |_| ()).is_none() {
        // An unknown subdomain is not a Zendesk account at all; Zendesk answers with an HTML
        // page there [simulated by choice: a JSON 404 naming the simulator].
        record(Some(404));
        return json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": "NoSuchAccount", "description": format!("The simulator serves no account {subdomain:?}")}),
        );
    }

    let decision = lock(&shared.faults).decide(&subdomain);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if decision.outcome == Outcome::Drop {
        record(None);
        if let Some(connection) = request.extensions().get::<DropConnection>() {
            connection.drop_now();
            return std::future::pending().await;
        }
    }
    if let Some(response) = faults::error_response(&decision) {
        record(Some(response.status().as_u16()));
        return response;
    }

    let mut verdict = None;
    if api == Api::Support {
        match admit(
            &shared,
            &subdomain,
            request.headers(),
            request.method(),
            &endpoint,
        ) {
            Ok((principal, v)) => {
                request.extensions_mut().insert(principal);
                verdict = Some(v);
            }
            Err(refusal) => {
                let response = refusal.into_response();
                record(Some(response.status().as_u16()));
                return response;
            }
        }
    }
    let base = format!("http://{}/{subdomain}", host(request.headers()));
    request.extensions_mut().insert(AccountCtx {
        subdomain: subdomain.clone(),
        base,
    });

    let mut response = next.run(request).await;
    if let Some(verdict) = &verdict {
        limits::add_headers(response.headers_mut(), verdict);
    }
    record(Some(response.status().as_u16()));
    if !decision.slow_body.is_zero() {
        response = faults::slow_body(response, decision.slow_body).await;
    }
    response
}

/// Why a Support API request is refused before its handler.
#[derive(Debug)]
enum Refusal {
    /// 401 or 403.
    Denied(ApiError),
    /// 429.
    Limited(Verdict),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Denied(error) => error.into_response(),
            Self::Limited(verdict) => limits::too_many_requests(&verdict),
        }
    }
}

/// Authenticates, authorises and counts a Support API request.
fn admit(
    shared: &Shared,
    subdomain: &str,
    headers: &HeaderMap,
    method: &axum::http::Method,
    endpoint: &str,
) -> Result<(Principal, Verdict), Refusal> {
    let now = shared.now();
    let checked = shared
        .read_account(subdomain, |account| {
            let principal = authenticate(account, headers, now)?;
            // Revoking needs no admin: anyone may revoke their own token (the handler refuses
            // another's unless the caller is an admin).
            if endpoint != REVOKE_ENDPOINT {
                authorize(&principal, method, resource(endpoint))?;
            }
            Ok::<_, ApiError>((principal, shared.rate_limit(account)))
        })
        .unwrap_or(Err(ApiError::NotFound));
    let (principal, limit) = checked.map_err(Refusal::Denied)?;
    let verdict = lock(&shared.limits).check(subdomain, limit, shared.clock.elapsed());
    if verdict.limited {
        return Err(Refusal::Limited(verdict));
    }
    Ok((principal, verdict))
}

/// `DELETE /api/v2/oauth/tokens/{id}` as [`endpoint_key`] names it.
const REVOKE_ENDPOINT: &str = "DELETE /api/v2/oauth/tokens/{id}";

/// The OAuth-scopable resource of an endpoint: triggers and their categories are `triggers`
/// [SEEN OAS: "scopable resources include triggers"].
fn resource(endpoint: &str) -> Option<&'static str> {
    (endpoint.contains("/api/v2/triggers") || endpoint.contains("/api/v2/trigger_categories"))
        .then_some("triggers")
}

/// The host the client used, for URLs in answers.
fn host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned()
}
