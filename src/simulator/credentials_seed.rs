//! The credentials a seeded account accepts: API tokens, OAuth tokens and confidential
//! clients with the role of the user behind them, the sign-in client and the person who signs
//! in, and the Sunshine Conversations key.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::seed::yes;

/// What a user may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May read and write.
    #[default]
    Admin,
    /// May read; writes answer 403.
    Agent,
}

/// Credentials an account accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsSeed {
    /// API tokens: `Authorization: Basic base64("{email}/token:{token}")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_tokens: Vec<ApiTokenSeed>,
    /// Ready-made OAuth access tokens: `Authorization: Bearer {token}`. They do not expire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oauth_tokens: Vec<OAuthTokenSeed>,
    /// OAuth clients that may get expiring tokens from `POST /oauth/tokens`
    /// (`grant_type: client_credentials`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oauth_clients: Vec<OAuthClientSeed>,
    /// People signing in through a browser (`zdpolicy login`): the public OAuth client, and
    /// the person whose authorization page approves at once. Absent: the authorization
    /// endpoint knows no client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<SignInSeed>,
}

impl CredentialsSeed {
    /// Whether no credential is given (an account nobody can sign in to yet).
    pub fn is_empty(&self) -> bool {
        self.api_tokens.is_empty()
            && self.oauth_tokens.is_empty()
            && self.oauth_clients.is_empty()
            && self.sign_in.is_none()
    }
}

/// Browser sign-in with the authorization-code grant and PKCE: a public OAuth client (no
/// secret; Zendesk requires PKCE of public clients [SEEN help article 4408845965210]) and the
/// person who approves it. The authorization page approves at once, as if that person were
/// signed in to Zendesk and clicked "Allow".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSeed {
    /// The OAuth client's unique identifier (default `zdpolicy`).
    #[serde(default = "default_sign_in_client")]
    pub client_id: String,
    /// Redirect URLs registered for the client (default `http://127.0.0.1/callback`). For
    /// loopback URLs the port is not compared, so a client may listen on any free port
    /// (RFC 8252 §7.3) [simulated by choice: Zendesk's rule for loopback ports not found].
    #[serde(default = "default_redirect_uris")]
    pub redirect_uris: Vec<String>,
    /// The person who signs in.
    #[serde(default)]
    pub user: SignInUserSeed,
    /// The scopes the person grants; absent: whatever the client asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Whether the person clicks "Allow" (false: "Deny", and the client is redirected with
    /// `error=access_denied`).
    #[serde(default = "yes")]
    pub approve: bool,
    /// Access-token lifetime in seconds when the token request asks for none
    /// (default 1,800: Zendesk's default for new clients is 30 minutes \[3P\]).
    #[serde(default = "default_access_lifetime")]
    pub access_token_lifetime: u64,
    /// Refresh-token lifetime in seconds when the token request asks for none
    /// (default 2,592,000, 30 days [SEEN OAS]).
    #[serde(default = "default_refresh_lifetime")]
    pub refresh_token_lifetime: u64,
}

impl Default for SignInSeed {
    fn default() -> Self {
        Self {
            client_id: default_sign_in_client(),
            redirect_uris: default_redirect_uris(),
            user: SignInUserSeed::default(),
            scopes: None,
            approve: true,
            access_token_lifetime: default_access_lifetime(),
            refresh_token_lifetime: default_refresh_lifetime(),
        }
    }
}

/// The person who signs in, as `GET /api/v2/users/me` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInUserSeed {
    /// The user id (default 10,000,000,001).
    #[serde(default = "default_user_id")]
    pub id: u64,
    /// The user's name (default `Admin`).
    #[serde(default = "default_user_name")]
    pub name: String,
    /// The user's email address (default `admin@example.com`).
    #[serde(default = "default_user_email")]
    pub email: String,
    /// The user's role.
    #[serde(default)]
    pub role: Role,
}

impl Default for SignInUserSeed {
    fn default() -> Self {
        Self {
            id: default_user_id(),
            name: default_user_name(),
            email: default_user_email(),
            role: Role::Admin,
        }
    }
}

fn default_sign_in_client() -> String {
    "zdpolicy".to_owned()
}

fn default_redirect_uris() -> Vec<String> {
    vec!["http://127.0.0.1/callback".to_owned()]
}

fn default_access_lifetime() -> u64 {
    1800
}

fn default_refresh_lifetime() -> u64 {
    2_592_000
}

fn default_user_id() -> u64 {
    10_000_000_001
}

fn default_user_name() -> String {
    "Admin".to_owned()
}

fn default_user_email() -> String {
    "admin@example.com".to_owned()
}

/// An API token of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenSeed {
    /// The user's email address.
    pub email: String,
    /// The API token.
    pub token: String,
    /// The user's role.
    #[serde(default)]
    pub role: Role,
}

/// An OAuth access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthTokenSeed {
    /// The bearer token.
    pub token: String,
    /// The role of the user it acts for.
    #[serde(default)]
    pub role: Role,
    /// Its scopes (default `read write`).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

/// An OAuth client using the client-credentials grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClientSeed {
    /// The client's unique identifier.
    pub client_id: String,
    /// The client's secret.
    pub client_secret: String,
    /// The role of the user the client acts for.
    #[serde(default)]
    pub role: Role,
}

/// A Sunshine Conversations app with its own API key (basic auth `key_id:secret`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SunshineSeed {
    /// The app id, served at `/{subdomain}/sc/v2/apps/{app_id}`.
    pub app_id: String,
    /// The API key id (basic-auth user name).
    pub key_id: String,
    /// The API key secret (basic-auth password).
    pub secret: String,
    /// The app's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// App settings in Sunshine Conversations' camelCase, merged over the defaults
    /// (`endSessionEnabled: false`, `disableConversationReopen: false`, `multiConvoEnabled: true`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
}

fn default_scopes() -> Vec<String> {
    vec!["read".to_owned(), "write".to_owned()]
}
