//! The OAuth token endpoint's request and answer (`POST /oauth/tokens`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of `POST /oauth/tokens` ("Create Token for Grant Type"): which fields a grant
/// needs depends on `grant_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTokenRequest {
    /// `client_credentials` (a confidential client acting for itself), `authorization_code`
    /// (exchanging what the authorization page gave) or `refresh_token`.
    pub grant_type: String,
    /// The OAuth client's identifier.
    pub client_id: String,
    /// The OAuth client's secret (confidential clients; public clients use PKCE instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// `authorization_code`: the code the redirect carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `authorization_code`: the redirect URL of the authorization request, again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// `authorization_code` with PKCE: the verifier whose SHA-256 was the code challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_verifier: Option<String>,
    /// `refresh_token`: the refresh token to exchange (it stops working).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Space-separated scopes, e.g. `read write` or `triggers:read triggers:write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Access-token lifetime in seconds (Zendesk allows 300 to 172,800).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Refresh-token lifetime in seconds (Zendesk allows 604,800 to 7,776,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
}

/// The answer of `POST /oauth/tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthTokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// The granted scopes, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Seconds until the token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// The refresh token (authorization-code and refresh-token grants): single use, since a
    /// refresh deletes the pair it came with and answers a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    /// Any other key, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
