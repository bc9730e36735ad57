//! The record of who is signed in where: `sign-ins.json` in the configuration directory,
//! by API base URL, with no tokens in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dir::enclosing_repository;
use super::json_file::{check_version, read_json, write_private};
use super::{FORMAT, StoreError, StoreKind};

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
}
