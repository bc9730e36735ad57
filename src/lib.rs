//! zdpolicy: Zendesk messaging policy as code.

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
pub mod simulator;
pub mod snapshot;
pub mod zendesk;
