//! Finding the policy files a command should read.
//!
//! Files and directories named together form one policy: a directory contributes every
//! `*.yaml`/`*.yml` directly inside it, sorted by name, and all files merge into one document.
//! A directory with no policy files of its own but with policy directories below it (a repo
//! holding several independent policies, such as `examples/`) stands for each of those
//! policies separately; `validate` checks them all, other commands ask for one.
//! YAML files that declare another zdpolicy document kind (`kind: simulator-seed`) are skipped
//! when found in a directory.
//!
//! The walk is bounded: symlinks are followed but every directory is entered once (by device
//! and inode on Unix), so links back to a parent cannot make it loop or grow exponentially, and
//! policy-named entries that are not regular files (FIFOs, sockets, devices) are skipped with a
//! warning instead of being opened, which could block or never end.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::diagnostic::{Code, Diagnostic};
use super::read::{FileKind, MAX_POLICY_FILE_BYTES, describe_io, read_policy_file};

/// One policy: the files that merge into it, in load order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyFiles {
    /// What to call the policy in messages: the directory or file it came from.
    pub label: String,
    /// The files, in the order they are merged.
    pub files: Vec<PathBuf>,
    /// `*.yaml`/`*.yml` entries of the policy's directories that were not read, and why.
    pub skipped: Vec<Skipped>,
}

/// A `*.yaml`/`*.yml` entry of a policy directory that is not a regular file (or cannot be
/// looked at), left out of the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why a directory entry was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A FIFO, socket or device: reading it could block or never end.
    NotRegular(FileKind),
    /// Its metadata cannot be read (a broken symlink, no permission).
    Unreadable(String),
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            SkipReason::NotRegular(kind) => {
                write!(f, "{}: {kind}, not a regular file", self.path.display())
            }
            SkipReason::Unreadable(reason) => {
                write!(f, "{}: {reason}", self.path.display())
            }
        }
    }
}

/// A problem finding policy files.
#[derive(Debug, Error)]
pub enum InputError {
    /// A named path does not exist or cannot be read.
    // The reason is in the message, in plain words, and deliberately not a `#[source]`: miette
    // would print it again underneath in the operating system's words.
    #[error("cannot read {}: {}", path.display(), describe_io(error))]
    Unreadable {
        /// The path as named.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// A named path is a FIFO, socket or device: reading it could block or never end.
    #[error("{} is {kind}, not a policy file or directory", path.display())]
    NotRegular {
        /// The path as named.
        path: PathBuf,
        /// What it is.
        kind: FileKind,
    },
    /// No paths were named and neither default exists.
    #[error("no policy given, and neither ./zdpolicy.yaml nor ./policy/ exists")]
    NoDefault,
    /// A directory holds no policy files, directly or below.
    #[error("{} holds no policy files (*.yaml or *.yml)", path.display())]
    EmptyDirectory {
        /// The directory.
        path: PathBuf,
    },
}

impl InputError {
    /// The stable diagnostic code: `io` for a path that cannot be read or is not a file or
    /// directory, `no-policy` when there is nothing to read. The same codes as the loader's
    /// diagnostics, so a missing path reads the same whichever step finds it.
    pub fn diagnostic_code(&self) -> Code {
        match self {
            Self::Unreadable { .. } | Self::NotRegular { .. } => Code::Io,
            Self::NoDefault | Self::EmptyDirectory { .. } => Code::NoPolicy,
        }
    }

    /// What to do about it.
    pub fn help_text(&self) -> &'static str {
        "name policy files or directories, e.g. `zdpolicy validate policy/`"
    }

    /// The problem as a diagnostic without a place (it is about a path, not a place in a
    /// file), for the machine-readable formats.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::unlocated(self.diagnostic_code(), self.to_string()).with_help(self.help_text())
    }
}

/// The document kinds zdpolicy writes besides policies; files of these kinds are skipped
/// when found in a policy directory.
const OTHER_DOCUMENT_KINDS: &[&str] = &["simulator-seed"];

