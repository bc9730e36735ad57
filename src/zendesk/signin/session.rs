//! A stored sign-in in use: the access token for requests, refreshed when it has expired (or
//! Zendesk refused it), with the rotated refresh token stored at once. Several zdpolicy
//! processes may share one sign-in: a refresh happens under a lock on the records, and a
//! process that finds the tokens already refreshed by another uses those.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use thiserror::Error;
use tokio::sync::Mutex;

use super::store::{
    FileTokenStore, Records, SignInRecord, StoreError, StoreKind, TokenStore, Tokens,
};
use super::token::{self, Granted, TokenError};
use crate::files::{FileLock, LockError};

/// A token counts as expired this long before Zendesk's expiry, so a request does not set
/// out with a token that dies on the way.
const MARGIN: i64 = 60;

/// How long a refresh waits for another process's refresh of the same records.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Why a sign-in cannot authenticate. Never holds a token.
#[derive(Debug, Error)]
pub enum SessionError {
    /// The records or the token store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The record exists but its tokens are gone from the store.
    #[error("the tokens of this sign-in are missing from {store}")]
    TokensMissing {
        /// Where they should have been.
        store: StoreKind,
    },
    /// Zendesk refused the refresh token: revoked, expired or used by someone else.
    #[error("Zendesk no longer accepts this sign-in ({code})")]
    Revoked {
        /// The OAuth error code.
        code: String,
    },
    /// The refresh did not get through.
    #[error("could not refresh the sign-in: {0}")]
    Refresh(TokenError),
    /// Another process held the records' lock for too long.
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// The token store a record names.
pub fn store_for(kind: StoreKind, dir: &Path) -> Result<Arc<dyn TokenStore>, StoreError> {
    match kind {
        StoreKind::File => Ok(Arc::new(FileTokenStore::new(dir.to_path_buf()))),
        StoreKind::Keyring => keyring_store(),
    }
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
fn keyring_store() -> Result<Arc<dyn TokenStore>, StoreError> {
    Ok(Arc::new(super::keyring_store::KeyringTokenStore))
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
fn keyring_store() -> Result<Arc<dyn TokenStore>, StoreError> {
    Err(StoreError::Keyring(
        "zdpolicy uses the OS keyring on macOS and Windows only".to_owned(),
    ))
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// One account's sign-in while a command runs.
pub struct Session {
    records: Records,
    store: Arc<dyn TokenStore>,
    record: Mutex<SignInRecord>,
    access: Mutex<SecretString>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The sign-in kept for `base_url`, if there is one.
    ///
    /// # Errors
    /// When the records or the store cannot be read, or the record's tokens are gone.
    pub fn open(records: Records, base_url: &str) -> Result<Option<Self>, SessionError> {
        let Some(record) = records.get(base_url)? else {
            return Ok(None);
        };
        let store = store_for(record.store, records.dir())?;
        let tokens = store.load(base_url)?.ok_or(SessionError::TokensMissing {
            store: record.store,
        })?;
        Ok(Some(Self {
            records,
            store,
            record: Mutex::new(record),
            access: Mutex::new(tokens.access),
        }))
    }

    /// Who is signed in (for messages).
    pub async fn record(&self) -> SignInRecord {
        self.record.lock().await.clone()
    }

    /// The access token to send: the current one while it lives, else a refreshed one.
    ///
    /// # Errors
    /// As [`Session::renew`].
    pub async fn access_token(&self, http: &reqwest::Client) -> Result<SecretString, SessionError> {
        let expires_at = self.record.lock().await.access_expires_at;
        if now() + MARGIN < expires_at {
            return Ok(self.access.lock().await.clone());
        }
        self.renew(http, None).await
    }

    /// Refreshes the tokens, unless another process (or another request of this one) already
    /// replaced `refused`, the access token Zendesk just refused; `None` refreshes unless the
    /// stored token is still live.
    ///
    /// # Errors
    /// [`SessionError::Revoked`] when Zendesk refuses the refresh token, and store, lock and
    /// network failures.
    pub async fn renew(
        &self,
        http: &reqwest::Client,
        refused: Option<&SecretString>,
    ) -> Result<SecretString, SessionError> {
        let mut access = self.access.lock().await;
        let mut record = self.record.lock().await;
        let base_url = record.base_url.clone();
        let lock_path = self.records.dir().join("sign-ins.json");
        let lock = tokio::task::spawn_blocking(move || {
            FileLock::acquire(
                &lock_path,
                "zdpolicy (refreshing a sign-in)",
                LOCK_WAIT,
                |_| {},
            )
        })
        .await
        .map_err(|e| StoreError::Keyring(format!("the lock task failed: {e}")))??;
        // What is stored now: another process may have refreshed meanwhile.
        let stored_record = self
            .records
            .get(&base_url)?
            .unwrap_or_else(|| record.clone());
        let stored = self
            .store
            .load(&base_url)?
            .ok_or(SessionError::TokensMissing {
                store: record.store,
            })?;
        let replaced = match refused {
            Some(refused) => stored.access.expose_secret() != refused.expose_secret(),
            None => now() + MARGIN < stored_record.access_expires_at,
        };
        if replaced {
            *access = stored.access.clone();
            *record = stored_record;
            drop(lock);
            return Ok(stored.access);
        }
        let granted = token::refresh(http, &base_url, &record.client_id, &stored.refresh)
            .await
            .map_err(|e| match e {
                TokenError::Refused { code, .. } => SessionError::Revoked { code },
                other => SessionError::Refresh(other),
            })?;
        let renewed = self.keep(&mut record, &granted)?;
        drop(lock);
        *access = renewed.clone();
        Ok(renewed)
    }

    /// Stores a refresh's answer: the new pair first (the old refresh token is dead already),
    /// then the record's expiries.
    fn keep(
        &self,
        record: &mut SignInRecord,
        granted: &Granted,
    ) -> Result<SecretString, StoreError> {
        let tokens = Tokens {
            access: granted.access.clone(),
            refresh: granted.refresh.clone(),
        };
        self.store.save(&record.base_url, &tokens)?;
        let now = now();
        record.access_expires_at = now.saturating_add(seconds(granted.expires_in));
        record.refresh_expires_at = granted
            .refresh_expires_in
            .map(|s| now.saturating_add(seconds(s)));
        self.records.put(record.clone())?;
        Ok(tokens.access)
    }
}

/// Seconds as an `i64`, saturating.
pub fn seconds(s: u64) -> i64 {
    i64::try_from(s).unwrap_or(i64::MAX)
}
