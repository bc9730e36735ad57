//! What can go wrong talking to Zendesk, said with the account and object, and what to do.

use std::time::Duration;

use thiserror::Error;

use super::base_url::BaseUrlError;
pub use super::error_text::Detail;
use crate::zendesk::pages::PageStop;
use crate::zendesk::secrets::SecretError;

/// A failure of one request (after retries) or of setting up an account's client.
/// Messages never contain a secret: credentials are named by their reference.
#[derive(Debug, Error)]
pub enum ZendeskError {
    /// The base-URL template is unusable. (Said by its own message, so not a `#[source]`:
    /// callers that join an error with its causes would say it twice.)
    BaseUrl(BaseUrlError),
    /// The HTTP client could not be built (TLS set-up).
    Setup(String),
    /// A credential reference could not be resolved.
    // The reason is part of the message and deliberately not a `#[source]`: callers that join an
    // error with its causes would say it twice.
    Secret {
        /// The account.
        account: String,
        /// Why.
        error: SecretError,
    },
    /// Neither the policy nor the environment gives credentials.
    NoCredentials {
        /// The account.
        account: String,
    },
    /// `credentials: { login: true }`, but nobody signed in to this account here.
    NotSignedIn {
        /// The account.
        account: String,
        /// Its subdomain.
        subdomain: String,
    },
    /// The stored sign-in cannot be used: Zendesk refused its refresh token (revoked, expired,
    /// used elsewhere), or it cannot be read.
    SignInUnusable {
        /// The account.
        account: String,
        /// Its subdomain.
        subdomain: String,
        /// Why, never with a token.
        reason: String,
    },
    /// 401: the credentials were refused.
    Unauthorized {
        /// The account.
        account: String,
        /// Where the credentials came from, e.g. `env:ACME_ZENDESK_OAUTH_TOKEN`.
        credentials: String,
        /// The HTTP status.
        status: u16,
    },
    /// 403: authenticated, but not allowed.
    Forbidden {
        /// The account.
        account: String,
        /// What was being read or written.
        object: String,
        /// Where the credentials came from.
        credentials: String,
        /// Zendesk's error code (`TriggerCategoriesNotEnabled`), if any: what callers match
        /// on, since the message is for people and may change.
        code: Option<String>,
        /// Zendesk's message, if any.
        detail: Option<String>,
    },
    /// 404 on an account-wide endpoint: there is no such account.
    AccountNotFound {
        /// The account.
        account: String,
        /// The account's subdomain.
        subdomain: String,
        /// The URL tried.
        base_url: String,
    },
    /// 404 on one object.
    NotFound {
        /// The account.
        account: String,
        /// The object.
        object: String,
    },
    /// 4xx validation errors (422 RecordInvalid, category errors).
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
    GaveUp {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The last status (429 or 5xx), or 0 for connection failures.
        status: u16,
        /// How long zdpolicy waited in all.
        waited: Duration,
        /// The retry budget (`--retry-budget`).
        budget: Duration,
    },
    /// The server asked (`Retry-After`) for a longer wait than is left of the retry budget:
    /// failing now beats sleeping past the budget.
    WaitTooLong {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The status that came with `Retry-After` (429 or 503).
        status: u16,
        /// How long the server asked to wait.
        asked: Duration,
        /// What was left of the budget.
        left: Duration,
        /// The retry budget (`--retry-budget`).
        budget: Duration,
    },
    /// A 3xx. Zendesk's API does not redirect API calls, so zdpolicy follows no redirect and
    /// sends nothing (no credential) to where one points.
    Redirected {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The HTTP status (301, 302, 307, 308, …).
        status: u16,
        /// The host (and port) the `Location` header points to; never its path or query,
        /// which may carry anything.
        location_host: Option<String>,
    },
    /// The answer's body is larger than zdpolicy reads of one answer; it was not read further.
    BodyTooLarge {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// The limit, in bytes.
        limit: usize,
        /// The `Content-Length` the server announced, when that alone was too large.
        announced: Option<u64>,
    },
    /// A paged list that does not end the way Zendesk's lists end.
    Pagination {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// Which rule stopped the walk.
        stop: PageStop,
    },
    /// A server error that is not retried (e.g. a 500 on a create, whose outcome is unknown).
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

impl From<BaseUrlError> for ZendeskError {
    fn from(err: BaseUrlError) -> Self {
        Self::BaseUrl(err)
    }
}

impl ZendeskError {
    /// The message without the account (see [`Detail`]): for places that name it already.
    pub fn detail(&self) -> Detail<'_> {
        Detail(self)
    }

