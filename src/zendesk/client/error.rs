//! What can go wrong talking to Zendesk, said with the account and object, and what to do.

use std::time::Duration;

use thiserror::Error;

use super::base_url::BaseUrlError;
use crate::zendesk::secrets::SecretError;

/// A failure of one request (after retries) or of setting up an account's client.
/// Messages never contain a secret: credentials are named by their reference.
#[derive(Debug, Error)]
pub enum ZendeskError {
    /// The base-URL template is unusable.
    #[error(transparent)]
    BaseUrl(#[from] BaseUrlError),
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot set up HTTPS: {0}")]
    Setup(String),
    /// A credential reference could not be resolved.
    // The reason is part of the message and deliberately not a `#[source]`: callers that join an
    // error with its causes would say it twice.
    #[error("{account}: {error}")]
    Secret {
        /// The account.
        account: String,
        /// Why.
        error: SecretError,
    },
    /// Neither the policy nor the environment gives credentials.
    #[error(
        "{account}: no credentials: add `credentials:` to the account, or (single-account policies) set \
         ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN"
    )]
    NoCredentials {
        /// The account.
        account: String,
    },
    /// 401: the credentials were refused.
    #[error("{account}: Zendesk rejected the credentials from {credentials} ({status})")]
    Unauthorized {
        /// The account.
        account: String,
        /// Where the credentials came from, e.g. `env:ACME_ZENDESK_OAUTH_TOKEN`.
        credentials: String,
        /// The HTTP status.
        status: u16,
    },
    /// 403: authenticated, but not allowed.
    #[error(
        "{account}: {object}: forbidden (403): the user behind {credentials} must be a Zendesk admin \
         (and an OAuth token needs the read/write scopes){}",
        detail.as_deref().map(|d| format!("; Zendesk said: {d}")).unwrap_or_default()
    )]
    Forbidden {
        /// The account.
        account: String,
        /// What was being read or written.
        object: String,
        /// Where the credentials came from.
        credentials: String,
        /// Zendesk's message, if any.
        detail: Option<String>,
    },
    /// 404 on an account-wide endpoint: there is no such account.
    #[error(
        "{account}: no Zendesk account answers at {base_url} (404): check the subdomain `{subdomain}`"
    )]
    AccountNotFound {
        /// The account.
        account: String,
        /// The account's subdomain.
        subdomain: String,
        /// The URL tried.
        base_url: String,
    },
    /// 404 on one object.
    #[error("{account}: {object} not found (404)")]
    NotFound {
        /// The account.
        account: String,
        /// The object.
        object: String,
    },
    /// 4xx validation errors (422 RecordInvalid, category errors).
    #[error("{account}: {object}: Zendesk refused it ({status}{}): {message}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Rejected {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The HTTP status.
        status: u16,
        /// Zendesk's error code (`RecordInvalid`, `TriggerCategoryNotEmpty`).
        code: Option<String>,
        /// Zendesk's description and details.
        message: String,
    },
    /// Still limited or unavailable when the retry budget ran out.
    #[error(
        "{account}: {object}: Zendesk kept answering {status} for {waited:?}; giving up (raise --retry-budget or lower --parallelism)"
    )]
    GaveUp {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The last status (429 or 5xx), or 0 for connection failures.
        status: u16,
        /// How long zdpolicy waited in all.
        waited: Duration,
    },
    /// A server error that is not retried (e.g. a 500 on a create, whose outcome is unknown).
    #[error("{account}: {object}: Zendesk answered {status}: {message}")]
    Server {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The HTTP status.
        status: u16,
        /// What the body said.
        message: String,
    },
    /// The answer was not the JSON expected.
    #[error(
        "{account}: {object}: unexpected answer ({status}): {detail}; the body began: {snippet:?}"
    )]
    InvalidResponse {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The HTTP status.
        status: u16,
        /// What did not match.
        detail: String,
        /// The first bytes of the body.
        snippet: String,
    },
    /// The request failed on the network.
    #[error("{account}: {object}: {reason}")]
    Transport {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// What happened.
        reason: String,
        /// Whether the request may have reached Zendesk (a write then needs checking before a retry).
        outcome_unknown: bool,
    },
}

impl ZendeskError {
    /// Whether a write that failed this way may still have happened in Zendesk.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Transport {
                outcome_unknown, ..
            } => *outcome_unknown,
            Self::Server { status, .. } => *status >= 500,
            Self::GaveUp { status, .. } => *status >= 500 || *status == 0,
            _ => false,
        }
    }
}

/// The first bytes of a body, for messages about answers that were not the expected JSON.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if body.len() > 120 {
        format!("{text}…")
    } else {
        text
    }
}
