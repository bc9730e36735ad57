//! Credentials on a request: a bearer token, an API token, the client-credentials grant's
//! token (cached until a minute before it expires) or a sign-in's token, and the Sunshine
//! Conversations app's key.

use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder};
use secrecy::{ExposeSecret, SecretString};

use super::auth::{AuthMethod, api_token_auth};
use super::error::ZendeskError;
use super::failure::ClassifyName;
use super::{AccountClient, Answer, Api, Target};
use crate::zendesk::body::{BodyError, MAX_BODY_BYTES, read_capped};
use crate::zendesk::transport::describe;

impl AccountClient {
    /// A request with the URL and credentials of `api`; the sign-in token it carries, if any,
    /// goes into `sent`.
    pub(super) async fn request(
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
}
