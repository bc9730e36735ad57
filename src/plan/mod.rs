//! The pure planner: desired state (a resolved policy) and live state (what Zendesk holds) in,
//! one [`Plan`] out, with its views, its safety check and its saved-file format.
//!
//! Nothing here does I/O, reads a clock or holds a client: planning is a function of data,
//! so it is tested without a server. Data flows
//! [`planner`] (settings, [`csat`], managed triggers with [`ownership`], categories) →
//! [`Plan`] → [`render`] (text, JSON, Markdown), [`check_safety`], [`saved`] and
//! [`simulate`].

pub mod address;
pub mod agreement;
mod bodies;
pub mod canonical;
mod categories;
pub mod csat;
mod definitions;
pub mod diagnostic;
mod document;
mod draft;
pub mod error;
pub mod fingerprint;
mod hash;
mod identity;
pub mod inactivity;
mod known_ids;
pub mod manual;
pub mod model;
pub mod operation;
pub mod order;
pub mod ownership;
pub mod planner;
pub mod preflight;
pub mod references;
pub mod render;
pub(crate) mod reorder;
pub mod resolved_reference;
pub mod safety;
pub mod saved;
pub mod settings;
pub mod simulate;
pub mod summary;
pub mod sunshine;
pub mod target;
mod trigger_state;
mod triggers;

pub use address::{Address, ObjectKind};
pub use diagnostic::{DiagnosticCode, PlanDiagnostic, Severity, UnmanagedTrigger};
pub use error::{SavedPlanError, SimulateError};
pub use fingerprint::{Fingerprint, LiveObject, Seen, fingerprint, fingerprint_of};
pub use hash::policy_hash;
pub use manual::{LiveValue, ManualStep};
pub use model::{
    AccountPlan, Change, ChangeAction, FORMAT_VERSION, FieldChange, Limits, Move, Plan,
    SAVED_FORMAT_VERSION, TOOL_VERSION,
};
pub use operation::{
    CategoryPosition, CategoryRef, Operation, TriggerPosition, TriggerRef, TriggerWrite,
};
pub use planner::{
    AccountInput, ReadFailure, plan, plan_account, plan_borrowed, plan_of, plan_read,
};
pub use references::ResolvedReference;
pub use safety::{SafetyLimit, SafetyViolation, check_safety};
pub use saved::{load_saved, to_saved, write_saved};
pub use summary::{NO_CHANGES, Summary, has_changes};
pub use target::{TargetError, Targets};
