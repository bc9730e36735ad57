//! Why the simulator could not start, load its files, or save its state.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A failure of the simulator as a whole (request-level errors are HTTP answers instead).
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    /// The listening socket could not be bound (address in use, no permission, …).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The seed file could not be read.
    #[error("cannot read seed file {}: {source}", path.display())]
    SeedRead {
        /// The seed file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The seed file is not valid YAML/JSON or does not describe accounts correctly.
    #[error("invalid seed file {}: {message}", path.display())]
    SeedInvalid {
        /// The seed file.
        path: PathBuf,
        /// What is wrong, with a line and column where the parser gave one.
        message: String,
    },
    /// An account seed (from a file or from a test) is not acceptable.
    #[error("invalid account {subdomain:?}: {message}")]
    InvalidAccount {
        /// The account's subdomain as given.
        subdomain: String,
        /// What is wrong.
        message: String,
    },
    /// No account has this subdomain.
    #[error("the simulator serves no account {subdomain:?}")]
    UnknownAccount {
        /// The subdomain asked for.
        subdomain: String,
    },
    /// The state file could not be read or written.
    #[error("state file {}: {source}", path.display())]
    StateIo {
        /// The state file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The state file could not be replaced (or holds something else than simulator state).
    #[error("state file: {0}")]
    StateWrite(#[from] crate::files::FileError),
    /// The state file exists but does not hold simulator state.
    #[error("state file {} is not valid simulator state: {message}", path.display())]
    StateInvalid {
        /// The state file.
        path: PathBuf,
        /// The JSON error.
        message: String,
    },
    /// `--listen` names an address other machines can reach, without `--allow-remote`.
    #[error(
        "refusing to listen on {addr}: it is not a loopback address, and the simulator has no real security (pass --allow-remote to serve other machines anyway)"
    )]
    RemoteListen {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// The Ctrl-C handler could not be installed.
    #[error("cannot listen for Ctrl-C: {0}")]
    Signal(#[source] io::Error),
}
