//! `zdpolicy man`: the manual page in roff, generated from the clap definitions (the same text
//! as `--help`), printed or written as one page per command.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use super::{Cli, CliError, EXIT_OK, GlobalArgs};
use crate::files::{FileKind, write_file};

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `zdpolicy.1` and one `zdpolicy-COMMAND.1` per command into this existing
    /// directory instead of printing `zdpolicy.1` to standard output (a file there is replaced
    /// only if it is one of zdpolicy's manual pages, or with --force).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Let --output replace files that are not zdpolicy's manual pages.
    #[arg(long, requires = "output")]
    force: bool,
}

/// Prints the top-level page, or writes every page into `--output`.
///
/// # Errors
/// [`CliError::StdoutClosed`] or [`CliError::Stdout`] when standard output fails;
/// [`CliError::File`] when a page cannot be written (pages written before it stay).
pub fn run(args: &ManArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let pages = pages();
    match &args.output {
        None => {
            let (_, top) = &pages[0];
            super::out::print(top)?;
        }
        Some(dir) => {
            for (name, text) in &pages {
                let path = dir.join(name);
                write_file(&path, FileKind::ManPage, args.force, text.as_bytes())?;
                global.detail(&format!("wrote {}", path.display()));
            }
            global.info(&format!(
                "wrote {} manual pages into {}",
                pages.len(),
                Path::new(dir).display()
            ));
        }
    }
    Ok(EXIT_OK)
}

/// Every page as (file name, roff text): `zdpolicy.1` first, then each command's page,
/// `zdpolicy-plan.1`, and each nested command's, `zdpolicy-sandbox-reset.1`.
pub fn pages() -> Vec<(String, String)> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    collect(&command, &mut pages);
    pages
}

fn collect(command: &clap::Command, pages: &mut Vec<(String, String)>) {
    if command.is_hide_set() {
        return;
    }
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_owned();
    let mut bytes = Vec::new();
    // Rendering into a Vec cannot fail: the only error clap_mangen returns is the writer's.
    let _ = clap_mangen::Man::new(command.clone()).render(&mut bytes);
    pages.push((
        format!("{name}.1"),
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    for sub in command.get_subcommands() {
        if sub.get_name() != "help" {
            collect(sub, pages);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page_that_names_it() {
        let pages = pages();
        assert_eq!(pages[0].0, "zdpolicy.1");
        for (name, text) in &pages {
            let title = name.trim_end_matches(".1");
            assert!(
                text.lines()
                    .any(|l| l.starts_with(&format!(".TH {title} 1"))),
                "{name} has its title line"
            );
            assert_eq!(FileKind::of(text.as_bytes()), FileKind::ManPage, "{name}");
        }
        assert!(pages.iter().any(|(n, _)| n == "zdpolicy-sandbox-reset.1"));
    }
}
