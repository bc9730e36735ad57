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
pub mod read_plan;
pub mod simulator;
pub mod zendesk;
