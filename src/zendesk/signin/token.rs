//! `POST /oauth/tokens` for people: exchanging an authorization code, and refreshing. The
//! answers hold tokens, so nothing of a body is ever quoted in an error; an OAuth error is
//! named by its `error` code only.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use thiserror::Error;

use crate::zendesk::body::{BodyError, MAX_BODY_BYTES, read_capped};
use crate::zendesk::model::OAuthTokenRequest;
use crate::zendesk::transport::describe;

/// What a token request can meet. Never holds a token or a body.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Zendesk refused the grant (`invalid_grant`: a code used twice or expired, a refresh
    /// token revoked, expired or already used).
    #[error("Zendesk refused the grant ({code})")]
    Refused {
        /// The OAuth error code, e.g. `invalid_grant`.
        code: String,
        /// The HTTP status.
        status: u16,
    },
    /// The request did not get an answer.
    #[error("{0}")]
    Transport(String),
    /// The answer was not a token answer (or too large to be one).
    #[error("the answer ({status}) is not a token answer")]
    Invalid {
        /// The HTTP status.
        status: u16,
    },
}

/// A successful answer, tokens already secret.
#[derive(Debug)]
pub struct Granted {
    /// The new access token.
    pub access: SecretString,
    /// The new refresh token (the old one, if any, no longer works).
    pub refresh: SecretString,
    /// Seconds the access token lives.
    pub expires_in: u64,
    /// Seconds the refresh token lives, if Zendesk said.
    pub refresh_expires_in: Option<u64>,
    /// The scopes granted.
    pub scope: String,
}

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<u64>,
    refresh_token_expires_in: Option<u64>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

/// The access-token lifetime assumed when Zendesk gives none (its default for new clients is
/// 30 minutes).
const ASSUMED_LIFETIME: u64 = 1800;

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
///
/// # Errors
/// As `post`: [`TokenError::Refused`] for a refused grant, [`TokenError::Transport`] without
/// an answer, [`TokenError::Invalid`] otherwise.
pub async fn exchange_code(
    http: &reqwest::Client,
    base_url: &str,
    client_id: &str,
    code: &SecretString,
    redirect_uri: &str,
    verifier: &SecretString,
) -> Result<Granted, TokenError> {
    let request = OAuthTokenRequest {
        grant_type: "authorization_code".to_owned(),
        client_id: client_id.to_owned(),
        client_secret: None,
        code: Some(code.expose_secret().to_owned()),
        redirect_uri: Some(redirect_uri.to_owned()),
        code_verifier: Some(verifier.expose_secret().to_owned()),
        refresh_token: None,
        scope: None,
        expires_in: None,
        refresh_token_expires_in: None,
    };
    post(http, base_url, &request).await
}

/// Exchanges a refresh token for a new pair; the old refresh token stops working.
///
/// # Errors
/// As `post`: [`TokenError::Refused`] for a refused grant, [`TokenError::Transport`] without
/// an answer, [`TokenError::Invalid`] otherwise.
pub async fn refresh(
    http: &reqwest::Client,
    base_url: &str,
    client_id: &str,
    refresh_token: &SecretString,
) -> Result<Granted, TokenError> {
    let request = OAuthTokenRequest {
        grant_type: "refresh_token".to_owned(),
        client_id: client_id.to_owned(),
        client_secret: None,
        code: None,
        redirect_uri: None,
        code_verifier: None,
        refresh_token: Some(refresh_token.expose_secret().to_owned()),
        scope: None,
        expires_in: None,
        refresh_token_expires_in: None,
    };
    post(http, base_url, &request).await
}

/// Posts a token request to `{base_url}/oauth/tokens` and reads the answer.
///
/// # Errors
/// [`TokenError::Refused`] for an OAuth error answer (4xx with `error`),
/// [`TokenError::Transport`] when no answer came, [`TokenError::Invalid`] for anything else.
async fn post(
    http: &reqwest::Client,
    base_url: &str,
    request: &OAuthTokenRequest,
) -> Result<Granted, TokenError> {
    let response = http
        .post(format!("{base_url}/oauth/tokens"))
        .timeout(Duration::from_secs(30))
        .json(request)
        .send()
        .await
        .map_err(|e| TokenError::Transport(describe(&e)))?;
    let status = response.status().as_u16();
    // Never followed: the body holds the code or the refresh token.
    if response.status().is_redirection() {
        return Err(TokenError::Invalid { status });
    }
    let body = read_capped(response, MAX_BODY_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge(_) => TokenError::Invalid { status },
            BodyError::Broken(e) => TokenError::Transport(describe(&e)),
        })?;
    if !(200..300).contains(&status) {
        return Err(match serde_json::from_slice::<ErrorAnswer>(&body) {
            Ok(answer) if (400..500).contains(&status) => TokenError::Refused {
                code: answer
                    .error
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .take(64)
                    .collect(),
                status,
            },
            _ => TokenError::Invalid { status },
        });
    }
    let answer: Answer =
        serde_json::from_slice(&body).map_err(|_| TokenError::Invalid { status })?;
    let refresh = answer.refresh_token.ok_or(TokenError::Invalid { status })?;
    Ok(Granted {
        access: SecretString::from(answer.access_token),
        refresh: SecretString::from(refresh),
        expires_in: answer.expires_in.unwrap_or(ASSUMED_LIFETIME),
        refresh_expires_in: answer.refresh_token_expires_in,
        scope: answer.scope.unwrap_or_default(),
    })
}