/// Resolves command-line paths (or the defaults) into policies.
///
/// Symlinks are followed, but each directory is entered once however many links lead to it
/// (so a link back to a parent ends the walk there rather than looping).
///
/// # Errors
/// Fails when a path cannot be read, is neither a file nor a directory, or a directory holds
/// no policy files.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PolicyFiles>, InputError> {
    if paths.is_empty() {
        return discover_default(Path::new("."));
    }
    let mut walk = Walk::default();
    let mut merged = PolicyFiles::default();
    let mut labels = Vec::new();
    let mut separate = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|error| InputError::Unreadable {
            path: path.clone(),
            error,
        })?;
        if meta.is_file() {
            merged.files.push(path.clone());
            labels.push(path.display().to_string());
            continue;
        }
        if !meta.is_dir() {
            return Err(InputError::NotRegular {
                path: path.clone(),
                kind: FileKind::of(meta.file_type()),
            });
        }
        // A directory named on the command line is read even if another named path already
        // led into it: the user asked for it.
        walk.first_visit(path, &meta);
        if let Some(own) = policy_in(path)? {
            merged.files.extend(own.files);
            merged.skipped.extend(own.skipped);
            labels.push(path.display().to_string());
            continue;
        }
        let below = walk.policies_below(path)?;
        if below.is_empty() {
            return Err(InputError::EmptyDirectory { path: path.clone() });
        }
        separate.extend(below);
    }
    let mut policies = Vec::new();
    if !merged.files.is_empty() || !merged.skipped.is_empty() {
        merged.label = labels.join(" + ");
        policies.push(merged);
    }
    policies.extend(separate);
    Ok(policies)
}

fn discover_default(dir: &Path) -> Result<Vec<PolicyFiles>, InputError> {
    let file = dir.join("zdpolicy.yaml");
    if file.is_file() {
        return Ok(vec![PolicyFiles {
            label: "zdpolicy.yaml".into(),
            files: vec![PathBuf::from("zdpolicy.yaml")],
            skipped: Vec::new(),
        }]);
    }
    let policy_dir = PathBuf::from("policy");
    if dir.join(&policy_dir).is_dir() {
        return discover(&[policy_dir]);
    }
    Err(InputError::NoDefault)
}

/// What identifies a directory however it is reached: device and inode on Unix.
#[cfg(unix)]
type DirId = (u64, u64);

/// What identifies a directory however it is reached: its canonical path elsewhere.
#[cfg(not(unix))]
type DirId = PathBuf;

/// One walk over the named paths: the directories entered so far.
#[derive(Default)]
struct Walk {
    visited: HashSet<DirId>,
}

impl Walk {
    /// Records a directory; false if it was entered before (through another path or link).
    fn first_visit(&mut self, path: &Path, meta: &fs::Metadata) -> bool {
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let id = {
            let _ = meta;
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        };
        self.visited.insert(id)
    }

    /// Every directory below `dir` (depth first, sorted) that holds a policy itself; each
    /// directory is entered once.
    fn policies_below(&mut self, dir: &Path) -> Result<Vec<PolicyFiles>, InputError> {
        let mut found = Vec::new();
        let mut subdirs = Vec::new();
        for entry in read_dir(dir)? {
            if let Ok(meta) = fs::metadata(&entry)
                && meta.is_dir()
            {
                subdirs.push((entry, meta));
            }
        }
        subdirs.sort_by(|a, b| a.0.cmp(&b.0));
        for (sub, meta) in subdirs {
            if !self.first_visit(&sub, &meta) {
                continue;
            }
            match policy_in(&sub)? {
                Some(own) => found.push(own),
                None => found.extend(self.policies_below(&sub)?),
            }
        }
        Ok(found)
    }
}

/// The policy held directly in `dir`: its policy files, sorted, and the policy-named
/// entries that are not regular files. `None` when it has neither.
fn policy_in(dir: &Path) -> Result<Option<PolicyFiles>, InputError> {
    let mut own = PolicyFiles {
        label: dir.display().to_string(),
        ..PolicyFiles::default()
    };
    for entry in read_dir(dir)? {
        if !is_policy_name(&entry) {
            continue;
        }
        match fs::metadata(&entry) {
            Ok(meta) if meta.is_file() => {
                if !declares_other_kind(&entry) {
                    own.files.push(entry);
                }
            }
            // A directory named `x.yaml` is a directory; the walk below looks into it.
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => own.skipped.push(Skipped {
                path: entry,
                reason: SkipReason::NotRegular(FileKind::of(meta.file_type())),
            }),
            Err(err) => {
                let broken_link = err.kind() == io::ErrorKind::NotFound
                    && fs::symlink_metadata(&entry).is_ok_and(|m| m.is_symlink());
                let reason = if broken_link {
                    "a symlink to nothing".to_owned()
                } else {
                    describe_io(&err)
                };
                own.skipped.push(Skipped {
                    path: entry,
                    reason: SkipReason::Unreadable(reason),
                });
            }
        }
    }
    own.files.sort();
    own.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((!own.files.is_empty() || !own.skipped.is_empty()).then_some(own))
}

fn is_policy_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yaml" || e == "yml")
}

