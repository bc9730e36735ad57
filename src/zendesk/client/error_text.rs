//! How a [`ZendeskError`] reads: `ACCOUNT: WHAT`, where `WHAT` ([`ZendeskError::detail`]) is
//! the same text without the account, for places that name the account already (an apply
//! report's change address starts with it).

use std::fmt;

use super::error::ZendeskError;
use crate::output::duration::human;

impl fmt::Display for ZendeskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.account() {
            Some(account) => write!(f, "{account}: {}", self.detail()),
            None => write!(f, "{}", self.detail()),
        }
    }
}

impl ZendeskError {
    /// What to do about it, for any command (apply's report has its own, per write).
    pub fn advice(&self) -> &'static str {
        use ZendeskError as E;
        match self {
            E::BaseUrl(_) => "check --api-url (or ZDPOLICY_API_URL)",
            E::Setup(_) => "the HTTPS set-up failed: check the system's TLS certificates",
            E::Secret { .. } | E::NoCredentials { .. } => {
                "fix the account's `credentials:` (docs/sign-in.md)"
            }
            E::NotSignedIn { .. } | E::SignInUnusable { .. } => {
                "sign in with `zdpolicy login` (docs/sign-in.md)"
            }
            E::Unauthorized { .. } => {
                "check that the credentials are current and belong to this account's subdomain"
            }
            E::Forbidden { .. } => {
                "the user must be a Zendesk admin, and an OAuth token needs the read and write scopes"
            }
            E::AccountNotFound { .. } => "check the account's `subdomain:` (and --api-url)",
            E::NotFound { .. } => "the object is gone in Zendesk: run the command again",
            E::Rejected { .. } => "Zendesk refused the request as sent; its reason is above",
            E::GaveUp { .. } | E::WaitTooLong { .. } => "try again later, or raise --retry-budget",
            E::Redirected { .. } => "check --api-url and the subdomain",
            E::BodyTooLarge { .. }
            | E::Pagination { .. }
            | E::Server { .. }
            | E::InvalidResponse { .. }
            | E::Transport { .. } => {
                "try again; if it keeps happening, report it with the command and this message"
            }
        }
    }
}

/// The message of a [`ZendeskError`] without its account.
#[derive(Debug, Clone, Copy)]
pub struct Detail<'a>(pub(super) &'a ZendeskError);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ZendeskError as E;
        match self.0 {
            E::BaseUrl(err) => write!(f, "{err}"),
            E::Setup(why) => write!(f, "cannot set up HTTPS: {why}"),
            E::Secret { error, .. } => write!(f, "{error}"),
            E::NoCredentials { .. } => write!(
                f,
                "no credentials: add `credentials:` to the account, or (single-account policies) set \
                 ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN"
            ),
            E::NotSignedIn { account, subdomain } => write!(
                f,
                "not signed in to {subdomain}: run `zdpolicy login --account {account}` (or give the account other `credentials:`)"
            ),
            E::SignInUnusable {
                account,
                subdomain,
                reason,
            } => write!(
                f,
                "the sign-in to {subdomain} no longer works ({reason}): run `zdpolicy login --account {account}` again"
            ),
            E::Unauthorized {
                credentials,
                status,
                ..
            } => write!(
                f,
                "Zendesk rejected the credentials from {credentials} ({status})"
            ),
            E::Forbidden {
                object,
                credentials,
                detail,
                ..
            } => write!(
                f,
                "{object}: forbidden (403): the user behind {credentials} must be a Zendesk admin \
                 (and an OAuth token needs the read/write scopes){}",
                detail
                    .as_deref()
                    .map(|d| format!("; Zendesk said: {d}"))
                    .unwrap_or_default()
            ),
            E::AccountNotFound {
                subdomain,
                base_url,
                ..
            } => write!(
                f,
                "no Zendesk account answers at {base_url} (404): check the subdomain `{subdomain}`"
            ),
            E::NotFound { object, .. } => write!(f, "{object} not found (404)"),
            E::Rejected {
                object,
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "{object}: Zendesk refused it ({status}{}): {message}",
                code.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
            ),
            E::GaveUp {
                object,
                status,
                waited,
                budget,
                ..
            } => write!(
                f,
                "{object}: Zendesk kept answering {status} for {}; the retry budget of {} is spent, giving up (raise --retry-budget or lower --parallelism)",
                human(*waited),
                human(*budget)
            ),
            E::WaitTooLong {
                object,
                status,
                asked,
                left,
                budget,
                ..
            } => write!(
                f,
                "{object}: Zendesk answered {status} and asked to wait {} (Retry-After), longer than the {} left of the retry budget of {}; giving up now (raise --retry-budget)",
                human(*asked),
                human(*left),
                human(*budget)
            ),
            E::Redirected {
                object,
                status,
                location_host,
                ..
            } => write!(
                f,
                "{object}: the server answered {status}, a redirect {}; zdpolicy follows no redirects, so nothing was sent there (Zendesk's API does not redirect: check --api-url and the subdomain)",
                location_host
                    .as_deref()
                    .map_or_else(|| "without a Location".to_owned(), |h| format!("to {h}"))
            ),
            E::BodyTooLarge {
                object,
                limit,
                announced,
                ..
            } => write!(
                f,
                "{object}: the answer is larger than {}, the most zdpolicy reads of one answer{}; stopped reading it",
                Size(*limit),
                announced
                    .map(|n| format!(" (it announced {n} bytes)"))
                    .unwrap_or_default()
            ),
            E::Pagination { object, stop, .. } => {
                write!(f, "{object}: {stop}; the list was not read further")
            }
            E::Server {
                object,
                status,
                message,
                ..
            } => write!(f, "{object}: Zendesk answered {status}: {message}"),
            E::InvalidResponse {
                object,
                status,
                detail,
                snippet,
                ..
            } => write!(
                f,
                "{object}: unexpected answer ({status}): {detail}; the body began: {snippet:?}"
            ),
            E::Transport { object, reason, .. } => write!(f, "{object}: {reason}"),
        }
    }
}

/// A size as people read it: `32 MiB`, or bytes when it is not whole mebibytes.
struct Size(usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: usize = 1024 * 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{} MiB", self.0 / MIB)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}
