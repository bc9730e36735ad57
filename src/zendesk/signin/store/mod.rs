//! Where sign-ins are kept: a record of who is signed in where (`sign-ins.json` in the user's
//! configuration directory, mode 0600, no tokens in it), and the tokens themselves behind the
//! [`TokenStore`] trait: the OS keyring (macOS, Windows), or elsewhere (Linux) a 0600
//! `tokens.json` beside the record. Never in the policy repository, never printed: tokens are
//! [`SecretString`]s from the moment they are read.
//!
//! This file holds what the stores share: the tokens, the [`TokenStore`] trait, and the
//! errors. `dir` finds the configuration directory, `records` keeps `sign-ins.json`,
//! `file_store` keeps `tokens.json`, and `json_file` reads and writes both files.

mod dir;
mod file_store;
mod json_file;
mod records;

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::files::FileError;

pub use dir::{CONFIG_DIR_ENV, config_dir};
pub use file_store::FileTokenStore;
pub use records::{Records, SignInRecord, SignedInUser};

/// Version of both files' format; other versions are refused rather than misread.
const FORMAT: u32 = 1;

/// Why a sign-in could not be read or kept. Never contains a token.
#[derive(Debug, Error)]
pub enum StoreError {
    /// No configuration directory could be found (no `HOME`, `APPDATA`, …).
    #[error(
        "cannot find your configuration directory (set {CONFIG_DIR_ENV} to a private directory)"
    )]
    NoConfigDir,
    /// The directory is inside the repository being worked on, where a commit could publish it.
    #[error(
        "{} is inside the git repository at {}: sign-ins are never kept in a repository (set {CONFIG_DIR_ENV} to a directory outside it)",
        dir.display(),
        repo.display()
    )]
    InsideRepository {
        /// The configuration directory.
        dir: PathBuf,
        /// The repository's top directory.
        repo: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why, in plain words.
        reason: String,
    },
    /// A file is not what zdpolicy writes there (or of another format version).
    #[error("{} is not a sign-in file zdpolicy can read: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong; never a quote of the file, which may hold tokens.
        reason: String,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] FileError),
    /// The OS keyring refused or failed.
    #[error("the OS keyring: {0}")]
    Keyring(String),
}

/// Where the tokens of a sign-in are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// The OS keyring: the macOS Keychain or the Windows Credential Manager.
    Keyring,
    /// `tokens.json` in the configuration directory, readable by its owner only.
    File,
}

impl std::fmt::Display for StoreKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Keyring => "the OS keyring",
            Self::File => "a private file",
        })
    }
}

/// An access token and the refresh token that replaces it.
pub struct Tokens {
    /// The bearer token.
    pub access: SecretString,
    /// The refresh token (single use: each refresh answers a new one).
    pub refresh: SecretString,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens([REDACTED])")
    }
}

/// The stored form of [`Tokens`]; only ever built to be written, and dropped at once.
#[derive(Serialize, Deserialize)]
struct TokenText {
    access_token: String,
    refresh_token: String,
}

impl Tokens {
    /// The tokens as the JSON text a keyring entry holds.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_text()).unwrap_or_default()
    }

    /// Tokens from a keyring entry's JSON text.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok().map(Self::from_text)
    }

    fn to_text(&self) -> TokenText {
        TokenText {
            access_token: self.access.expose_secret().to_owned(),
            refresh_token: self.refresh.expose_secret().to_owned(),
        }
    }

    fn from_text(text: TokenText) -> Self {
        Self {
            access: SecretString::from(text.access_token),
            refresh: SecretString::from(text.refresh_token),
        }
    }
}

/// Keeps the tokens of sign-ins, by key (the account's API base URL).
pub trait TokenStore: Send + Sync {
    /// Which store this is.
    fn kind(&self) -> StoreKind;

    /// The tokens kept under `key`, if any.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn load(&self, key: &str) -> Result<Option<Tokens>, StoreError>;

    /// Keeps `tokens` under `key`, replacing what was there.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn save(&self, key: &str, tokens: &Tokens) -> Result<(), StoreError>;

    /// Forgets the tokens under `key` (nothing to forget is fine).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn remove(&self, key: &str) -> Result<(), StoreError>;
}
