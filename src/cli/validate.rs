//! `zdpolicy validate`: check policies and report every problem.

use clap::{Args, ValueEnum};

use super::policy_args::{PolicyPaths, yaml_limits};
use super::{CliError, EXIT_ERROR, EXIT_OK, GlobalArgs};
use crate::output::color::Stream;
use crate::output::diagnostics;
use crate::policy;
use crate::policy::source::SourceMap;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    /// How to print problems: `human` (snippets), `json` (a stable array) or `github`
    /// (GitHub Actions annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
}

/// Validates every policy the paths name; exit 1 if any has an error.
pub fn run(args: &ValidateArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let found = match policy::discover(&args.paths.paths) {
        Ok(found) => found,
        Err(error) if args.format != Format::Human => return unreadable(args.format, &error),
        Err(error) => return Err(error.into()),
    };
    let limits = yaml_limits()?;
    let mut failed = false;
    let mut json = Vec::new();
    for files in &found {
        for file in &files.files {
            global.detail(&format!("reading {}", file.display()));
        }
        let mut policy = policy::load_within(files, &limits);
        if args.deny_warnings {
            for d in &mut policy.diagnostics {
                d.severity = policy::Severity::Error;
            }
        }
        let errors = policy.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = policy.diagnostics.len() - errors;
        failed |= errors > 0;
        let shown = global.shown(&policy.diagnostics);
        let text = match args.format {
            Format::Human => {
                let mut text =
                    diagnostics::human(&shown, &policy.sources, global.color_for(Stream::Stdout));
                if !global.quiet || errors > 0 {
                    text.push_str(&summary(
                        &policy.label,
                        policy.accounts.len(),
                        errors,
                        warnings,
                    ));
                }
                text
            }
            Format::Github => diagnostics::github(&shown, &policy.sources),
            Format::Json => {
                json.extend(diagnostics::json(&shown, &policy.sources));
                String::new()
            }
        };
        super::out::print(&text)?;
    }
    if args.format == Format::Json {
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into());
        text.push('\n');
        super::out::print(&text)?;
    }
    Ok(if failed { EXIT_ERROR } else { EXIT_OK })
}

/// Paths that name no readable policy, in a machine format: the same array (or annotation) as
/// any other problem, so a consumer of `--format json` always gets a JSON array to parse.
fn unreadable(format: Format, error: &policy::InputError) -> Result<u8, CliError> {
    let found = [error.to_diagnostic()];
    let sources = SourceMap::new();
    let text = if format == Format::Json {
        let json = diagnostics::json(&found, &sources);
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "[]".into());
        text.push('\n');
        text
    } else {
        diagnostics::github(&found, &sources)
    };
    super::out::print(&text)?;
    Ok(EXIT_ERROR)
}

fn summary(label: &str, accounts: usize, errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors > 0 {
        format!(
            "{label}: invalid: {}, {}\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    } else {
        format!(
            "{label}: valid: {}, {}\n",
            plural(accounts, "account"),
            plural(warnings, "warning")
        )
    }
}
