//! `zdpolicy schema`: print or write the policy JSON Schema.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, EXIT_OK, GlobalArgs};
use crate::policy::schema::policy_schema_text;

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Prints (or writes) the schema.
pub fn run(args: &SchemaArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let text = policy_schema_text();
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            std::fs::write(path, text).map_err(|source| CliError::Write {
                path: path.clone(),
                source,
            })?;
            global.info(&format!("wrote {}", path.display()));
        }
    }
    Ok(EXIT_OK)
}
