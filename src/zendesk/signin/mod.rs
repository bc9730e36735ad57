//! Signing people in with OAuth (`zdpolicy login`): the authorization-code grant with PKCE
//! and a loopback redirect, the tokens kept in the OS keyring or a private file, and their
//! refresh when they expire.
//!
//! Part of `zendesk/` because it is how the client authenticates: the client sends a
//! sign-in's token and renews it on a 401, and sign-in speaks Zendesk's OAuth endpoints with
//! the client's capped body reader and wire types.

#[cfg(any(target_os = "macos", target_os = "windows"))]
pub mod keyring_store;
pub mod login;
pub mod pkce;
pub mod session;
pub mod store;
pub mod token;
