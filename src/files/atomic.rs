//! The one way zdpolicy writes a file: into a temporary file beside it, fsync, then a rename
//! over the target, so a reader sees the old file or the new one and never half of either. The
//! target's kind is checked first, so a file zdpolicy did not write for this purpose is never
//! replaced without `--force`.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::FileError;
use super::kind::{FileKind, SNIFF_BYTES};

/// A file about to be written: the target has been checked and the temporary file beside it
/// exists, so a directory that is missing or not writable fails here, before any other work.
/// Dropping it without [`OutputFile::commit`] removes the temporary file and leaves the target
/// as it was.
#[derive(Debug)]
pub struct OutputFile {
    /// The path as the user gave it (for messages).
    shown: PathBuf,
    kind: FileKind,
    force: bool,
    temp: NamedTempFile,
}

impl OutputFile {
    /// Checks that `path` may become a file of `kind` and creates its temporary file.
    ///
    /// # Errors
    /// [`FileError::Foreign`] when the path holds a file of another kind and `force` is off,
    /// [`FileError::NotAFile`] for a directory, device or pipe, [`FileError::Io`] when the
    /// directory is missing or the temporary file cannot be created.
    pub fn create(path: &Path, kind: FileKind, force: bool) -> Result<Self, FileError> {
        Self::create_with_mode(path, kind, force, None)
    }

    /// As [`OutputFile::create`], but the file gets mode `0600` (readable by its owner
    /// only) whatever the old file's mode was: for files that hold secrets.
    ///
    /// # Errors
    /// As [`OutputFile::create`].
    pub fn create_private(path: &Path, kind: FileKind) -> Result<Self, FileError> {
        Self::create_with_mode(path, kind, false, Some(0o600))
    }

    fn create_with_mode(
        path: &Path,
        kind: FileKind,
        force: bool,
        mode: Option<u32>,
    ) -> Result<Self, FileError> {
        let target = check(path, kind, force)?;
        let io = |source| FileError::Io {
            path: path.to_owned(),
            source,
        };
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        let permissions = match mode {
            Some(mode) => {
                use std::os::unix::fs::PermissionsExt;
                fs::Permissions::from_mode(mode)
            }
            None => permissions_for(&target),
        };
        #[cfg(unix)]
        builder.permissions(permissions);
        #[cfg(not(unix))]
        let _ = mode;
        let temp = builder
            .tempfile_in(dir)
            .map_err(|e| io(without_temp_path(e)))?;
        Ok(Self {
            shown: path.to_owned(),
            kind,
            force,
            temp,
        })
    }

    /// The path being written, as given.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Writes `bytes`, flushes them to disk and renames the file into place.
    ///
    /// # Errors
    /// As [`OutputFile::create`] (the target is checked again: another program may have put
    /// something there meanwhile), and [`FileError::Io`] when writing or renaming fails.
    pub fn commit(self, bytes: &[u8]) -> Result<(), FileError> {
        self.commit_with(|out| out.write_all(bytes))
    }

    /// As [`OutputFile::commit`], the content written by `write` in parts (buffered): for a
    /// file that is never held whole in memory, such as a saved plan of a thousand accounts.
    ///
    /// # Errors
    /// As [`OutputFile::commit`], and whatever `write` fails with.
    pub fn commit_with(
        mut self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), FileError> {
        let io = |source| FileError::Io {
            path: self.shown.clone(),
            source,
        };
        let target = check(&self.shown, self.kind, self.force)?;
        let mut buffered = std::io::BufWriter::new(self.temp.as_file_mut());
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(io)?;
        drop(buffered);
        self.temp.as_file().sync_all().map_err(io)?;
        self.temp.persist(&target).map_err(|e| io(e.error))?;
        sync_directory(&target);
        Ok(())
    }
}

/// Writes a whole file atomically: [`OutputFile::create`] then [`OutputFile::commit`].
///
/// # Errors
/// As those two.
pub fn write_file(path: &Path, kind: FileKind, force: bool, bytes: &[u8]) -> Result<(), FileError> {
    OutputFile::create(path, kind, force)?.commit(bytes)
}

