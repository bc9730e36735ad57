//! What can go wrong talking to Zendesk, said with the account and object, and what to do.

use std::time::Duration;

use thiserror::Error;

use super::base_url::BaseUrlError;
use crate::output::duration::human;
use crate::zendesk::pages::PageStop;
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
    /// `credentials: { login: true }`, but nobody signed in to this account here.
    #[error(
        "{account}: not signed in to {subdomain}: run `zdpolicy login --account {account}` (or give the account other `credentials:`)"
    )]
    NotSignedIn {
        /// The account.
        account: String,
        /// Its subdomain.
        subdomain: String,
    },
    /// The stored sign-in cannot be used: Zendesk refused its refresh token (revoked, expired,
    /// used elsewhere), or it cannot be read.
    #[error(
        "{account}: the sign-in to {subdomain} no longer works ({reason}): run `zdpolicy login --account {account}` again"
    )]
    SignInUnusable {
        /// The account.
        account: String,
        /// Its subdomain.
        subdomain: String,
        /// Why, never with a token.
        reason: String,
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
        /// Zendesk's error code (`TriggerCategoriesNotEnabled`), if any: what callers match
        /// on, since the message is for people and may change.
        code: Option<String>,
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
        "{account}: {object}: Zendesk kept answering {status} for {}; the retry budget of {} is spent, giving up (raise --retry-budget or lower --parallelism)",
        human(*waited),
        human(*budget)
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
        /// The retry budget (`--retry-budget`).
        budget: Duration,
    },
    /// The server asked (`Retry-After`) for a longer wait than is left of the retry budget:
    /// failing now beats sleeping past the budget.
    #[error(
        "{account}: {object}: Zendesk answered {status} and asked to wait {} (Retry-After), longer than the {} left of the retry budget of {}; giving up now (raise --retry-budget)",
        human(*asked),
        human(*left),
        human(*budget)
    )]
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
    #[error(
        "{account}: {object}: the server answered {status}, a redirect {}; zdpolicy follows no redirects, so nothing was sent there (Zendesk's API does not redirect: check --api-url and the subdomain)",
        location_host.as_deref().map_or_else(|| "without a Location".to_owned(), |h| format!("to {h}"))
    )]
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
    #[error(
        "{account}: {object}: the answer is larger than {}, the most zdpolicy reads of one answer{}; stopped reading it",
        Size(*limit),
        announced.map(|n| format!(" (it announced {n} bytes)")).unwrap_or_default()
    )]
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
    #[error("{account}: {object}: {stop}; the list was not read further")]
    Pagination {
        /// The account.
        account: String,
        /// The object.
        object: String,
        /// Which rule stopped the walk.
        stop: PageStop,
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

/// A size as people read it: `32 MiB`, or bytes when it is not whole mebibytes.
struct Size(usize);

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MIB: usize = 1024 * 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{} MiB", self.0 / MIB)
        } else {
            write!(f, "{} bytes", self.0)
        }
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