/// Entries of a directory, hidden ones (`.git`, `.github`, `.zdpolicy`) left out.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let unreadable = |error| InputError::Unreadable {
        path: dir.to_path_buf(),
        error,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        entries.push(entry.path());
    }
    Ok(entries)
}

/// Whether a YAML file says it is another kind of zdpolicy document (a top-level
/// `kind: simulator-seed` line). A cheap line check: such files are written by zdpolicy users
/// following the documented format, and a file that only looks like one is still validated
/// when named explicitly. A file that cannot be read is kept, so loading it reports why.
fn declares_other_kind(path: &Path) -> bool {
    let Ok(text) = read_policy_file(path, MAX_POLICY_FILE_BYTES) else {
        return false;
    };
    text.lines().any(|line| {
        line.strip_prefix("kind:")
            .map(|v| v.split(" #").next().unwrap_or(v))
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
            .is_some_and(|kind| OTHER_DOCUMENT_KINDS.contains(&kind))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn directory_files_are_sorted_and_merged_with_named_files() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "p/b.yaml", "");
        write(tmp.path(), "p/a.yml", "");
        write(tmp.path(), "p/notes.txt", "");
        write(tmp.path(), "extra.yaml", "");
        let policies = discover(&[tmp.path().join("p"), tmp.path().join("extra.yaml")]).unwrap();
        assert_eq!(policies.len(), 1);
        let names: Vec<_> = policies[0]
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.yml", "b.yaml", "extra.yaml"]);
    }

    #[test]
    fn a_directory_of_policies_stands_for_each() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            tmp.path(),
            "seed.yaml",
            "kind: simulator-seed  # a comment\n",
        );
        write(tmp.path(), "one/zdpolicy.yaml", "");
        write(tmp.path(), "two/policy/a.yaml", "");
        write(tmp.path(), ".github/workflows/ci.yml", "");
        let policies = discover(&[tmp.path().to_path_buf()]).unwrap();
        let labels: Vec<_> = policies.iter().map(|p| p.files.len()).collect();
        assert_eq!(labels, [1, 1]);
        assert!(policies[1].label.ends_with("policy"));
    }

    #[test]
    fn empty_directory_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(matches!(
            discover(&[tmp.path().to_path_buf()]),
            Err(InputError::EmptyDirectory { .. })
        ));
    }

    /// Regression (#12): two links from a directory back to its parent made the walk grow
    /// exponentially (and without end until the OS's symlink limit); a second link to the same
    /// directory read its policy twice.
    #[cfg(unix)]
    #[test]
    fn each_directory_is_entered_once_however_many_links_lead_to_it() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "a/p/zdpolicy.yaml", "");
        write(root, "b/zdpolicy.yaml", "");
        symlink("..", root.join("a/x")).unwrap();
        symlink("..", root.join("a/y")).unwrap();
        symlink("b", root.join("c")).unwrap();
        let policies = discover(&[root.to_path_buf()]).unwrap();
        let labels: Vec<_> = policies
            .iter()
            .map(|p| p.label.strip_prefix(&root.display().to_string()).unwrap())
            .collect();
        assert_eq!(labels, ["/a/p", "/b"]);
    }

    #[cfg(unix)]
    #[test]
    fn policy_entries_that_are_not_regular_files_are_skipped_and_named() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "p/a.yaml", "");
        // A socket stands for every special file: opening one could block or never end.
        let _socket = std::os::unix::net::UnixListener::bind(tmp.path().join("p/b.yaml")).unwrap();
        std::os::unix::fs::symlink("gone.yaml", tmp.path().join("p/c.yaml")).unwrap();
        let policies = discover(&[tmp.path().join("p")]).unwrap();
        assert_eq!(policies.len(), 1);
        assert_eq!(policies[0].files, [tmp.path().join("p/a.yaml")]);
        let skipped: Vec<String> = policies[0]
            .skipped
            .iter()
            .map(|s| s.to_string().replace(&tmp.path().display().to_string(), ""))
            .collect();
        assert_eq!(
            skipped,
            [
                "/p/b.yaml: a socket, not a regular file",
                "/p/c.yaml: a symlink to nothing"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_named_device_is_an_error_not_a_read() {
        let err = discover(&[PathBuf::from("/dev/zero")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/dev/zero is a character device, not a policy file or directory"
        );
    }

    #[test]
    fn missing_path_is_an_error() {
        assert!(matches!(
            discover(&[PathBuf::from("/definitely/not/here.yaml")]),
            Err(InputError::Unreadable { .. })
        ));
    }
}
