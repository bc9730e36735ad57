//! Credentials for one account, resolved from the policy's references or the conventional
//! `ZENDESK_*` environment variables, and turned into request headers.
//!
//! OAuth comes first: Zendesk stops accepting API tokens on 2027-04-30.

use secrecy::{ExposeSecret, SecretString};

use super::error::ZendeskError;
use crate::policy::model::Credentials;
use crate::policy::resolve::ResolvedAccount;
use crate::policy::secret::SecretRef;
use crate::zendesk::secrets::SecretResolver;
use crate::zendesk::signin::session::Session;
use crate::zendesk::signin::store::{Records, config_dir};

/// How requests to one account authenticate.
#[derive(Debug)]
pub enum AuthMethod {
    /// `Authorization: Bearer TOKEN`.
    OauthToken(SecretString),
    /// Client-credentials grant: exchanged at `/oauth/tokens` for short-lived bearer tokens.
    OauthClient {
        /// The OAuth client's identifier.
        client_id: String,
        /// The client secret.
        secret: SecretString,
    },
    /// The person's sign-in from `zdpolicy login`: its access token, refreshed as needed.
    SignIn(Box<Session>),
    /// `Authorization: Basic base64(email/token:TOKEN)`.
    ApiToken {
        /// The admin's email.
        email: String,
        /// The API token.
        token: SecretString,
    },
}

/// An account's resolved credentials and where they came from (for messages).
#[derive(Debug)]
pub struct AccountAuth {
    /// How to authenticate.
    pub method: AuthMethod,
    /// The reference the secret came from, e.g. `env:ACME_ZENDESK_OAUTH_TOKEN`.
    pub source: String,
}

/// The Sunshine Conversations app and its own API key.
#[derive(Debug)]
pub struct SunshineAuth {
    /// The app id.
    pub app_id: String,
    /// The key id.
    pub key_id: SecretString,
    /// The key secret.
    pub key_secret: SecretString,
    /// Where the secret came from.
    pub source: String,
}

impl AccountAuth {
    /// Resolves the account's credentials: the policy's references; for `login: true` the
    /// stored sign-in of `base_url`; without credentials the stored sign-in, else (for a
    /// policy with a single account) `ZENDESK_OAUTH_TOKEN`, or `ZENDESK_EMAIL` with
    /// `ZENDESK_API_TOKEN`.
    ///
    /// # Errors
    /// Fails when a reference cannot be resolved, a sign-in cannot be read, or no credentials
    /// are given at all.
    pub async fn resolve(
        account: &ResolvedAccount,
        base_url: &str,
        secrets: &SecretResolver,
    ) -> Result<Self, ZendeskError> {
        let name = account.name.value.to_string();
        let resolve = async |reference: &SecretRef| {
            secrets
                .resolve(reference)
                .await
                .map_err(|error| ZendeskError::Secret {
                    account: name.clone(),
                    error,
                })
        };
        match &account.credentials {
            Some(Credentials::OauthToken { oauth_token }) => Ok(Self {
                method: AuthMethod::OauthToken(resolve(oauth_token).await?),
                source: oauth_token.to_string(),
            }),
            Some(Credentials::OauthClient {
                client_id,
                client_secret,
            }) => Ok(Self {
                method: AuthMethod::OauthClient {
                    client_id: client_id.clone(),
                    secret: resolve(client_secret).await?,
                },
                source: client_secret.to_string(),
            }),
            Some(Credentials::ApiToken { email, api_token }) => Ok(Self {
                method: AuthMethod::ApiToken {
                    email: email.clone(),
                    token: resolve(api_token).await?,
                },
                source: api_token.to_string(),
            }),
            Some(Credentials::Login { .. }) => {
                Self::sign_in(&name, account, base_url)?.ok_or_else(|| ZendeskError::NotSignedIn {
                    account: name.clone(),
                    subdomain: account.subdomain.value.to_string(),
                })
            }
            None => match Self::sign_in(&name, account, base_url)? {
                Some(auth) => Ok(auth),
                None => Self::from_environment(&name, secrets).await,
            },
        }
    }

    /// The stored sign-in for the account's base URL, if any.
    fn sign_in(
        name: &str,
        account: &ResolvedAccount,
        base_url: &str,
    ) -> Result<Option<Self>, ZendeskError> {
        let failed = |reason: String| ZendeskError::SignInUnusable {
            account: name.to_owned(),
            subdomain: account.subdomain.value.to_string(),
            reason,
        };
        let records = config_dir()
            .and_then(Records::open)
            .map_err(|e| failed(e.to_string()))?;
        let session = Session::open(records, base_url).map_err(|e| failed(e.to_string()))?;
        Ok(session.map(|session| Self {
            method: AuthMethod::SignIn(Box::new(session)),
            source: "the sign-in of `zdpolicy login`".to_owned(),
        }))
    }

    async fn from_environment(
        account: &str,
        secrets: &SecretResolver,
    ) -> Result<Self, ZendeskError> {
        let present = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let secret = async |name: &str| {
            secrets
                .resolve(&SecretRef::Env(name.to_owned()))
                .await
                .map_err(|error| ZendeskError::Secret {
                    account: account.to_owned(),
                    error,
                })
        };
        if present("ZENDESK_OAUTH_TOKEN") {
            return Ok(Self {
                method: AuthMethod::OauthToken(secret("ZENDESK_OAUTH_TOKEN").await?),
                source: "env:ZENDESK_OAUTH_TOKEN".into(),
            });
        }
        if present("ZENDESK_EMAIL") && present("ZENDESK_API_TOKEN") {
            let email = std::env::var("ZENDESK_EMAIL").unwrap_or_default();
            return Ok(Self {
                method: AuthMethod::ApiToken {
                    email,
                    token: secret("ZENDESK_API_TOKEN").await?,
                },
                source: "env:ZENDESK_API_TOKEN".into(),
            });
        }
        Err(ZendeskError::NoCredentials {
            account: account.to_owned(),
        })
    }
}

impl SunshineAuth {
    /// Resolves the account's Sunshine Conversations key, if the policy configures the app.
    ///
    /// # Errors
    /// Fails when a reference cannot be resolved.
    pub async fn resolve(
        account: &ResolvedAccount,
        secrets: &SecretResolver,
    ) -> Result<Option<Self>, ZendeskError> {
        let Some(app) = &account.sunshine_conversations else {
            return Ok(None);
        };
        let resolve = async |reference: &SecretRef| {
            secrets
                .resolve(reference)
                .await
                .map_err(|error| ZendeskError::Secret {
                    account: account.name.value.to_string(),
                    error,
                })
        };
        Ok(Some(Self {
            app_id: app.app_id.value.clone(),
            key_id: resolve(&app.key_id).await?,
            key_secret: resolve(&app.key_secret).await?,
            source: app.key_secret.to_string(),
        }))
    }
}

/// Applies basic auth for an API token: the user name is `email/token`.
pub fn api_token_auth(
    request: reqwest::RequestBuilder,
    email: &str,
    token: &SecretString,
) -> reqwest::RequestBuilder {
    request.basic_auth(format!("{email}/token"), Some(token.expose_secret()))
}
