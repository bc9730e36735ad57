//! Reading and writing the store's JSON files: a missing file reads as none, a damaged one
//! is named but never quoted, the format version is checked, and writes are private.

use std::path::Path;

use serde::Serialize;

use super::{FORMAT, StoreError};
use crate::files::{FileError, FileKind, OutputFile};

/// Reads a JSON file; a missing file is `None`. A file that does not parse is named, never
/// quoted.
pub(super) fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, StoreError> {
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

pub(super) fn check_version(path: &Path, version: u32) -> Result<(), StoreError> {
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
pub(super) fn write_private(
    dir: &Path,
    path: &Path,
    value: &impl Serialize,
) -> Result<(), StoreError> {
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

#[cfg(test)]
mod tests {
    use super::super::{FileTokenStore, TokenStore};

    #[test]
    fn a_damaged_file_is_named_not_quoted() {
        let dir = tempfile::tempdir().expect("dir");
        let store = FileTokenStore::new(dir.path().to_path_buf());
        std::fs::write(store.path(), "{\"tokens\": secret-looking-text").expect("write");
        let err = store.load("k").expect_err("invalid");
        assert!(!err.to_string().contains("secret-looking"), "{err}");
    }
}
