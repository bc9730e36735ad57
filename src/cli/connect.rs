//! Flags and set-up shared by the commands that talk to Zendesk (`plan`, `apply`, `export`):
//! where the API is, the sandbox, concurrency, retries, credential commands, account selection
//! and progress.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{CliError, GlobalArgs};
use crate::directory::ListKind;
use crate::live::LiveState;
use crate::plan::Plan;
use crate::policy::resolve::ResolvedAccount;
use crate::policy::select::{Selector, Shard};
use crate::read_plan::{AccountRead, read_accounts_with, read_and_plan};
use crate::simulator::sandbox::{DEFAULT_STATE_FILE, Sandbox, SandboxAccount, SandboxCredentials};
use crate::zendesk::client::base_url::{BaseUrlTemplate, DEFAULT_TEMPLATE};
use crate::zendesk::client::{Client, ClientConfig, CredentialMode};

/// How to reach Zendesk.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Base-URL template of Zendesk's API; `{subdomain}` is replaced per account. Plain
    /// http:// is refused unless the host is loopback (e.g. `http://127.0.0.1:7357/{subdomain}`
    /// for `zdpolicy simulator`).
    #[arg(long, env = "ZDPOLICY_API_URL", hide_env_values = true, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    pub api_url: String,
    /// Run against the built-in sandbox (an in-process simulator with a new account for every
    /// account the policy names) instead of Zendesk. No credentials needed.
    #[arg(long)]
    pub sandbox: bool,
    /// Where the sandbox keeps its accounts between runs.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STATE_FILE)]
    pub sandbox_state: PathBuf,
    /// Seconds to wait while another command uses the sandbox (0: fail at once).
    #[arg(long, value_name = "SECONDS", default_value_t = super::sandbox::DEFAULT_WAIT_SECONDS)]
    pub sandbox_wait: u64,
    /// With --sandbox: accounts the sandbox does not have yet start from this simulator seed
    /// (e.g. one written by `zdpolicy snapshot`), not as new Zendesk accounts.
    #[arg(long, value_name = "FILE", requires = "sandbox")]
    pub sandbox_seed: Option<PathBuf>,
    /// Most requests in flight at once, across all accounts.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub parallelism: u16,
    /// Seconds to keep retrying one request that meets 429, 503 or a broken connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub retry_budget: u64,
    /// Seconds a `cmd:` credential command may run (it is killed then), or a `file:` take to read.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub credential_timeout: u64,
    /// Resolve `file:` and `cmd:` credential references (read the file, run the command).
    /// Without it only `env:` references are: a policy edited in a pull request must not run
    /// commands or read files with the job's secrets. Set it only where the policy is trusted.
    // Boolish, so the documented `=1` (and yes/no, on/off) is accepted from the environment,
    // not only `true`/`false`.
    #[arg(long, env = crate::policy::trust::ALLOW_ENV, value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_credential_commands: bool,
    /// Show a progress bar while reading accounts (`auto`: only on a terminal, with more than a few accounts).
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
}

/// Whether to draw a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// On a terminal (stderr), for more than a few accounts, and not in CI.
    Auto,
    /// Never.
    Never,
}

/// Which accounts to cover.
#[derive(Debug, Clone, Args)]
pub struct SelectArgs {
    /// Only accounts whose name matches this glob (repeatable).
    #[arg(long = "account", value_name = "GLOB")]
    pub accounts: Vec<String>,
    /// Leave out accounts whose name matches this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only shard I of N (stable by account name), to split accounts across parallel CI jobs.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
}

impl SelectArgs {
    /// The accounts of the policy these selectors cover, in name order.
    ///
    /// # Errors
    /// When a pattern is invalid, or the patterns select no account.
    pub fn select(&self, accounts: &[ResolvedAccount]) -> Result<Vec<ResolvedAccount>, CliError> {
        let selector = Selector::new(&self.accounts, &self.exclude, self.shard)?;
        Ok(selector.choose(accounts, |a| a.name.value.as_str())?)
    }
}

/// An open connection: the client, and the sandbox behind it if any.
pub struct Connection {
    /// The client.
    pub client: Client,
    /// The sandbox, to stop (and save) when done.
    pub sandbox: Option<Sandbox>,
}

