//! An exclusive lock on a file that several zdpolicy processes read and write (the sandbox's
//! state), held for a whole command. It is a `.lock` file beside the locked one, locked with the
//! operating system's advisory file lock (released when the process ends, even by `kill -9`),
//! and it says who holds it: the process id and the command.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::LockError;

/// How often a waiting process tries again.
const POLL: Duration = Duration::from_millis(100);

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

/// The lock file of `path`: `path` with `.lock` appended.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl FileLock {
    /// Locks `path`'s lock file, creating it if needed, and records `command` and this
    /// process's id in it. While another process holds it, calls `waiting` once with that
    /// holder's record and tries again until `wait` has passed.
    ///
    /// The lock file is never deleted: a process waiting on a deleted lock file would lock a
    /// file nobody else sees.
    ///
    /// # Errors
    /// [`LockError::Held`] with the holder when `wait` passes; [`LockError::Io`] when the lock
    /// file cannot be created or locked.
    pub fn acquire(
        path: &Path,
        command: &str,
        wait: Duration,
        waiting: impl FnOnce(&str),
    ) -> Result<Self, LockError> {
        let lock = lock_path(path);
        let io = |source| LockError::Io {
            path: lock.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(io)?;
        let started = Instant::now();
        let mut waiting = Some(waiting);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let holder = holder(&mut file);
                    if started.elapsed() >= wait {
                        return Err(LockError::Held {
                            path: path.to_owned(),
                            holder,
                            waited: started.elapsed(),
                        });
                    }
                    if let Some(waiting) = waiting.take() {
                        waiting(&holder);
                    }
                    std::thread::sleep(POLL.min(wait.saturating_sub(started.elapsed())));
                }
                Err(TryLockError::Error(source)) => return Err(io(source)),
            }
        }
        let record = format!("pid {}: {command}\n", std::process::id());
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| file.write_all(record.as_bytes()))
            .map_err(io)?;
        Ok(Self { file })
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // The record would name a process that no longer holds the lock.
        let _ = self.file.set_len(0);
    }
}

/// What the lock file says about its holder.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let read = file
        .rewind()
        .and_then(|()| file.take(1024).read_to_string(&mut text));
    match text.trim() {
        // Between another process's lock and its record, or where locks forbid reading.
        holder if read.is_err() || holder.is_empty() => "another zdpolicy process".to_owned(),
        holder => holder.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().expect("dir");
        let state = dir.path().join("state.json");
        let held = FileLock::acquire(&state, "zdpolicy plan", Duration::ZERO, |_| {
            panic!("nobody holds it yet")
        })
        .expect("locked");
        let record = std::fs::read_to_string(lock_path(&state)).expect("record");
        assert_eq!(
            record,
            format!("pid {}: zdpolicy plan\n", std::process::id())
        );
        let mut seen = None;
        // Long enough that the first refusal comes before the wait is over, even on a busy
        // machine (1 ms was not: the holder was named in the error but never told as waiting).
        let err = FileLock::acquire(&state, "zdpolicy apply", Duration::from_millis(200), |h| {
            seen = Some(h.to_owned());
        })
        .expect_err("held");
        let LockError::Held { holder, .. } = err else {
            panic!("{err}");
        };
        assert_eq!(holder, record.trim());
        assert_eq!(seen.as_deref(), Some(record.trim()));
        drop(held);
        FileLock::acquire(&state, "zdpolicy apply", Duration::ZERO, |_| {
            panic!("released")
        })
        .expect("free again");
    }
}
