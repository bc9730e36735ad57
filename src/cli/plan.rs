//! `zdpolicy plan`: the difference between the policy and live Zendesk state.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::connect::{ConnectArgs, SelectArgs};
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_CHANGES, EXIT_ERROR, EXIT_OK, GlobalArgs};
use crate::files::{FileKind, OutputFile};
use crate::output::color::Stream;
use crate::plan::{self, Plan};

/// Arguments of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    select: SelectArgs,
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
    let accounts = args.select.select(&policy.accounts)?;
    // Checked before reading Zendesk: a plan that cannot be saved is not worth making.
    let out = args
        .out
        .as_deref()
        .map(|path| OutputFile::create(path, FileKind::SavedPlan, args.force))
        .transpose()?;
    let runtime = super::runtime()?;
    let plan = runtime.block_on(async {
        let connection = args.connect.connect(&accounts, global).await?;
        let plan = args.connect.plan(&connection, &accounts, global).await;
        connection.close().await?;
        Ok::<Plan, CliError>(plan)
    })?;
    super::out::print(&render(&plan, args.format, global))?;
    finish(&plan, out, args.force, args.detailed_exitcode, global)
}

/// Renders a plan in a format.
pub fn render(plan: &Plan, format: PlanFormat, global: &GlobalArgs) -> String {
    match format {
        PlanFormat::Human => plan::render::text::render(plan, global.color_for(Stream::Stdout)),
        PlanFormat::Json => plan::render::json::render(plan),
        PlanFormat::Markdown => plan::render::markdown::render(plan),
    }
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
        out.commit(plan::to_saved(plan).as_bytes())?;
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
