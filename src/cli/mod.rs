//! The command line: clap definitions and one small module per command (argument wiring only).

mod apply;
mod completions;
mod connect;
mod error;
mod export;
mod interrupt;
mod login;
mod man;
mod out;
mod plan;
mod policy_args;
mod render;
mod sandbox;
mod schema;
mod show;
mod simulator;
mod snapshot;
mod validate;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use error::CliError;

use crate::output::color::{ColorChoice, Stream};

/// Zendesk messaging policy as code: validate, plan and apply messaging settings and
/// triggers across Zendesk accounts.
#[derive(Debug, Parser)]
#[command(
    name = "zdpolicy",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// When to colour output (`auto` honours `NO_COLOR`, `CLICOLOR_FORCE` and `CLICOLOR`).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors and the command's requested output.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is happening (files read, one line per Zendesk request).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command being run (`zdpolicy plan`), for the sandbox's lock record.
    #[arg(skip)]
    pub command: &'static str,
}

impl GlobalArgs {
    /// Whether to colour what goes to `stream`.
    pub fn color_for(&self, stream: Stream) -> bool {
        self.color.enabled_for(stream)
    }

    /// The diagnostics to show: everything, or only errors with `--quiet`.
    pub fn shown(
        &self,
        diagnostics: &[crate::policy::Diagnostic],
    ) -> Vec<crate::policy::Diagnostic> {
        diagnostics
            .iter()
            .filter(|d| d.is_error() || !self.quiet)
            .cloned()
            .collect()
    }

    /// Prints an informational line to stderr unless `--quiet`.
    pub fn info(&self, line: &str) {
        if !self.quiet {
            out::error_line(line);
        }
    }

    /// Prints a detail line to stderr with `--verbose`.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            out::error_line(line);
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files and report every problem with its file, line and column.
    Validate(validate::ValidateArgs),
    /// Print the JSON Schema of the policy format (for editors and other validators).
    Schema(schema::SchemaArgs),
    /// Print each account's fully resolved policy after layering.
    Render(render::RenderArgs),
    /// Show what it takes to make Zendesk match the policy (reads only).
    Plan(plan::PlanArgs),
    /// Make Zendesk match the policy: apply a saved plan, or plan and apply after a `yes`.
    Apply(apply::ApplyArgs),
    /// Render a saved plan.
    Show(show::ShowArgs),
    /// Write a policy file from accounts' live state (to adopt zdpolicy on existing accounts).
    Export(export::ExportArgs),
    /// Write accounts' live state as a simulator seed (for `--sandbox --sandbox-seed`).
    Snapshot(snapshot::SnapshotArgs),
    /// Sign in to a Zendesk account in the browser (OAuth), or show who is signed in where.
    Login(login::LoginArgs),
    /// Sign out of a Zendesk account: revoke the sign-in and remove its tokens.
    Logout(login::LogoutArgs),
    /// Manage the built-in sandbox (`--sandbox`): reset it, or play an admin in Admin Center.
    Sandbox(sandbox::SandboxArgs),
    /// Serve a Zendesk-compatible simulator on loopback (for tests, demos and CI).
    Simulator(crate::simulator::SimulatorArgs),
    /// Print a shell completion script (`zdpolicy completions bash > ~/.local/share/bash-completion/completions/zdpolicy`).
    Completions(completions::CompletionsArgs),
    /// Print the manual page in roff (`zdpolicy man | man -l -`), or write one per command.
    Man(man::ManArgs),
}

