//! The desired state: policy files, their validation, and layering into per-account policy.
//!
//! Data flows `input` (which files) → `yaml` (spanned trees) → `decode` + `model` (typed,
//! located values, every problem collected) → `load` (files merged) → `resolve` (layers
//! applied per account) → `rules` (semantic checks). Nothing here talks to Zendesk or resolves
//! secrets.

pub mod decode;
pub mod diagnostic;
pub mod input;
pub mod load;
pub mod mask;
pub mod model;
pub mod read;
pub mod resolve;
pub mod rules;
pub mod schema;
pub mod secret;
pub mod select;
pub mod source;
pub mod trust;
pub mod yaml;
pub mod yaml_limits;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use input::{InputError, PolicyFiles, discover};
pub use load::{Policy, load, load_sources, load_within};
pub use resolve::ResolvedAccount;
