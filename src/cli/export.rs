//! `zdpolicy export`: write a policy from live Zendesk state.

use std::path::{Path, PathBuf};

use clap::Args;

use super::connect::{ConnectArgs, SelectArgs};
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_ERROR, EXIT_OK, GlobalArgs};
use crate::export::{ExportOptions, ExportedAccount, export_account, to_yaml};
use crate::policy::model::Subdomain;
use crate::policy::{Policy, load_sources, source::SourceMap};

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    select: SelectArgs,
    /// Export this Zendesk subdomain without a policy file (credentials from
    /// ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN; none with --sandbox).
    #[arg(long, value_name = "SUBDOMAIN", conflicts_with = "paths")]
    subdomain: Option<String>,
    /// Write to this file, or to this directory (one file per account) when it ends in `/`
    /// or already is a directory. Default: standard output.
    #[arg(long, short, value_name = "FILE|DIR")]
    output: Option<PathBuf>,
    /// Also export every trigger that is not one of Zendesk's standard triggers, as managed
    /// triggers (with `adopt: true` and keys made from their titles).
    #[arg(long)]
    triggers: bool,
    #[command(flatten)]
    connect: ConnectArgs,
}

/// Exports the selected accounts.
pub fn run(args: &ExportArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let policy = match &args.subdomain {
        Some(subdomain) => policy_for_subdomain(subdomain)?,
        None => args.paths.load_one(global)?,
    };
    let accounts = args.select.select(&policy.accounts)?;
    let runtime = super::runtime()?;
    let (exported, failed) = runtime.block_on(async {
        let connection = args.connect.connect(&accounts, global).await?;
        let reads = args.connect.read(&connection, &accounts, global).await;
        connection.close().await?;
        let mut exported = Vec::new();
        let mut failed = 0;
        for (account, read) in accounts.iter().zip(reads) {
            match read.result {
                Ok(live) => exported.push(export_account(
                    account,
                    &live,
                    ExportOptions {
                        triggers: args.triggers,
                    },
                )),
                Err(err) => {
                    failed += 1;
                    eprintln!("error: {err}");
                }
            }
        }
        Ok::<_, CliError>((exported, failed))
    })?;
    write(&exported, args.output.as_deref(), global)?;
    if failed > 0 {
        super::error::print(
            &CliError::AccountsFailed {
                failed,
                total: accounts.len(),
            },
            global,
        );
        return Ok(EXIT_ERROR);
    }
    Ok(EXIT_OK)
}

/// A one-account policy for `--subdomain`, loaded like any policy so it is validated the same way.
pub(super) fn policy_for_subdomain(subdomain: &str) -> Result<Policy, CliError> {
    let subdomain =
        Subdomain::parse(subdomain).map_err(|(message, hint)| CliError::BadArgument {
            message,
            help: hint.unwrap_or_else(|| "e.g. --subdomain acme for acme.zendesk.com".into()),
        })?;
    let mut sources = SourceMap::new();
    sources.add(
        "--subdomain",
        format!("version: 1\naccounts:\n  {subdomain}:\n    subdomain: {subdomain}\n"),
    );
    Ok(load_sources("--subdomain".into(), sources))
}

fn write(
    exported: &[ExportedAccount],
    output: Option<&Path>,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    let write_file = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.to_owned(),
            source,
        })
    };
    match output {
        None => print!("{}", to_yaml(exported, None)),
        Some(dir) if dir.is_dir() || dir.to_string_lossy().ends_with('/') => {
            std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
                path: dir.to_owned(),
                source,
            })?;
            for account in exported {
                let path = dir.join(format!("{}.yaml", account.name));
                write_file(&path, to_yaml(std::slice::from_ref(account), None))?;
                global.info(&format!("wrote {}", path.display()));
            }
        }
        Some(file) => {
            write_file(file, to_yaml(exported, None))?;
            global.info(&format!("wrote {}", file.display()));
        }
    }
    Ok(())
}
