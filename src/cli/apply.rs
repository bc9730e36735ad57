//! `zdpolicy apply`: push a saved plan, or plan and (after a `yes`) apply.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::connect::{ConnectArgs, SelectArgs};
use super::interrupt::Interrupts;
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_ERROR, EXIT_OK, GlobalArgs};
use crate::apply::execute::has_work;
use crate::apply::report::ApplyReport;
use crate::apply::{ApplyOptions, apply};
use crate::files::{FileKind, OutputFile};
use crate::output::color::Stream;
use crate::plan::{self, Plan, Targets, load_saved, policy_hash};
use crate::policy::resolve::ResolvedAccount;

/// Arguments of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A saved plan (`zdpolicy plan --out plan.json`), applied without prompting; or policy
    /// files and directories to plan now and apply after confirmation.
    #[arg(value_name = "PLAN|PATHS")]
    inputs: Vec<PathBuf>,
    /// With a saved plan: the policy it was made from (default ./zdpolicy.yaml, else ./policy/).
    #[arg(long = "policy", value_name = "PATH")]
    policy: Vec<PathBuf>,
    #[command(flatten)]
    select: SelectArgs,
    /// Apply only the changes whose address matches (repeatable): ACCOUNT[.KIND[.NAME]], each
    /// part a glob, e.g. `acme-prod.trigger.vip-*`. With a saved plan it only narrows it.
    #[arg(long = "target", value_name = "ADDRESS")]
    targets: Vec<String>,
    #[command(flatten)]
    connect: ConnectArgs,
    /// Apply without asking (needed when there is no terminal, e.g. in CI).
    #[arg(long)]
    auto_approve: bool,
    /// Apply what has not changed in Zendesk since the plan and report what has, instead of refusing.
    #[arg(long)]
    skip_stale: bool,
    /// Apply even when a safety limit is exceeded, and let --report replace a file that is
    /// not an apply report.
    #[arg(long)]
    force: bool,
    /// Write the apply report (JSON) to this file (checked before anything is applied).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// Applies.
pub fn run(args: &ApplyArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let saved = match args.inputs.as_slice() {
        [one] if one.is_file() && one.extension().is_some_and(|e| e == "json") => Some(one.clone()),
        _ => None,
    };
    // A report that cannot be written must fail the apply before any write to Zendesk.
    let report_file = args
        .report
        .as_deref()
        .map(|path| OutputFile::create(path, FileKind::ApplyReport, args.force))
        .transpose()?;
    let runtime = super::runtime(super::Serves::sandbox_if(args.connect.sandbox))?;
    let (report, interrupts) = runtime.block_on(async {
        let interrupts = Interrupts::listen();
        let report = match &saved {
            Some(file) => apply_saved(args, file, global, &interrupts).await,
            None => plan_and_apply(args, global, &interrupts).await,
        };
        (report, interrupts)
    });
    let report = report?;
    let Some(report) = report else {
        return Ok(EXIT_OK);
    };
    if global.quiet {
        eprint!("{}", report.errors());
    } else {
        eprint!("{}", report.summary());
    }
    if let Some(file) = report_file {
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        let path = file.path().display().to_string();
        file.commit(text.as_bytes())?;
        global.info(&format!("wrote the apply report to {path}"));
    }
    Ok(match interrupts.received() {
        Some(signal) if report.interrupted => signal.exit_code(),
        _ if report.succeeded() => EXIT_OK,
        _ => EXIT_ERROR,
    })
}

async fn apply_saved(
    args: &ApplyArgs,
    file: &Path,
    global: &GlobalArgs,
    interrupts: &Interrupts,
) -> Result<Option<ApplyReport>, CliError> {
    let text = std::fs::read_to_string(file).map_err(|source| CliError::Read {
        path: file.to_owned(),
        source,
    })?;
    let plan = load_saved(&text).map_err(|source| CliError::SavedPlan {
        path: file.to_owned(),
        source,
    })?;
    let policy = PolicyPaths {
        paths: args.policy.clone(),
    }
    .load_one(global)?;
    let accounts: Vec<ResolvedAccount> = policy
        .accounts
        .iter()
        .filter(|a| plan.accounts.iter().any(|p| p.account == a.name.value))
        .cloned()
        .collect();
    let hash = policy_hash(&accounts);
    if hash != plan.policy_hash {
        return Err(CliError::PlanPolicyMismatch {
            plan: file.to_owned(),
            policy: policy.label.clone(),
        });
    }
    if plan.has_errors() {
        return Err(CliError::SavedPlanHasErrors {
            path: file.to_owned(),
        });
    }
    let narrow = Targets::parse(&args.targets)?;
    super::plan::check_matched(&narrow, &plan, "saved plan")?;
    let connection = args.connect.connect(&accounts, global).await?;
    apply_with(args, connection, &plan, &accounts, narrow, interrupts).await
}

