//! The token store of platforms without a keyring (Linux): `tokens.json`, mode 0600, in the
//! configuration directory.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::json_file::{check_version, read_json, write_private};
use super::{FORMAT, StoreError, StoreKind, TokenStore, TokenText, Tokens};

#[derive(Serialize, Deserialize)]
struct TokenFile {
    format_version: u32,
    /// By API base URL.
    tokens: BTreeMap<String, TokenText>,
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use secrecy::{ExposeSecret, SecretString};

    use super::*;

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
}
