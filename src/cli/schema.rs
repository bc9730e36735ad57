//! `zdpolicy schema`: print or write the policy JSON Schema.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, EXIT_OK, GlobalArgs};
use crate::files::{FileKind, write_file};
use crate::policy::schema::policy_schema_text;

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output (an existing file is
    /// replaced only if it is zdpolicy's schema, or with --force).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Let --output replace a file that is not zdpolicy's schema.
    #[arg(long)]
    force: bool,
}

/// Prints (or writes) the schema.
pub fn run(args: &SchemaArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let text = policy_schema_text();
    match &args.output {
        None => super::out::print(&text)?,
        Some(path) => {
            write_file(path, FileKind::Schema, args.force, text.as_bytes())?;
            global.info(&format!("wrote {}", path.display()));
        }
    }
    Ok(EXIT_OK)
}
