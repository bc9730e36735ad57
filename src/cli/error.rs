//! Errors a command can end with, and how they are printed.

use std::io;
use std::path::PathBuf;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use thiserror::Error;

use super::GlobalArgs;
use crate::output::color::Stream;
use crate::policy::InputError;

/// Why a command failed (an invalid policy's diagnostics are printed before this).
#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    /// The policy files could not be found or read.
    #[error(transparent)]
    #[diagnostic(
        code(input),
        help("name policy files or directories, e.g. `zdpolicy validate policy/`")
    )]
    Input(#[from] InputError),
    /// The policy has errors.
    #[error("{label}: the policy has {errors} error{}", if *errors == 1 { "" } else { "s" })]
    #[diagnostic(
        code(invalid_policy),
        help("fix the errors above; `zdpolicy validate` lists them all")
    )]
    InvalidPolicy {
        /// The policy's files.
        label: String,
        /// How many errors.
        errors: usize,
    },
    /// The paths name several independent policies where one is needed.
    #[error("the paths hold {} separate policies: {}", labels.len(), labels.join(", "))]
    #[diagnostic(code(several_policies), help("name one policy directory or file"))]
    SeveralPolicies {
        /// Each policy's files.
        labels: Vec<String>,
    },
    /// `--account` names an account the policy does not have.
    #[error("the policy has no account `{name}`")]
    #[diagnostic(code(unknown_account))]
    UnknownAccount {
        /// The name given.
        name: String,
        /// Suggestion or list of accounts.
        #[help]
        help: String,
    },
    /// The simulator failed to start or stopped with an error.
    #[error(transparent)]
    #[diagnostic(code(simulator))]
    Simulator(#[from] crate::simulator::SimulatorError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    #[diagnostic(code(runtime))]
    Runtime(io::Error),
    /// A Zendesk request or client set-up failed.
    #[error(transparent)]
    #[diagnostic(code(zendesk))]
    Zendesk(#[from] crate::zendesk::client::error::ZendeskError),
    /// The sandbox failed.
    #[error(transparent)]
    #[diagnostic(code(sandbox))]
    Sandbox(#[from] crate::sandbox::SandboxError),
    /// An account selector is invalid.
    #[error(transparent)]
    #[diagnostic(code(select))]
    Select(#[from] crate::select::SelectError),
    /// Some accounts failed; their errors were printed.
    #[error("{failed} of {total} accounts failed")]
    #[diagnostic(code(accounts_failed))]
    AccountsFailed {
        /// How many failed.
        failed: usize,
        /// How many were attempted.
        total: usize,
    },
    /// A command-line value is invalid.
    #[error("{message}")]
    #[diagnostic(code(argument))]
    BadArgument {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: String,
    },
    /// Reading an input file failed.
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(read))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A saved plan is unusable.
    #[error("{path}: {source}")]
    #[diagnostic(code(saved_plan))]
    SavedPlan {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::plan::SavedPlanError,
    },
    /// Apply refused a reviewed plan that the policy and live state no longer give.
    #[error(transparent)]
    #[diagnostic(
        code(plan_differs),
        help(
            "the plan was edited after it was made, or Zendesk changed in a way its fingerprints do \
             not cover (a category, the trigger definitions); make a new plan with `zdpolicy plan \
             --out`, review it and apply that"
        )
    )]
    Apply(#[from] crate::apply::ApplyError),
    /// Writing an output file failed.
    #[error("cannot write {path}: {source}")]
    #[diagnostic(code(write))]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Prints an error to stderr, coloured per the global flags.
pub fn print(err: &CliError, global: &GlobalArgs) {
    let theme = if global.color_for(Stream::Stderr) {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    if GraphicalReportHandler::new_themed(theme)
        .render_report(&mut out, err)
        .is_err()
    {
        out = format!("error: {err}\n");
    }
    eprint!("{out}");
}
