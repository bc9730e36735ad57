//! `zdpolicy export`: write a policy from live Zendesk state.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::Args;

use super::connect::{ConnectArgs, SelectArgs};
use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::directory::ListKind;
use crate::export::{ExportOptions, ExportedAccount, export_account, to_yaml};
use crate::files::{FileError, FileKind, OutputFile};
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
    /// or already is a directory. Default: standard output. Nothing is written unless every
    /// account was read; an existing file is replaced only if an earlier export wrote it.
    #[arg(long, short, value_name = "FILE|DIR")]
    output: Option<PathBuf>,
    /// Let --output replace files that an export did not write (a hand-written policy, say).
    #[arg(long)]
    force: bool,
    /// Also export the account's triggers as managed triggers, each pinned by id in
    /// `trigger_ids` (keys from their ownership markers, else made from their titles). Left out:
    /// the messaging CSAT trigger and triggers Zendesk marks `default: true`; Zendesk's standard
    /// "Notify …" triggers come with `default: false` and are exported like any other.
    #[arg(long)]
    triggers: bool,
    /// With --triggers: keep the ids in conditions and actions as Zendesk has them, instead of
    /// naming groups, custom fields and their options, forms, brands, schedules, custom
    /// statuses and webhooks (which reads those lists too).
    #[arg(long, requires = "triggers")]
    ids: bool,
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
    if accounts.is_empty() {
        return Err(CliError::NothingToExport);
    }
    let options = ExportOptions {
        triggers: args.triggers,
        names: args.triggers && !args.ids,
    };
    // Names need every list a trigger may point into; which ones is known only once the
    // triggers are read, and one page of each list costs less than a second round trip.
    let lists: BTreeSet<ListKind> = if options.names {
        ListKind::ALL.iter().copied().collect()
    } else {
        BTreeSet::new()
    };
    let (exported, failed) =
        args.connect
            .read_each(&accounts, &lists, global, |account, live| {
                export_account(account, live, options)
            })?;
    if failed > 0 {
        // Half an export over a working policy would lose the accounts that failed.
        return Err(CliError::ExportIncomplete {
            failed,
            total: accounts.len(),
        });
    }
    write(&exported, args.output.as_deref(), args.force, global)?;
    Ok(EXIT_OK)
}

/// A one-account policy for `--subdomain`, loaded like any policy so it is validated the same way.
pub(super) fn policy_for_subdomain(subdomain: &str) -> Result<Policy, CliError> {
    let subdomain =
        Subdomain::parse(subdomain).map_err(|(message, hint)| CliError::BadSubdomain {
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

/// Writes the export: to standard output, one file, or one file per account in a directory.
/// Each file is checked before any is written, so one file of another kind stops them all.
fn write(
    exported: &[ExportedAccount],
    output: Option<&Path>,
    force: bool,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    let Some(output) = output else {
        return super::out::print(&to_yaml(exported, None));
    };
    let files: Vec<(PathBuf, String)> =
        if output.is_dir() || output.to_string_lossy().ends_with('/') {
            std::fs::create_dir_all(output).map_err(|source| FileError::Io {
                path: output.to_owned(),
                source,
            })?;
            exported
                .iter()
                .map(|account| {
                    (
                        output.join(format!("{}.yaml", account.name)),
                        to_yaml(std::slice::from_ref(account), None),
                    )
                })
                .collect()
        } else {
            vec![(output.to_owned(), to_yaml(exported, None))]
        };
    let prepared = files
        .iter()
        .map(|(path, _)| OutputFile::create(path, FileKind::Export, force))
        .collect::<Result<Vec<_>, _>>()?;
    for (file, (path, text)) in prepared.into_iter().zip(&files) {
        file.commit(text.as_bytes())?;
        global.info(&format!("wrote {}", path.display()));
    }
    Ok(())
}
