//! Tokens in the OS keyring through the `keyring` crate: the macOS Keychain and the Windows
//! Credential Manager. Elsewhere (Linux) `login` keeps the tokens in the file store.
//!
//! Every call runs on a thread of its own with a time limit: a keyring waiting for the
//! person to unlock it must not stall the command, nor an async runtime's threads.

use std::sync::mpsc;
use std::time::Duration;

use super::store::{StoreError, StoreKind, TokenStore, Tokens};

/// The keyring's "service" under which every entry is kept; the entry's user name is the
/// account's API base URL.
const SERVICE: &str = "zdpolicy";

/// Longest one keyring call may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The OS keyring.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyringTokenStore;

impl TokenStore for KeyringTokenStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Keyring
    }

    fn load(&self, key: &str) -> Result<Option<Tokens>, StoreError> {
        let text = call(key, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(text)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        text.map(|t| {
            Tokens::from_json(&t).ok_or_else(|| {
                StoreError::Keyring(format!("the entry for {key} is not one zdpolicy wrote"))
            })
        })
        .transpose()
    }

    fn save(&self, key: &str, tokens: &Tokens) -> Result<(), StoreError> {
        let text = tokens.to_json();
        call(key, move |entry| entry.set_password(&text))
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        call(key, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

/// Runs `f` on the entry for `key` on its own thread, waiting at most [`TIMEOUT`].
fn call<T: Send + 'static>(
    key: &str,
    f: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> Result<T, StoreError> {
    let key = key.to_owned();
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .name("zdpolicy-keyring".into())
        .spawn(move || {
            let result = keyring::Entry::new(SERVICE, &key).and_then(|entry| f(&entry));
            let _ = send.send(result);
        })
        .map_err(|e| StoreError::Keyring(format!("cannot start: {e}")))?;
    match receive.recv_timeout(TIMEOUT) {
        Ok(result) => result.map_err(|e| StoreError::Keyring(describe(&e))),
        // The thread is left behind: it ends with the process.
        Err(_) => Err(StoreError::Keyring(format!(
            "no answer within {} s (is the keyring locked?)",
            TIMEOUT.as_secs()
        ))),
    }
}

/// The keyring's error in words; never the entry's contents (`BadEncoding` carries them).
fn describe(error: &keyring::Error) -> String {
    match error {
        keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => e.to_string(),
        keyring::Error::NoEntry => "no entry".to_owned(),
        keyring::Error::BadEncoding(_) => "the entry is not text".to_owned(),
        keyring::Error::TooLong(what, limit) => format!("the {what} is longer than {limit}"),
        keyring::Error::Invalid(what, why) => format!("invalid {what}: {why}"),
        keyring::Error::Ambiguous(_) => "more than one entry matches".to_owned(),
        _ => "it failed".to_owned(),
    }
}
