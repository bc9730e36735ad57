//! The OAuth authorization page (`GET /oauth/authorizations/new`): it approves at once as the
//! seeded person (or denies, when the seed says so) and redirects to the client's registered
//! URL with a code for the PKCE `S256` exchange at `POST /oauth/tokens` (`oauth.rs`).

use std::sync::Arc;

use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::super::gate::AccountCtx;
use super::super::query::Query;
use super::super::seed::SignInSeed;
use super::super::shared::Shared;
use super::super::state::PendingCode;
use super::oauth::{new_token, oauth_error};
use crate::zendesk::signin::pkce;

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
