//! Reading one policy file within bounds: regular files only, at most
//! [`MAX_POLICY_FILE_BYTES`], valid UTF-8; and I/O errors said in plain words.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The largest policy file zdpolicy reads: 64 MiB, far above any real policy (10,000 triggers
/// are about 3 MiB) and low enough that a mistaken path (`/dev/zero`, a log file) fails at once.
pub const MAX_POLICY_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a policy file could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The operating system refused (missing, permission denied, …).
    #[error("cannot read {}: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why, in plain words.
        reason: String,
    },
    /// A FIFO, socket or device: reading one could block or never end.
    #[error("{} is {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: FileKind,
    },
    /// Larger than the limit.
    #[error(
        "{} is {}, more than the {} a policy file may hold",
        path.display(),
        size.map_or_else(|| format!("more than {}", Size(*limit)), |s| Size(s).to_string()),
        Size(*limit)
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, when the file system tells it (a growing file or `/proc` may not).
        size: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8, at this place.
    #[error(
        "{}:{line}:{column}: the file is not valid UTF-8 here (byte offset {byte})",
        path.display()
    )]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// One-based line of the first invalid byte.
        line: usize,
        /// One-based column (in characters) of the first invalid byte.
        column: usize,
        /// Zero-based offset of the first invalid byte.
        byte: usize,
    },
}

/// What a path is when it is neither a regular file nor a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// Anything else the platform has.
    Other,
}

impl FileKind {
    /// Classifies a file type that is neither a regular file nor a directory.
    pub fn of(file_type: fs::FileType) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Self::Fifo;
            }
            if file_type.is_socket() {
                return Self::Socket;
            }
            if file_type.is_char_device() {
                return Self::CharDevice;
            }
            if file_type.is_block_device() {
                return Self::BlockDevice;
            }
        }
        let _ = file_type;
        Self::Other
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fifo => "a named pipe (FIFO)",
            Self::Socket => "a socket",
            Self::CharDevice => "a character device",
            Self::BlockDevice => "a block device",
            Self::Other => "a special file",
        })
    }
}

/// A byte count for people: `64 MiB`, `73924608 bytes (70.5 MiB)`, `812 bytes`.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        let bytes = self.0;
        if bytes < MIB {
            write!(f, "{bytes} bytes")
        } else if bytes.is_multiple_of(MIB) {
            write!(f, "{} MiB", bytes / MIB)
        } else {
            // Bytes first: one byte over the limit would otherwise read as "64.0 MiB".
            write!(f, "{bytes} bytes ({:.1} MiB)", bytes as f64 / MIB as f64)
        }
    }
}

/// Reads a policy file: a regular file (symlinks followed) of at most `limit` bytes, as UTF-8.
///
/// The size is checked from the metadata first and enforced again while reading, since a file
/// can grow, and some (under `/proc`) report a size of 0.
///
/// # Errors
/// See [`ReadError`]; every variant names the path.
pub fn read_policy_file(path: &Path, limit: u64) -> Result<String, ReadError> {
    let io_error = |err: io::Error| ReadError::Io {
        path: path.to_owned(),
        reason: describe_io(&err),
    };
    // Check before opening: opening a FIFO blocks until someone writes to it.
    let meta = fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(io_error(io::ErrorKind::IsADirectory.into()));
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_owned(),
            kind: FileKind::of(meta.file_type()),
        });
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(Some(meta.len())));
    }
    let file = File::open(path).map_err(io_error)?;
    let bytes = read_at_most(file, limit)
        .map_err(io_error)?
        .ok_or_else(|| too_large(None))?;
    String::from_utf8(bytes).map_err(|err| {
        let byte = err.utf8_error().valid_up_to();
        // Everything before the first invalid byte is valid, so it can be counted in characters.
        let before = String::from_utf8_lossy(&err.as_bytes()[..byte]);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 {
            path: path.to_owned(),
            line,
            column,
            byte,
        }
    })
}

/// Reads everything, or `None` as soon as there is more than `limit` bytes.
///
/// # Errors
/// When reading fails.
pub fn read_at_most(reader: impl Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// An I/O error in plain words: "no such file", "permission denied", rather than Rust's
/// "entity not found" or the OS's "(os error 2)".
pub fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        io::ErrorKind::NotADirectory => "a part of the path is not a directory".to_owned(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(end) => text[..end].to_owned(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(Size(812).to_string(), "812 bytes");
        assert_eq!(Size(MAX_POLICY_FILE_BYTES).to_string(), "64 MiB");
        assert_eq!(
            Size(MAX_POLICY_FILE_BYTES + 512 * 1024).to_string(),
            "67633152 bytes (64.5 MiB)"
        );
    }

    #[test]
    fn a_file_over_the_limit_is_refused_with_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        fs::write(&path, "x".repeat(101)).unwrap();
        let err = read_policy_file(&path, 100).unwrap_err();
        assert_eq!(
            err,
            ReadError::TooLarge {
                path: path.clone(),
                size: Some(101),
                limit: 100
            }
        );
        assert!(
            err.to_string()
                .ends_with("big.yaml is 101 bytes, more than the 100 bytes a policy file may hold"),
            "{err}"
        );
        fs::write(&path, "x".repeat(100)).unwrap();
        assert_eq!(read_policy_file(&path, 100).unwrap().len(), 100);
    }

    #[test]
    fn the_limit_holds_while_reading_when_the_metadata_says_nothing() {
        // /proc files report a size of 0; a reader is what enforces the limit for them.
        assert_eq!(
            read_at_most(&b"12345"[..], 5).unwrap(),
            Some(b"12345".to_vec())
        );
        assert_eq!(read_at_most(&b"123456"[..], 5).unwrap(), None);
        assert_eq!(read_at_most(io::repeat(0), 1024).unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_reading_it() {
        let err = read_policy_file(Path::new("/dev/zero"), MAX_POLICY_FILE_BYTES).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/dev/zero is a character device, not a regular file"
        );
    }

    #[test]
    fn invalid_utf8_names_the_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.yaml");
        fs::write(&path, b"version: 1\nname: \xc3\xa9\xff\n").unwrap();
        let err = read_policy_file(&path, 100).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::NotUtf8 {
                    line: 2,
                    column: 8,
                    byte: 19,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn io_errors_are_plain_words() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(describe_io(&denied), "permission denied");
        #[cfg(target_os = "linux")]
        {
            // Other errors keep the system's words, without "(os error 16)".
            let busy = io::Error::from_raw_os_error(16);
            assert_eq!(describe_io(&busy), "Device or resource busy");
        }
        let err = read_policy_file(Path::new("/definitely/not/here.yaml"), 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read /definitely/not/here.yaml: no such file or directory"
        );
    }
}
