//! The `zdpolicy simulator` command-line flags and their translation to a
//! [`SimulatorConfig`].

use std::net::SocketAddr;
use std::path::PathBuf;

use super::SimulatorConfig;
use super::error::SimulatorError;
use super::faults::FaultConfig;

/// Flags of `zdpolicy simulator`.
#[derive(Debug, Clone, PartialEq, clap::Args)]
pub struct SimulatorArgs {
    /// Address to listen on; port 0 picks a free port. Only loopback addresses unless
    /// --allow-remote.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7357")]
    pub listen: SocketAddr,
    /// Allow a --listen address other machines can reach. The simulator's credentials are
    /// the seed file's, in clear, and its /_sim routes need none: serve other machines only
    /// on a network you trust.
    #[arg(long)]
    pub allow_remote: bool,
    /// Accounts to serve (YAML, or JSON when the name ends in .json).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Keep accounts in this file across restarts (replaced atomically after every change).
    #[arg(long = "state", value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Latency added to every request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Up to this many extra milliseconds of latency, drawn per request.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub jitter_ms: u64,
    /// Share of requests answered 500 or 503 (with Retry-After) instead, from 0 to 1.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = rate)]
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer, from 0 to 1.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = rate)]
    pub drop_rate: f64,
    /// Trickle every answer's body out over this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub slow_body_ms: u64,
    /// Seed for the fault generator: the same seed gives the same faults for the same requests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_seed: u64,
    /// Requests per minute for every account, instead of their plans' limits.
    #[arg(long, value_name = "N")]
    pub rate_limit_per_minute: Option<u32>,
}

impl SimulatorArgs {
    /// The configuration these flags describe.
    ///
    /// # Errors
    /// [`SimulatorError::RemoteListen`] for a non-loopback `--listen` without `--allow-remote`.
    pub fn into_config(self) -> Result<SimulatorConfig, SimulatorError> {
        // 0.0.0.0 and :: are not loopback: they listen on every interface.
        if !self.listen.ip().is_loopback() && !self.allow_remote {
            return Err(SimulatorError::RemoteListen { addr: self.listen });
        }
        Ok(SimulatorConfig {
            listen: self.listen,
            seed: self.seed,
            state_file: self.state,
            faults: FaultConfig {
                latency_ms: self.latency_ms,
                jitter_ms: self.jitter_ms,
                error_rate: self.error_rate,
                drop_rate: self.drop_rate,
                slow_body_ms: self.slow_body_ms,
                seed: self.fault_seed,
                ..FaultConfig::default()
            },
            rate_limit_per_minute: self.rate_limit_per_minute,
            ..SimulatorConfig::default()
        })
    }
}

/// A share between 0 and 1.
fn rate(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not between 0 and 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: SimulatorArgs,
    }

    #[test]
    fn flags_become_config() {
        let cli = Cli::try_parse_from([
            "sim",
            "--seed",
            "s.yaml",
            "--error-rate",
            "0.25",
            "--fault-seed",
            "9",
        ])
        .expect("parses");
        let config = cli.args.into_config().expect("loopback");
        assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 7357)));
        assert_eq!(config.seed, Some(PathBuf::from("s.yaml")));
        assert_eq!(config.faults.error_rate, 0.25);
        assert_eq!(config.faults.seed, 9);
        assert!(Cli::try_parse_from(["sim", "--drop-rate", "2"]).is_err());
    }

    #[test]
    fn only_loopback_unless_allowed() {
        let config = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["sim"], args].concat()).expect("parses");
            cli.args.into_config().map(|c| c.listen)
        };
        for local in ["127.0.0.1:0", "127.8.9.10:1", "[::1]:7357"] {
            assert!(config(&["--listen", local]).is_ok(), "{local}");
        }
        for remote in ["0.0.0.0:7357", "[::]:7357", "192.0.2.1:7357"] {
            assert!(
                matches!(
                    config(&["--listen", remote]),
                    Err(SimulatorError::RemoteListen { .. })
                ),
                "{remote}"
            );
            assert!(config(&["--listen", remote, "--allow-remote"]).is_ok());
        }
    }
}
