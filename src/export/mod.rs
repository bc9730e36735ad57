//! Live state written out as files: as a policy document (`export`, in [`policy`]) that adopts
//! accounts configured by hand, and as a simulator seed (`snapshot`, in [`seed`]) that lets a
//! plan be rehearsed against a copy of production.
//!
//! Both are the planner's data flow run backwards (live state in, a document out), pure apart
//! from the seed's use of the simulator's types; the CLI writes the text they return.

pub mod policy;
pub mod seed;

pub use policy::{ExportOptions, ExportedAccount, document, export_account, slug, to_yaml};
