//! Sending one request: the attempts, the waits between them within the retry budget, and
//! the answer's body parsed.

use std::time::{Duration, Instant, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::Method;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::AuthMethod;
use super::error::{ZendeskError, snippet};
use super::retry::{Wait, next_wait, retry_after};
use super::{AccountClient, Answer, Api, MAX_CONNECT_FAILURES, Target};
use crate::zendesk::body::{BodyError, MAX_BODY_BYTES, read_capped};
use crate::zendesk::transport::describe;

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
    /// Sends a request (with retries) and returns a successful answer.
    ///
    /// # Errors
    /// Any non-2xx answer (after retries), as an error that names the account and object; a
    /// wait for a retry that would end after the retry budget fails at once.
    pub(in crate::zendesk) async fn send(
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
    pub(in crate::zendesk) async fn get_json<T: DeserializeOwned>(
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
    pub(in crate::zendesk) fn parse<T: DeserializeOwned>(
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
}
