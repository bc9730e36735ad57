//! The sandbox: the Zendesk simulator started in-process, so `plan`, `apply` and `export` can
//! run against a stand-in for every account a policy names, with no credentials.
//!
//! Its accounts start as a new Zendesk account does, or as a seed file says (a `zdpolicy
//! snapshot` of production), and keep their state in a file (`.zdpolicy/sandbox.json` by
//! default), so an `apply --sandbox` is seen by the next `plan --sandbox`. Requests go through
//! the same HTTP client as production.
//!
//! It lives in the simulator because it is the simulator, run for one command: what it adds
//! is where the accounts come from and where their state is kept between commands.
//!
//! A command holds the state file's lock from before it reads the state until after it has
//! written it back (once, at the end), so two commands at once never lose each other's
//! accounts: the second waits, or fails naming the first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use miette::Diagnostic;
use secrecy::SecretString;
use thiserror::Error;

use crate::files::{FileLock, LockError};
use crate::policy::resolve::ResolvedAccount;
use crate::simulator::{
    AccountSeed, AdminSettings, OAuthTokenSeed, Role, RunningSimulator, SeedFile, Simulator,
    SimulatorConfig, SimulatorError, SunshineSeed,
};
use crate::zendesk::client::auth::{AccountAuth, AuthMethod, SunshineAuth};

/// Where the sandbox keeps its accounts unless told otherwise.
pub const DEFAULT_STATE_FILE: &str = ".zdpolicy/sandbox.json";

/// The sandbox's OAuth token and Sunshine Conversations key (not secrets: the sandbox is local).
const SANDBOX_TOKEN: &str = "zdpolicy-sandbox";

/// A sandbox failure.
#[derive(Debug, Error, Diagnostic)]
pub enum SandboxError {
    /// The state directory could not be created or the state file removed.
    #[error("sandbox state {}: {source}", path.display())]
    #[diagnostic(code("sandbox-state"))]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another command holds the state file for longer than this one waits.
    #[error("the sandbox {0}")]
    #[diagnostic(
        code("sandbox-locked"),
        help(
            "let that command finish (sandbox commands run one at a time), or wait longer with --sandbox-wait SECONDS"
        )
    )]
    Locked(LockError),
    /// The simulator failed.
    #[error(transparent)]
    #[diagnostic(code("sandbox-simulator"))]
    Simulator(#[from] SimulatorError),
    /// `sandbox set` named an account the sandbox does not have.
    #[error(
        "the sandbox has no account with subdomain `{0}` (run a command with --sandbox on a policy naming it first)"
    )]
    #[diagnostic(code("unknown-sandbox-account"))]
    UnknownAccount(String),
}

/// How a command takes the sandbox's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockOptions {
    /// The command, recorded in the lock file for whoever waits (`zdpolicy plan`).
    pub command: String,
    /// How long to wait while another command holds it.
    pub wait: Duration,
}

impl LockOptions {
    /// Takes the lock of `state_file`; calls `waiting` with the holder if it has to wait.
    ///
    /// # Errors
    /// [`SandboxError::Locked`] when it is still held after the wait.
    pub fn lock(
        &self,
        state_file: &Path,
        waiting: impl FnOnce(&str),
    ) -> Result<FileLock, SandboxError> {
        create_parent(state_file)?;
        FileLock::acquire(state_file, &self.command, self.wait, waiting)
            .map_err(SandboxError::Locked)
    }
}

/// A running sandbox, holding the state file's lock until [`Sandbox::stop`].
#[derive(Debug)]
pub struct Sandbox {
    running: RunningSimulator,
    lock: FileLock,
}

/// One account the sandbox should serve.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxAccount {
    /// The subdomain.
    pub subdomain: String,
    /// The Sunshine Conversations app id, if the policy configures one.
    pub sunshine_app_id: Option<String>,
    /// What the account starts as when the sandbox does not have it yet (`--sandbox-seed`,
    /// e.g. a `zdpolicy snapshot` of production); a new Zendesk account otherwise.
    pub seed: Option<AccountSeed>,
}

impl SandboxAccount {
    /// The sandbox account for a policy account.
    pub fn for_policy(account: &ResolvedAccount) -> Self {
        Self {
            subdomain: account.subdomain.value.to_string(),
            sunshine_app_id: account
                .sunshine_conversations
                .as_ref()
                .map(|s| s.app_id.value.clone()),
            seed: None,
        }
    }

    /// Starts the account from the seed file's account with the same subdomain, if any.
    #[must_use]
    pub fn seeded_from(mut self, seeds: &SeedFile) -> Self {
        self.seed = seeds
            .accounts
            .iter()
            .find(|a| a.subdomain == self.subdomain)
            .cloned();
        self
    }
}

