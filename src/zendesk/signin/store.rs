//! Where sign-ins are kept: a record of who is signed in where (`sign-ins.json` in the user's
//! configuration directory, mode 0600, no tokens in it), and the tokens themselves behind the
//! [`TokenStore`] trait: the OS keyring (macOS, Windows), or elsewhere (Linux) a 0600
//! `tokens.json` beside the record. Never in the policy repository, never printed: tokens are
//! [`SecretString`]s from the moment they are read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::files::{FileError, FileKind, OutputFile};

/// Overrides the configuration directory (tests, and people who keep it elsewhere).
pub const CONFIG_DIR_ENV: &str = "ZDPOLICY_CONFIG_DIR";

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

/// The person signed in, as `GET /api/v2/users/me` named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    /// Zendesk's user id.
    pub id: u64,
    /// The user's name.
    pub name: String,
    /// The user's email address.
    pub email: String,
    /// `admin`, `agent`, …
    pub role: String,
}

/// What is known of one sign-in besides its tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRecord {
    /// The account's subdomain.
    pub subdomain: String,
    /// The account's API base URL; tokens are only ever sent there.
    pub base_url: String,
    /// The OAuth client the tokens belong to (refreshes must name it).
    pub client_id: String,
    /// Who signed in.
    pub user: SignedInUser,
    /// The scopes granted, space-separated.
    pub scope: String,
    /// Where the tokens are.
    pub store: StoreKind,
    /// Unix seconds of the sign-in.
    pub signed_in_at: i64,
    /// Unix seconds after which the access token is expired.
    pub access_expires_at: i64,
    /// Unix seconds after which the refresh token is expired, if Zendesk said.
    pub refresh_expires_at: Option<i64>,
}

#[derive(Serialize, Deserialize)]
struct RecordFile {
    format_version: u32,
    /// By API base URL.
    sign_ins: BTreeMap<String, SignInRecord>,
}

#[derive(Serialize, Deserialize)]
struct TokenFile {
    format_version: u32,
    /// By API base URL.
    tokens: BTreeMap<String, TokenText>,
}

/// The user's configuration directory for zdpolicy: `$ZDPOLICY_CONFIG_DIR`, else the
/// platform's (`$XDG_CONFIG_HOME/zdpolicy` or `~/.config/zdpolicy` on Linux,
/// `~/Library/Application Support/zdpolicy` on macOS, `%APPDATA%\zdpolicy` on Windows).
///
/// # Errors
/// [`StoreError::NoConfigDir`] when none can be found.
pub fn config_dir() -> Result<PathBuf, StoreError> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(CONFIG_DIR_ENV) {
        return Ok(dir);
    }
    let base = if cfg!(windows) {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Application Support"))
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("zdpolicy"))
        .ok_or(StoreError::NoConfigDir)
}

/// The sign-in records of one configuration directory.
#[derive(Debug, Clone)]
pub struct Records {
    dir: PathBuf,
}