impl Command {
    /// The command as a user types it, without its arguments.
    fn name(&self) -> &'static str {
        match self {
            Self::Validate(_) => "zdpolicy validate",
            Self::Schema(_) => "zdpolicy schema",
            Self::Render(_) => "zdpolicy render",
            Self::Plan(_) => "zdpolicy plan",
            Self::Apply(_) => "zdpolicy apply",
            Self::Show(_) => "zdpolicy show",
            Self::Export(_) => "zdpolicy export",
            Self::Snapshot(_) => "zdpolicy snapshot",
            Self::Login(_) => "zdpolicy login",
            Self::Logout(_) => "zdpolicy logout",
            Self::Sandbox(_) => "zdpolicy sandbox",
            Self::Simulator(_) => "zdpolicy simulator",
            Self::Completions(_) => "zdpolicy completions",
            Self::Man(_) => "zdpolicy man",
        }
    }
}

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for any error, an invalid policy included.
pub const EXIT_ERROR: u8 = 1;
/// Exit code of `plan --detailed-exitcode` when there are changes.
pub const EXIT_CHANGES: u8 = 2;
/// Exit code when standard output was closed by its reader (`zdpolicy plan | head -1`): the
/// command stopped there, as a Unix tool killed by SIGPIPE does (128 + 13).
pub const EXIT_STDOUT_CLOSED: u8 = 141;
/// Exit code of an apply stopped by Ctrl-C (SIGINT): 128 + 2, as a shell reports it.
pub const EXIT_SIGINT: u8 = 130;
/// Exit code of an apply stopped by SIGTERM: 128 + 15.
pub const EXIT_SIGTERM: u8 = 143;

/// What a command's async runtime runs besides the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Serves {
    /// Nothing: the client alone (plan, apply, export against Zendesk, login).
    Nothing,
    /// A server in this process: the sandbox (`--sandbox`) or the simulator.
    Server,
}

impl Serves {
    /// `Server` when the sandbox runs in this process.
    fn sandbox_if(sandbox: bool) -> Self {
        if sandbox { Self::Server } else { Self::Nothing }
    }
}

/// The async runtime for commands that talk over the network.
///
/// The client alone runs on one thread. Reading is bound by Zendesk's latency, not by CPU,
/// and on a worker pool every response crossed threads (hyper's connection task on a worker,
/// the request and its parsing on the caller), each crossing a wake-up: measured on a 2-core
/// machine, a converged plan of 1,000 accounts took a quarter less CPU on one thread, and no
/// more wall time. A server in the same process (the sandbox's, the simulator's) does
/// real work of its own beside the client's, so it gets worker threads.
fn runtime(serves: Serves) -> Result<tokio::runtime::Runtime, CliError> {
    match serves {
        Serves::Nothing => tokio::runtime::Builder::new_current_thread(),
        Serves::Server => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()
    .map_err(CliError::Runtime)
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Usage errors exit 1, not clap's 2: 2 is reserved for "changes present"
            // (`plan --detailed-exitcode`), and CI must not mistake a typo for drift.
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
            return match err.print() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    ExitCode::from(EXIT_STDOUT_CLOSED)
                }
                _ => ExitCode::from(code),
            };
        }
    };
    cli.global.command = cli.command.name();
    let result = match &cli.command {
        Command::Validate(args) => validate::run(args, &cli.global),
        Command::Schema(args) => schema::run(args, &cli.global),
        Command::Render(args) => render::run(args, &cli.global),
        Command::Plan(args) => plan::run(args, &cli.global),
        Command::Show(args) => show::run(args, &cli.global),
        Command::Apply(args) => apply::run(args, &cli.global),
        Command::Export(args) => export::run(args, &cli.global),
        Command::Snapshot(args) => snapshot::run(args, &cli.global),
        Command::Login(args) => login::run_login(args, &cli.global),
        Command::Logout(args) => login::run_logout(args, &cli.global),
        Command::Sandbox(args) => sandbox::run(args, &cli.global),
        Command::Simulator(args) => simulator::run(args, &cli.global),
        Command::Completions(args) => completions::run(args, &cli.global),
        Command::Man(args) => man::run(args, &cli.global),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(CliError::StdoutClosed) => ExitCode::from(EXIT_STDOUT_CLOSED),
        Err(err) => {
            error::print(&err, &cli.global);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
