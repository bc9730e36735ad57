//! The files zdpolicy writes: each replaced atomically, never over a file of another kind
//! unless forced, and the sandbox's state locked while a command uses it.

mod atomic;
mod kind;
mod lock;

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use miette::Diagnostic;
use thiserror::Error;

pub use atomic::{OutputFile, write_file};
pub use kind::{EXPORT_HEADER, FileKind, SCHEMA_TITLE};
pub use lock::{FileLock, lock_path};

/// Why a file was not written.
#[derive(Debug, Error, Diagnostic)]
pub enum FileError {
    /// The path holds a file zdpolicy did not write for this purpose.
    #[error("refusing to overwrite {}: it is {found}, not {expected}", path.display())]
    #[diagnostic(
        code("foreign-file"),
        help("choose another file name, or pass --force to replace it")
    )]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What it holds now.
        found: FileKind,
        /// What would have been written.
        expected: FileKind,
    },
    /// The path is a directory, device or pipe.
    #[error("{} is not a regular file (a directory, device or pipe)", path.display())]
    #[diagnostic(
        code("not-a-file"),
        help("name a file; zdpolicy replaces files, never directories or devices")
    )]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Creating, writing or renaming failed.
    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(
        code("write-failed"),
        help("check that the directory exists and is writable")
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Why a lock was not taken.
#[derive(Debug, Error)]
pub enum LockError {
    /// Another process held it for longer than the wait.
    #[error(
        "{} is in use by {holder} (waited {})",
        path.display(),
        crate::output::duration::human(*waited)
    )]
    Held {
        /// The locked file.
        path: PathBuf,
        /// Its holder's record: `pid 1234: zdpolicy plan --sandbox`.
        holder: String,
        /// How long this process waited.
        waited: Duration,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}
