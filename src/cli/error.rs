//! Errors a command can end with, and how they are printed.

use std::io;
use std::path::PathBuf;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use thiserror::Error;

use super::GlobalArgs;
use crate::output::color::Stream;
use crate::policy::InputError;

/// Why a command failed (an invalid policy's diagnostics are printed before this). Each
/// variant has its own stable kebab-case code, shown above the message.
#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    /// The policy files could not be found or read: `io` or `no-policy`, the codes the
    /// loader's diagnostics use for the same problems.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(#[from] InputError),
    /// The policy has errors.
    #[error("{label}: the policy has {errors} error{}", if *errors == 1 { "" } else { "s" })]
    #[diagnostic(
        code("invalid-policy"),
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
    #[diagnostic(code("several-policies"), help("name one policy directory or file"))]
    SeveralPolicies {
        /// Each policy's files.
        labels: Vec<String>,
    },
    /// `--account` names an account the policy does not have.
    #[error("the policy has no account `{name}`")]
    #[diagnostic(code("unknown-account"))]
    UnknownAccount {
        /// The name given.
        name: String,
        /// Suggestion or list of accounts.
        #[help]
        help: String,
    },
    /// The policy's credentials use `file:` or `cmd:` references and the run did not allow them.
    #[error(
        "{}",
        refused.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    #[diagnostic(
        code("credential-commands-not-allowed"),
        help(
            "the policy may come from an untrusted pull request, so zdpolicy reads `file:` and runs `cmd:` \
             references only when told to from outside it: if this policy is trusted, pass \
             --allow-credential-commands or set ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS=1; otherwise refer \
             to the secret with `env:NAME`"
        )
    )]
    CredentialCommandsNotAllowed {
        /// Each reference refused, with its account and location.
        refused: Vec<crate::policy::trust::RefusedReference>,
    },
    /// The simulator failed to start or stopped with an error.
    #[error(transparent)]
    #[diagnostic(code("simulator"))]
    Simulator(#[from] crate::simulator::SimulatorError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    #[diagnostic(code("runtime"))]
    Runtime(io::Error),
    /// A Zendesk request or client set-up failed.
    #[error(transparent)]
    #[diagnostic(code("zendesk"))]
    Zendesk(#[from] crate::zendesk::client::error::ZendeskError),
    /// `login` or `logout` cannot go on.
    #[error("{0}")]
    #[diagnostic(code("sign-in"))]
    SignIn(String),
    /// The browser sign-in failed.
    #[error("sign-in failed: {0}")]
    #[diagnostic(
        code("sign-in-failed"),
        help("run `zdpolicy login` again; see docs/sign-in.md for the OAuth client it needs")
    )]
    Login(#[from] crate::zendesk::signin::login::LoginError),
    /// The sign-in records or token store failed.
    #[error(transparent)]
    #[diagnostic(code("sign-in-store"))]
    SignInStore(#[from] crate::zendesk::signin::store::StoreError),
    /// The sandbox failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sandbox(#[from] crate::simulator::sandbox::SandboxError),
    /// The account selectors are invalid or select no account.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Select(#[from] crate::policy::select::SelectError),
    /// A `--target` is not an address pattern.
    #[error(transparent)]
    #[diagnostic(
        code("bad-target"),
        help(
            "a target is ACCOUNT[.KIND[.NAME]], each part a glob: acme-prod.trigger.vip-*, *.csat, acme-eu"
        )
    )]
    BadTarget(#[from] crate::plan::TargetError),
    /// A `--target` matches no change of the plan: a typo must not read as "No changes".
    #[error("no change of the {of} matches --target {}", targets.join(", --target "))]
    #[diagnostic(code("no-target-matched"))]
    TargetMatchesNothing {
        /// What was narrowed: `plan` or `saved plan`.
        of: &'static str,
        /// The targets that match nothing.
        targets: Vec<String>,
        /// The nearest address to a target, and where addresses are listed.
        #[help]
        help: String,
    },
    /// `export` could not read every account, so it wrote nothing.
    #[error("{failed} of {total} accounts could not be read; nothing was written")]
    #[diagnostic(
        code("export-incomplete"),
        help("fix the errors above and export again, or leave those accounts out with --exclude")
    )]
    ExportIncomplete {
        /// How many failed.
        failed: usize,
        /// How many were selected.
        total: usize,
    },
    /// `snapshot` could not read every account, so it wrote nothing.
    #[error("{failed} of {total} accounts could not be read; nothing was written")]
    #[diagnostic(
        code("snapshot-incomplete"),
        help(
            "fix the errors above and snapshot again, or leave those accounts out with --exclude"
        )
    )]
    SnapshotIncomplete {
        /// How many failed.
        failed: usize,
        /// How many were selected.
        total: usize,
    },
    /// `export` was left with no account (its `--shard` holds none).
    #[error("there is no account to export")]
    #[diagnostic(
        code("nothing-to-export"),
        help("this --shard holds none of the selected accounts; an export needs at least one")
    )]
    NothingToExport,
    /// `--subdomain` is not a Zendesk subdomain.
    #[error("{message}")]
    #[diagnostic(code("bad-subdomain"))]
    BadSubdomain {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: String,
    },
    /// `sandbox set` got a value its setting does not take.
    #[error("`{value}` is not a value for {setting}")]
    #[diagnostic(code("bad-setting-value"), help("use {expected}"))]
    BadSettingValue {
        /// The value given.
        value: String,
        /// The setting.
        setting: &'static str,
        /// The values it takes.
        expected: &'static str,
    },
    /// An environment variable zdpolicy reads holds a value it cannot use.
    #[error("{variable} is `{value}`, {expected}")]
    #[diagnostic(code("bad-environment"))]
    BadEnvironment {
        /// The variable.
        variable: &'static str,
        /// Its value (never a secret: only limits are read this way).
        value: String,
        /// What it should be.
        expected: &'static str,
        /// How to fix it.
        #[help]
        help: String,
    },
    /// A saved plan was made from another policy than the one given.
    #[error("{} was made from a different policy than {policy}", plan.display())]
    #[diagnostic(
        code("plan-policy-mismatch"),
        help(
            "the policy changed since the plan (or names other accounts); make a new plan with `zdpolicy plan --out`"
        )
    )]
    PlanPolicyMismatch {
        /// The saved plan.
        plan: PathBuf,
        /// The policy's files.
        policy: String,
    },
    /// A saved plan holds errors.
    #[error("{} has errors; it cannot be applied", path.display())]
    #[diagnostic(code("saved-plan-has-errors"), help("fix them and make a new plan"))]
    SavedPlanHasErrors {
        /// The saved plan.
        path: PathBuf,
    },
    /// The plan made by `apply` has errors or is over a safety limit.
    #[error("the plan has errors; nothing was applied")]
    #[diagnostic(
        code("plan-has-errors"),
        help("fix the errors above and run apply again (`--force` passes a safety limit)")
    )]
    PlanHasErrors,
    /// The user did not answer `yes`.
    #[error("apply cancelled; nothing was changed")]
    #[diagnostic(
        code("apply-cancelled"),
        help("answer `yes` to apply, or pass --auto-approve")
    )]
    ApplyCancelled,
    /// Apply needs a confirmation and there is no terminal to ask on.
    #[error("there is no terminal to confirm the apply on")]
    #[diagnostic(
        code("no-terminal"),
        help(
            "review the plan, then pass --auto-approve (e.g. in CI), or apply a saved plan: `zdpolicy plan --out plan.json` then `zdpolicy apply plan.json`"
        )
    )]
    NoTerminal,
    /// Reading an input file failed.
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code("read-failed"))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A saved plan is unusable.
    #[error("{path}: {source}")]
    #[diagnostic(code("saved-plan"))]
    SavedPlan {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::plan::SavedPlanError,
    },
    /// An output file was not written (it would clobber another kind of file, or writing failed).
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(#[from] crate::files::FileError),
    /// Standard output was closed by its reader; the command stops without a message.
    #[error("standard output was closed")]
    #[diagnostic(code("stdout-closed"))]
    StdoutClosed,
    /// Writing to standard output failed for another reason (a full disk, say).
    #[error("cannot write to standard output: {0}")]
    #[diagnostic(code("stdout"))]
    Stdout(io::Error),
    /// Apply refused a reviewed plan that the policy and live state no longer give.
    #[error(transparent)]
    #[diagnostic(
        code("plan-differs"),
        help(
            "the plan was edited after it was made, or Zendesk changed in a way its fingerprints do \
             not cover (a category, the trigger definitions); make a new plan with `zdpolicy plan \
             --out`, review it and apply that"
        )
    )]
    Apply(#[from] crate::apply::ApplyError),
}

/// Prints an error to stderr, coloured per the global flags.
pub fn print(err: &CliError, global: &GlobalArgs) {
    let theme = if global.color_for(Stream::Stderr) {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    // Every message already ends with its cause ("cannot read x: No such file…"); miette's
    // cause chain would say it a second time.
    if GraphicalReportHandler::new_themed(theme)
        .without_cause_chain()
        .render_report(&mut out, err)
        .is_err()
    {
        out = format!("error: {err}\n");
    }
    super::out::error_text(&out);
}

/// Printed like every command error: the loader's code (`io`, `no-policy`) above the message.
impl Diagnostic for InputError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic_code().name()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.help_text()))
    }
}
