//! `zdpolicy show`: render a saved plan.

use std::path::PathBuf;

use clap::Args;

use super::plan::{PlanFormat, print};
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::plan::load_saved;

/// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `zdpolicy plan --out FILE`.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
}

/// Shows the saved plan.
pub fn run(args: &ShowArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| CliError::Read {
        path: args.file.clone(),
        source,
    })?;
    let plan = load_saved(&text).map_err(|source| CliError::SavedPlan {
        path: args.file.clone(),
        source,
    })?;
    print(&plan, args.format, global)?;
    Ok(EXIT_OK)
}