impl ConnectArgs {
    /// Builds the client; with `--sandbox`, starts the sandbox for these accounts first.
    ///
    /// # Errors
    /// A `file:` or `cmd:` credential reference that was not allowed (checked before anything
    /// is resolved or read), a bad `--api-url`, or a sandbox that cannot start.
    pub async fn connect(
        &self,
        accounts: &[ResolvedAccount],
        global: &GlobalArgs,
    ) -> Result<Connection, CliError> {
        // The sandbox resolves no reference, so it has nothing to refuse.
        if !self.sandbox && !self.allow_credential_commands {
            let refused = crate::policy::trust::refused_references(accounts);
            if !refused.is_empty() {
                return Err(CliError::CredentialCommandsNotAllowed { refused });
            }
        }
        let mut config = ClientConfig {
            parallelism: usize::from(self.parallelism),
            retry_budget: Duration::from_secs(self.retry_budget),
            credential_timeout: Duration::from_secs(self.credential_timeout),
            allow_credential_commands: self.allow_credential_commands,
            log_requests: global.verbose,
            report_retries: !global.quiet,
            ..ClientConfig::default()
        };
        let sandbox = if self.sandbox {
            let seeds = self
                .sandbox_seed
                .as_deref()
                .map(crate::simulator::load_seed_file)
                .transpose()?;
            let wanted: Vec<SandboxAccount> = accounts
                .iter()
                .map(SandboxAccount::for_policy)
                .map(|account| match &seeds {
                    Some(seeds) => account.seeded_from(seeds),
                    None => account,
                })
                .collect();
            let sandbox = Sandbox::start(
                &self.sandbox_state,
                &wanted,
                &super::sandbox::lock_options(self.sandbox_wait, global),
                super::sandbox::waiting(&self.sandbox_state, global),
            )
            .await?;
            config.base_url = BaseUrlTemplate::parse(&sandbox.url_template())
                .map_err(crate::zendesk::client::error::ZendeskError::from)?;
            config.credentials = CredentialMode::given(SandboxCredentials);
            Some(sandbox)
        } else {
            config.base_url = BaseUrlTemplate::parse(&self.api_url)
                .map_err(crate::zendesk::client::error::ZendeskError::from)?;
            None
        };
        Ok(Connection {
            client: Client::new(config)?,
            sandbox,
        })
    }

    /// Reads every account's live state, with a progress bar where one helps.
    pub async fn read(
        &self,
        connection: &Connection,
        accounts: &[ResolvedAccount],
        lists: &BTreeSet<ListKind>,
        global: &GlobalArgs,
    ) -> Vec<AccountRead> {
        let bar = self.progress_bar(accounts.len(), global);
        let reads = read_accounts_with(&connection.client, accounts, lists, &|_| bar.inc(1)).await;
        bar.finish_and_clear();
        reads
    }

    /// Connects, reads every account, closes, and turns each account read into `T`; an
    /// account that could not be read is printed as an error and counted. What `export` and
    /// `snapshot` do: neither writes anything unless every account was read.
    ///
    /// # Errors
    /// When the connection cannot be opened or closed (the sandbox cannot start or save).
    pub fn read_each<T>(
        &self,
        accounts: &[ResolvedAccount],
        lists: &BTreeSet<ListKind>,
        global: &GlobalArgs,
        each: impl Fn(&ResolvedAccount, &LiveState) -> T,
    ) -> Result<(Vec<T>, usize), CliError> {
        super::runtime(super::Serves::sandbox_if(self.sandbox))?.block_on(async {
            let connection = self.connect(accounts, global).await?;
            let reads = self.read(&connection, accounts, lists, global).await;
            connection.close().await?;
            let mut done = Vec::with_capacity(reads.len());
            let mut failed = 0;
            for (account, read) in accounts.iter().zip(reads) {
                match read.result {
                    Ok(live) => done.push(each(account, &live)),
                    Err(err) => {
                        failed += 1;
                        super::out::error_line(&format!("error: {err}"));
                    }
                }
            }
            Ok((done, failed))
        })
    }

    /// Reads every account and plans it (an unreadable account is an error in its plan).
    pub async fn plan(
        &self,
        connection: &Connection,
        accounts: &[ResolvedAccount],
        global: &GlobalArgs,
    ) -> Plan {
        let bar = self.progress_bar(accounts.len(), global);
        let plan = read_and_plan(&connection.client, accounts, &|_| bar.inc(1)).await;
        bar.finish_and_clear();
        plan
    }

    fn progress_bar(&self, total: usize, global: &GlobalArgs) -> ProgressBar {
        // indicatif hides itself off a terminal, but still draws on one in CI: be explicit.
        let show = self.progress == ProgressMode::Auto
            && total > 3
            && !global.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            if show {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} reading accounts {pos}/{len} {wide_bar} {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar
    }
}

impl Connection {
    /// Stops the sandbox (saving it), if there is one.
    ///
    /// # Errors
    /// When the sandbox state cannot be saved.
    pub async fn close(self) -> Result<(), CliError> {
        if let Some(sandbox) = self.sandbox {
            sandbox.stop().await?;
        }
        Ok(())
    }
}
