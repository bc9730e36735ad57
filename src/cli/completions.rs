//! `zdpolicy completions`: print a shell's completion script, generated from the clap
//! definitions so it always offers the commands and flags `--help` lists.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError, EXIT_OK, GlobalArgs};

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the completion script of `args.shell` to standard output.
///
/// # Errors
/// [`CliError::StdoutClosed`] or [`CliError::Stdout`] when standard output fails.
pub fn run(args: &CompletionsArgs, _global: &GlobalArgs) -> Result<u8, CliError> {
    super::out::print(&script(args.shell))?;
    Ok(EXIT_OK)
}

/// The completion script of `shell` for the `zdpolicy` binary.
pub fn script(shell: Shell) -> String {
    let mut command = Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "zdpolicy", &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_completes_the_commands() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let text = script(shell);
            for command in ["validate", "plan", "apply", "completions", "man"] {
                assert!(text.contains(command), "{shell} completes {command}");
            }
        }
    }
}
