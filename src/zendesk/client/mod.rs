//! The Zendesk HTTP client: one shared connection pool, and per account its base URL,
//! credentials, rate limiter and retry policy.
//!
//! Requests retry only when that is safe: 429 and 503 always (Zendesk did not process the
//! request; its `Retry-After` is honoured), other 5xx, timeouts and broken connections only for
//! idempotent methods, and connection failures before anything was sent for every method. Each
//! request's retries stop at a total time budget, and no wait ends after it. Secrets go only
//! into `Authorization` headers (which reqwest marks sensitive) and the token request's body,
//! only to the account's own origin: redirects are refused. Bodies are read up to a cap.
//!
//! One file per job: `config` (how the client behaves, where credentials come from),
//! `send` (one request with its retries and the answer parsed), `authorize` (credentials on a
//! request, OAuth tokens), `failure` (each failure as the error a user can act on). Sending is
//! this module's own: readers and the writer apply holds go through [`super::read`] and
//! [`super::write`], so nothing else can send a request of its choice.

pub mod auth;
mod authorize;
pub mod base_url;
mod config;
pub mod error;
pub mod error_body;
mod error_text;
mod failure;
pub mod limiter;
pub mod redirect;
pub mod retry;
mod send;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use secrecy::SecretString;
use tokio::sync::{Mutex, Semaphore};

use self::auth::{AccountAuth, SunshineAuth};
pub use self::config::{ClientConfig, CredentialMode, CredentialSource, MAX_CONNECT_FAILURES};
use self::error::ZendeskError;
use self::limiter::{AccountLimiter, DEFAULT_PER_MINUTE};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::secrets::SecretResolver;

/// The client shared by every account of a run. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    in_flight: Arc<Semaphore>,
    /// Credentials resolved so far: each reference once per run, shared by the accounts.
    secrets: Arc<SecretResolver>,
}

impl Client {
    /// Builds the client (rustls, HTTP/2 where offered, no cookies, no redirects).
    ///
    /// # Errors
    /// Fails if TLS cannot be set up.
    pub fn new(config: ClientConfig) -> Result<Self, ZendeskError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("zdpolicy/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            // A 3xx comes back as an answer, which `attempt` refuses (see `redirect`).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ZendeskError::Setup(err.to_string()))?;
        let in_flight = Arc::new(Semaphore::new(config.parallelism.max(1)));
        let secrets = Arc::new(SecretResolver::new(
            config.credential_timeout,
            config.allow_credential_commands,
        ));
        Ok(Self {
            http,
            config: Arc::new(config),
            in_flight,
            secrets,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// A client for one account of the policy: resolves its credentials now (each reference
    /// once per client, however many accounts share it).
    ///
    /// # Errors
    /// Fails when the account's credentials cannot be resolved.
    pub async fn account(&self, account: &ResolvedAccount) -> Result<AccountClient, ZendeskError> {
        let per_minute = account
            .settings
            .rate_limit_per_minute
            .as_ref()
            .map_or(DEFAULT_PER_MINUTE, |r| r.value);
        let base = self.config.base_url.for_subdomain(&account.subdomain.value);
        let (auth, sunshine) = match &self.config.credentials {
            CredentialMode::Policy => (
                AccountAuth::resolve(account, &base, &self.secrets).await?,
                SunshineAuth::resolve(account, &self.secrets).await?,
            ),
            CredentialMode::Given(source) => source.credentials(account),
        };
        Ok(AccountClient {
            name: account.name.value.to_string(),
            subdomain: account.subdomain.value.to_string(),
            base,
            auth,
            sunshine,
            limiter: AccountLimiter::new(per_minute),
            oauth: Mutex::new(None),
            client: self.clone(),
        })
    }
}

/// Which API a request goes to: Zendesk Support, or the account's Sunshine Conversations app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `https://{subdomain}.zendesk.com/api/v2/...`
    Support,
    /// `https://{subdomain}.zendesk.com/sc/v2/...`, with the app's own key.
    Sunshine,
}

/// What Zendesk answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A request, described for messages: "trigger 123", "account settings".
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// What is being read or written.
    pub object: &'a str,
    /// Whether a 404 means the account does not exist (account-wide endpoints).
    pub account_wide: bool,
}

/// One account's client.
#[derive(Debug)]
pub struct AccountClient {
    name: String,
    subdomain: String,
    base: String,
    auth: AccountAuth,
    sunshine: Option<SunshineAuth>,
    limiter: AccountLimiter,
    oauth: Mutex<Option<(SecretString, Instant)>>,
    client: Client,
}

impl AccountClient {
    /// The account's name in the policy.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The account's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The Sunshine Conversations app id, when the policy configures one.
    pub fn sunshine_app_id(&self) -> Option<&str> {
        self.sunshine.as_ref().map(|s| s.app_id.as_str())
    }
}
