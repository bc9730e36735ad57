//! zdpolicy: Zendesk messaging policy as code.

pub mod cli;
pub mod output;
pub mod policy;