/// Checks what is at `path` now; returns where to rename to.
fn check(path: &Path, kind: FileKind, force: bool) -> Result<PathBuf, FileError> {
    let io = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    let link = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_owned()),
        Err(e) => return Err(io(e)),
    };
    // A link is followed: replacing the link itself would leave its target stale.
    let target = if link.file_type().is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) => target,
            // A dangling link: its target does not exist yet, so write there.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let to = fs::read_link(path).map_err(io)?;
                path.parent().map_or(to.clone(), |dir| dir.join(to))
            }
            Err(e) => return Err(io(e)),
        }
    } else {
        path.to_owned()
    };
    let meta = match fs::metadata(&target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(target),
        Err(e) => return Err(io(e)),
    };
    // Renaming over a device or a directory would replace it (as root, even /dev/null).
    if !meta.is_file() {
        return Err(FileError::NotAFile {
            path: path.to_owned(),
        });
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    File::open(&target)
        .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
        .map_err(io)?;
    let found = FileKind::of(&head);
    if !force && !found.replaceable_by(kind) {
        return Err(FileError::Foreign {
            path: path.to_owned(),
            found,
            expected: kind,
        });
    }
    Ok(target)
}

/// The operating system's error without the temporary file's name, which tempfile adds
/// ("… at path \"dir/.plan.json.Ab12.tmp\"") but which means nothing to the user.
fn without_temp_path(err: std::io::Error) -> std::io::Error {
    let text = err.to_string();
    match text.rfind(" at path \"") {
        Some(end) => std::io::Error::new(err.kind(), &text[..end]),
        None => err,
    }
}

/// The mode of the new file: the old file's, or the usual 0666 less the umask for a new one
/// (a temporary file would otherwise keep its private 0600).
#[cfg(unix)]
fn permissions_for(target: &Path) -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(target).map_or_else(|_| fs::Permissions::from_mode(0o666), |m| m.permissions())
}

/// Makes the rename itself durable. Best effort: the data is already on disk, and some file
/// systems cannot sync a directory.
fn sync_directory(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    #[cfg(not(unix))]
    let _ = target;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_new_files_and_replaces_its_own_kind() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("plan.json");
        let plan = b"{\"format_version\": \"1.0\", \"policy_hash\": \"a\"}\n";
        write_file(&path, FileKind::SavedPlan, false, plan).expect("new file");
        write_file(
            &path,
            FileKind::SavedPlan,
            false,
            b"{\"format_version\": \"1.0\", \"policy_hash\": \"b\"}\n",
        )
        .expect("same kind");
        assert!(fs::read_to_string(&path).expect("read").contains("\"b\""));
        assert_eq!(entries(dir.path()), ["plan.json"], "no temporary file left");
    }

    #[test]
    fn refuses_other_kinds_unless_forced() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("zdpolicy.yaml");
        fs::write(&path, "version: 1\naccounts: {}\n").expect("write");
        let err = write_file(&path, FileKind::SavedPlan, false, b"{}").expect_err("refused");
        assert!(matches!(
            err,
            FileError::Foreign {
                found: FileKind::Policy,
                expected: FileKind::SavedPlan,
                ..
            }
        ));
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "version: 1\naccounts: {}\n"
        );
        write_file(&path, FileKind::SavedPlan, true, b"{}").expect("forced");
        assert_eq!(fs::read_to_string(&path).expect("read"), "{}");
        assert_eq!(entries(dir.path()), ["zdpolicy.yaml"]);
    }

    #[test]
    fn a_dropped_output_file_leaves_everything_as_it_was() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("r.json");
        let file = OutputFile::create(&path, FileKind::ApplyReport, false).expect("created");
        assert_eq!(entries(dir.path()).len(), 1, "the temporary file");
        drop(file);
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_fails_at_create() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("missing/r.json");
        assert!(matches!(
            OutputFile::create(&path, FileKind::ApplyReport, false),
            Err(FileError::Io { .. })
        ));
    }

    #[test]
    fn directories_and_devices_are_never_replaced() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(matches!(
            write_file(dir.path(), FileKind::SavedPlan, true, b"{}"),
            Err(FileError::NotAFile { .. })
        ));
        #[cfg(unix)]
        assert!(matches!(
            OutputFile::create(Path::new("/dev/null"), FileKind::SavedPlan, true),
            Err(FileError::NotAFile { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_the_mode_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("real.json");
        fs::write(&real, "").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        write_file(&link, FileKind::SavedPlan, false, b"{}").expect("written");
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "{}");
        let mode = fs::metadata(&real).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
