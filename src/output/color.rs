//! When to colour output: `--color auto|always|never`, `NO_COLOR`, and whether the stream is a terminal.

use std::io::IsTerminal;

use clap::ValueEnum;

/// The user's colour preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour (a flag overrides `NO_COLOR`, as no-color.org asks).
    Always,
    /// Never colour.
    Never,
}

/// Which standard stream output goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl ColorChoice {
    /// Whether to colour text written to `stream`.
    pub fn enabled_for(self, stream: Stream) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                let terminal = match stream {
                    Stream::Stdout => std::io::stdout().is_terminal(),
                    Stream::Stderr => std::io::stderr().is_terminal(),
                };
                terminal && !no_color
            }
        }
    }
}
