//! Which directory sign-ins are kept in: the user's configuration directory, and never one
//! inside the git repository being worked on.

use std::path::{Path, PathBuf};

use super::StoreError;

/// Overrides the configuration directory (tests, and people who keep it elsewhere).
pub const CONFIG_DIR_ENV: &str = "ZDPOLICY_CONFIG_DIR";

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

/// The git repository holding the current directory, when `dir` lies inside it too (and it
/// is not the home directory, which people keep under git for their dotfiles).
pub(super) fn enclosing_repository(dir: &Path) -> Option<PathBuf> {
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
    use super::super::Records;
    use super::*;

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
