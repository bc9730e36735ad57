//! How the client behaves, and where an account's credentials come from: the policy's
//! references, or a [`CredentialSource`] the caller hands in (the sandbox's), so that the
//! client needs nothing of who provides them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{AccountAuth, SunshineAuth};
use super::base_url::BaseUrlTemplate;
use crate::policy::resolve::ResolvedAccount;

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
#[derive(Debug, Clone, Default)]
pub enum CredentialMode {
    /// The policy's references (or the `ZENDESK_*` variables for a single account).
    #[default]
    Policy,
    /// Credentials the caller hands in (the sandbox's built-in ones); the policy's references
    /// are not resolved.
    Given(Arc<dyn CredentialSource>),
}

impl CredentialMode {
    /// Credentials from `source` for every account.
    pub fn given(source: impl CredentialSource + 'static) -> Self {
        Self::Given(Arc::new(source))
    }
}

/// Credentials that do not come from the policy's references: the caller's, for every account
/// it opens. The sandbox provides one, so the client never needs to know the sandbox.
pub trait CredentialSource: fmt::Debug + Send + Sync {
    /// The credentials for `account`, and those of its Sunshine Conversations app when the
    /// policy configures one.
    fn credentials(&self, account: &ResolvedAccount) -> (AccountAuth, Option<SunshineAuth>);
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