    /// The account the failure is about; `None` for set-up failures of the whole client.
    pub fn account(&self) -> Option<&str> {
        match self {
            Self::BaseUrl(_) | Self::Setup(_) => None,
            Self::Secret { account, .. }
            | Self::NoCredentials { account }
            | Self::NotSignedIn { account, .. }
            | Self::SignInUnusable { account, .. }
            | Self::Unauthorized { account, .. }
            | Self::Forbidden { account, .. }
            | Self::AccountNotFound { account, .. }
            | Self::NotFound { account, .. }
            | Self::Rejected { account, .. }
            | Self::GaveUp { account, .. }
            | Self::WaitTooLong { account, .. }
            | Self::Redirected { account, .. }
            | Self::BodyTooLarge { account, .. }
            | Self::Pagination { account, .. }
            | Self::Server { account, .. }
            | Self::InvalidResponse { account, .. }
            | Self::Transport { account, .. } => Some(account),
        }
    }

    /// What was being read or written (`trigger 7100000000011`), when one object was.
    pub fn object(&self) -> Option<&str> {
        match self {
            Self::Forbidden { object, .. }
            | Self::NotFound { object, .. }
            | Self::Rejected { object, .. }
            | Self::GaveUp { object, .. }
            | Self::WaitTooLong { object, .. }
            | Self::Redirected { object, .. }
            | Self::BodyTooLarge { object, .. }
            | Self::Pagination { object, .. }
            | Self::Server { object, .. }
            | Self::InvalidResponse { object, .. }
            | Self::Transport { object, .. } => Some(object),
            _ => None,
        }
    }

    /// The HTTP status Zendesk last answered, when it answered (0, a connection failure
    /// after retries, is no answer).
    pub fn status(&self) -> Option<u16> {
        let status = match self {
            Self::Unauthorized { status, .. }
            | Self::Rejected { status, .. }
            | Self::GaveUp { status, .. }
            | Self::WaitTooLong { status, .. }
            | Self::Redirected { status, .. }
            | Self::Server { status, .. }
            | Self::InvalidResponse { status, .. } => *status,
            Self::Forbidden { .. } => 403,
            Self::AccountNotFound { .. } | Self::NotFound { .. } => 404,
            _ => return None,
        };
        (status != 0).then_some(status)
    }

    /// Zendesk's error code (`RecordInvalid`, `TriggerCategoryNotEmpty`), when it gave one:
    /// what callers match on, never the message, which is for people and may change.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Forbidden { code, .. } | Self::Rejected { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// What Zendesk's answer said, when it said something (a 4xx or 5xx body).
    pub fn zendesk_message(&self) -> Option<&str> {
        match self {
            Self::Forbidden { detail, .. } => detail.as_deref(),
            Self::Rejected { message, .. } | Self::Server { message, .. } => Some(message),
            _ => None,
        }
    }

    /// Whether a write that failed this way may still have happened in Zendesk.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Transport {
                outcome_unknown, ..
            } => *outcome_unknown,
            Self::Server { status, .. } => *status >= 500,
            Self::GaveUp { status, .. } | Self::WaitTooLong { status, .. } => {
                *status >= 500 || *status == 0
            }
            // The answer was never read whole, so whether a write took effect is not known.
            Self::BodyTooLarge { .. } => true,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_for_people() {
        let err = ZendeskError::GaveUp {
            account: "acme".into(),
            object: "triggers".into(),
            status: 429,
            waited: Duration::from_nanos(10_028_407_586),
            budget: Duration::from_secs(10),
        };
        assert_eq!(
            err.to_string(),
            "acme: triggers: Zendesk kept answering 429 for 10.03 s; the retry budget of 10 s is spent, giving up (raise --retry-budget or lower --parallelism)"
        );
    }
}