impl Sandbox {
    /// Locks the state in `state_file` (see [`LockOptions::lock`]), then starts the sandbox on
    /// a free loopback port; accounts it does not have yet are created as new Zendesk accounts.
    ///
    /// # Errors
    /// When the lock is held too long, the state directory cannot be created or the simulator
    /// cannot start.
    pub async fn start(
        state_file: &Path,
        accounts: &[SandboxAccount],
        lock: &LockOptions,
        waiting: impl FnOnce(&str) + Send + 'static,
    ) -> Result<Self, SandboxError> {
        let (path, options) = (state_file.to_owned(), lock.clone());
        let lock = tokio::task::spawn_blocking(move || options.lock(&path, waiting))
            .await
            .map_err(|e| SandboxError::Io {
                path: state_file.to_owned(),
                source: std::io::Error::other(e),
            })??;
        let config = SimulatorConfig {
            state_file: Some(state_file.to_owned()),
            // One write per command, not one per request; the lock keeps others out meanwhile.
            save_on_change: false,
            admin_routes: false,
            accounts: accounts.iter().map(seed).collect(),
            ..SimulatorConfig::ephemeral()
        };
        Ok(Self {
            running: Simulator::start(config).await?,
            lock,
        })
    }

    /// The base-URL template that reaches the sandbox's accounts.
    pub fn url_template(&self) -> String {
        self.running.url_template()
    }

    /// Whether the sandbox has an account with this subdomain.
    pub fn has_account(&self, subdomain: &str) -> bool {
        self.running
            .handle()
            .accounts()
            .iter()
            .any(|a| a == subdomain)
    }

    /// Sets an account's Admin-Center-only settings, as an admin clicking in Admin Center would.
    ///
    /// # Errors
    /// When the sandbox has no such account.
    pub fn set_admin(
        &self,
        subdomain: &str,
        change: impl FnOnce(&mut AdminSettings),
    ) -> Result<(), SandboxError> {
        let handle = self.running.handle();
        let mut settings = handle
            .admin_settings(subdomain)
            .ok_or_else(|| SandboxError::UnknownAccount(subdomain.to_owned()))?;
        change(&mut settings);
        handle.set_admin_settings(subdomain, settings)?;
        Ok(())
    }

    /// Stops the sandbox, saving its state, then releases the lock.
    ///
    /// # Errors
    /// When the state cannot be saved.
    pub async fn stop(self) -> Result<(), SandboxError> {
        self.running.shutdown().await?;
        drop(self.lock);
        Ok(())
    }
}

fn create_parent(state_file: &Path) -> Result<(), SandboxError> {
    match state_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|source| SandboxError::Io {
            path: dir.to_owned(),
            source,
        }),
        None => Ok(()),
    }
}

/// Deletes the sandbox state under its lock; the next sandbox starts from new accounts.
///
/// # Errors
/// When the lock is held too long, or the file exists but cannot be removed.
pub fn reset(
    state_file: &Path,
    lock: &LockOptions,
    waiting: impl FnOnce(&str),
) -> Result<bool, SandboxError> {
    let _lock = lock.lock(state_file, waiting)?;
    match std::fs::remove_file(state_file) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(SandboxError::Io {
            path: state_file.to_owned(),
            source,
        }),
    }
}

/// The account's seed (its own, or a new account's) with the sandbox's credentials: a seed
/// file carries none, and the client signs every sandbox request with the sandbox token.
fn seed(account: &SandboxAccount) -> AccountSeed {
    let mut seed = account
        .seed
        .clone()
        .unwrap_or_else(|| AccountSeed::new(account.subdomain.clone()));
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: SANDBOX_TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    seed.sunshine_conversations = account.sunshine_app_id.as_ref().map(|app_id| SunshineSeed {
        app_id: app_id.clone(),
        key_id: SANDBOX_TOKEN.into(),
        secret: SANDBOX_TOKEN.into(),
        display_name: None,
        settings: serde_json::Map::new(),
    });
    seed
}

/// The credentials the client uses for an account in the sandbox.
pub fn credentials(account: &ResolvedAccount) -> (AccountAuth, Option<SunshineAuth>) {
    let auth = AccountAuth {
        method: AuthMethod::OauthToken(SecretString::from(SANDBOX_TOKEN)),
        source: "the sandbox".into(),
    };
    let sunshine = account
        .sunshine_conversations
        .as_ref()
        .map(|app| SunshineAuth {
            app_id: app.app_id.value.clone(),
            key_id: SecretString::from(SANDBOX_TOKEN),
            key_secret: SecretString::from(SANDBOX_TOKEN),
            source: "the sandbox".into(),
        });
    (auth, sunshine)
}
