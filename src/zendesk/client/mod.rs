//! The Zendesk HTTP client: one shared connection pool, and per account its base URL,
//! credentials, rate limiter and retry policy.
//!
//! Requests retry only when that is safe: 429 and 503 always (Zendesk did not process the
//! request; its `Retry-After` is honoured), other 5xx, timeouts and broken connections only for
//! idempotent methods, and connection failures before anything was sent for every method. Each
//! request's retries stop at a total time budget, and no wait ends after it. Secrets go only
//! into `Authorization` headers (which reqwest marks sensitive) and the token request's body,
//! only to the account's own origin: redirects are refused. Bodies are read up to a cap.

pub mod auth;
pub mod base_url;
pub mod body;
pub mod error;
pub mod error_body;
pub mod limiter;
pub mod redirect;
pub mod retry;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{Mutex, Semaphore};

use self::auth::{AccountAuth, AuthMethod, SunshineAuth, api_token_auth};
use self::base_url::BaseUrlTemplate;
use self::body::{BodyError, MAX_BODY_BYTES, read_capped};
use self::error::{ZendeskError, snippet};
use self::limiter::{AccountLimiter, DEFAULT_PER_MINUTE};
use self::retry::{Wait, next_wait, retry_after};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::secrets::SecretResolver;

/// How the client behaves; the defaults suit Zendesk.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Where accounts live (`https://{subdomain}.zendesk.com` by default).
    pub base_url: BaseUrlTemplate,
    /// Most requests in flight at once, across all accounts.
    pub parallelism: usize,
    /// Longest one attempt may take.
    pub request_timeout: Duration,
    /// Longest zdpolicy keeps retrying one request (429s, 503s, broken connections).
    pub retry_budget: Duration,
    /// Where credentials come from.
    pub credentials: CredentialMode,
    /// Print one line per request to stderr (`--verbose`): account, method, path, status and
    /// time. Never headers or bodies, so never a secret.
    pub log_requests: bool,
    /// Longest a `cmd:` credential command (or the read of a `file:`) may take.
    pub credential_timeout: Duration,
    /// Resolve `file:` and `cmd:` references (`--allow-credential-commands`); `env:` ones
    /// always are. Off by default: see [`crate::policy::trust`].
    pub allow_credential_commands: bool,
    /// Print one line to stderr before each retry (the CLI's default; off with `--quiet`):
    /// account, why, the wait and the budget left. Never a header or a body.
    pub report_retries: bool,
}

/// Connection attempts in a row that never opened after which a request gives up at once:
/// a refused connection (a wrong port, a typo in `--api-url`) does not heal by waiting.
pub const MAX_CONNECT_FAILURES: u32 = 3;

