//! Finding the policy files a command should read.
//!
//! Files and directories named together form one policy: a directory contributes every
//! `*.yaml`/`*.yml` directly inside it, sorted by name, and all files merge into one document.
//! A directory with no policy files of its own but with policy directories below it (a repo
//! holding several independent policies, such as `examples/`) stands for each of those
//! policies separately; `validate` checks them all, other commands ask for one.
//! YAML files that declare another zdpolicy document kind (`kind: simulator-seed`) are skipped
//! when found in a directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// One policy: the files that merge into it, in load order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFiles {
    /// What to call the policy in messages: the directory or file it came from.
    pub label: String,
    /// The files, in the order they are merged.
    pub files: Vec<PathBuf>,
}

/// A problem finding policy files.
#[derive(Debug, Error)]
pub enum InputError {
    /// A named path does not exist or cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The path as named.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// No paths were named and neither default exists.
    #[error("no policy given, and neither ./zdpolicy.yaml nor ./policy/ exists")]
    NoDefault,
    /// A directory holds no policy files, directly or below.
    #[error("{path} holds no policy files (*.yaml or *.yml)")]
    EmptyDirectory {
        /// The directory.
        path: PathBuf,
    },
}

/// The document kinds zdpolicy writes besides policies; files of these kinds are skipped
/// when found in a policy directory.
const OTHER_DOCUMENT_KINDS: &[&str] = &["simulator-seed"];

/// Resolves command-line paths (or the defaults) into policies.
///
/// # Errors
/// Fails when a path cannot be read or a directory holds no policy files.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PolicyFiles>, InputError> {
    if paths.is_empty() {
        return discover_default(Path::new("."));
    }
    let mut merged = PolicyFiles {
        label: String::new(),
        files: Vec::new(),
    };
    let mut labels = Vec::new();
    let mut separate = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|source| InputError::Unreadable {
            path: path.clone(),
            source,
        })?;
        if !meta.is_dir() {
            merged.files.push(path.clone());
            labels.push(path.display().to_string());
            continue;
        }
        let own = policy_files_in(path)?;
        if !own.is_empty() {
            merged.files.extend(own);
            labels.push(path.display().to_string());
            continue;
        }
        let below = policy_dirs_below(path)?;
        if below.is_empty() {
            return Err(InputError::EmptyDirectory { path: path.clone() });
        }
        separate.extend(below);
    }
    let mut policies = Vec::new();
    if !merged.files.is_empty() {
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
        }]);
    }
    let policy_dir = PathBuf::from("policy");
    if dir.join(&policy_dir).is_dir() {
        return discover(&[policy_dir]);
    }
    Err(InputError::NoDefault)
}

/// The policy files directly inside `dir`, sorted.
fn policy_files_in(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for entry in read_dir(dir)? {
        let path = entry;
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yaml" || e == "yml");
        if is_yaml && path.is_file() && !declares_other_kind(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Every directory below `dir` (depth first, sorted) that holds policy files itself.
fn policy_dirs_below(dir: &Path) -> Result<Vec<PolicyFiles>, InputError> {
    let mut found = Vec::new();
    let mut subdirs: Vec<PathBuf> = read_dir(dir)?.into_iter().filter(|p| p.is_dir()).collect();
    subdirs.sort();
    for sub in subdirs {
        let own = policy_files_in(&sub)?;
        if own.is_empty() {
            found.extend(policy_dirs_below(&sub)?);
        } else {
            found.push(PolicyFiles {
                label: sub.display().to_string(),
                files: own,
            });
        }
    }
    Ok(found)
}

/// Entries of a directory, hidden ones (`.git`, `.github`, `.zdpolicy`) left out.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let unreadable = |source| InputError::Unreadable {
        path: dir.to_path_buf(),
        source,
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
/// when named explicitly.
fn declares_other_kind(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
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

    #[test]
    fn missing_path_is_an_error() {
        assert!(matches!(
            discover(&[PathBuf::from("/definitely/not/here.yaml")]),
            Err(InputError::Unreadable { .. })
        ));
    }
}
