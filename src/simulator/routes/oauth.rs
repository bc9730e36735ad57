//! OAuth as Zendesk offers it: the authorization page (`GET /oauth/authorizations/new`,
//! approving at once for the seeded person), `POST /oauth/tokens` with the
//! `client_credentials`, `authorization_code` (PKCE `S256`) and `refresh_token` grants,
//! expiry and refresh-token rotation, revocation (`DELETE /api/v2/oauth/tokens/{id|current}`)
//! and `GET /api/v2/users/me` (docs/zendesk-notes.md, "Authentication"; Zendesk's "OAuth
//! Tokens for Grant Types" and PKCE guides [SEEN]).
//!
//! Token errors follow RFC 6749 §5.2 (`{"error", "error_description"}`) [INFERRED: Zendesk's
//! exact texts were not found]. A refresh deletes the access and refresh token it came with
//! and answers a new pair ("A successful request will also return a refresh token and delete
//! the previous access and refresh tokens" [SEEN help article 9182123625370]).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, json};

use super::super::api_error::ApiError;
use super::super::auth::Principal;
use super::super::gate::AccountCtx;
use super::super::query::Query;
use super::super::seed::{Role, SignInSeed, SignInUserSeed};
use super::super::shared::{Shared, lock};
use super::super::state::{Account, IssuedToken, PendingCode, RefreshToken, take_id};
use super::json_of;
use crate::zendesk::model::{OAuthTokenRequest, OAuthTokenResponse};
use crate::zendesk::signin::pkce;

/// Access-token lifetimes Zendesk accepts, in seconds [SEEN OAS: `expires_in` 300–172,800].
const LIFETIME: std::ops::RangeInclusive<u64> = 300..=172_800;
/// Refresh-token lifetimes Zendesk accepts [SEEN OAS: 604,800–7,776,000].
const REFRESH_LIFETIME: std::ops::RangeInclusive<u64> = 604_800..=7_776_000;
/// Client-credentials lifetime when the request gives none [simulated by choice: Zendesk's
/// default not found].
const DEFAULT_LIFETIME: u64 = 172_800;
/// How long an authorization code may wait for its exchange [simulated by choice: RFC 6749
/// §4.1.2 recommends at most ten minutes].
const CODE_LIFETIME: i64 = 600;

/// `GET /oauth/authorizations/new`: the page a person's browser opens. It approves at once
/// as the seeded person (or denies, when the seed says so) and redirects to the client's
/// loopback URL with `code` and `state`.
///
/// A request that names an unknown client or an unregistered redirect URL is answered here
/// (400) and never redirected, so a code cannot be sent to a URL the client did not register
/// (RFC 6749 §4.1.2.1); every other error goes back to the redirect URL as `error=…`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    query: Query,
) -> Response {
    let sign_in = shared
        .read_account(&ctx.subdomain, |a| a.credentials.sign_in.clone())
        .flatten();
    let client_id = query.get("client_id").unwrap_or_default();
    let Some(sign_in) = sign_in.filter(|s| s.client_id == client_id) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "The OAuth client is not registered in this account",
        )
        .into_response();
    };
    let redirect_uri = query.get("redirect_uri").unwrap_or_default().to_owned();
    if !registered(&sign_in, &redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The redirect_uri is not one of the client's redirect URLs",
        )
        .into_response();
    }
    let state = query.get("state").map(str::to_owned);
    let back = |pairs: &[(&str, &str)]| redirect_to(&redirect_uri, pairs, state.as_deref());
    if query.get("response_type") != Some("code") {
        return back(&[("error", "unsupported_response_type")]);
    }
    let challenge = query.get("code_challenge").unwrap_or_default();
    if challenge.is_empty() || query.get("code_challenge_method") != Some(pkce::METHOD) {
        // Public clients must use PKCE [SEEN help article 4408845965210], with S256 [SEEN
        // PKCE guide].
        return back(&[
            ("error", "invalid_request"),
            (
                "error_description",
                "code_challenge with code_challenge_method=S256 is required",
            ),
        ]);
    }
    if !sign_in.approve {
        return back(&[
            ("error", "access_denied"),
            ("error_description", "The user denied access"),
        ]);
    }
    let asked: Vec<String> = query
        .get("scope")
        .unwrap_or("read")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let code = new_token(&shared);
    let now = shared.now();
    let pending = PendingCode {
        code: code.clone(),
        client_id: sign_in.client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        code_challenge: challenge.to_owned(),
        scopes: sign_in.scopes.clone().unwrap_or(asked),
        user: sign_in.user.clone(),
        expires_at: now + CODE_LIFETIME,
    };
    shared.write_account(&ctx.subdomain, |account, _| {
        account.pending_codes.retain(|c| c.expires_at > now);
        account.pending_codes.push(pending);
    });
    back(&[("code", &code)])
}