/// Where an account's credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialMode {
    /// The policy's references (or the `ZENDESK_*` variables for a single account).
    #[default]
    Policy,
    /// The sandbox simulator's built-in credentials; the policy's references are not resolved.
    Sandbox,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: BaseUrlTemplate::default(),
            parallelism: 8,
            request_timeout: Duration::from_secs(30),
            retry_budget: Duration::from_secs(120),
            credentials: CredentialMode::Policy,
            log_requests: false,
            credential_timeout: crate::zendesk::secrets::DEFAULT_TIMEOUT,
            allow_credential_commands: false,
            report_retries: false,
        }
    }
}

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
        let (auth, sunshine) = match self.config.credentials {
            CredentialMode::Policy => (
                AccountAuth::resolve(account, &base, &self.secrets).await?,
                SunshineAuth::resolve(account, &self.secrets).await?,
            ),
            CredentialMode::Sandbox => crate::simulator::sandbox::credentials(account),
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

/// Why one attempt failed, and whether another may follow.
struct Failed {
    retry: bool,
    /// The connection never opened (nothing was sent).
    unconnected: bool,
    status: u16,
    after: Option<Duration>,
    error: ZendeskError,
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

    /// Sends a request (with retries) and returns a successful answer.
    ///
    /// # Errors
    /// Any non-2xx answer (after retries), as an error that names the account and object; a
    /// wait for a retry that would end after the retry budget fails at once.
    pub async fn send(
        &self,
        method: Method,
        api: Api,
        path: &str,
        body: Option<&Value>,
        target: Target<'_>,
    ) -> Result<Answer, ZendeskError> {
        let started = Instant::now();
        let budget = self.client.config.retry_budget;
        let mut backoff = ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(20))
            .with_max_times(12)
            .build();
        let mut unconnected = 0;
        let mut renewed = false;
        // The sign-in token this request sent last: a 401 renews only if it is still the
        // stored one. It is per request, not per account: a token shared by concurrent
        // requests would already hold another request's renewed token, and refresh again.
        let mut sent = None;
        loop {
            let attempt = self.attempt(method.clone(), api, path, body, target, &mut sent);
            let failed = match attempt.await {
                Ok(answer) => return Ok(answer),
                // A sign-in's access token refused: expired early (clocks differ) or revoked.
                // Zendesk did not act on a 401, so renew once and send again.
                Err(failed) if failed.status == 401 && api == Api::Support && !renewed => {
                    let AuthMethod::SignIn(session) = &self.auth.method else {
                        return Err(failed.error);
                    };
                    renewed = true;
                    let refused = sent.take();
                    session
                        .renew(&self.client.http, refused.as_ref())
                        .await
                        .map_err(|e| self.sign_in_error(&e))?;
                    continue;
                }
                Err(failed) if !failed.retry => return Err(failed.error),
                Err(failed) => failed,
            };
            unconnected = if failed.unconnected {
                unconnected + 1
            } else {
                0
            };
            if unconnected >= MAX_CONNECT_FAILURES {
                return Err(failed.error);
            }
            // The backoff advances on every retry, so its count bounds Retry-After loops too.
            let delay = backoff.next();
            match next_wait(failed.after, delay, started.elapsed(), budget) {
                Wait::Sleep(wait) => {
                    if self.client.config.report_retries {
                        let why = match failed.status {
                            0 if failed.unconnected => "could not connect".to_owned(),
                            0 => "the connection broke".to_owned(),
                            status => status.to_string(),
                        };
                        let left = budget.saturating_sub(started.elapsed());
                        eprintln!(
                            "{}: {why}, retrying in {:.1} s (budget {} s left)",
                            self.name,
                            wait.as_secs_f64(),
                            left.as_secs()
                        );
                    }
                    tokio::time::sleep(wait).await;
                }
                Wait::TooLong { asked, left } => {
                    return Err(ZendeskError::WaitTooLong {
                        account: self.name.clone(),
                        object: target.object.to_owned(),
                        status: failed.status,
                        asked,
                        left,
                        budget,
                    });
                }
                Wait::Spent if matches!(failed.status, 429 | 500..=599) => {
                    return Err(ZendeskError::GaveUp {
                        account: self.name.clone(),
                        object: target.object.to_owned(),
                        status: failed.status,
                        waited: started.elapsed(),
                        budget,
                    });
                }
                Wait::Spent => return Err(failed.error),
            }
        }
    }

    /// Sends a GET and parses the JSON answer.
    ///
    /// # Errors
    /// As [`Self::send`], and when the body is not the expected JSON.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        api: Api,
        path: &str,
        target: Target<'_>,
    ) -> Result<T, ZendeskError> {
        let answer = self.send(Method::GET, api, path, None, target).await?;
        self.parse(&answer, target)
    }

    /// Parses an answer's body as `T`, quoting the body's start when it does not fit.
    ///
    /// # Errors
    /// When the body is not the expected JSON.
    pub fn parse<T: DeserializeOwned>(
        &self,
        answer: &Answer,
        target: Target<'_>,
    ) -> Result<T, ZendeskError> {
        // One UTF-8 check of the whole body lets serde_json skip checking every string again
        // (measured: a sixth less parse time); invalid UTF-8 still gets from_slice's error.
        let parsed = match std::str::from_utf8(&answer.body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(&answer.body),
        };
        parsed.map_err(|err| ZendeskError::InvalidResponse {
            account: self.name.clone(),
            object: target.object.to_owned(),
            status: answer.status,
            detail: err.to_string(),
            snippet: snippet(&answer.body),
        })
    }

    async fn attempt(
        &self,
        method: Method,
        api: Api,
        path: &str,
        body: Option<&Value>,
        target: Target<'_>,
        sent: &mut Option<SecretString>,
    ) -> Result<Answer, Failed> {
        let idempotent = method != Method::POST && method != Method::PATCH;
        let started = Instant::now();
        let shown = format!(
            "{method} {}{path}",
            if api == Api::Sunshine { "/sc" } else { "" }
        );
        let fatal = |error| Failed {
            retry: false,
            unconnected: false,
            status: 0,
            after: None,
            error,
        };
        let request = self.request(method, api, path, sent).await.map_err(fatal)?;
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        // The account's own limit first, then a slot: an account waiting for its rate limit
        // must not hold one of the few requests in flight that other accounts could use.
        self.limiter.ready().await;
        let _permit = self.client.in_flight.acquire().await.map_err(|_| {
            fatal(self.transport(target, "the client is shutting down".into(), false))
        })?;
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => {
                // A connection that never opened carried nothing: safe to retry any method.
                let sent = !err.is_connect();
                return Err(Failed {
                    retry: !sent || idempotent,
                    unconnected: !sent,
                    status: 0,
                    after: None,
                    error: self.transport(target, describe(&err), sent),
                });
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        self.limiter.observe(&headers);
        if self.client.config.log_requests {
            eprintln!(
                "{}: {shown} -> {status} ({} ms)",
                self.name,
                started.elapsed().as_millis()
            );
        }
        if response.status().is_redirection() {
            return Err(fatal(self.redirected(&response, target)));
        }
        let body = match read_capped(response, MAX_BODY_BYTES).await {
            Ok(body) => body,
            Err(BodyError::TooLarge(announced)) => {
                return Err(fatal(self.too_large(target, announced)));
            }
            Err(BodyError::Broken(err)) => {
                return Err(Failed {
                    retry: idempotent,
                    unconnected: false,
                    status: 0,
                    after: None,
                    error: self.transport(
                        target,
                        format!("the answer broke off: {}", describe(&err)),
                        true,
                    ),
                });
            }
        };
        let answer = Answer {
            status,
            headers,
            body,
        };
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        // 429 and 503 mean Zendesk did not act on the request (docs/zendesk-notes.md, "Rate
        // limits"; Zendesk's own Ruby client retries both on Retry-After).
        let retry = matches!(status, 429 | 503) || (idempotent && status >= 500);
        Err(Failed {
            retry,
            unconnected: false,
            status,
            after: retry_after(&answer.headers, SystemTime::now()),
            error: self.status_error(&answer, api, target),
        })
    }

    /// A request with the URL and credentials of `api`; the sign-in token it carries, if any,
    /// goes into `sent`.
    async fn request(
        &self,
        method: Method,
        api: Api,
        path: &str,
        sent: &mut Option<SecretString>,
    ) -> Result<RequestBuilder, ZendeskError> {
        let http = &self.client.http;
        let timeout = self.client.config.request_timeout;
        match api {
            Api::Support => {
                let request = http
                    .request(method, format!("{}{path}", self.base))
                    .timeout(timeout);
                Ok(match &self.auth.method {
                    AuthMethod::OauthToken(token) => request.bearer_auth(token.expose_secret()),
                    AuthMethod::ApiToken { email, token } => api_token_auth(request, email, token),
                    AuthMethod::OauthClient { .. } => {
                        request.bearer_auth(self.oauth_token().await?.expose_secret())
                    }
                    AuthMethod::SignIn(session) => {
                        let token = session
                            .access_token(&self.client.http)
                            .await
                            .map_err(|e| self.sign_in_error(&e))?;
                        let request = request.bearer_auth(token.expose_secret());
                        *sent = Some(token);
                        request
                    }
                })
            }
            Api::Sunshine => {
                let request = http
                    .request(method, format!("{}/sc{path}", self.base))
                    .timeout(timeout);
                let Some(sunshine) = &self.sunshine else {
                    return Err(ZendeskError::Setup(format!(
                        "{}: the policy configures no Sunshine Conversations app",
                        self.name
                    )));
                };
                Ok(request.basic_auth(
                    sunshine.key_id.expose_secret(),
                    Some(sunshine.key_secret.expose_secret()),
                ))
            }
        }
    }

    /// A bearer token from the client-credentials grant, cached until a minute before expiry.
    async fn oauth_token(&self) -> Result<SecretString, ZendeskError> {
        let AuthMethod::OauthClient { client_id, secret } = &self.auth.method else {
            return Err(ZendeskError::Setup("not an OAuth client".into()));
        };
        let mut cached = self.oauth.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && Instant::now() + Duration::from_secs(60) < *expires
        {
            return Ok(token.clone());
        }
        let target = Target {
            object: "OAuth token",
            account_wide: true,
        };
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret.expose_secret(),
            "scope": "read write",
        });
        let _permit = self
            .client
            .in_flight
            .acquire()
            .await
            .map_err(|_| self.transport(target, "the client is shutting down".into(), false))?;
        let response = self
            .client
            .http
            .post(format!("{}/oauth/tokens", self.base))
            .timeout(self.client.config.request_timeout)
            .json(&body)
            .send()
            .await
            .map_err(|err| self.transport(target, describe(&err), !err.is_connect()))?;
        let status = response.status().as_u16();
        if self.client.config.log_requests {
            eprintln!("{}: POST /oauth/tokens -> {status}", self.name);
        }
        // Never re-posted anywhere: the body holds the client secret.
        if response.status().is_redirection() {
            return Err(self.redirected(&response, target));
        }
        let headers = response.headers().clone();
        let bytes = read_capped(response, MAX_BODY_BYTES)
            .await
            .map_err(|err| match err {
                BodyError::TooLarge(announced) => self.too_large(target, announced),
                BodyError::Broken(err) => self.transport(target, describe(&err), true),
            })?;
        let answer = Answer {
            status,
            headers,
            body: bytes,
        };
        if !(200..300).contains(&status) {
            return Err(self.status_error(&answer, Api::Support, target));
        }
        #[derive(serde::Deserialize)]
        struct TokenAnswer {
            access_token: String,
            expires_in: Option<u64>,
        }
        // Parsed by hand so a malformed answer is never quoted: it may hold the token.
        let parsed: TokenAnswer =
            serde_json::from_slice(&answer.body).map_err(|err| ZendeskError::InvalidResponse {
                account: self.name.clone(),
                object: target.object.to_owned(),
                status,
                detail: format!("not a token answer ({})", err.classify_name()),
                snippet: String::new(),
            })?;
        let token = SecretString::from(parsed.access_token);
        let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(3600));
        *cached = Some((token.clone(), Instant::now() + lifetime));
        Ok(token)
    }

    /// A sign-in that cannot authenticate, said so that the person knows to sign in again.
    fn sign_in_error(&self, error: &crate::zendesk::signin::session::SessionError) -> ZendeskError {
        ZendeskError::SignInUnusable {
            account: self.name.clone(),
            subdomain: self.subdomain.clone(),
            reason: error.to_string(),
        }
    }

    /// A 3xx, refused: it names only the host the redirect points to.
    fn redirected(&self, response: &reqwest::Response, target: Target<'_>) -> ZendeskError {
        ZendeskError::Redirected {
            account: self.name.clone(),
            object: target.object.to_owned(),
            status: response.status().as_u16(),
            location_host: redirect::location_host(response.url(), response.headers()),
        }
    }

    fn too_large(&self, target: Target<'_>, announced: Option<u64>) -> ZendeskError {
        ZendeskError::BodyTooLarge {
            account: self.name.clone(),
            object: target.object.to_owned(),
            limit: MAX_BODY_BYTES,
            announced,
        }
    }

    fn transport(&self, target: Target<'_>, reason: String, outcome_unknown: bool) -> ZendeskError {
        ZendeskError::Transport {
            account: self.name.clone(),
            object: target.object.to_owned(),
            reason,
            outcome_unknown,
        }
    }

    /// Turns a non-2xx answer into the error a user can act on.
    fn status_error(&self, answer: &Answer, api: Api, target: Target<'_>) -> ZendeskError {
        let body = error_body::parse(&answer.body);
        let account = self.name.clone();
        let object = target.object.to_owned();
        let credentials = match api {
            Api::Support => self.auth.source.clone(),
            Api::Sunshine => self
                .sunshine
                .as_ref()
                .map_or_else(String::new, |s| s.source.clone()),
        };
        match answer.status {
            401 => ZendeskError::Unauthorized {
                account,
                credentials,
                status: 401,
            },
            403 => ZendeskError::Forbidden {
                account,
                object,
                credentials,
                code: body.code,
                detail: Some(body.message).filter(|m| !m.is_empty()),
            },
            404 if target.account_wide => ZendeskError::AccountNotFound {
                account,
                subdomain: self.subdomain.clone(),
                base_url: self.base.clone(),
            },
            404 => ZendeskError::NotFound { account, object },
            status if status >= 500 => ZendeskError::Server {
                account,
                object,
                status,
                message: body.message,
            },
            status => ZendeskError::Rejected {
                account,
                object,
                status,
                code: body.code,
                message: body.message,
            },
        }
    }
}

/// A network error in words, without the URL (it is in the account's context already).
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    let mut deepest = None;
    while let Some(s) = source {
        deepest = Some(s.to_string());
        source = s.source();
    }
    match deepest {
        Some(cause) => format!("{kind}: {cause}"),
        None => kind.to_owned(),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "unexpected fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}
