//! When to colour output: `--color auto|always|never`, the colour variables of no-color.org and
//! bixense.com/clicolors (`NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`), `TERM=dumb`, and whether
//! the stream is a terminal.
//!
//! The variables are read by `anstyle-query` (the crate clap's own colouring uses), so
//! zdpolicy's output and its `--help` agree on when to colour; the decision itself is a pure
//! function of what was read, so every combination is unit-tested.

use std::io::IsTerminal;

use clap::ValueEnum;

/// The user's colour preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless `NO_COLOR` or `CLICOLOR=0`; `CLICOLOR_FORCE` colours a pipe too.
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

/// What the environment says about colour, as `auto` weighs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorEnv {
    /// `NO_COLOR` is set and not empty: never colour.
    pub no_color: bool,
    /// `CLICOLOR_FORCE` is set and not `0`: colour even when not a terminal.
    pub clicolor_force: bool,
    /// `CLICOLOR`: `Some(false)` when `0` (no colour), `Some(true)` when set otherwise.
    pub clicolor: Option<bool>,
    /// `TERM` is not `dumb`.
    pub term_supports_color: bool,
    /// A CI service is detected (`CI` and the like): its log viewers show colour.
    pub ci: bool,
}

impl ColorEnv {
    /// The process's environment.
    pub fn current() -> Self {
        Self {
            no_color: anstyle_query::no_color(),
            clicolor_force: anstyle_query::clicolor_force(),
            clicolor: anstyle_query::clicolor(),
            term_supports_color: anstyle_query::term_supports_color(),
            ci: anstyle_query::is_ci(),
        }
    }
}

impl ColorChoice {
    /// Whether to colour text written to `stream`.
    pub fn enabled_for(self, stream: Stream) -> bool {
        let terminal = match stream {
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        };
        self.decide(&ColorEnv::current(), terminal)
    }

    /// The decision for a stream that is (or is not) a `terminal`, in `env`. In `auto`, in
    /// order: `NO_COLOR` wins, then `CLICOLOR_FORCE`, then `CLICOLOR=0`; otherwise only a
    /// terminal is coloured, and only when `TERM` is not `dumb` unless `CLICOLOR` or CI asks.
    pub fn decide(self, env: &ColorEnv, terminal: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => {
                if env.no_color {
                    false
                } else if env.clicolor_force {
                    true
                } else if env.clicolor == Some(false) {
                    false
                } else {
                    terminal && (env.term_supports_color || env.clicolor == Some(true) || env.ci)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terminal_env() -> ColorEnv {
        ColorEnv {
            term_supports_color: true,
            ..ColorEnv::default()
        }
    }

    #[test]
    fn flags_override_every_variable() {
        let env = ColorEnv {
            no_color: true,
            ..terminal_env()
        };
        assert!(ColorChoice::Always.decide(&env, false));
        let env = ColorEnv {
            clicolor_force: true,
            ..terminal_env()
        };
        assert!(!ColorChoice::Never.decide(&env, true));
    }

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(ColorChoice::Auto.decide(&terminal_env(), true));
        assert!(!ColorChoice::Auto.decide(&terminal_env(), false));
    }

    #[test]
    fn no_color_beats_clicolor_force() {
        let env = ColorEnv {
            no_color: true,
            clicolor_force: true,
            ..terminal_env()
        };
        assert!(!ColorChoice::Auto.decide(&env, true));
    }

    #[test]
    fn clicolor_force_colours_a_pipe() {
        let env = ColorEnv {
            clicolor_force: true,
            ..ColorEnv::default()
        };
        assert!(ColorChoice::Auto.decide(&env, false));
    }

    #[test]
    fn clicolor_zero_turns_a_terminal_off() {
        let env = ColorEnv {
            clicolor: Some(false),
            ..terminal_env()
        };
        assert!(!ColorChoice::Auto.decide(&env, true));
    }

    #[test]
    fn a_dumb_terminal_is_not_coloured_unless_asked() {
        let dumb = ColorEnv::default();
        assert!(!ColorChoice::Auto.decide(&dumb, true));
        let asked = ColorEnv {
            clicolor: Some(true),
            ..dumb
        };
        assert!(ColorChoice::Auto.decide(&asked, true));
        let ci = ColorEnv { ci: true, ..dumb };
        assert!(ColorChoice::Auto.decide(&ci, true));
    }
}