impl Records {
    /// The records in `dir`.
    ///
    /// # Errors
    /// [`StoreError::InsideRepository`] when `dir` lies inside the git repository of the
    /// current directory (a policy repository), unless that repository is the home directory.
    pub fn open(dir: PathBuf) -> Result<Self, StoreError> {
        if let Some(repo) = enclosing_repository(&dir) {
            return Err(StoreError::InsideRepository { dir, repo });
        }
        Ok(Self { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self) -> PathBuf {
        self.dir.join("sign-ins.json")
    }

    /// Every sign-in, by API base URL.
    ///
    /// # Errors
    /// When the file cannot be read or is not a record file.
    pub fn all(&self) -> Result<BTreeMap<String, SignInRecord>, StoreError> {
        let Some(file) = read_json::<RecordFile>(&self.path())? else {
            return Ok(BTreeMap::new());
        };
        check_version(&self.path(), file.format_version)?;
        Ok(file.sign_ins)
    }

    /// The sign-in for one API base URL.
    ///
    /// # Errors
    /// As [`Records::all`].
    pub fn get(&self, base_url: &str) -> Result<Option<SignInRecord>, StoreError> {
        Ok(self.all()?.remove(base_url))
    }

    /// Adds or replaces a sign-in's record.
    ///
    /// # Errors
    /// When the file cannot be read or written.
    pub fn put(&self, record: SignInRecord) -> Result<(), StoreError> {
        let mut all = self.all()?;
        all.insert(record.base_url.clone(), record);
        self.write(all)
    }

    /// Forgets a sign-in's record; returns it if there was one.
    ///
    /// # Errors
    /// When the file cannot be read or written.
    pub fn remove(&self, base_url: &str) -> Result<Option<SignInRecord>, StoreError> {
        let mut all = self.all()?;
        let removed = all.remove(base_url);
        if removed.is_some() {
            self.write(all)?;
        }
        Ok(removed)
    }

    fn write(&self, sign_ins: BTreeMap<String, SignInRecord>) -> Result<(), StoreError> {
        let file = RecordFile {
            format_version: FORMAT,
            sign_ins,
        };
        write_private(&self.dir, &self.path(), &file)
    }
}

/// Tokens in `tokens.json`, mode 0600, in the configuration directory.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
}

impl FileTokenStore {
    /// The file store of a configuration directory.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The file the tokens are in.
    pub fn path(&self) -> PathBuf {
        self.dir.join("tokens.json")
    }

    fn read(&self) -> Result<BTreeMap<String, TokenText>, StoreError> {
        let Some(file) = read_json::<TokenFile>(&self.path())? else {
            return Ok(BTreeMap::new());
        };
        check_version(&self.path(), file.format_version)?;
        Ok(file.tokens)
    }

    fn write(&self, tokens: BTreeMap<String, TokenText>) -> Result<(), StoreError> {
        let file = TokenFile {
            format_version: FORMAT,
            tokens,
        };
        write_private(&self.dir, &self.path(), &file)
    }
}

impl TokenStore for FileTokenStore {
    fn kind(&self) -> StoreKind {
        StoreKind::File
    }

    fn load(&self, key: &str) -> Result<Option<Tokens>, StoreError> {
        Ok(self.read()?.remove(key).map(Tokens::from_text))
    }

    fn save(&self, key: &str, tokens: &Tokens) -> Result<(), StoreError> {
        let mut all = self.read()?;
        all.insert(key.to_owned(), tokens.to_text());
        self.write(all)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        let mut all = self.read()?;
        if all.remove(key).is_some() {
            self.write(all)?;
        }
        Ok(())
    }
}

/// Reads a JSON file; a missing file is `None`. A file that does not parse is named, never
/// quoted.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Unreadable {
                path: path.to_owned(),
                reason: crate::policy::read::describe_io(&e),
            });
        }
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| StoreError::Invalid {
            path: path.to_owned(),
            // Line and column only: serde's message can quote the input.
            reason: format!("not valid at line {}, column {}", e.line(), e.column()),
        })
}

fn check_version(path: &Path, version: u32) -> Result<(), StoreError> {
    if version == FORMAT {
        Ok(())
    } else {
        Err(StoreError::Invalid {
            path: path.to_owned(),
            reason: format!(
                "format version {version} (this zdpolicy reads version {FORMAT}; use the zdpolicy that wrote it, or sign in again after `zdpolicy logout`)"
            ),
        })
    }
}

