//! Signing people in with OAuth (`zdpolicy login`): the authorization-code grant with PKCE
//! and a loopback redirect, the tokens kept in the OS keyring or a private file, and their
//! refresh when they expire.

pub mod pkce;
