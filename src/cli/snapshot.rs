//! `zdpolicy snapshot`: write accounts' live state as a simulator seed.

use std::path::PathBuf;

use clap::Args;

use super::connect::{ConnectArgs, SelectArgs};
use super::export::policy_for_subdomain;
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::export::seed::{account_seed, document, to_text};
use crate::files::{FileKind, OutputFile};

/// Arguments of `snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    select: SelectArgs,
    /// Snapshot this Zendesk subdomain without a policy file (credentials from
    /// ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN; none with --sandbox).
    #[arg(long, value_name = "SUBDOMAIN", conflicts_with = "paths")]
    subdomain: Option<String>,
    /// Write the seed to this file (JSON when it ends in `.json`, else YAML). Default:
    /// standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Let --output replace a file that is not a simulator seed.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// Reads the selected accounts and writes them as one seed.
pub fn run(args: &SnapshotArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let policy = match &args.subdomain {
        Some(subdomain) => policy_for_subdomain(subdomain)?,
        None => args.paths.load_one(global)?,
    };
    let accounts = args.select.select(&policy.accounts)?;
    // Checked before Zendesk is read: a file of another kind is never replaced by a seed.
    let file = args
        .output
        .as_deref()
        .map(|path| OutputFile::create(path, FileKind::SimulatorSeed, args.force))
        .transpose()?;
    let (seeds, failed) =
        args.connect
            .read_each(&accounts, &Default::default(), global, |account, live| {
                account_seed(account.subdomain.value.as_str(), live)
            })?;
    if failed > 0 {
        // Half a snapshot would seed a sandbox that is missing accounts.
        return Err(CliError::SnapshotIncomplete {
            failed,
            total: accounts.len(),
        });
    }
    let document = document(seeds);
    let as_json = args
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let text = to_text(&document, as_json);
    match file {
        None => super::out::print(&text)?,
        Some(file) => {
            let shown = file.path().display().to_string();
            file.commit(text.as_bytes())?;
            global.info(&format!("wrote {shown}"));
        }
    }
    Ok(EXIT_OK)
}
