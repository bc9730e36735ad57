//! The state file (`--state FILE`): loaded at start, saved shortly after changes, a burst of
//! them at once (or, for the sandbox, only at the end of the command), and at shutdown, always
//! atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::error::SimulatorError;
use super::shared::{Shared, lock};
use super::state::{STATE_FORMAT, SimState};
use crate::files::{FileKind, write_file};

/// Loads the state file; `None` when it does not exist yet.
///
/// # Errors
/// [`SimulatorError::StateIo`] when it cannot be read, [`SimulatorError::StateInvalid`] when it
/// is not simulator state of this format.
pub(crate) fn load(path: &Path) -> Result<Option<SimState>, SimulatorError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(SimulatorError::StateIo {
                path: path.to_owned(),
                source,
            });
        }
    };
    let invalid = |message: String| SimulatorError::StateInvalid {
        path: path.to_owned(),
        message,
    };
    let state: SimState = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    if state.format_version != STATE_FORMAT {
        return Err(invalid(format!(
            "format version {} (this simulator reads {STATE_FORMAT})",
            state.format_version
        )));
    }
    Ok(Some(state))
}

/// Saves the state atomically, never over a file that is not simulator state.
///
/// # Errors
/// [`SimulatorError::StateWrite`] when the file cannot be written or renamed.
pub(crate) fn save(path: &Path, state: &SimState) -> Result<(), SimulatorError> {
    let text = serde_json::to_vec_pretty(state).map_err(|e| SimulatorError::StateIo {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    })?;
    Ok(write_file(path, FileKind::SimulatorState, false, &text)?)
}

/// How long after a change the state is saved; changes meanwhile are saved with it.
const SAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// Saves the state whenever it changes (when given the change signal), until told to stop;
/// then saves once more.
#[derive(Debug)]
pub(crate) struct Saver {
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), SimulatorError>>,
}

impl Saver {
    /// Starts saving `shared`'s state to `path`: after each change when `changed` is given,
    /// else only when finished.
    pub(crate) fn spawn(path: PathBuf, shared: Arc<Shared>, changed: Option<Arc<Notify>>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                let change = async {
                    match &changed {
                        Some(changed) => changed.notified().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    () = change => {
                        // One save for every change of the next moment: copying and writing
                        // the whole state costs as much as all its accounts, so a save per
                        // request would make each request cost more with every account.
                        tokio::select! {
                            () = tokio::time::sleep(SAVE_DELAY) => {}
                            _ = stopped.changed() => break,
                        }
                        if let Err(e) = save_snapshot(&path, &shared).await {
                            // Keep serving: a later save may succeed; shutdown reports the last error.
                            eprintln!("zdpolicy simulator: {e}");
                        }
                    }
                    _ = stopped.changed() => break,
                }
            }
            save_snapshot(&path, &shared).await
        });
        Self { stop, task }
    }

    /// Stops saving after one last save.
    ///
    /// # Errors
    /// The last save's error.
    pub(crate) async fn finish(self) -> Result<(), SimulatorError> {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or(Ok(()))
    }
}

async fn save_snapshot(path: &Path, shared: &Shared) -> Result<(), SimulatorError> {
    let snapshot = lock(&shared.state).clone();
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || save(&path, &snapshot))
        .await
        .unwrap_or(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_atomically() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.json");
        assert_eq!(load(&path).expect("missing file is fine"), None);
        let mut state = SimState::default();
        state.next_id += 5;
        save(&path, &state).expect("saved");
        state.next_id += 1;
        save(&path, &state).expect("state replaces state");
        assert_eq!(load(&path).expect("loads"), Some(state));
        std::fs::write(dir.path().join("policy.yaml"), "version: 1\n").expect("write");
        assert!(matches!(
            save(&dir.path().join("policy.yaml"), &SimState::default()),
            Err(SimulatorError::StateWrite(_))
        ));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left behind");
        std::fs::write(
            &path,
            "{\"format_version\": 99, \"next_id\": 1, \"accounts\": {}}",
        )
        .expect("write");
        assert!(matches!(
            load(&path),
            Err(SimulatorError::StateInvalid { .. })
        ));
    }
}
