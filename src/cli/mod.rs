//! The command line: clap definitions and one small module per command (argument wiring only).

mod apply;
mod connect;
mod error;
mod export;
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
    /// When to colour output (`NO_COLOR` turns `auto` off).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only errors and the command's requested output.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is happening (files read, one line per Zendesk request).
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
            eprintln!("{line}");
        }
    }

    /// Prints a detail line to stderr with `--verbose`.
    pub fn detail(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
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
    /// Manage the built-in sandbox (`--sandbox`): reset it, or play an admin in Admin Center.
    Sandbox(sandbox::SandboxArgs),
    /// Serve a Zendesk-compatible simulator on loopback (for tests, demos and CI).
    Simulator(crate::simulator::SimulatorArgs),
}

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for any error, an invalid policy included.
pub const EXIT_ERROR: u8 = 1;
/// Exit code of `plan --detailed-exitcode` when there are changes.
pub const EXIT_CHANGES: u8 = 2;

/// The async runtime for commands that talk over the network.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Usage errors exit 1, not clap's 2: 2 is reserved for "changes present"
            // (`plan --detailed-exitcode`), and CI must not mistake a typo for drift.
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Validate(args) => validate::run(args, &cli.global),
        Command::Schema(args) => schema::run(args, &cli.global),
        Command::Render(args) => render::run(args, &cli.global),
        Command::Plan(args) => plan::run(args, &cli.global),
        Command::Show(args) => show::run(args, &cli.global),
        Command::Apply(args) => apply::run(args, &cli.global),
        Command::Export(args) => export::run(args, &cli.global),
        Command::Snapshot(args) => snapshot::run(args, &cli.global),
        Command::Sandbox(args) => sandbox::run(args, &cli.global),
        Command::Simulator(args) => simulator::run(args, &cli.global),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            error::print(&err, &cli.global);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