/// Whether `uri` is a redirect URL of the client: equal, or for loopback URLs equal but for
/// the port (RFC 8252 §7.3: native apps listen on whatever port is free).
fn registered(sign_in: &SignInSeed, uri: &str) -> bool {
    sign_in.redirect_uris.iter().any(|r| {
        r == uri || without_loopback_port(r).is_some_and(|r| Some(r) == without_loopback_port(uri))
    })
}

/// `http://127.0.0.1:PORT/path` as `http://127.0.0.1/path`; `None` for other URLs.
fn without_loopback_port(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("http://127.0.0.1")?;
    let rest = match rest.strip_prefix(':') {
        Some(port_and_path) => {
            let split = port_and_path.find('/').unwrap_or(port_and_path.len());
            let (port, path) = port_and_path.split_at(split);
            if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            path
        }
        None => rest,
    };
    Some(format!("http://127.0.0.1{rest}"))
}

/// A 302 to the client's redirect URL with the answer's parameters and the request's state.
fn redirect_to(uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut all: Vec<(&str, &str)> = pairs.to_vec();
    if let Some(state) = state {
        all.push(("state", state));
    }
    let query = serde_urlencoded::to_string(&all).unwrap_or_default();
    let separator = if uri.contains('?') { '&' } else { '?' };
    let location = format!("{uri}{separator}{query}");
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `POST /oauth/tokens` (JSON or form-encoded body).
pub(crate) async fn issue(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse(&headers, &body)
        .map_err(|why| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &why))?;
    let lifetime = |asked: Option<u64>, default: u64, range: &std::ops::RangeInclusive<u64>| {
        let lifetime = asked.unwrap_or(default);
        if range.contains(&lifetime) {
            Ok(lifetime)
        } else {
            Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!(
                    "token lifetimes must be between {} and {} seconds",
                    range.start(),
                    range.end()
                ),
            ))
        }
    };
    let sign_in = shared
        .read_account(&ctx.subdomain, |a| a.credentials.sign_in.clone())
        .flatten();
    let (access_default, refresh_default) =
        sign_in.as_ref().map_or((DEFAULT_LIFETIME, 2_592_000), |s| {
            (s.access_token_lifetime, s.refresh_token_lifetime)
        });
    let now = shared.now();
    let access = new_token(&shared);
    let answer = match request.grant_type.as_str() {
        "client_credentials" => {
            let lifetime = lifetime(request.expires_in, DEFAULT_LIFETIME, &LIFETIME)?;
            client_credentials(&shared, &ctx, &request, access, lifetime, now)?
        }
        "authorization_code" | "refresh_token" => {
            let access_lifetime = lifetime(request.expires_in, access_default, &LIFETIME)?;
            let refresh_lifetime = lifetime(
                request.refresh_token_expires_in,
                refresh_default,
                &REFRESH_LIFETIME,
            )?;
            let pair = Pair {
                access,
                refresh: new_token(&shared),
                access_lifetime,
                refresh_lifetime,
            };
            shared
                .write_account(&ctx.subdomain, |account, next_id| {
                    if request.grant_type == "authorization_code" {
                        exchange_code(account, &request, now)
                    } else {
                        exchange_refresh(account, &request, now)
                    }
                    .map(|grant| pair.issue(account, grant, next_id, now))
                })
                .unwrap_or(Err(invalid_grant()))?
        }
        _ => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials, authorization_code or refresh_token",
            ));
        }
    };
    Ok(json_of(StatusCode::OK, &answer))
}

