//! Signing people in with OAuth (`zdpolicy login`): the authorization-code grant with PKCE
//! and a loopback redirect, the tokens kept in the OS keyring or a private file, and their
//! refresh when they expire.

#[cfg(any(target_os = "macos", target_os = "windows"))]
pub mod keyring_store;
pub mod login;
pub mod pkce;
pub mod session;
pub mod store;
pub mod token;
