//! `zdpolicy plan`: the difference between the policy and live Zendesk state.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::connect::{ConnectArgs, SelectArgs};
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_CHANGES, EXIT_ERROR, EXIT_OK, GlobalArgs};
use crate::files::{FileKind, OutputFile};
use crate::output::color::Stream;
use crate::plan::{self, Plan, Targets};
use crate::policy::decode::did_you_mean;
use crate::policy::resolve::ResolvedAccount;

/// Arguments of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    select: SelectArgs,
    /// Plan only the changes whose address matches (repeatable): ACCOUNT[.KIND[.NAME]], each
    /// part a glob, e.g. `acme-prod.trigger.vip-*`. A saved plan records its targets.
    #[arg(long = "target", value_name = "ADDRESS")]
    targets: Vec<String>,
    #[command(flatten)]
    connect: ConnectArgs,
    /// Output format: `human`, `json` (versioned, modelled on Terraform's plan JSON) or
    /// `markdown` (for a pull-request comment).
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Save the plan to this file for `zdpolicy apply FILE` (no secrets are ever saved). An
    /// existing file is replaced only if it is a saved plan (or with --force).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit 2 when there are changes, 0 when there are none, 1 on errors.
    #[arg(long)]
    detailed_exitcode: bool,
    /// Plan even when a safety limit (`safety.max_deletes`, `safety.max_changed_percent`) is
    /// exceeded, and let --out replace a file that is not a saved plan.
    #[arg(long)]
    force: bool,
}

/// How to show a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// For people: per account, each change with a field diff, manual steps, a summary line.
    Human,
    /// A versioned JSON document.
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// Plans the selected accounts.
pub fn run(args: &PlanArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let policy = args.paths.load_one(global)?;
    let targets = Targets::parse(&args.targets)?;
    let accounts = targeted_accounts(&targets, args.select.select(&policy.accounts)?);
    // Checked before reading Zendesk: a plan that cannot be saved is not worth making.
    let out = args
        .out
        .as_deref()
        .map(|path| OutputFile::create(path, FileKind::SavedPlan, args.force))
        .transpose()?;
    let runtime = super::runtime(super::Serves::sandbox_if(args.connect.sandbox))?;
    let plan = runtime.block_on(async {
        let connection = args.connect.connect(&accounts, global).await?;
        let plan = args.connect.plan(&connection, &accounts, global).await;
        connection.close().await?;
        Ok::<Plan, CliError>(plan)
    })?;
    let plan = narrowed(&targets, plan)?;
    print(&plan, args.format, global)?;
    finish(&plan, out, args.force, args.detailed_exitcode, global)
}

/// The selected accounts a target can touch (all of them without targets): the others are
/// not read.
pub(super) fn targeted_accounts(
    targets: &Targets,
    accounts: Vec<ResolvedAccount>,
) -> Vec<ResolvedAccount> {
    accounts
        .into_iter()
        .filter(|a| targets.selects_account(a.name.value.as_str()))
        .collect()
}

/// A plan narrowed to its targets, which it records.
///
/// # Errors
/// [`CliError::TargetMatchesNothing`] when a target matches no change.
pub(super) fn narrowed(targets: &Targets, plan: Plan) -> Result<Plan, CliError> {
    if targets.is_empty() {
        return Ok(plan);
    }
    check_matched(targets, &plan, "plan")?;
    let mut plan = targets.narrow(plan);
    plan.targets = targets.texts();
    Ok(plan)
}

/// Fails when a target matches no change of `plan`, suggesting the nearest address.
pub(super) fn check_matched(
    targets: &Targets,
    plan: &Plan,
    of: &'static str,
) -> Result<(), CliError> {
    let unmatched = targets.unmatched(plan);
    let Some(first) = unmatched.first() else {
        return Ok(());
    };
    let addresses: Vec<String> = plan
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .map(|c| c.address.to_string())
        .collect();
    let help = match did_you_mean(first, addresses.iter().map(String::as_str)) {
        Some(near) => {
            format!("did you mean `{near}`? `zdpolicy plan --format json` lists every address")
        }
        None => "`zdpolicy plan --format json` lists every address".to_owned(),
    };
    Err(CliError::TargetMatchesNothing {
        of,
        targets: unmatched,
        help,
    })
}

/// Prints a plan in a format to standard output, an account at a time.
///
/// # Errors
/// As [`super::out::print`].
pub fn print(plan: &Plan, format: PlanFormat, global: &GlobalArgs) -> Result<(), CliError> {
    super::out::print_with(|out| match format {
        PlanFormat::Human => plan::render::text::write(plan, global.color_for(Stream::Stdout), out),
        PlanFormat::Json => plan::render::json::write(plan, out),
        PlanFormat::Markdown => out.write_all(plan::render::markdown::render(plan).as_bytes()),
    })
}

/// Checks safety, saves the plan if asked, and picks the exit code.
fn finish(
    plan: &Plan,
    out: Option<OutputFile>,
    force: bool,
    detailed: bool,
    global: &GlobalArgs,
) -> Result<u8, CliError> {
    let violations = plan::check_safety(plan, force);
    for violation in &violations {
        super::out::error_line(&format!("error: {violation}"));
    }
    if plan.has_errors() || !violations.is_empty() {
        if let Some(out) = out {
            super::out::error_line(&format!(
                "error: the plan was not saved to {}: fix the errors above first",
                out.path().display()
            ));
        }
        return Ok(EXIT_ERROR);
    }
    if let Some(out) = out {
        let path = out.path().display().to_string();
        out.commit_with(|file| plan::write_saved(plan, file))?;
        global.info(&format!(
            "saved the plan to {path}; apply it with `zdpolicy apply {path}`"
        ));
    }
    Ok(if detailed && plan::has_changes(plan) {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}