/// Writes `value` as JSON to `path` with mode 0600, creating the directory (0700) first.
fn write_private(dir: &Path, path: &Path, value: &impl Serialize) -> Result<(), StoreError> {
    create_private_dir(dir).map_err(|source| FileError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut text = serde_json::to_vec_pretty(value).map_err(|e| StoreError::Invalid {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    text.push(b'\n');
    OutputFile::create_private(path, FileKind::SignIn)?.commit(&text)?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The git repository holding the current directory, when `dir` lies inside it too (and it
/// is not the home directory, which people keep under git for their dotfiles).
fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let repo = cwd
        .ancestors()
        .find(|a| a.join(".git").exists())?
        .to_path_buf();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if home.is_some_and(|h| h == repo) {
        return None;
    }
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        cwd.join(dir)
    };
    // Compare real paths where they exist, so `./x/../y` and links do not slip through.
    let real = |p: &Path| {
        p.ancestors()
            .find_map(|a| {
                std::fs::canonicalize(a)
                    .ok()
                    .map(|c| c.join(p.strip_prefix(a).unwrap_or(Path::new(""))))
            })
            .unwrap_or_else(|| p.to_path_buf())
    };
    real(&absolute).starts_with(real(&repo)).then_some(repo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(base_url: &str) -> SignInRecord {
        SignInRecord {
            subdomain: "acme".into(),
            base_url: base_url.into(),
            client_id: "zdpolicy".into(),
            user: SignedInUser {
                id: 1,
                name: "Ada".into(),
                email: "ada@acme.test".into(),
                role: "admin".into(),
            },
            scope: "read write".into(),
            store: StoreKind::File,
            signed_in_at: 1,
            access_expires_at: 2,
            refresh_expires_at: Some(3),
        }
    }

    fn tokens(access: &str, refresh: &str) -> Tokens {
        Tokens {
            access: SecretString::from(access.to_owned()),
            refresh: SecretString::from(refresh.to_owned()),
        }
    }

    #[test]
    fn the_file_store_keeps_tokens_by_key_in_a_private_file() {
        let dir = tempfile::tempdir().expect("dir");
        let store = FileTokenStore::new(dir.path().join("cfg"));
        assert!(
            store
                .load("https://acme.zendesk.com")
                .expect("reads")
                .is_none()
        );
        store
            .save("https://acme.zendesk.com", &tokens("a1", "r1"))
            .expect("saves");
        store
            .save("https://globex.zendesk.com", &tokens("a2", "r2"))
            .expect("saves");
        let loaded = store
            .load("https://acme.zendesk.com")
            .expect("reads")
            .expect("kept");
        assert_eq!(loaded.access.expose_secret(), "a1");
        assert_eq!(loaded.refresh.expose_secret(), "r1");
        assert_eq!(format!("{loaded:?}"), "Tokens([REDACTED])");
        store.remove("https://acme.zendesk.com").expect("removes");
        assert!(
            store
                .load("https://acme.zendesk.com")
                .expect("reads")
                .is_none()
        );
        assert!(
            store
                .load("https://globex.zendesk.com")
                .expect("reads")
                .is_some()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
            assert_eq!(mode(&store.path()), 0o600);
            assert_eq!(mode(&dir.path().join("cfg")), 0o700);
        }
    }

    #[test]
    fn records_are_kept_without_tokens() {
        let dir = tempfile::tempdir().expect("dir");
        let records = Records::open(dir.path().to_path_buf()).expect("outside any repository");
        records
            .put(record("https://acme.zendesk.com"))
            .expect("writes");
        assert_eq!(
            records.get("https://acme.zendesk.com").expect("reads"),
            Some(record("https://acme.zendesk.com"))
        );
        let text = std::fs::read_to_string(dir.path().join("sign-ins.json")).expect("file");
        assert!(!text.contains("token\""), "{text}");
        assert!(
            records
                .remove("https://acme.zendesk.com")
                .expect("writes")
                .is_some()
        );
        assert!(records.all().expect("reads").is_empty());
    }

    #[test]
    fn a_damaged_file_is_named_not_quoted() {
        let dir = tempfile::tempdir().expect("dir");
        let store = FileTokenStore::new(dir.path().to_path_buf());
        std::fs::write(store.path(), "{\"tokens\": secret-looking-text").expect("write");
        let err = store.load("k").expect_err("invalid");
        assert!(!err.to_string().contains("secret-looking"), "{err}");
    }

    #[test]
    fn the_repository_being_worked_in_is_refused() {
        let cwd = std::env::current_dir().expect("cwd");
        // Tests run in the crate's directory, which is a git work tree.
        if let Some(repo) = cwd.ancestors().find(|a| a.join(".git").exists()) {
            let inside = repo.join("target").join("zdpolicy-config-test");
            assert!(matches!(
                Records::open(inside),
                Err(StoreError::InsideRepository { .. })
            ));
        }
        assert!(Records::open(std::env::temp_dir().join("zdpolicy-x")).is_ok());
    }
}