fn client_credentials(
    shared: &Shared,
    ctx: &AccountCtx,
    request: &OAuthTokenRequest,
    token: String,
    lifetime: u64,
    now: i64,
) -> Result<OAuthTokenResponse, ApiError> {
    // "The endpoint returns an access token even if you specify an invalid scope. Any request
    // you make with the token will return a 'Forbidden' error" [SEEN OAS]: scopes are not checked here.
    let scope = request
        .scope
        .clone()
        .unwrap_or_else(|| "read write".to_owned());
    let issued = shared
        .write_account(&ctx.subdomain, |account, next_id| {
            let client = account.credentials.oauth_clients.iter().find(|c| {
                c.client_id == request.client_id
                    && Some(&c.client_secret) == request.client_secret.as_ref()
            })?;
            let role = client.role;
            account.issued_tokens.retain(|t| t.expires_at > now);
            account.issued_tokens.push(IssuedToken {
                id: take_id(next_id),
                token: token.clone(),
                client_id: request.client_id.clone(),
                role,
                scopes: scope.split_whitespace().map(str::to_owned).collect(),
                expires_at: now.saturating_add(seconds(lifetime)),
                refresh: None,
                user: None,
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
    Ok(OAuthTokenResponse {
        access_token: token,
        token_type: "bearer".to_owned(),
        scope: Some(scope),
        expires_in: Some(lifetime),
        refresh_token: None,
        refresh_token_expires_in: None,
        extra: Map::new(),
    })
}

/// What a sign-in grant hands out: scopes and the person.
struct Grant {
    client_id: String,
    scopes: Vec<String>,
    user: SignInUserSeed,
}

/// An authorization code for a grant: once only, before it expires, by the client and with
/// the redirect URL it was issued for, and with the verifier of its challenge.
fn exchange_code(
    account: &mut Account,
    request: &OAuthTokenRequest,
    now: i64,
) -> Result<Grant, ApiError> {
    let code = request.code.as_deref().unwrap_or_default();
    let index = account
        .pending_codes
        .iter()
        .position(|c| c.code == code)
        .ok_or_else(invalid_grant)?;
    // Any attempt uses the code up: a guessed verifier does not get a second try.
    let pending = account.pending_codes.remove(index);
    let verifier = request.code_verifier.as_deref().unwrap_or_default();
    let matches = pending.expires_at > now
        && pending.client_id == request.client_id
        && request.redirect_uri.as_deref() == Some(pending.redirect_uri.as_str())
        && pkce::valid_verifier(verifier)
        && pkce::challenge(verifier) == pending.code_challenge;
    if !matches {
        return Err(invalid_grant());
    }
    Ok(Grant {
        client_id: pending.client_id,
        scopes: pending.scopes,
        user: pending.user,
    })
}

/// A refresh token for a grant: it and its access token are deleted; a refresh token used
/// twice, expired or revoked is refused.
fn exchange_refresh(
    account: &mut Account,
    request: &OAuthTokenRequest,
    now: i64,
) -> Result<Grant, ApiError> {
    let refresh = request.refresh_token.as_deref().unwrap_or_default();
    let index = account
        .issued_tokens
        .iter()
        .position(|t| {
            t.refresh
                .as_ref()
                .is_some_and(|r| r.token == refresh && r.expires_at > now)
                && t.client_id == request.client_id
        })
        .ok_or_else(invalid_grant)?;
    let old = account.issued_tokens.remove(index);
    Ok(Grant {
        client_id: old.client_id,
        scopes: old.scopes,
        user: old.user.unwrap_or_default(),
    })
}

/// A new access and refresh token.
struct Pair {
    access: String,
    refresh: String,
    access_lifetime: u64,
    refresh_lifetime: u64,
}

impl Pair {
    fn issue(
        self,
        account: &mut Account,
        grant: Grant,
        next_id: &mut u64,
        now: i64,
    ) -> OAuthTokenResponse {
        let scope = grant.scopes.join(" ");
        account.issued_tokens.retain(|t| {
            t.expires_at > now || t.refresh.as_ref().is_some_and(|r| r.expires_at > now)
        });
        account.issued_tokens.push(IssuedToken {
            id: take_id(next_id),
            token: self.access.clone(),
            client_id: grant.client_id,
            role: grant.user.role,
            scopes: grant.scopes,
            expires_at: now.saturating_add(seconds(self.access_lifetime)),
            refresh: Some(RefreshToken {
                token: self.refresh.clone(),
                expires_at: now.saturating_add(seconds(self.refresh_lifetime)),
            }),
            user: Some(grant.user),
        });
        OAuthTokenResponse {
            access_token: self.access,
            token_type: "bearer".to_owned(),
            scope: Some(scope),
            expires_in: Some(self.access_lifetime),
            refresh_token: Some(self.refresh),
            refresh_token_expires_in: Some(self.refresh_lifetime),
            extra: Map::new(),
        }
    }
}

/// `DELETE /api/v2/oauth/tokens/{id}` and `/current`: the token (and its refresh token) stops
/// working at once; 204 [SEEN "Revoking an OAuth access token"].
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    Extension(ctx): Extension<AccountCtx>,
    Extension(principal): Extension<Principal>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = id.strip_suffix(".json").unwrap_or(&id).to_owned();
    let removed = shared
        .write_account(&ctx.subdomain, |account, _| {
            let index = account.issued_tokens.iter().position(|t| {
                if id == "current" {
                    principal.token.as_deref() == Some(t.token.as_str())
                } else {
                    id.parse() == Ok(t.id)
                }
            })?;
            let own =
                principal.token.as_deref() == Some(account.issued_tokens[index].token.as_str());
            if !own && principal.role != Role::Admin {
                return Some(Err(ApiError::Forbidden));
            }
            account.issued_tokens.remove(index);
            Some(Ok(()))
        })
        .flatten();
    let Some(removed) = removed else {
        return Err(ApiError::NotFound);
    };
    removed?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v2/users/me`: the person a sign-in token acts for; other credentials answer a
/// user made of what the simulator knows of them (their email for API tokens).
pub(crate) async fn me(
    Extension(ctx): Extension<AccountCtx>,
    Extension(principal): Extension<Principal>,
) -> Response {
    let user = principal.user.clone().unwrap_or_else(|| SignInUserSeed {
        id: 1,
        name: "Simulated user".to_owned(),
        email: format!("user@{}.simulator", ctx.subdomain),
        role: principal.role,
    });
    let role = match user.role {
        Role::Admin => "admin",
        Role::Agent => "agent",
    };
    json_of(
        StatusCode::OK,
        &json!({"user": {
            "id": user.id,
            "url": format!("{}/api/v2/users/{}.json", ctx.base, user.id),
            "name": user.name,
            "email": user.email,
            "role": role,
            "active": true,
        }}),
    )
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

fn seconds(lifetime: u64) -> i64 {
    i64::try_from(lifetime).unwrap_or(i64::MAX)
}

fn invalid_grant() -> ApiError {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> ApiError {
    ApiError::Json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_match_on_any_port() {
        let sign_in = SignInSeed::default();
        assert!(registered(&sign_in, "http://127.0.0.1/callback"));
        assert!(registered(&sign_in, "http://127.0.0.1:53682/callback"));
        assert!(!registered(&sign_in, "http://127.0.0.1:53682/other"));
        assert!(!registered(&sign_in, "http://127.0.0.1:x/callback"));
        assert!(!registered(&sign_in, "http://127.0.0.1.evil.test/callback"));
        assert!(!registered(&sign_in, "https://evil.test/callback"));
    }
}