async fn plan_and_apply(
    args: &ApplyArgs,
    global: &GlobalArgs,
    interrupts: &Interrupts,
) -> Result<Option<ApplyReport>, CliError> {
    let policy = PolicyPaths {
        paths: args.inputs.clone(),
    }
    .load_one(global)?;
    let targets = Targets::parse(&args.targets)?;
    let accounts = super::plan::targeted_accounts(&targets, args.select.select(&policy.accounts)?);
    let connection = args.connect.connect(&accounts, global).await?;
    let plan: Plan = args.connect.plan(&connection, &accounts, global).await;
    let plan = match super::plan::narrowed(&targets, plan) {
        Ok(plan) => plan,
        Err(err) => {
            connection.close().await?;
            return Err(err);
        }
    };
    // `-q` leaves the plan out, unless a prompt is about to ask to approve it.
    if !global.quiet || !args.auto_approve {
        super::out::print_with(|out| {
            plan::render::text::write(&plan, global.color_for(Stream::Stdout), out)
        })?;
    }
    let violations = plan::check_safety(&plan, args.force);
    for violation in &violations {
        eprintln!("error: {violation}");
    }
    if !violations.is_empty() {
        connection.close().await?;
        return Err(CliError::OverSafetyLimit);
    }
    // Accounts are applied each on its own: one whose plan has errors is not written (its
    // errors are above, and the report lists them), and does not hold the others back.
    let changes = || {
        plan.accounts
            .iter()
            .filter(|a| !a.has_errors())
            .flat_map(|a| &a.changes)
    };
    if !changes().any(has_work) && !plan.has_errors() {
        connection.close().await?;
        return Ok(None);
    }
    // Manual steps alone write nothing, so there is nothing to approve; apply still runs to
    // list them in the summary and the report, which must exist whenever steps are left.
    let writes = changes().any(|c| c.operation.is_some());
    if writes {
        skipped_note(&plan);
    }
    if writes && !approved(args.auto_approve)? {
        connection.close().await?;
        return Err(CliError::ApplyCancelled);
    }
    apply_with(
        args,
        connection,
        &plan,
        &accounts,
        Targets::default(),
        interrupts,
    )
    .await
}

/// Applies through an open connection, then closes it (saving the sandbox).
async fn apply_with(
    args: &ApplyArgs,
    connection: super::connect::Connection,
    plan: &Plan,
    accounts: &[ResolvedAccount],
    narrow: Targets,
    interrupts: &Interrupts,
) -> Result<Option<ApplyReport>, CliError> {
    let options = ApplyOptions {
        skip_stale: args.skip_stale,
        narrow,
    };
    interrupts.applying();
    let report = apply(
        &connection.client,
        plan,
        accounts,
        options,
        interrupts.stop_flag(),
    )
    .await;
    connection.close().await?;
    Ok(Some(report?))
}

/// Says, before approval, which accounts will not be written because their plan has errors.
fn skipped_note(plan: &Plan) {
    let skipped: Vec<String> = plan
        .accounts
        .iter()
        .filter(|a| a.has_errors())
        .map(|a| a.account.to_string())
        .collect();
    if !skipped.is_empty() {
        eprintln!(
            "note: nothing will be written to {} (the plan has errors there); the other accounts are applied",
            skipped.join(", ")
        );
    }
}

/// Asks for `yes` on a terminal; without one, only `--auto-approve` approves.
fn approved(auto_approve: bool) -> Result<bool, CliError> {
    if auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::NoTerminal);
    }
    eprint!("\nApply these changes? Only `yes` is accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|source| CliError::Read {
            path: PathBuf::from("standard input"),
            source,
        })?;
    Ok(answer.trim() == "yes")
}
