//! zdpolicy: Zendesk messaging policy as code.

// Bad input is an error with a location, never a panic: outside tests nothing unwraps.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod apply;
pub mod cli;
pub mod directory;
pub mod export;
pub mod files;
pub mod live;
pub mod output;
pub mod plan;
pub mod policy;
pub mod refresh;
pub mod sandbox;
pub mod select;
pub mod signin;
pub mod simulator;
pub mod snapshot;
pub mod zendesk;
