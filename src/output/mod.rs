//! Turning results into text for people and machines: colour decisions, diagnostics in
//! human/JSON/GitHub form, and a small YAML writer. Nothing here changes what it prints.

pub mod color;
pub mod diagnostics;
pub mod duration;
pub mod escape;
pub mod resolved;
pub mod snippet;
pub mod yaml;
