//! `zdpolicy sandbox`: manage the built-in sandbox's state.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::policy;
use crate::simulator::RouteAs;
use crate::simulator::sandbox::{DEFAULT_STATE_FILE, LockOptions, Sandbox, reset};

/// Arguments of `sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    command: SandboxCommand,
    /// Where the sandbox keeps its accounts.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STATE_FILE, global = true)]
    sandbox_state: PathBuf,
    /// Seconds to wait while another command uses the sandbox (0: fail at once).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_WAIT_SECONDS, global = true)]
    sandbox_wait: u64,
}

/// How long a command waits for another to release the sandbox, by default.
pub const DEFAULT_WAIT_SECONDS: u64 = 60;

/// The sandbox lock of this command.
pub fn lock_options(wait_seconds: u64, global: &GlobalArgs) -> LockOptions {
    LockOptions {
        command: global.command.to_owned(),
        wait: Duration::from_secs(wait_seconds),
    }
}

/// What to say while waiting for the sandbox: once, on stderr, unless `--quiet`.
pub fn waiting(state_file: &Path, global: &GlobalArgs) -> impl FnOnce(&str) + Send + 'static {
    let (state_file, quiet) = (state_file.to_owned(), global.quiet);
    move |holder: &str| {
        if !quiet {
            super::out::error_line(&format!(
                "waiting for the sandbox {}: in use by {holder}",
                state_file.display()
            ));
        }
    }
}

#[derive(Debug, Subcommand)]
enum SandboxCommand {
    /// Forget every sandbox account; the next --sandbox run starts from new Zendesk accounts.
    Reset,
    /// Change a setting that only Admin Center can change, as an admin clicking it would.
    Set(SetArgs),
}

#[derive(Debug, Args)]
struct SetArgs {
    /// The account: its subdomain, or its name in the policy.
    account: String,
    /// The setting.
    setting: Setting,
    /// The value: `on`/`off` for agents-can-end-sessions, `messaging`/`email` for
    /// agent-ended-sessions-route-as.
    value: String,
    #[command(flatten)]
    paths: PolicyPaths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Setting {
    /// "Agents can end messaging sessions at any time".
    AgentsCanEndSessions,
    /// How routing treats tickets of agent-ended sessions.
    AgentEndedSessionsRouteAs,
}

/// Runs a sandbox subcommand.
pub fn run(args: &SandboxArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    match &args.command {
        SandboxCommand::Reset => {
            let removed = reset(
                &args.sandbox_state,
                &lock_options(args.sandbox_wait, global),
                waiting(&args.sandbox_state, global),
            )?;
            global.info(&if removed {
                format!("removed {}", args.sandbox_state.display())
            } else {
                format!(
                    "{} did not exist; nothing to reset",
                    args.sandbox_state.display()
                )
            });
            Ok(EXIT_OK)
        }
        SandboxCommand::Set(set) => {
            let value = parse_value(set.setting, &set.value)?;
            let runtime = super::runtime(super::Serves::Server)?;
            runtime.block_on(async {
                let sandbox = Sandbox::start(
                    &args.sandbox_state,
                    &[],
                    &lock_options(args.sandbox_wait, global),
                    waiting(&args.sandbox_state, global),
                )
                .await?;
                let subdomain = subdomain_of(&sandbox, set)?;
                let result = sandbox.set_admin(&subdomain, |admin| match value {
                    Value::Toggle(on) => admin.agents_can_end_sessions = on,
                    Value::Route(route) => admin.agent_ended_sessions_route_as = route,
                });
                sandbox.stop().await?;
                result?;
                global.info(&format!(
                    "sandbox {subdomain}: {} set to {}",
                    set.setting.name(),
                    set.value
                ));
                Ok(EXIT_OK)
            })
        }
    }
}

enum Value {
    Toggle(bool),
    Route(RouteAs),
}

fn parse_value(setting: Setting, value: &str) -> Result<Value, CliError> {
    let bad = |expected: &'static str| CliError::BadSettingValue {
        value: value.to_owned(),
        setting: setting.name(),
        expected,
    };
    match setting {
        Setting::AgentsCanEndSessions => match value {
            "on" | "true" => Ok(Value::Toggle(true)),
            "off" | "false" => Ok(Value::Toggle(false)),
            _ => Err(bad("on or off")),
        },
        Setting::AgentEndedSessionsRouteAs => match value {
            "messaging" => Ok(Value::Route(RouteAs::Messaging)),
            "email" => Ok(Value::Route(RouteAs::Email)),
            _ => Err(bad("messaging or email")),
        },
    }
}

impl Setting {
    fn name(self) -> &'static str {
        match self {
            Self::AgentsCanEndSessions => "agents-can-end-sessions",
            Self::AgentEndedSessionsRouteAs => "agent-ended-sessions-route-as",
        }
    }
}

/// The subdomain the user means: a sandbox subdomain as given, else a policy account's subdomain.
fn subdomain_of(sandbox: &Sandbox, set: &SetArgs) -> Result<String, CliError> {
    if sandbox.has_account(&set.account) {
        return Ok(set.account.clone());
    }
    let named = policy::discover(&set.paths.paths)
        .ok()
        .and_then(|found| found.into_iter().next())
        .map(|files| policy::load(&files))
        .and_then(|p| {
            p.account(&set.account)
                .map(|a| a.subdomain.value.to_string())
        });
    named.ok_or_else(|| {
        crate::simulator::sandbox::SandboxError::UnknownAccount(set.account.clone()).into()
    })
}
